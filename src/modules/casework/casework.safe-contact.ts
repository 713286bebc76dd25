import type { ContactInput } from './casework.schemas.js';
import { CHANNEL_METHODS } from './casework.schemas.js';
import type { UnsafeReason } from './casework.table.js';

/** What the victim's record says about contacting them (the people module's safe-contact details). */
export type SafeContactRules = {
  contacts: { id: string; isSafe: boolean }[];
  voicemailAllowed: 'yes' | 'no' | 'not_known';
  doNotWriteHome: boolean;
  safeTimes: string | null;
};

/**
 * Whether a contact the IDVA made goes against the victim's safe-contact rules (DOMAIN.md §6: nothing Harbour sends
 * may break them). Only contacts the IDVA or someone else started are checked: a victim who rings in chose the channel.
 * Each reason found must be confirmed, with a justification, before the contact is recorded; it is then audited.
 * Safe times are recorded as free text, so the IDVA says whether the contact was within them.
 */
export function unsafeReasons(
  input: Pick<ContactInput, 'method' | 'contactValueId' | 'initiatedBy' | 'voicemailLeft' | 'withinSafeTimes'>,
  rules: SafeContactRules,
): UnsafeReason[] {
  if (input.initiatedBy === 'victim') return [];
  const reasons: UnsafeReason[] = [];
  if (CHANNEL_METHODS.includes(input.method)) {
    const used = rules.contacts.find((c) => c.id === input.contactValueId);
    if (used && !used.isSafe) reasons.push(rules.contacts.some((c) => c.isSafe) ? 'channel_not_safe' : 'no_safe_channel');
  }
  if (input.method === 'letter' && rules.doNotWriteHome) reasons.push('letter_home');
  if (input.voicemailLeft && rules.voicemailAllowed !== 'yes') reasons.push('voicemail');
  if (rules.safeTimes && input.withinSafeTimes === false) reasons.push('outside_safe_times');
  return reasons;
}
