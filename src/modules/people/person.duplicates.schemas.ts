import { z } from 'zod';
import { personForm } from './person.schemas.js';

/** What the user chose on "Is this person already on Harbour?": record them anyway, or go back to the form. */
export const DUPLICATE_ANSWERS = ['new', 'change'] as const;
export type DuplicateAnswer = (typeof DUPLICATE_ANSWERS)[number];

/**
 * The new-person form. It is posted twice when possible duplicates are shown: first as typed, then again from
 * the duplicates page (the same fields, hidden) with the button pressed there as `duplicates`.
 */
export const newPersonForm = z.unknown().transform((input, ctx) => {
  const person = personForm.safeParse(input);
  if (!person.success) {
    for (const issue of person.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  const answer = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).duplicates : undefined;
  return { person: person.data, duplicates: DUPLICATE_ANSWERS.find((a) => a === answer) ?? null };
});

export type NewPersonForm = z.infer<typeof newPersonForm>;
