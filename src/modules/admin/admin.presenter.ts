import { formatDate, formatDateTime, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { Role } from '../../platform/permissions.js';
import type { AGENCY_TYPES } from './admin.schemas.js';

type AgencyRow = {
  id: string;
  code: string;
  name: string;
  type: string;
  isa_signed_on: string | null;
  isa_expires_on: string | null;
  active: boolean;
  area_name?: string | null;
};

export type AgreementStatus = { text: string; colour: 'green' | 'yellow' | 'red' | 'grey'; inForce: boolean };

const DAY = 86_400_000;

/** An agency may take part in MARAC sharing only while its information-sharing agreement is signed and unexpired. */
export function agreementStatus(signedOn: string | null, expiresOn: string | null, today = londonToday()): AgreementStatus {
  if (!signedOn) return { text: 'Not signed', colour: 'grey', inForce: false };
  if (signedOn > today) return { text: `Starts ${formatDate(signedOn)}`, colour: 'grey', inForce: false };
  if (!expiresOn) return { text: 'In force', colour: 'green', inForce: true };
  if (expiresOn < today) return { text: `Expired ${formatDate(expiresOn)}`, colour: 'red', inForce: false };
  const days = Math.round((Date.parse(expiresOn) - Date.parse(today)) / DAY);
  if (days <= 60) return { text: `Expires in ${days} day${days === 1 ? '' : 's'}`, colour: 'yellow', inForce: true };
  return { text: `In force until ${formatDate(expiresOn)}`, colour: 'green', inForce: true };
}

export function agencyTypeLabel(type: string): string {
  return translate('en', `agencyType.${type as (typeof AGENCY_TYPES)[number]}`);
}

export function presentAgency(row: AgencyRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    typeLabel: agencyTypeLabel(row.type),
    areaName: row.area_name ?? '',
    agreement: agreementStatus(row.isa_signed_on, row.isa_expires_on),
    isaSigned: formatDate(row.isa_signed_on),
    isaExpires: formatDate(row.isa_expires_on),
    active: row.active,
  };
}

export function roleLabel(role: string): string {
  return translate('en', `role.${role as Role}`);
}

type UserRow = {
  id: string;
  email: string;
  display_name: string;
  roles: string[];
  active: boolean;
  mfa_enrolled_at: Date | null;
  has_password: boolean;
  locked_until: Date | null;
  last_sign_in_at: Date | null;
  agency_name: string;
};

export function userStatus(row: Pick<UserRow, 'active' | 'has_password' | 'locked_until' | 'mfa_enrolled_at'>): { text: string; colour: string } {
  if (!row.active) return { text: 'Deactivated', colour: 'grey' };
  if (!row.has_password) return { text: 'Invited', colour: 'blue' };
  if (row.locked_until && row.locked_until > new Date()) return { text: 'Locked', colour: 'red' };
  if (!row.mfa_enrolled_at) return { text: 'No authenticator yet', colour: 'yellow' };
  return { text: 'Active', colour: 'green' };
}

export function presentUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    agencyName: row.agency_name,
    roles: row.roles.map(roleLabel).join(', '),
    status: userStatus(row),
    lastSignIn: row.last_sign_in_at ? formatDateTime(row.last_sign_in_at) : 'Never',
  };
}

/** ISO date → GOV.UK date input values. */
export function dateParts(iso: string | null): { day: string; month: string; year: string } {
  if (!iso) return { day: '', month: '', year: '' };
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}
