import type { Db, DbOrTx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { mayManageSharing } from './case.policy.js';
import { findVisibleCase, findVisiblePerson } from './case.repository.js';
import { viewerOf } from './case.service.js';
import { restrictionErrors } from './restriction.errors.js';
import * as repo from './restriction.repository.js';
import type { RestrictionForm } from './restriction.schemas.js';

export type RestrictionSubject = repo.RestrictionSubject;

/** The record's owning agency, if the viewer may see the record at all; otherwise it is simply not found. */
async function owningAgencyOf(db: DbOrTx, viewer: UserPrincipal, subject: RestrictionSubject): Promise<string> {
  const record = subject.type === 'case' ? await findVisibleCase(db, viewer, subject.id) : await findVisiblePerson(db, viewer, subject.id);
  if (!record) throw errors.notFound(subject.type === 'case' ? 'Case' : 'Person');
  return record.owning_agency_id;
}

/** Whether the viewer may manage the list and, only if so, its active entries: the list itself is need-to-know. */
export async function restrictionsFor(db: Db, viewer: UserPrincipal, subject: RestrictionSubject, options = { includeRemoved: false }) {
  const owningAgencyId = await owningAgencyOf(db, viewer, subject);
  if (!mayManageSharing(viewer, { owningAgencyId })) return { mayManage: false, restrictions: [] };
  return { mayManage: true, restrictions: await repo.listRestrictions(db, viewer.partnershipId, subject, options) };
}

async function assertManager(db: DbOrTx, viewer: UserPrincipal, subject: RestrictionSubject): Promise<void> {
  if (!mayManageSharing(viewer, { owningAgencyId: await owningAgencyOf(db, viewer, subject) })) throw errors.forbidden();
}

/** Blocks a named user (of any agency) or a whole agency. Nobody can lock themselves or their own agency out. */
export async function addRestriction(db: Db, actor: Actor, subject: RestrictionSubject, form: RestrictionForm): Promise<string> {
  const viewer = viewerOf(actor);
  return actingTransaction(db, actor, async (trx) => {
    await assertManager(trx, viewer, subject);
    let blocked: { userId: string | null; agencyId: string | null };
    if (form.blocked.kind === 'user') {
      const user = await repo.findUserByEmail(trx, viewer.partnershipId, form.blocked.email);
      if (!user) throw restrictionErrors.unknownUser();
      if (user.id === viewer.userId) throw restrictionErrors.self();
      blocked = { userId: user.id, agencyId: null };
    } else {
      const agencyId = form.blocked.agencyId;
      if (agencyId === viewer.agencyId) throw restrictionErrors.ownAgency();
      if (!(await repo.listAgencies(trx, viewer.partnershipId)).some((a) => a.id === agencyId)) throw restrictionErrors.unknownAgency();
      blocked = { userId: null, agencyId };
    }
    if (await repo.isBlocked(trx, viewer.partnershipId, subject, blocked))
      throw restrictionErrors.duplicate(blocked.userId ? 'blockedEmail' : 'blockedAgencyId');
    const id = await repo.insertRestriction(trx, {
      partnershipId: viewer.partnershipId,
      subject,
      blockedUserId: blocked.userId,
      blockedAgencyId: blocked.agencyId,
      reason: form.reason,
      createdBy: viewer.userId,
    });
    await actor.record(trx, {
      action: 'restriction.add',
      outcome: 'success',
      subjectType: subject.type,
      subjectId: subject.id,
      details: { restrictionId: id, blockedUserId: blocked.userId, blockedAgencyId: blocked.agencyId },
    });
    return id;
  });
}

export async function removeRestriction(db: Db, actor: Actor, subject: RestrictionSubject, restrictionId: string): Promise<void> {
  const viewer = viewerOf(actor);
  await actingTransaction(db, actor, async (trx) => {
    await assertManager(trx, viewer, subject);
    if (!(await repo.removeRestriction(trx, viewer.partnershipId, subject, restrictionId, viewer.userId))) throw errors.notFound('Restriction');
    await actor.record(trx, { action: 'restriction.remove', outcome: 'success', subjectType: subject.type, subjectId: subject.id, details: { restrictionId } });
  });
}
