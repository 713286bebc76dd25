import type { ColumnType, Generated } from 'kysely';
import type { CHILDREN_PRESENT, CONSENT_STATUSES, CRITERIA, DECLINE_CODES, DESTINATIONS, INCIDENT_TYPES, INJURIES, LOCATION_TYPES } from './referral.codes.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export type IncidentType = (typeof INCIDENT_TYPES)[number];
export type Destination = (typeof DESTINATIONS)[number];
export type Criterion = (typeof CRITERIA)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export type ReferralStatus = 'awaiting_screening' | 'accepted' | 'declined' | 'withdrawn';
export type DeclineCode = (typeof DECLINE_CODES)[number];

/** The partnership's referral rules: the escalation window (N incidents in M months) and who receives MARAC referrals. */
export interface ReferralSettingsTable {
  partnership_id: string;
  escalation_incidents: ColumnType<number, number | undefined, number>;
  escalation_months: ColumnType<number, number | undefined, number>;
  marac_agency_id: string | null;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: UpdatedAt;
}

export interface IncidentsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  victim_id: string;
  perpetrator_ids: string[];
  occurred_on: string;
  occurred_at_time: string | null;
  types: IncidentType[];
  reported_to_police: boolean;
  police_reference: string | null;
  injuries: (typeof INJURIES)[number];
  children_present: (typeof CHILDREN_PRESENT)[number];
  location_type: (typeof LOCATION_TYPES)[number];
  summary: string | null;
  is_repeat: ColumnType<boolean, boolean | undefined, boolean>;
  repeat_of_referral_id: string | null;
  recorded_by: string | null;
  recorded_by_agency_id: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ReferralsTable {
  partnership_id: string;
  id: Generated<string>;
  reference: string;
  case_id: string;
  victim_id: string;
  perpetrator_ids: string[];
  destination: Destination;
  criterion: Criterion | null;
  to_agency_id: string;
  reasons: string | null;
  referred_on: string;
  referring_agency_id: string;
  referred_by: string | null;
  api_token_id: string | null;
  risk_assessment_id: string | null;
  score: number | null;
  score_band: string | null;
  escalation_count: ColumnType<number, number | undefined, number>;
  consent_status: ConsentStatus;
  lawful_basis: string | null;
  consent_reason: string | null;
  is_repeat: ColumnType<boolean, boolean | undefined, boolean>;
  repeat_of_id: string | null;
  status: ColumnType<ReferralStatus, ReferralStatus | undefined, ReferralStatus>;
  decided_by: string | null;
  decided_at: Date | null;
  decline_code: DeclineCode | null;
  decision_reason: string | null;
  idempotency_key: string | null;
  /** Put on a MARAC agenda: kept by the database from the agenda items (migration 2026-11-23T2520). */
  on_agenda: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ReferralTables {
  referral_settings: ReferralSettingsTable;
  incidents: IncidentsTable;
  referrals: ReferralsTable;
}
