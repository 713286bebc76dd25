import { z } from 'zod';
import { idParams, isoDate, version } from './people.api.schemas.js';
import { CASE_FLAGS, CASE_STATUSES, CHILD_LIVES_WITH, CHILD_RELATIONSHIPS, PERPETRATOR_RELATIONSHIPS } from './case.schemas.js';

/**
 * The JSON shapes of /api/v1/cases. As for people, bodies are checked here for their JSON types; the rules are the
 * case forms' own (case.schemas.ts), run on the same values, so the API and the pages agree.
 */

const flags = z.array(z.enum(CASE_FLAGS)).describe('Flags for the case; sending the list replaces it');

/** Someone on Harbour, or a new person recorded by the token's agency, as the case forms take them. */
const personChoice = z.object({
  personId: z.string().optional().meta({ format: 'uuid', description: 'Someone already on Harbour whom the token’s agency may see' }),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  dateOfBirth: isoDate('Date of birth').nullable().optional(),
  estimatedAge: z.number().nullable().optional().describe('Whole years, when the date of birth is not known'),
});

export type PersonChoiceJson = z.infer<typeof personChoice>;

export const caseInput = z
  .object({
    victim: personChoice.describe('Either personId, or a new person’s givenName, familyName and dateOfBirth (or estimatedAge): not both'),
    openedOn: isoDate('Date the case was opened'),
    flags: flags.optional(),
  })
  .meta({ id: 'CaseInput', description: 'A new case, owned by the token’s agency, with its victim' });

export const casePatch = z
  .object({
    version,
    status: z.enum(CASE_STATUSES).optional(),
    closedOn: isoDate('Date the case was closed').nullable().optional().describe('Required when the case is closed; ignored when it is open'),
    flags: flags.optional(),
  })
  .meta({ id: 'CasePatch', description: 'Changes to a case: only the fields sent change' });

export const casePersonInput = z
  .object({
    role: z.enum(['perpetrator', 'child', 'household_member'], { error: 'role must be perpetrator, child or household_member' }),
    person: personChoice.describe(
      'Either personId, or a new person’s givenName and familyName, with dateOfBirth or estimatedAge (required for a child, who must be under 18 on the date the case was opened)',
    ),
    relationship: z
      .string()
      .nullable()
      .optional()
      .describe(`A perpetrator’s connection to the victim, required: one of ${PERPETRATOR_RELATIONSHIPS.join(', ')}. A household member’s, in words.`),
    relationshipsToAdults: z
      .record(z.string(), z.enum(CHILD_RELATIONSHIPS))
      .optional()
      .describe('A child’s relationship to adults on the case (the victim and perpetrators), by their person id'),
    livesWith: z.enum(CHILD_LIVES_WITH).nullable().optional().describe('Where a child lives; required for a child'),
  })
  .meta({ id: 'CasePersonInput', description: 'A perpetrator, child or household member to add to the case' });

export type CasePersonJson = z.infer<typeof casePersonInput>;

export const casePersonParams = idParams.extend({ personId: z.uuid({ error: 'personId must be a UUID' }) });

export type CaseJson = z.infer<typeof caseInput>;
export type CasePatchJson = z.infer<typeof casePatch>;

const agencyRef = z.object({ id: z.uuid(), name: z.string() });

export const caseSchema = z
  .object({
    id: z.uuid(),
    reference: z.string().describe('HBR-<year opened>-<number>'),
    version: z.int().describe('Send this back with a change'),
    status: z.enum(CASE_STATUSES),
    openedOn: z.iso.date(),
    closedOn: z.iso.date().nullable(),
    flags: z.array(z.enum(CASE_FLAGS)),
    owningAgency: agencyRef,
    sharedWith: z.array(agencyRef).describe('Agencies the owning agency has shared the case with'),
    people: z
      .array(
        z.object({
          id: z.uuid(),
          role: z.enum(['victim', 'perpetrator', 'child', 'household_member']),
          givenName: z.string(),
          familyName: z.string(),
          dateOfBirth: z.iso.date().nullable(),
          estimatedAge: z.int().nullable().describe('The estimate as it stands today'),
          relationship: z.string().nullable().describe('A perpetrator’s connection to the victim (a code), or a household member’s (text)'),
          relationshipsToAdults: z.record(z.string(), z.string()).describe('A child’s relationship to each adult on the case, by person id'),
          livesWith: z.enum(CHILD_LIVES_WITH).nullable(),
        }),
      )
      .describe('People on the case whom the token’s agency may see'),
  })
  .meta({ id: 'Case' });

export type CaseOut = z.infer<typeof caseSchema>;

export const caseListSchema = z
  .object({
    cases: z.array(
      z
        .object({
          id: z.uuid(),
          reference: z.string(),
          status: z.enum(CASE_STATUSES),
          openedOn: z.iso.date(),
          flagCount: z.int(),
          victim: z.object({ givenName: z.string(), familyName: z.string() }).nullable().describe('Null when the victim is hidden from the agency'),
        })
        .meta({ id: 'CaseSummary' }),
    ),
    total: z.int(),
    page: z.int(),
    pageSize: z.int(),
  })
  .meta({ id: 'CaseList' });

export const casesQuery = z.object({
  status: z.enum(CASE_STATUSES, { error: 'status must be open or closed' }).or(z.literal('')).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
