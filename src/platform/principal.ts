import type { Permission, Role } from './permissions.js';

/** Who is making a request: a signed-in user or an agency's API token. */
export type UserPrincipal = {
  kind: 'user';
  userId: string;
  partnershipId: string;
  agencyId: string;
  agencyCode: string;
  agencyName: string;
  /** The user's agency's information-sharing agreement dates (ISO), read with the session. */
  agencyAgreement: { signedOn: string | null; expiresOn: string | null };
  email: string;
  displayName: string;
  roles: Role[];
  permissions: Set<Permission>;
};

export type TokenPrincipal = {
  kind: 'token';
  tokenId: string;
  partnershipId: string;
  agencyId: string;
  agencyCode: string;
  scopes: string[];
};

/** The command line, acting for the partnership's administrators; audited as such. */
export type SystemPrincipal = {
  kind: 'system';
  partnershipId: string;
  agencyId: null;
  label: string;
};

export type Principal = UserPrincipal | TokenPrincipal | SystemPrincipal;

export function hasScope(principal: TokenPrincipal, scope: string): boolean {
  return principal.scopes.includes('*') || principal.scopes.includes(scope);
}
