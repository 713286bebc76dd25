import { formatDate, formatDateTime, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { estimatedAgeNow, yearsBetween } from './person.age.js';
import { CODED, DISABILITY_TYPES, ETHNICITY, OTHER_NAME_KINDS, VOICEMAIL, codeLabel, type CodedField } from './person.codes.js';
import type { ContactRow } from './person.contacts.repository.js';
import { fieldLabel } from './person.history.js';
import type { PersonRow } from './person.repository.js';
import { OTHER_NAME_SLOTS } from './person.schemas.js';
import type { PersonRecord } from './person.service.js';

type NameRow = { kind: string; given_name: string; family_name: string; is_primary: boolean };
type Age = Pick<PersonRow, 'date_of_birth' | 'estimated_age' | 'estimated_age_on'>;

const fullName = (n: Pick<NameRow, 'given_name' | 'family_name'>) => [n.given_name, n.family_name].filter(Boolean).join(' ');

export function primaryName(names: NameRow[]): string {
  const primary = names.find((n) => n.is_primary);
  return primary ? fullName(primary) : translate('en', 'person.unnamed');
}

/** "4 May 1990 (age 35)", "About 34 (age estimated on …)", or "Not known". */
export function ageText(row: Age, today = londonToday()): string {
  if (row.date_of_birth) return translate('en', 'person.bornText', { date: formatDate(row.date_of_birth), age: yearsBetween(row.date_of_birth, today) });
  if (row.estimated_age !== null && row.estimated_age_on) {
    return translate('en', 'person.estimatedText', {
      age: estimatedAgeNow(row.estimated_age, row.estimated_age_on, today),
      date: formatDate(row.estimated_age_on),
    });
  }
  return translate('en', 'person.answer.not_known');
}

const answer = (field: CodedField, code: string | null) => (code ? codeLabel(field, code) : translate('en', 'person.notRecorded'));
const yesNo = (value: boolean) => translate('en', value ? 'person.answer.yes' : 'person.answer.no');
const orNotRecorded = (value: string | null) => value || translate('en', 'person.notRecorded');
const row = (field: string, text: string) => ({ key: { text: fieldLabel(field) }, value: { text } });

export function presentListRow(r: Age & { id: string; given_name: string | null; family_name: string | null; agency_name: string; created_at: Date }) {
  return {
    id: r.id,
    name: r.given_name === null ? translate('en', 'person.unnamed') : fullName({ given_name: r.given_name, family_name: r.family_name ?? '' }),
    age: ageText(r),
    agencyName: r.agency_name,
    recorded: formatDate(r.created_at),
  };
}

function presentContact(c: ContactRow) {
  return { id: c.id, kindLabel: translate('en', `person.contact.${c.kind}`), value: c.value, note: c.note ?? '', safe: c.is_safe };
}

/** The person page: safe contact first, then who they are, where and how to reach them, equality data and changes. */
export function presentPerson(record: PersonRecord) {
  const p = record.person;
  const addresses = record.addresses.map((a) => ({
    id: a.id,
    hidden: a.hidden,
    text: a.hidden
      ? translate('en', 'person.address.confidentialHeld', { agency: a.recorded_by_agency_name })
      : [a.line1, a.line2, a.town, a.postcode].filter(Boolean).join(', '),
    current: a.is_current,
    safe: a.is_safe,
    refuge: a.confidential_refuge,
    recordedBy: a.recorded_by_agency_name,
  }));
  const contacts = record.contacts.map(presentContact);
  return {
    id: p.id,
    version: p.version,
    name: primaryName(record.names),
    otherNames: record.names.filter((n) => !n.is_primary).map((n) => ({ kind: codeLabel('nameKind', n.kind), name: fullName(n) })),
    safeContact: {
      contacts: contacts.filter((c) => c.safe),
      addresses: addresses.filter((a) => a.safe),
      safeTimes: p.safe_times,
      voicemail: codeLabel('voicemail', p.voicemail_allowed),
      voicemailAllowed: p.voicemail_allowed,
      doNotWriteHome: p.do_not_write_home,
      codeWord: p.code_word,
    },
    details: [
      row('age', ageText(p)),
      row('gender', answer('gender', p.gender)),
      row('preferredLanguage', orNotRecorded(p.preferred_language)),
      row('interpreterNeeded', yesNo(p.interpreter_needed)),
      row('gpPractice', orNotRecorded(p.gp_practice)),
      row('agency', p.agency_name),
      row(
        'recorded',
        translate('en', 'person.recordedBy', { date: formatDate(p.created_at), name: p.created_by_name ?? translate('en', 'person.history.system') }),
      ),
    ],
    equality: [
      row('sex', answer('sex', p.sex)),
      row('genderIdentity', answer('genderIdentity', p.gender_identity)),
      row('ethnicity', answer('ethnicity', p.ethnicity)),
      row('disability', answer('disability', p.disability)),
      ...(p.disability === 'yes'
        ? [row('disabilityTypes', p.disability_types.map((t) => codeLabel('disabilityType', t)).join(', ') || translate('en', 'person.notRecorded'))]
        : []),
      row('religion', answer('religion', p.religion)),
      row('sexualOrientation', answer('sexualOrientation', p.sexual_orientation)),
      row('pregnancy', answer('pregnancy', p.pregnancy)),
      row('maritalStatus', answer('maritalStatus', p.marital_status)),
      row('immigrationStatus', answer('immigrationStatus', p.immigration_status)),
      row('nrpf', answer('nrpf', p.nrpf)),
    ],
    addresses,
    contacts,
    changes: record.changes.map((c) => ({ when: formatDateTime(c.changedAt), who: c.who, what: c.what.join(', ') })),
  };
}

/** The stored person as the form's own field values, so a form shows the record and a failed post alike. */
export function personFormValues(p: PersonRow, names: NameRow[]): Record<string, unknown> {
  const legal = names.find((n) => n.is_primary);
  const others = names.filter((n) => !n.is_primary);
  const [year = '', month = '', day = ''] = (p.date_of_birth ?? '').split('-');
  return {
    givenName: legal?.given_name ?? '',
    familyName: legal?.family_name ?? '',
    ...Object.fromEntries(
      others.flatMap((n, i) => [
        [`otherName${i + 1}-kind`, n.kind],
        [`otherName${i + 1}-given`, n.given_name],
        [`otherName${i + 1}-family`, n.family_name],
      ]),
    ),
    'dateOfBirth-day': day && String(Number(day)),
    'dateOfBirth-month': month && String(Number(month)),
    'dateOfBirth-year': year,
    estimatedAge: p.estimated_age !== null && p.estimated_age_on ? String(estimatedAgeNow(p.estimated_age, p.estimated_age_on)) : '',
    gender: p.gender,
    preferredLanguage: p.preferred_language,
    interpreterNeeded: p.interpreter_needed ? 'yes' : '',
    gpPractice: p.gp_practice,
    safeTimes: p.safe_times,
    voicemailAllowed: p.voicemail_allowed,
    doNotWriteHome: p.do_not_write_home ? 'yes' : '',
    codeWord: p.code_word,
    sex: p.sex,
    genderIdentity: p.gender_identity,
    ethnicity: p.ethnicity,
    disability: p.disability,
    disabilityTypes: p.disability_types,
    religion: p.religion,
    sexualOrientation: p.sexual_orientation,
    pregnancy: p.pregnancy,
    maritalStatus: p.marital_status,
    immigrationStatus: p.immigration_status,
    nrpf: p.nrpf,
  };
}

/** Radio, checkbox and select items for the person form; a select offers "not recorded" first. */
export function personFormItems(filledOtherNames: number) {
  const items = (field: CodedField) => CODED[field].map((value) => ({ value, text: codeLabel(field, value) }));
  const notRecorded = { value: '', text: translate('en', 'person.notRecorded') };
  return {
    // Ethnicity has its own list (a select: nineteen categories are too many radios).
    coded: Object.fromEntries((Object.keys(CODED) as CodedField[]).filter((f) => f !== 'ethnicity').map((field) => [field, items(field)])),
    ethnicity: [
      notRecorded,
      ...ETHNICITY.groups.flatMap((g) => g.categories.map((c) => ({ value: c.code, text: codeLabel('ethnicity', c.code) }))),
      ...(['not_known', 'prefers_not_to_say'] as const).map((value) => ({ value, text: codeLabel('ethnicity', value) })),
    ],
    disabilityTypes: DISABILITY_TYPES.map((value) => ({ value, text: codeLabel('disabilityType', value) })),
    voicemail: VOICEMAIL.map((value) => ({ value, text: codeLabel('voicemail', value) })),
    nameKinds: [
      { value: '', text: translate('en', 'person.form.nameKindChoose') },
      ...OTHER_NAME_KINDS.map((value) => ({ value, text: codeLabel('nameKind', value) })),
    ],
    // Every filled slot and one spare, but at least two on a new record so "known as" needs no extra step.
    otherNameSlots: Array.from({ length: Math.min(OTHER_NAME_SLOTS, Math.max(2, filledOtherNames + 1)) }, (_, i) => i + 1),
  };
}
