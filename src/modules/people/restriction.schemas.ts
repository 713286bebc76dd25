import { z } from 'zod';
import { formSchema } from './case.schemas.js';

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Blocked = { kind: 'user'; email: string } | { kind: 'agency'; agencyId: string };

/**
 * Who must not see the record (one person by email, or a whole agency), and why: the reason is required so the
 * list can be reviewed and defended.
 */
export const restrictionForm = formSchema((raw, fail) => {
  const email = text(raw.blockedEmail).toLowerCase();
  const agencyId = text(raw.blockedAgencyId);
  let blocked: Blocked | undefined;
  if (!email && !agencyId) fail('blockedEmail', 'Enter the email address of the person who must not see this record, or select an agency');
  else if (email && agencyId) fail('blockedEmail', 'Enter an email address or select an agency, not both');
  else if (email && (email.length > 254 || !z.email().safeParse(email).success))
    fail('blockedEmail', 'Enter an email address in the correct format, like name@example.org');
  else if (email) blocked = { kind: 'user', email };
  else if (!UUID.test(agencyId)) fail('blockedAgencyId', 'Select an agency from the list');
  else blocked = { kind: 'agency', agencyId: agencyId.toLowerCase() };
  const reason = text(raw.reason);
  if (!reason) fail('reason', 'Enter why they must not see this record');
  else if (reason.length > 2000) fail('reason', 'Reason must be 2,000 characters or fewer');
  return { blocked: blocked!, reason };
});

export const removeRestrictionForm = z.object({});

export const restrictionParams = z.object({ id: z.uuid(), restrictionId: z.uuid() });

export type RestrictionForm = z.infer<typeof restrictionForm>;
