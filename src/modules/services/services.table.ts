import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export const SERVICE_KINDS = ['person', 'aggregate'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export const END_REASONS = ['completed', 'left_early'] as const;
export type EndReason = (typeof END_REASONS)[number];
export const LEFT_REASONS = ['declined', 'not_suitable', 'disengaged', 'moved_area', 'breach', 'other'] as const;
export type LeftReason = (typeof LEFT_REASONS)[number];
export type PersonRole = 'victim' | 'perpetrator' | 'child' | 'household_member';

/** An answer to an outcome question or an aggregate field: a code, a whole number or a score. */
export type AnswerValue = string | number;
/** Answers of a per-person record by stage, then question: { completed: { feels_safer: 'yes' } }. */
export type StageAnswers = Record<string, Record<string, AnswerValue>>;

/** A service the partnership runs, from a shipped definition (migration 2026-11-23T2500_services). */
export interface ServicesTable {
  partnership_id: string;
  id: Generated<string>;
  definition_id: string;
  definition_version: number;
  kind: ServiceKind;
  provider_agency_id: string;
  capacity: number | null;
  active: Defaulted<boolean>;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceRecordsTable {
  partnership_id: string;
  id: Generated<string>;
  service_id: string;
  kind: Defaulted<'person'>;
  person_id: string;
  case_id: string | null;
  person_name: string;
  person_date_of_birth: string | null;
  person_role: PersonRole;
  provider_agency_id: string;
  referring_agency_id: string;
  referred_by: string | null;
  referred_on: string;
  assessed_on: string | null;
  started_on: string | null;
  ended_on: string | null;
  end_reason: EndReason | null;
  left_reason: LeftReason | null;
  answers: ColumnType<StageAnswers, string | undefined, string>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceActivityTable {
  partnership_id: string;
  id: Generated<string>;
  service_id: string;
  kind: Defaulted<'aggregate'>;
  occurred_on: string;
  answers: ColumnType<Record<string, AnswerValue | Record<string, number>>, string, string>;
  entered_by: string | null;
  entered_at: CreatedAt;
  updated_by: string | null;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface ServicesTables {
  services: ServicesTable;
  service_records: ServiceRecordsTable;
  service_activity: ServiceActivityTable;
}
