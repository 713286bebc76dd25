import { formatDate, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { CaseListRow, CasePersonRow, CaseRow, PersonRow } from './case.repository.js';
import { CASE_FLAGS, CHILD_LIVES_WITH, CHILD_RELATIONSHIPS, PERPETRATOR_RELATIONSHIPS, yearsBetween } from './case.schemas.js';

/** Coded values → the words people see; the codes themselves never reach a template. */
export const label = {
  flag: (code: string) => translate('en', `case.flag.${code}`),
  relationship: (code: string) => translate('en', `case.relationship.${code}`),
  childRelationship: (code: string) => translate('en', `case.childRelationship.${code}`),
  livesWith: (code: string) => translate('en', `case.livesWith.${code}`),
  status: (code: string) => translate('en', `case.status.${code}`),
  role: (code: string) => translate('en', `case.role.${code}`),
};

export const flagItems = () => CASE_FLAGS.map((code) => ({ value: code, text: label.flag(code) }));
export const relationshipItems = () => PERPETRATOR_RELATIONSHIPS.map((code) => ({ value: code, text: label.relationship(code) }));
export const childRelationshipItems = () => [
  { value: '', text: translate('en', 'case.child.notRecorded') },
  ...CHILD_RELATIONSHIPS.map((code) => ({ value: code, text: label.childRelationship(code) })),
];
export const livesWithItems = () => CHILD_LIVES_WITH.map((code) => ({ value: code, text: label.livesWith(code) }));

export function personName(row: Pick<PersonRow, 'given_name' | 'family_name'>): string {
  return `${row.given_name} ${row.family_name}`;
}

/** Date of birth with today's age, or the estimated age carried forward to today. */
export function bornText(row: Pick<PersonRow, 'date_of_birth' | 'estimated_age' | 'estimated_age_on'>, today = londonToday()): string {
  if (row.date_of_birth) return translate('en', 'case.person.born', { date: formatDate(row.date_of_birth), age: yearsBetween(row.date_of_birth, today) });
  if (row.estimated_age !== null && row.estimated_age_on) {
    return translate('en', 'case.person.estimated', { age: row.estimated_age + yearsBetween(row.estimated_age_on, today) });
  }
  return translate('en', 'case.person.ageUnknown');
}

export function statusTag(status: string) {
  return { text: label.status(status), colour: status === 'open' ? 'blue' : 'grey' };
}

export function presentCaseListRow(row: CaseListRow) {
  return {
    id: row.id,
    reference: row.reference,
    victim: row.victim_given ? `${row.victim_given} ${row.victim_family}` : translate('en', 'case.list.victimHidden'),
    openedOn: formatDate(row.opened_on),
    status: statusTag(row.status),
    flagCount: row.flag_count,
  };
}

/** A child's relationships are stored as { adult's person id: code }; an adult added later shows as "Not recorded". */
function childRelationships(stored: string | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(stored ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function presentCase(row: CaseRow, people: CasePersonRow[], agencies: { name: string }[]) {
  const person = (p: CasePersonRow) => ({ id: p.id, name: personName(p), born: bornText(p) });
  const adults = people.filter((p) => p.role === 'victim' || p.role === 'perpetrator');
  const victimRow = people.find((p) => p.role === 'victim');
  return {
    id: row.id,
    reference: row.reference,
    version: row.version,
    status: statusTag(row.status),
    openedOn: formatDate(row.opened_on),
    closedOn: formatDate(row.closed_on),
    owningAgency: row.owning_agency_name,
    flags: row.flags.map(label.flag),
    agencies: agencies.map((a) => a.name),
    victim: victimRow ? person(victimRow) : null,
    perpetrators: people.filter((p) => p.role === 'perpetrator').map((p) => ({ ...person(p), relationship: label.relationship(p.relationship ?? 'other') })),
    children: people
      .filter((p) => p.role === 'child')
      .map((p) => {
        const stored = childRelationships(p.relationship);
        return {
          ...person(p),
          livesWith: p.lives_with ? label.livesWith(p.lives_with) : '',
          relationships: adults.map((adult) => ({
            adult: personName(adult),
            text: stored[adult.id] ? label.childRelationship(stored[adult.id]!) : translate('en', 'case.child.notRecorded'),
          })),
        };
      }),
    householdMembers: people.filter((p) => p.role === 'household_member').map((p) => ({ ...person(p), relationship: p.relationship ?? '' })),
    adults: adults.map((p) => ({ id: p.id, name: personName(p), role: label.role(p.role) })),
  };
}
