import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export const CLOSURE_REASONS = ['planned_end', 'disengaged', 'moved_area', 'transferred', 'other'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
export const CONTACT_METHODS = ['phone', 'text', 'email', 'letter', 'in_person', 'video'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];
export const INITIATORS = ['idva', 'victim', 'other'] as const;
/** Why a contact went against the victim's safe-contact rules (casework.safe-contact.ts). */
export const UNSAFE_REASONS = ['channel_not_safe', 'no_safe_channel', 'letter_home', 'voicemail', 'outside_safe_times'] as const;
export type UnsafeReason = (typeof UNSAFE_REASONS)[number];

export interface IdvaCasesTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  referral_id: string;
  agency_id: string;
  idva_id: string;
  allocated_by: string | null;
  allocated_on: string;
  status: Generated<'open' | 'closed'>;
  closed_on: string | null;
  closure_reason: ClosureReason | null;
  next_contact_due: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface IdvaContactsTable {
  partnership_id: string;
  id: Generated<string>;
  idva_case_id: string;
  case_id: string;
  contact_on: string;
  method: ContactMethod;
  contact_value_id: string | null;
  successful: boolean;
  initiated_by: (typeof INITIATORS)[number];
  duration_minutes: number | null;
  summary: string;
  voicemail_left: boolean;
  within_safe_times: boolean | null;
  unsafe_reasons: ColumnType<UnsafeReason[], UnsafeReason[] | undefined, UnsafeReason[]>;
  unsafe_justification: string | null;
  recorded_by: string | null;
  created_at: CreatedAt;
}

export interface CaseworkTables {
  idva_cases: IdvaCasesTable;
  idva_contacts: IdvaContactsTable;
}
