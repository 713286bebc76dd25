import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

/** Coded answers every equality characteristic allows besides its own categories. */
export type Coded = string | null;

export interface PeopleTable {
  partnership_id: string;
  id: Generated<string>;
  owning_agency_id: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  estimated_age_on: string | null;
  gender: Coded;
  sex: Coded;
  gender_identity: Coded;
  ethnicity: Coded;
  disability: Coded;
  disability_types: ColumnType<string[], string[] | undefined, string[]>;
  religion: Coded;
  sexual_orientation: Coded;
  pregnancy: Coded;
  marital_status: Coded;
  immigration_status: Coded;
  nrpf: Coded;
  preferred_language: string | null;
  interpreter_needed: ColumnType<boolean, boolean | undefined, boolean>;
  gp_practice: string | null;
  voicemail_allowed: ColumnType<'yes' | 'no' | 'not_known', 'yes' | 'no' | 'not_known' | undefined, 'yes' | 'no' | 'not_known'>;
  safe_times: string | null;
  do_not_write_home: ColumnType<boolean, boolean | undefined, boolean>;
  code_word: string | null;
  merged_into_id: string | null;
  merged_at: Date | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PersonNamesTable {
  partnership_id: string;
  id: Generated<string>;
  person_id: string;
  kind: 'legal' | 'known_as' | 'previous' | 'alternative_spelling';
  given_name: string;
  family_name: string;
  is_primary: ColumnType<boolean, boolean | undefined, boolean>;
  given_key: string;
  family_key: string;
  family_metaphone: string;
  given_metaphone: string;
}

export interface PersonAddressesTable {
  partnership_id: string;
  id: Generated<string>;
  person_id: string;
  line1: string;
  line2: string | null;
  town: string | null;
  postcode: string | null;
  postcode_key: string | null;
  is_current: ColumnType<boolean, boolean | undefined, boolean>;
  is_safe: ColumnType<boolean, boolean | undefined, boolean>;
  confidential_refuge: ColumnType<boolean, boolean | undefined, boolean>;
  recorded_by_agency_id: string;
  from_date: string | null;
  to_date: string | null;
}

export interface PersonContactsTable {
  partnership_id: string;
  id: Generated<string>;
  person_id: string;
  kind: 'phone' | 'email';
  value: string;
  value_key: string;
  is_safe: ColumnType<boolean, boolean | undefined, boolean>;
  note: string | null;
}

export interface CasesTable {
  partnership_id: string;
  id: Generated<string>;
  reference: string;
  owning_agency_id: string;
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  flags: ColumnType<string[], string[] | undefined, string[]>;
  opened_on: string;
  closed_on: string | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CasePeopleTable {
  partnership_id: string;
  case_id: string;
  person_id: string;
  role: 'victim' | 'perpetrator' | 'child' | 'household_member';
  relationship: string | null;
  lives_with: string | null;
  added_at: CreatedAt;
}

export interface CaseAgenciesTable {
  partnership_id: string;
  case_id: string;
  agency_id: string;
  added_by: string | null;
  added_at: CreatedAt;
}

export interface RestrictionsTable {
  partnership_id: string;
  id: Generated<string>;
  subject_type: 'case' | 'person';
  subject_id: string;
  blocked_user_id: string | null;
  blocked_agency_id: string | null;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
  removed_at: Date | null;
  removed_by: string | null;
}

export interface RecordHistoryTable {
  partnership_id: string;
  id: Generated<number>;
  table_name: string;
  record_id: string;
  operation: string;
  changed_at: CreatedAt;
  changed_by: string | null;
  changed_by_token_id: string | null;
  old_row: Record<string, unknown>;
}

/** One merge of a person's record into another; `moved` is a MergeMoved (person.merge.schemas.ts). */
export interface PersonMergesTable {
  partnership_id: string;
  id: Generated<string>;
  survivor_id: string;
  merged_id: string;
  moved: ColumnType<unknown, string, never>;
  merged_by: string | null;
  merged_at: CreatedAt;
  reversed_at: Date | null;
  reversed_by: string | null;
}

export interface PeopleTables {
  people: PeopleTable;
  person_names: PersonNamesTable;
  person_addresses: PersonAddressesTable;
  person_contacts: PersonContactsTable;
  cases: CasesTable;
  case_people: CasePeopleTable;
  case_agencies: CaseAgenciesTable;
  restrictions: RestrictionsTable;
  record_history: RecordHistoryTable;
  person_merges: PersonMergesTable;
}
