import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface PartnershipsTable {
  id: Generated<string>;
  name: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}

export interface AreasTable {
  partnership_id: string;
  id: Generated<string>;
  code: string;
  name: string;
}

export interface AgenciesTable {
  partnership_id: string;
  id: Generated<string>;
  code: string;
  name: string;
  type: string;
  area_id: string | null;
  isa_signed_on: string | null;
  isa_expires_on: string | null;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  partnership_id: string;
  id: Generated<string>;
  agency_id: string;
  email: string;
  display_name: string;
  roles: string[];
  password_hash: string | null;
  password_changed_at: Date | null;
  totp_secret: string | null;
  mfa_enrolled_at: Date | null;
  totp_last_step: number | null;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  active: Generated<boolean>;
  last_sign_in_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface InvitationsTable {
  partnership_id: string;
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface SessionsTable {
  id_hash: Buffer;
  partnership_id: string | null;
  user_id: string | null;
  pending_user_id: string | null;
  csrf_token: string;
  flash: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  last_seen_at: Date;
  expires_at: Date;
}

export interface ApiTokensTable {
  partnership_id: string;
  id: Generated<string>;
  agency_id: string;
  name: string;
  token_hash: Buffer;
  scopes: string[];
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface RateLimitsTable {
  key: string;
  window_started_at: Date;
  hits: number;
}

export interface AuditEventsTable {
  seq: string | number;
  occurred_at: Date;
  partnership_id: string | null;
  user_id: string | null;
  agency_id: string | null;
  api_token_id: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  subject_type: string | null;
  subject_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface PlatformTables {
  partnerships: PartnershipsTable;
  areas: AreasTable;
  agencies: AgenciesTable;
  users: UsersTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  rate_limits: RateLimitsTable;
  audit_events: AuditEventsTable;
}
