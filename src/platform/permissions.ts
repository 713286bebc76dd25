/** Roles from DESIGN.md and what each may do. Record-level access is checked again in each module's policy. */
export const ROLES = ['admin', 'coordinator', 'chair', 'idva', 'idva_manager', 'agency_rep', 'practitioner', 'analyst', 'strategy_lead', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'agencies:manage',
  'users:manage',
  'tokens:manage',
  'audit:read',
  'personal-data:read',
  'aggregates:read',
  'subject-access:export',
  'people:merge',
  'referrals:screen',
  'settings:manage',
  'marac:coordinate',
  'marac:minute',
  'reports:safelives',
  'casework:work',
  'casework:allocate',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CASEWORK: Permission[] = ['personal-data:read', 'aggregates:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['agencies:manage', 'users:manage', 'tokens:manage', 'audit:read', 'subject-access:export', 'settings:manage'],
  // Merging two records of one person is a data-quality task for the MARAC coordinator, who sees across agencies.
  coordinator: [...CASEWORK, 'people:merge', 'referrals:screen', 'marac:coordinate', 'marac:minute', 'reports:safelives'],
  // The chair runs the meeting with the coordinator: the attendance register, minutes and actions.
  chair: [...CASEWORK, 'marac:minute'],
  // An IDVA works their own allocated cases and sees the team's queue; the team manager allocates (issue 6).
  idva: [...CASEWORK, 'casework:work'],
  idva_manager: [...CASEWORK, 'casework:work', 'casework:allocate'],
  agency_rep: CASEWORK,
  practitioner: CASEWORK,
  // The SafeLives return's meeting-level counts of special-category characteristics: the coordinator sends it, analysts use it.
  analyst: ['aggregates:read', 'reports:safelives'],
  strategy_lead: ['aggregates:read'],
  auditor: ['audit:read'],
};

export function permissionsFor(roles: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role as Role] ?? []) granted.add(p);
  return granted;
}

/** MFA protects everyone who can see personal data or change the system; analyst-only users may be exempted by the partnership. */
export function mfaRequired(roles: readonly string[], analystMfaOptional: boolean): boolean {
  if (!analystMfaOptional) return true;
  return !roles.every((role) => role === 'analyst');
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Scopes an agency's API token can carry ("*" grants all). Each module adds the scopes its API uses. */
export const API_SCOPES = [
  'agencies:read',
  'people:read',
  'people:write',
  'cases:read',
  'cases:write',
  'restrictions:manage',
  'risk',
  'referrals',
  'marac:transfers',
] as const;
