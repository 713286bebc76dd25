import type { ColumnType, Generated } from 'kysely';
import type { MaracTransferTables } from './transfer.table.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export const RECURRENCES = ['daily', 'weekly', 'fortnightly', 'monthly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];
export const ITEM_KINDS = ['new', 'repeat', 'transfer_in'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type MeetingStatus = 'scheduled' | 'cancelled' | 'held';
export type NotificationKind = 'agenda_published' | 'minutes_distributed' | 'action_reminder' | 'action_chase';
export type NotificationStatus = 'queued' | 'sent' | 'failed' | 'not_configured';

/** A MARAC's rhythm in one area (migration 2026-11-23T2100_marac). Times are London wall-clock times. */
export interface MaracSchedulesTable {
  partnership_id: string;
  id: Generated<string>;
  area_id: string;
  recurrence: Recurrence;
  /** ISO weekday, 1 (Monday) to 5 (Friday); null for daily. */
  weekday: number | null;
  /** Monthly only: 1st to 4th, or 5 for the last such weekday of the month. */
  week_of_month: number | null;
  starts_on: string;
  starts_at: string;
  place: string;
  case_limit: number;
  active: Defaulted<boolean>;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaracMeetingsTable {
  partnership_id: string;
  id: Generated<string>;
  area_id: string;
  schedule_id: string | null;
  /** The schedule's slot this meeting was generated for; stays when the meeting is moved. */
  scheduled_for: string | null;
  meeting_date: string;
  starts_at: string;
  place: string;
  case_limit: number;
  status: Defaulted<MeetingStatus>;
  agenda_version: Generated<number>;
  agenda_custom_order: Defaulted<boolean>;
  agenda_published_at: Date | null;
  agenda_published_by: string | null;
  agenda_published_version: number | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaracMeetingAgenciesTable {
  partnership_id: string;
  meeting_id: string;
  agency_id: string;
  invited_by: string | null;
  invited_at: CreatedAt;
}

export interface MaracAgendaItemsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  case_id: string;
  referral_id: string | null;
  position: number;
  kind: ItemKind;
  added_by: string | null;
  /**
   * What the agenda shows of the case, taken by the database when the item is added and again when the agenda is
   * published (migration 2026-11-23T2420): invited agencies read these, never the case, person or referral.
   */
  case_reference: Generated<string>;
  victim_person_id: Generated<string | null>;
  victim_initials: Generated<string | null>;
  victim_date_of_birth: Generated<string | null>;
  referral_reference: Generated<string | null>;
  referred_on: Generated<string | null>;
  criterion: Generated<string | null>;
  score: Generated<number | null>;
  score_band: Generated<string | null>;
  snapshot_taken_at: Generated<Date>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaracResearchTable {
  partnership_id: string;
  id: Generated<string>;
  agenda_item_id: string;
  case_id: string;
  agency_id: string;
  known_to_agency: boolean;
  open_case: boolean;
  risks_identified: boolean;
  notes: string | null;
  recorded_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaracAttendanceTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  user_id: string;
  agency_id: string;
  status: 'present' | 'apologies';
  confidentiality_confirmed_at: Date | null;
  recorded_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaracMinutesTable {
  partnership_id: string;
  id: Generated<string>;
  agenda_item_id: string;
  case_id: string;
  idva_view: string | null;
  summary: string | null;
  risks: string | null;
  status: Defaulted<'draft' | 'final'>;
  drafted_by: string | null;
  finalised_by: string | null;
  finalised_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Append-only: the application's role can insert, never update or delete. */
export interface MaracMinuteAmendmentsTable {
  partnership_id: string;
  id: Generated<string>;
  minute_id: string;
  case_id: string;
  text: string;
  made_by: string | null;
  made_by_agency_id: string;
  created_at: CreatedAt;
}

export interface MaracActionsTable {
  partnership_id: string;
  id: Generated<string>;
  agenda_item_id: string;
  meeting_id: string;
  /** The meeting's date (kept by a cascading foreign key) so the database can refuse a due date before it. */
  meeting_date: string;
  case_id: string;
  /** The case's reference, set by the database (migration 2026-11-23T2420): the assigned agency may not see the case. */
  case_reference: Generated<string>;
  agency_id: string;
  assigned_user_id: string | null;
  description: string;
  due_on: string;
  status: Defaulted<'open' | 'done'>;
  completion_note: string | null;
  completed_by: string | null;
  completed_at: Date | null;
  reminder_sent_at: Date | null;
  last_chased_on: string | null;
  chase_count: Defaulted<number>;
  created_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Every e-mail Harbour sent (or could not) about a meeting: to whom, and exactly what it said. */
export interface MaracNotificationsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  action_id: string | null;
  kind: NotificationKind;
  agency_id: string;
  user_id: string | null;
  email: string;
  subject: string;
  body: string;
  agenda_version: number | null;
  status: Defaulted<NotificationStatus>;
  error: string | null;
  sent_by: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

export interface MaracTables extends MaracTransferTables {
  marac_schedules: MaracSchedulesTable;
  marac_meetings: MaracMeetingsTable;
  marac_meeting_agencies: MaracMeetingAgenciesTable;
  marac_agenda_items: MaracAgendaItemsTable;
  marac_research: MaracResearchTable;
  marac_attendance: MaracAttendanceTable;
  marac_minutes: MaracMinutesTable;
  marac_minute_amendments: MaracMinuteAmendmentsTable;
  marac_actions: MaracActionsTable;
  marac_notifications: MaracNotificationsTable;
}
