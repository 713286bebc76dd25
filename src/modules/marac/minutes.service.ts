import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listAgreementAgencies } from '../people/case.repository.js';
import { listItemActions } from './action.repository.js';
import { activeStaff } from './attendance.repository.js';
import { dayErrors } from './meeting-day.errors.js';
import { mayMinute } from './meeting-day.policy.js';
import type { MinuteInput } from './meeting-day.schemas.js';
import { assertMayMinute, openItem } from './meeting-day.service.js';
import * as repo from './minutes.repository.js';
import { listResearch } from './research.repository.js';

/**
 * Minutes (issue 5, steps 4 and 5): per agenda case, the IDVA's view for the victim, a summary and the risks, drafted
 * in the meeting by the coordinator or the chair. Two editors of one draft: the one working from an older version is
 * refused and nothing is overwritten. Finalised minutes are the record — the database refuses any change to them —
 * and later corrections are amendments, kept beside the original with who made each and when.
 */

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** One case in the meeting: the research as discussed, its minutes (with amendments) and actions, and the choices for a new action. */
export async function minutesPage(db: Db, actor: Actor, meetingId: string, itemId: string) {
  const open = await openItem(db, actor, meetingId, itemId);
  const { viewer, access } = open;
  const [minute, actions, research] = await Promise.all([
    repo.findMinute(db, viewer, itemId),
    listItemActions(db, viewer, itemId),
    listResearch(db, viewer, [itemId]),
  ]);
  const amendments = minute?.status === 'final' ? await repo.listAmendments(db, viewer, minute.id) : [];
  const mayRecord = mayMinute(access);
  const agencies = mayRecord && minute?.status !== 'final' ? await listAgreementAgencies(db, viewer.partnershipId, londonToday()) : [];
  const staff = await activeStaff(
    db,
    viewer.partnershipId,
    agencies.map((a) => a.id),
  );
  return { ...open, minute: minute ?? null, amendments, actions, research, mayRecord, agencies, staff };
}

/** Saves the draft (version 0: the first draft), or saves and finalises it. */
export async function saveMinute(
  db: Db,
  actor: Actor,
  meetingId: string,
  itemId: string,
  input: MinuteInput,
  finalise: boolean,
  version: number,
): Promise<void> {
  try {
    await actingTransaction(db, actor, async (trx) => {
      const open = await openItem(trx, actor, meetingId, itemId);
      assertMayMinute(open);
      const { viewer, item } = open;
      const existing = await repo.findMinute(trx, viewer, itemId);
      if (existing?.status === 'final') throw dayErrors.minuteFinal();
      if ((existing?.version ?? 0) !== version) throw errors.conflict();
      if (!existing) {
        const id = await repo.insertMinute(trx, { partnershipId: viewer.partnershipId, itemId, caseId: item.case_id, input, by: viewer.userId });
        if (finalise && !(await repo.updateMinute(trx, viewer.partnershipId, id, 1, input, viewer.userId, true))) throw errors.conflict();
      } else if (!(await repo.updateMinute(trx, viewer.partnershipId, existing.id, version, input, viewer.userId, finalise))) {
        throw errors.conflict();
      }
      await actor.record(trx, {
        action: finalise ? 'marac.minutes.finalise' : 'marac.minutes.save',
        outcome: 'success',
        subjectType: 'marac_agenda_item',
        subjectId: itemId,
        details: { meetingId, caseId: item.case_id, version },
      });
    });
  } catch (error) {
    // Two first drafts at once: the second finds the first's row (one minute per agenda case).
    if (isUniqueViolation(error)) throw errors.conflict();
    throw error;
  }
}

/** Adds an amendment to final minutes: appended, never changed; the original stays as it was. */
export async function amendMinute(db: Db, actor: Actor, meetingId: string, itemId: string, text: string): Promise<void> {
  await actingTransaction(db, actor, async (trx) => {
    const open = await openItem(trx, actor, meetingId, itemId);
    if (!mayMinute(open.access)) throw errors.forbidden();
    const { viewer, item } = open;
    const minute = await repo.findMinute(trx, viewer, itemId);
    if (minute?.status !== 'final') throw dayErrors.minuteNotFinal();
    await repo.insertAmendment(trx, {
      partnershipId: viewer.partnershipId,
      minuteId: minute.id,
      caseId: item.case_id,
      text,
      by: viewer.userId,
      agencyId: viewer.agencyId,
    });
    await actor.record(trx, {
      action: 'marac.minutes.amend',
      outcome: 'success',
      subjectType: 'marac_agenda_item',
      subjectId: itemId,
      details: { meetingId, caseId: item.case_id, minuteId: minute.id },
    });
  });
}
