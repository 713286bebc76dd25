import { HarbourError } from '../../platform/errors.js';

export const accountErrors = {
  badCredentials: () =>
    new HarbourError('bad_credentials', 400, 'Enter a correct email address and password', [
      { field: 'email', message: 'Enter a correct email address and password' },
    ]),
  locked: (minutes: number) =>
    new HarbourError(
      'account_locked',
      400,
      `Your account is locked after too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      [{ field: 'email', message: `Your account is locked after too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` }],
    ),
  badCode: () =>
    new HarbourError('bad_code', 400, 'The code is not correct or has expired', [
      { field: 'code', message: 'The code is not correct or has expired: enter the current code from your app' },
    ]),
  invitationInvalid: () => new HarbourError('invitation_invalid', 404, 'This invitation link is not valid. It may have expired or been used already.'),
  weakPassword: (message: string) => new HarbourError('weak_password', 400, message, [{ field: 'password', message }]),
};
