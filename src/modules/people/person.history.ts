import { translate } from '../../platform/i18n.js';
import type { HistoryRow, PersonPartTable } from './person.repository.js';

/**
 * What changed in a person's record, worked out from record_history (the rows as they were before each change).
 * Only field labels come out of here, never values: a list of changes is safe to show anyone who may see the
 * person, and says nothing of a confidential address that only its recording agency may read.
 */

/** A person's columns in the order the person page shows them; each maps to the label of what it records. */
const FIELD_LABELS: Record<string, string> = {
  date_of_birth: 'dateOfBirth',
  estimated_age: 'estimatedAge',
  estimated_age_on: 'estimatedAge',
  gender: 'gender',
  preferred_language: 'preferredLanguage',
  interpreter_needed: 'interpreterNeeded',
  gp_practice: 'gpPractice',
  owning_agency_id: 'agency',
  safe_times: 'safeTimes',
  voicemail_allowed: 'voicemailAllowed',
  do_not_write_home: 'doNotWriteHome',
  code_word: 'codeWord',
  sex: 'sex',
  gender_identity: 'genderIdentity',
  ethnicity: 'ethnicity',
  disability: 'disability',
  disability_types: 'disabilityTypes',
  religion: 'religion',
  sexual_orientation: 'sexualOrientation',
  pregnancy: 'pregnancy',
  marital_status: 'maritalStatus',
  immigration_status: 'immigrationStatus',
  nrpf: 'nrpf',
  merged_into_id: 'merged',
};

/** Bookkeeping that changes with every save and says nothing about the person. */
const BOOKKEEPING = new Set(['partnership_id', 'id', 'version', 'created_by', 'created_at', 'updated_at', 'merged_at']);

const PART_LABELS: Record<PersonPartTable, string> = { person_names: 'names', person_addresses: 'addresses', person_contacts: 'contacts' };

export function fieldLabel(field: string): string {
  return translate('en', `person.label.${field}`);
}

/** Labels of the fields that differ between two versions of a person's row, in page order, each once. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const differs = (column: string) => JSON.stringify(before[column] ?? null) !== JSON.stringify(after[column] ?? null);
  const known = Object.keys(FIELD_LABELS).filter(differs);
  // A column added by a later migration and not yet labelled here still shows that something changed.
  const unlabelled = [...new Set([...Object.keys(before), ...Object.keys(after)])].some((c) => !(c in FIELD_LABELS) && !BOOKKEEPING.has(c) && differs(c));
  const labels = [...new Set(known.map((column) => fieldLabel(FIELD_LABELS[column]!)))];
  return unlabelled ? [...labels, fieldLabel('other')] : labels;
}

function partLabel(table: string): string {
  return translate('en', `person.history.part.${PART_LABELS[table as PersonPartTable] ?? 'other'}`);
}

export type Change = { changedAt: Date; who: string; what: string[] };

function who(row: Pick<HistoryRow, 'display_name' | 'agency_name'>): string {
  if (!row.display_name) return translate('en', 'person.history.system');
  return row.agency_name ? `${row.display_name} (${row.agency_name})` : row.display_name;
}

/**
 * One entry per transaction, newest first. A person's version moves on with every change to them or their parts,
 * so each change has a kept person row; what it changed is the difference from the next version of the row, plus
 * any names, addresses or contacts kept in the same transaction. Additions keep no old row, so a change with
 * nothing else to show was an added address or contact.
 */
export function changeList(rows: HistoryRow[], current: Record<string, unknown>): Change[] {
  const people = rows.filter((r) => r.table_name === 'people').sort((a, b) => Number(a.old_row.version) - Number(b.old_row.version));
  const groups = new Map<string, Change>();
  const groupFor = (row: HistoryRow) => {
    const key = `${row.changed_at.toISOString()}|${row.changed_by ?? ''}`;
    let change = groups.get(key);
    if (!change) groups.set(key, (change = { changedAt: row.changed_at, who: who(row), what: [] }));
    return change;
  };
  people.forEach((row, i) => {
    groupFor(row).what.push(...changedFields(row.old_row, people[i + 1]?.old_row ?? current));
  });
  for (const row of rows) if (row.table_name !== 'people') groupFor(row).what.push(partLabel(row.table_name));
  return [...groups.values()]
    .map((change) => ({ ...change, what: change.what.length ? [...new Set(change.what)] : [translate('en', 'person.history.added')] }))
    .sort((a, b) => b.changedAt.getTime() - a.changedAt.getTime());
}

/** For an edit refused as stale: what others changed since the version the editor started from. */
export function changedSince(base: Record<string, unknown>, current: Record<string, unknown>, laterRows: HistoryRow[]): string[] {
  const parts = laterRows.filter((r) => r.table_name !== 'people').map((r) => partLabel(r.table_name));
  const what = [...new Set([...changedFields(base, current), ...parts])];
  return what.length ? what : [translate('en', 'person.history.added')];
}
