import type { FastifyRequest } from 'fastify';
import { errors } from '../../platform/errors.js';
import type { Permission } from '../../platform/permissions.js';
import { hasScope, type TokenPrincipal, type UserPrincipal } from '../../platform/principal.js';
import { actorFor, type Actor } from '../../platform/request-context.js';

/** The nil UUID: no user has it, so no user's "must not see" entry names a token. */
export const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * A token acts for its agency. The people services see it as a member of that agency who is no particular user:
 * the agency's records and shared cases are visible, an agency-level "must not see" entry applies, a user-level
 * one never does, and personal data is readable only when the token has the scope the route requires.
 */
export function tokenViewer(principal: TokenPrincipal, scope: string): UserPrincipal {
  const permissions = new Set<Permission>(hasScope(principal, scope) ? ['personal-data:read'] : []);
  return {
    kind: 'user',
    userId: NO_USER,
    partnershipId: principal.partnershipId,
    agencyId: principal.agencyId,
    agencyCode: principal.agencyCode,
    agencyName: principal.agencyCode,
    agencyAgreement: { signedOn: null, expiresOn: null },
    email: '',
    displayName: `API token ${principal.tokenId}`,
    roles: [],
    permissions,
  };
}

/**
 * The services' actor for a token: it sees as tokenViewer(), and its audit events are the request's own, so each
 * row names the token (api_token_id) and its agency, and no user. `apiTokenId` names the token to
 * actingTransaction, which sets harbour.api_token_id, so record_history rows name it too (changed_by_token_id).
 */
export type TokenActor = Actor & { principal: UserPrincipal; apiTokenId: string };

export function tokenActor(request: FastifyRequest, scope: string): TokenActor {
  const principal = request.principal;
  if (!principal || principal.kind !== 'token') throw errors.unauthenticated();
  return { ...actorFor(request), principal: tokenViewer(principal, scope), apiTokenId: principal.tokenId };
}
