import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { parseForm } from './people.api.forms.js';
import { tokenActor } from './people.api.token.js';
import type { RestrictionJson, RestrictionOut } from './restriction.api.schemas.js';
import type { RestrictionRow } from './restriction.repository.js';
import { restrictionForm } from './restriction.schemas.js';
import * as restrictions from './restriction.service.js';

/**
 * "Must not see" lists for API tokens, through the pages' form and service: only the agency that owns the case (or
 * recorded the person) sees and changes its list, nobody can block their own agency, and a reason is required.
 * Changes are audited by the service (restriction.add, restriction.remove) with the token's id.
 */

type Subject = restrictions.RestrictionSubject;

function presentRestriction(row: RestrictionRow): RestrictionOut {
  return {
    id: row.id,
    blockedUser: row.user_name ? { name: row.user_name, email: row.user_email ?? '', agencyName: row.user_agency_name ?? '' } : null,
    blockedAgency: row.user_name ? null : { name: row.agency_name ?? '' },
    reason: row.reason,
    addedBy: row.created_by_name,
    addedAt: row.created_at.toISOString(),
  };
}

/** The entries in force. Another agency sharing the record may not see its list: 403, as the pages show it no list. */
export async function listRestrictions(db: Db, viewer: UserPrincipal, subject: Subject): Promise<{ restrictions: RestrictionOut[] }> {
  const { mayManage, restrictions: rows } = await restrictions.restrictionsFor(db, viewer, subject);
  if (!mayManage) throw errors.forbidden();
  return { restrictions: rows.map(presentRestriction) };
}

export async function addRestriction(db: Db, request: FastifyRequest, scope: string, subject: Subject, json: RestrictionJson) {
  const form = parseForm(restrictionForm, json, (field) => field);
  const actor = tokenActor(request, scope);
  const id = await restrictions.addRestriction(db, actor, subject, form);
  const { restrictions: list } = await listRestrictions(db, actor.principal, subject);
  return list.find((r) => r.id === id)!;
}

export async function removeRestriction(db: Db, request: FastifyRequest, scope: string, subject: Subject, restrictionId: string) {
  const actor = tokenActor(request, scope);
  await restrictions.removeRestriction(db, actor, subject, restrictionId);
  return listRestrictions(db, actor.principal, subject);
}
