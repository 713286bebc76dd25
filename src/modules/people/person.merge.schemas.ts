import { z } from 'zod';
import { version } from './person.schemas.js';

/** /people/:id/merge/:otherId: `id` is the record that stays, `otherId` the one merged into it. */
export const mergeParams = z.object({ id: z.uuid(), otherId: z.uuid() });

/** Finding the other record by name on the "choose" page. */
export const mergeChooseQuery = z.object({ name: z.string().trim().max(200, 'Name must be 200 characters or fewer').optional().default('') });

/** Confirming a merge: both records must still be as the preview showed them. */
export const mergeConfirmForm = z.object({ survivorVersion: version, mergedVersion: version });

/** Undoing a merge asks nothing more than the button (the CSRF token is checked before this). */
export const unmergeForm = z.object({});

/**
 * What a merge moved, kept in person_merges.moved so it can be undone row for row: the ids of the moved rows per
 * table, with whatever the merge changed on them (a merged legal name becomes a previous name; a current address
 * stops being current when the survivor already has one).
 */
const safeContactSchema = z.object({
  voicemail_allowed: z.enum(['yes', 'no', 'not_known']),
  safe_times: z.string().nullable(),
  do_not_write_home: z.boolean(),
  code_word: z.string().nullable(),
});

export const mergeMoved = z.object({
  person_names: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['legal', 'known_as', 'previous', 'alternative_spelling']),
      is_primary: z.boolean(),
      given_name: z.string(),
      family_name: z.string(),
    }),
  ),
  person_addresses: z.array(z.object({ id: z.uuid(), is_current: z.boolean() })),
  person_contacts: z.array(z.object({ id: z.uuid() })),
  case_people: z.array(z.object({ case_id: z.uuid() })),
  restrictions: z.array(z.object({ id: z.uuid() })),
  /** The kept record's safe-contact rules before and after the merge combined them (absent on older merges). */
  safe_contact: z.object({ before: safeContactSchema, after: safeContactSchema }).optional(),
});

export type MergeMoved = z.infer<typeof mergeMoved>;
