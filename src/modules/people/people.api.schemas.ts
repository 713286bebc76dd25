import { z } from 'zod';
import { CODED, DISABILITY_TYPES, OTHER_NAME_KINDS, VOICEMAIL, type CodedField } from './person.codes.js';
import { OTHER_NAME_SLOTS } from './person.schemas.js';

/**
 * The JSON shapes of /api/v1/people. Request bodies are checked here for their JSON types only; the rules are the
 * person form's own (person.schemas.ts), run on the same values (people.api.forms.ts), so the API and the pages
 * accept and refuse exactly the same records, with the same messages.
 */

const codes = (field: CodedField) => CODED[field] as unknown as readonly [string, ...string[]];
const coded = (field: CodedField) =>
  z
    .enum(codes(field), { error: `${field} must be one of: ${codes(field).join(', ')}` })
    .nullable()
    .optional();
export const text = (description?: string) => {
  const schema = z.string().nullable().optional();
  return description ? schema.describe(description) : schema;
};
export const isoDate = (label: string) => z.iso.date({ error: `${label} must be a real date in the form YYYY-MM-DD` });

const VERSION_MESSAGE = 'version must be the version of the record you read, a whole number';
const VERSION_DESCRIPTION = 'The version you read: the change is refused (409 edit_conflict) if the record has changed since';

export const version = z.int({ error: VERSION_MESSAGE }).min(1, VERSION_MESSAGE).max(2_147_483_647, VERSION_MESSAGE).describe(VERSION_DESCRIPTION);

/** A DELETE has no body, so the version read comes in the query string (?version=3). */
export const versionQuery = z.object({ version: z.coerce.number({ error: VERSION_MESSAGE }).pipe(version).describe(VERSION_DESCRIPTION) });

const personFields = {
  givenName: text('Legal given names; a person needs given names or a family name'),
  familyName: text('Legal family name'),
  otherNames: z
    .array(z.object({ kind: z.enum(OTHER_NAME_KINDS), givenName: text(), familyName: text() }))
    .max(OTHER_NAME_SLOTS, `A person can have up to ${OTHER_NAME_SLOTS} other names`)
    .optional()
    .describe('Known-as names, previous names and other spellings; sending the list replaces it'),
  dateOfBirth: isoDate('Date of birth').nullable().optional(),
  estimatedAge: z.number().nullable().optional().describe('Whole years (0 to 120), when the date of birth is not known; not with dateOfBirth'),
  gender: coded('gender'),
  preferredLanguage: text(),
  interpreterNeeded: z.boolean().optional(),
  gpPractice: text(),
  safeTimes: text('Safe times to call'),
  voicemailAllowed: z.enum(VOICEMAIL).optional(),
  doNotWriteHome: z.boolean().optional(),
  codeWord: text(),
  sex: coded('sex'),
  genderIdentity: coded('genderIdentity').describe('Whether the person’s gender is the same as their sex registered at birth'),
  ethnicity: coded('ethnicity'),
  disability: coded('disability'),
  disabilityTypes: z.array(z.enum(DISABILITY_TYPES)).optional().describe('Only kept when disability is yes'),
  religion: coded('religion'),
  sexualOrientation: coded('sexualOrientation'),
  pregnancy: coded('pregnancy'),
  maritalStatus: coded('maritalStatus'),
  immigrationStatus: coded('immigrationStatus'),
  nrpf: coded('nrpf').describe('No recourse to public funds'),
};

export const personInput = z
  .object(personFields)
  .meta({ id: 'PersonInput', description: 'A new person. Text is trimmed; blank or null means not recorded. Unknown fields are ignored.' });

export const personPatch = z.object({ ...personFields, version }).meta({
  id: 'PersonPatch',
  description: 'Changes to a person: only the fields sent change (null clears one). The record as changed must still be valid.',
});

export type PersonJson = z.infer<typeof personInput>;
export type PersonPatchJson = z.infer<typeof personPatch>;

const agencyRef = z.object({ id: z.uuid(), name: z.string() });
const nameKind = z.enum(['legal', ...OTHER_NAME_KINDS]);
const codedOut = (field: CodedField) => z.enum(codes(field)).nullable();

export const personSchema = z
  .object({
    id: z.uuid(),
    version: z.int().describe('Send this back with a change'),
    owningAgency: agencyRef.describe('The agency that recorded the person'),
    givenName: z.string(),
    familyName: z.string(),
    otherNames: z.array(z.object({ kind: nameKind, givenName: z.string(), familyName: z.string() })),
    dateOfBirth: z.iso.date().nullable(),
    estimatedAge: z.int().nullable().describe('The estimate as it stands today: the age estimated plus the years since'),
    estimatedAgeOn: z.iso.date().nullable().describe('When the age was estimated'),
    gender: codedOut('gender'),
    preferredLanguage: z.string().nullable(),
    interpreterNeeded: z.boolean(),
    gpPractice: z.string().nullable(),
    safeTimes: z.string().nullable(),
    voicemailAllowed: z.enum(VOICEMAIL),
    doNotWriteHome: z.boolean(),
    codeWord: z.string().nullable(),
    sex: codedOut('sex'),
    genderIdentity: codedOut('genderIdentity'),
    ethnicity: codedOut('ethnicity'),
    disability: codedOut('disability'),
    disabilityTypes: z.array(z.enum(DISABILITY_TYPES)),
    religion: codedOut('religion'),
    sexualOrientation: codedOut('sexualOrientation'),
    pregnancy: codedOut('pregnancy'),
    maritalStatus: codedOut('maritalStatus'),
    immigrationStatus: codedOut('immigrationStatus'),
    nrpf: codedOut('nrpf'),
    addresses: z.array(
      z.object({
        id: z.uuid(),
        line1: z.string().nullable(),
        line2: z.string().nullable(),
        town: z.string().nullable(),
        postcode: z.string().nullable(),
        current: z.boolean(),
        safe: z.boolean(),
        confidentialRefuge: z.boolean(),
        hidden: z.boolean().describe('A confidential refuge address recorded by another agency: only that agency may read it'),
        recordedBy: agencyRef,
      }),
    ),
    contacts: z.array(z.object({ id: z.uuid(), kind: z.enum(['phone', 'email']), value: z.string(), safe: z.boolean(), note: z.string().nullable() })),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Person' });

export type PersonOut = z.infer<typeof personSchema>;

export const personSummarySchema = z
  .object({
    id: z.uuid(),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.iso.date().nullable(),
    owningAgencyName: z.string(),
    matchedName: z
      .object({ kind: nameKind, givenName: z.string(), familyName: z.string() })
      .nullable()
      .describe('In a search, the other name that matched, when it was not the legal name'),
  })
  .meta({ id: 'PersonSummary' });

export const personListSchema = z
  .object({
    people: z.array(personSummarySchema),
    total: z.int().describe('People listed in all pages; in a search, the matches returned (at most 50)'),
    page: z.int(),
    pageSize: z.int(),
  })
  .meta({ id: 'PersonList' });

/** Query strings arrive as text; an empty parameter means "not searched on", as on the search page. */
export const peopleQuery = z.object({
  name: z.string().trim().max(200, 'Name must be 200 characters or fewer').optional().describe('Name, spelt roughly right'),
  dateOfBirth: isoDate('Date of birth').or(z.literal('')).optional(),
  phone: z.string().trim().max(30, 'Phone number must be 30 characters or fewer').optional(),
  postcode: z.string().trim().max(10, 'Postcode must be 10 characters or fewer').optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('Without search terms: the page of the list, newest first'),
});

export const idParams = z.object({ id: z.uuid({ error: 'id must be a UUID' }) });
