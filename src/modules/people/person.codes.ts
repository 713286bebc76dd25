import fs from 'node:fs';
import { z } from 'zod';
import { hasMessage, translate } from '../../platform/i18n.js';

/**
 * Coded answers for a person's characteristics. Equality monitoring counts codes, never free text, and every
 * characteristic can be answered "not known" or "prefers not to say" (both report as unknown, but only the first
 * is worth asking again). Labels live in en.json; ethnicity's live in its own data file, which a partnership
 * may replace with another census's list.
 */
const UNKNOWN = ['not_known', 'prefers_not_to_say'] as const;

const ethnicityFile = z.object({
  source: z.string(),
  groups: z.array(
    z.object({
      code: z.string(),
      label: z.string(),
      categories: z.array(z.object({ code: z.string().regex(/^[a-z_]{1,50}$/), label: z.string() })).min(1),
    }),
  ),
});

/** Read once at start-up: a malformed file stops Harbour rather than losing answers later. */
export const ETHNICITY = ethnicityFile.parse(JSON.parse(fs.readFileSync(new URL('./ethnicity-2021.json', import.meta.url), 'utf8')));

const ethnicityLabels = new Map(ETHNICITY.groups.flatMap((g) => g.categories.map((c) => [c.code, `${g.label}: ${c.label}`] as const)));

export const CODED = {
  gender: ['woman', 'man', 'non_binary', 'other', ...UNKNOWN],
  sex: ['female', 'male', ...UNKNOWN],
  genderIdentity: ['yes', 'no', ...UNKNOWN],
  ethnicity: [...ethnicityLabels.keys(), ...UNKNOWN],
  disability: ['yes', 'no', ...UNKNOWN],
  religion: ['none', 'christian', 'buddhist', 'hindu', 'jewish', 'muslim', 'sikh', 'other', ...UNKNOWN],
  sexualOrientation: ['heterosexual', 'gay_lesbian', 'bisexual', 'other', ...UNKNOWN],
  pregnancy: ['pregnant', 'given_birth', 'neither', ...UNKNOWN],
  maritalStatus: ['never', 'married', 'civil_partnership', 'separated', 'divorced', 'widowed', ...UNKNOWN],
  immigrationStatus: ['british_irish', 'eu_settled', 'leave_to_remain', 'asylum_seeker', 'refugee', 'no_leave', 'other', ...UNKNOWN],
  nrpf: ['yes', 'no', 'not_known'],
} as const satisfies Record<string, readonly string[]>;

export type CodedField = keyof typeof CODED;

export const DISABILITY_TYPES = ['physical', 'sensory', 'learning', 'mental_health', 'long_term_illness', 'neurodivergent', 'other'] as const;
export const OTHER_NAME_KINDS = ['known_as', 'previous', 'alternative_spelling'] as const;
export const VOICEMAIL = ['yes', 'no', 'not_known'] as const;

export type OtherNameKind = (typeof OTHER_NAME_KINDS)[number];

/** A stored code's label; a code no longer in the configured list still shows, as itself, rather than vanishing. */
export function codeLabel(field: CodedField | 'disabilityType' | 'nameKind' | 'voicemail', code: string): string {
  if (field === 'ethnicity' && ethnicityLabels.has(code)) return ethnicityLabels.get(code)!;
  const specific = `person.${field}.${code}`;
  if (hasMessage('en', specific)) return translate('en', specific);
  if (hasMessage('en', `person.answer.${code}`)) return translate('en', `person.answer.${code}`);
  return code;
}
