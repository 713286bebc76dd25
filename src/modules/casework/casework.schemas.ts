import { z } from 'zod';
import { readCode, readDate, readId, readText, readVersion, readWhole, text } from '../../platform/form-readers.js';
import { formSchema } from '../people/case.schemas.js';
import { CONTACT_METHODS, INITIATORS, type ContactMethod } from './casework.table.js';

/** The casework forms (issue 6): allocating a referral, logging a contact. Every problem at once, in page order. */

export const SUMMARY_MAX = 4000;
export const JUSTIFICATION_MAX = 2000;
/** Methods that use one of the victim's phone numbers or e-mail addresses. */
export const CHANNEL_METHODS: readonly ContactMethod[] = ['phone', 'text', 'email'];

export const allocateForm = formSchema((raw, fail) => ({
  idvaId: readId(raw, fail, 'idvaId', 'Select the IDVA to allocate the case to')!,
  version: readVersion(raw, fail, 1),
}));

export type ContactInput = {
  contactOn: string;
  method: ContactMethod;
  contactValueId: string | null;
  successful: boolean;
  initiatedBy: (typeof INITIATORS)[number];
  durationMinutes: number | null;
  summary: string;
  voicemailLeft: boolean;
  withinSafeTimes: boolean | null;
  /** The IDVA confirmed going ahead against the safe-contact rules, and why. */
  confirmUnsafe: boolean;
  justification: string | null;
};

const yesNo = (value: unknown): boolean | null => (text(value) === 'yes' ? true : text(value) === 'no' ? false : null);

export const contactForm = formSchema((raw, fail) => {
  const contactOn = readDate(raw, fail, 'contactOn', 'The date of the contact', 'Enter the date of the contact');
  const method = readCode(raw, fail, 'method', CONTACT_METHODS, 'Select how the contact was made');
  const contactValueId = method && CHANNEL_METHODS.includes(method) ? readId(raw, fail, 'contactValueId', 'Select the number or e-mail address used') : null;
  const successful = yesNo(raw.successful);
  if (successful === null) fail('successful', 'Select whether the contact was successful');
  const initiatedBy = readCode(raw, fail, 'initiatedBy', INITIATORS, 'Select who made the contact');
  const durationMinutes = readWhole(raw, fail, 'durationMinutes', [0, 600], 'The length of the contact must be a whole number of minutes from 0 to 600');
  const summary = readText(raw, fail, 'summary', 'The summary', SUMMARY_MAX, 'Enter a summary of the contact');
  const input: ContactInput = {
    contactOn: contactOn!,
    method: method!,
    contactValueId: contactValueId ?? null,
    successful: successful!,
    initiatedBy: initiatedBy!,
    durationMinutes: durationMinutes ?? null,
    summary: summary!,
    voicemailLeft: text(raw.voicemailLeft) === 'yes',
    withinSafeTimes: yesNo(raw.withinSafeTimes),
    confirmUnsafe: text(raw.confirmUnsafe) === 'yes',
    justification: readText(raw, fail, 'justification', 'The reason', JUSTIFICATION_MAX),
  };
  return { contact: input };
});

export const caseloadQuery = z.object({ idva: z.uuid().optional().catch(undefined) });
export const idParams = z.object({ id: z.uuid() });
