import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listAgreementAgencies } from '../people/case.repository.js';
import * as repo from './action.repository.js';
import { activeStaff, findAttendance } from './attendance.repository.js';
import { maracErrors } from './marac.errors.js';
import { caseworker, isCoordinator } from './marac.policy.js';
import { dayErrors } from './meeting-day.errors.js';
import type { ActionInput } from './meeting-day.schemas.js';
import { assertMayMinute, openItem } from './meeting-day.service.js';
import { findMinute } from './minutes.repository.js';

/**
 * Actions (issue 5, steps 4 and 5). Agreed per agenda case in the meeting: an agency whose information-sharing
 * agreement is in force, optionally one of its people, what it will do, and a due date on or after the meeting. The
 * agency's staff see the action and the case's reference (marac.access.ts), not the case; they mark it done with an update.
 */

async function agreementInForce(db: Db, viewer: UserPrincipal): Promise<boolean> {
  return (await listAgreementAgencies(db, viewer.partnershipId, londonToday())).some((a) => a.id === viewer.agencyId);
}

/** Records an action on an agenda case (its minutes must still be a draft: final minutes are amended instead). */
export async function addAction(db: Db, actor: Actor, meetingId: string, itemId: string, input: ActionInput): Promise<string> {
  return actingTransaction(db, actor, async (trx) => {
    const open = await openItem(trx, actor, meetingId, itemId);
    assertMayMinute(open);
    const { viewer, meeting, item } = open;
    if ((await findMinute(trx, viewer, itemId))?.status === 'final') throw dayErrors.minuteFinal();
    if (input.dueOn < meeting.meeting_date) throw dayErrors.dueBeforeMeeting(meeting.meeting_date);
    const agency = (await listAgreementAgencies(trx, viewer.partnershipId, londonToday())).find((a) => a.id === input.agencyId);
    if (!agency) throw dayErrors.agencyNotAssignable();
    if (input.assignedUserId && !(await activeStaff(trx, viewer.partnershipId, [agency.id])).some((s) => s.id === input.assignedUserId)) {
      throw dayErrors.personNotInAgency(agency.name);
    }
    const id = await repo.insertAction(trx, {
      partnershipId: viewer.partnershipId,
      itemId,
      meetingId,
      meetingDate: meeting.meeting_date,
      caseId: item.case_id,
      input,
      by: viewer.userId,
    });
    await actor.record(trx, {
      action: 'marac.action.create',
      outcome: 'success',
      subjectType: 'marac_action',
      subjectId: id,
      details: { meetingId, itemId, caseId: item.case_id, agencyId: agency.id, assignedUserId: input.assignedUserId, dueOn: input.dueOn },
    });
    return id;
  });
}

/** The viewer's agency's open actions across every meeting; nothing for an agency without an agreement in force. */
export async function agencyActionsPage(db: Db, actor: Actor, page: number) {
  const viewer = caseworker(actor);
  if (!(await agreementInForce(db, viewer)))
    return { viewer, agreementInForce: false, rows: [], total: 0, overdue: 0, page, coordinator: isCoordinator(viewer) };
  const found = await repo.listAgencyOpenActions(db, viewer, viewer.agencyId, page, londonToday());
  return { viewer, agreementInForce: true, ...found, page, coordinator: isCoordinator(viewer) };
}

/**
 * One action: for the agency it is given to, the coordinator, and those who confirmed the meeting's confidentiality
 * statement. Anyone else finds nothing (404).
 */
export async function actionPage(db: Db, actor: Actor, id: string) {
  const viewer = caseworker(actor);
  if (!(await agreementInForce(db, viewer))) throw maracErrors.agreementNotInForce();
  const action = await repo.findAction(db, viewer, id);
  if (!action) throw errors.notFound('Action');
  const own = action.agency_id === viewer.agencyId;
  const attended = Boolean((await findAttendance(db, viewer.partnershipId, action.meeting_id, viewer.userId))?.confidentiality_confirmed_at);
  if (!own && !isCoordinator(viewer) && !attended) throw errors.notFound('Action');
  return { viewer, action, mayComplete: own && action.status === 'open', mayOpenMeeting: attended || isCoordinator(viewer) };
}

/** The agency marks its action done, with an update saying what it did, at the version it saw. */
export async function completeAction(db: Db, actor: Actor, id: string, update: string, version: number): Promise<void> {
  await actingTransaction(db, actor, async (trx) => {
    const viewer = caseworker(actor);
    if (!(await agreementInForce(db, viewer))) throw maracErrors.agreementNotInForce();
    const action = await repo.findAction(trx, viewer, id);
    if (!action || action.agency_id !== viewer.agencyId) throw errors.notFound('Action');
    if (action.status === 'done') throw dayErrors.actionDone();
    const at = new Date();
    if (action.version !== version || !(await repo.completeAction(trx, viewer.partnershipId, id, version, { note: update, by: viewer.userId, at }))) {
      throw errors.conflict();
    }
    await actor.record(trx, {
      action: 'marac.action.complete',
      outcome: 'success',
      subjectType: 'marac_action',
      subjectId: id,
      details: { meetingId: action.meeting_id, caseId: action.case_id, dueOn: action.due_on, onTime: londonToday(at) <= action.due_on },
    });
  });
}
