import type { Db, Tx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import * as repo from './agenda.repository.js';
import { maracErrors } from './marac.errors.js';
import { caseworker, coordinator, mayChangeAgenda, seesAgenda } from './marac.policy.js';
import type { ItemKind } from './marac.table.js';
import * as meetings from './meeting.repository.js';
import { asSystem, countItems, findMeeting, meetingAccess } from './meeting.service.js';

/**
 * The agenda (issue 5, step 2). Accepted MARAC referrals go on the next meeting of the case's area with room, in
 * the default order — repeats first, then highest risk (the referral's score band), then the oldest referral —
 * which the coordinator may change. A case appears once per meeting.
 *
 * A case's area, in this order:
 * 1. the area of the last meeting that heard it (a case goes back to the MARAC that knows it);
 * 2. the referring agency's area;
 * 3. the area of the agency that owns the case;
 * 4. none: agencies that cover the whole partnership have no area, so the coordinator chooses the meeting.
 */

type Slot = meetings.MeetingRow & { count: number };
export type Proposal = { referral: repo.PendingReferral; area: string | null; meeting: Slot | null };

/** A case transferred in from another MARAC is heard as a transfer in, even if it is also a repeat here. */
const kindOf = (referral: { is_repeat: boolean; is_transfer_in: boolean }): ItemKind =>
  referral.is_transfer_in ? 'transfer_in' : referral.is_repeat ? 'repeat' : 'new';

/** The meetings still to come that can take cases, with how many each has. */
async function openMeetings(db: Db | Tx, partnershipId: string, from: string): Promise<Slot[]> {
  const rows = await meetings.listMeetings(db, partnershipId, { from, limit: 500, openOnly: true });
  const counts = await countItems(
    db,
    partnershipId,
    rows.map((m) => m.id),
  );
  return rows.map((m) => ({ ...m, count: counts.get(m.id) ?? 0 }));
}

/**
 * Where each waiting referral would go: the first meeting after today in its area with room and without its case.
 * Referrals are taken in the default order, so when room is short the highest priority gets the earliest meeting.
 */
async function propose(db: Db | Tx, viewer: UserPrincipal): Promise<{ proposals: Proposal[]; slots: Slot[] }> {
  const waiting = await repo.pendingReferrals(db, viewer);
  const today = londonToday();
  const slots = await openMeetings(db, viewer.partnershipId, today);
  const caseIds = waiting.map((r) => r.case_id);
  // One after the other: inside a transaction both run on its one connection (pg refuses overlapping queries there).
  const heard = await repo.lastHeardAreas(db, viewer.partnershipId, caseIds);
  const taken = await repo.casesOnMeetings(db, viewer.partnershipId, caseIds, today);
  const proposals = waiting.map((referral) => {
    const area = heard.get(referral.case_id) ?? referral.referring_area_id ?? referral.owner_area_id ?? null;
    const meeting =
      slots.find((s) => s.area_id === area && s.meeting_date > today && s.count < s.case_limit && !taken.has(`${s.id}:${referral.case_id}`)) ?? null;
    if (meeting) {
      meeting.count += 1;
      taken.add(`${meeting.id}:${referral.case_id}`);
    }
    return { referral, area, meeting };
  });
  return { proposals, slots };
}

/** The coordinator's planning page: waiting referrals, where each would go, and the meetings to choose from. */
export async function planningPage(db: Db, actor: Actor) {
  const viewer = coordinator(actor);
  const { proposals } = await propose(db, viewer);
  const choices = await openMeetings(db, viewer.partnershipId, londonToday());
  return { proposals, choices };
}

/** Adds a case to a meeting's agenda, in its order, and gives it to the meeting's agencies if the agenda is out. */
async function addToAgenda(
  trx: Tx,
  actor: Actor,
  viewer: UserPrincipal,
  meeting: meetings.MeetingRow,
  item: { caseId: string; referralId: string; kind: ItemKind },
) {
  const taken = await asSystem(trx, () => repo.casesOnMeetings(trx, viewer.partnershipId, [item.caseId], meeting.meeting_date));
  if (taken.has(`${meeting.id}:${item.caseId}`)) throw maracErrors.alreadyOnAgenda(meeting.meeting_date);
  const count = (await countItems(trx, viewer.partnershipId, [meeting.id])).get(meeting.id) ?? 0;
  if (count >= meeting.case_limit) throw maracErrors.meetingFull(meeting.case_limit);
  await asSystem(trx, async () => {
    const position = await repo.nextPosition(trx, viewer.partnershipId, meeting.id);
    await repo.insertItem(trx, {
      partnership_id: viewer.partnershipId,
      meeting_id: meeting.id,
      case_id: item.caseId,
      referral_id: item.referralId,
      position,
      kind: item.kind,
      added_by: viewer.userId,
    });
    if (!meeting.agenda_custom_order) await repo.renumber(trx, viewer.partnershipId, meeting.id, 'default');
  });
  await repo.touchAgenda(trx, viewer.partnershipId, meeting.id);
}

/** Puts every waiting referral that has a proposed meeting on it. Returns how many were placed. */
export async function placeWaiting(db: Db, actor: Actor): Promise<number> {
  const viewer = coordinator(actor);
  return actingTransaction(db, actor, async (trx) => {
    await repo.lockAgendas(trx, viewer.partnershipId);
    const { proposals } = await propose(trx, viewer);
    const placed: { referralId: string; meetingId: string }[] = [];
    for (const { referral, meeting } of proposals) {
      if (!meeting) continue;
      const current = (await meetings.lockMeeting(trx, viewer.partnershipId, meeting.id))!;
      await addToAgenda(trx, actor, viewer, current, { caseId: referral.case_id, referralId: referral.id, kind: kindOf(referral) });
      placed.push({ referralId: referral.id, meetingId: meeting.id });
    }
    await actor.record(trx, { action: 'marac.agenda.place', outcome: 'success', details: { placed } });
    return placed.length;
  });
}

/** Puts one waiting referral on the meeting the coordinator chose (any area; the meeting must be still to come). */
export async function placeReferral(db: Db, actor: Actor, referralId: string, meetingId: string): Promise<void> {
  const viewer = coordinator(actor);
  await actingTransaction(db, actor, async (trx) => {
    await repo.lockAgendas(trx, viewer.partnershipId);
    const referral = await repo.findPendingReferral(trx, viewer, referralId);
    if (!referral) throw errors.notFound('Referral');
    if (referral.destination !== 'marac' || referral.status !== 'accepted') throw maracErrors.referralNotWaiting();
    if (await asSystem(trx, () => repo.referralOnAgenda(trx, viewer.partnershipId, referralId))) throw maracErrors.alreadyPlaced();
    const meeting = await meetings.lockMeeting(trx, viewer.partnershipId, meetingId);
    if (!meeting || meeting.status !== 'scheduled' || meeting.meeting_date < londonToday()) throw maracErrors.meetingNotOpen();
    await addToAgenda(trx, actor, viewer, meeting, { caseId: referral.case_id, referralId, kind: kindOf(referral) });
    await actor.record(trx, {
      action: 'marac.agenda.place',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { placed: [{ referralId, meetingId }] },
    });
  });
}

/**
 * The meeting page: the meeting, what the viewer may do with it and, if they may see it, its agenda (cases they may
 * not see are left out). Staff of an agency without an agreement in force, or not invited, get no case content.
 */
export async function agendaPage(db: Db, actor: Actor, meetingId: string) {
  const viewer = caseworker(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const access = await meetingAccess(db, viewer, meeting);
  const items = seesAgenda(access) ? await repo.listItems(db, viewer, meetingId) : [];
  const count = (await countItems(db, viewer.partnershipId, [meetingId])).get(meetingId) ?? 0;
  return { meeting, access, items, count };
}

/** The checks every change to an agenda makes, with the meeting locked: coordinator, still to come, the version they saw. */
export async function changeableAgenda(trx: Tx, viewer: UserPrincipal, meetingId: string, agendaVersion: number): Promise<meetings.MeetingRow> {
  await repo.lockAgendas(trx, viewer.partnershipId);
  const meeting = await meetings.lockMeeting(trx, viewer.partnershipId, meetingId);
  if (!meeting) throw errors.notFound('Meeting');
  const access = await meetingAccess(trx, viewer, meeting);
  if (!access.agreementInForce) throw maracErrors.agreementNotInForce();
  if (!mayChangeAgenda(access)) throw maracErrors.meetingNotOpen('form');
  if (meeting.agenda_version !== agendaVersion)
    throw errors.conflict('Someone else changed this agenda while you were looking at it. Nothing was changed: check the agenda as it is now.');
  return meeting;
}

async function visibleItem(trx: Tx, viewer: UserPrincipal, meetingId: string, itemId: string) {
  const item = await repo.findItem(trx, viewer, meetingId, itemId);
  if (!item) throw errors.notFound('Agenda item');
  return item;
}

/** Moves a case one place up or down the agenda; from then on the agenda keeps the coordinator's order. */
export async function reorder(db: Db, actor: Actor, meetingId: string, itemId: string, direction: 'up' | 'down', agendaVersion: number): Promise<void> {
  const viewer = coordinator(actor);
  await actingTransaction(db, actor, async (trx) => {
    await changeableAgenda(trx, viewer, meetingId, agendaVersion);
    const item = await visibleItem(trx, viewer, meetingId, itemId);
    await asSystem(trx, async () => {
      const other = await repo.neighbour(trx, viewer.partnershipId, meetingId, item.position, direction);
      if (!other) throw maracErrors.cannotMove(direction);
      await repo.setPosition(trx, viewer.partnershipId, item.id, other.position);
      await repo.setPosition(trx, viewer.partnershipId, other.id, item.position);
    });
    await repo.touchAgenda(trx, viewer.partnershipId, meetingId, true);
    await actor.record(trx, {
      action: 'marac.agenda.reorder',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { itemId, direction },
    });
  });
}

/** Puts the agenda back in the default order, which new cases then keep. */
export async function useDefaultOrder(db: Db, actor: Actor, meetingId: string, agendaVersion: number): Promise<void> {
  const viewer = coordinator(actor);
  await actingTransaction(db, actor, async (trx) => {
    await changeableAgenda(trx, viewer, meetingId, agendaVersion);
    await asSystem(trx, () => repo.renumber(trx, viewer.partnershipId, meetingId, 'default'));
    await repo.touchAgenda(trx, viewer.partnershipId, meetingId, false);
    await actor.record(trx, { action: 'marac.agenda.default_order', outcome: 'success', subjectType: 'marac_meeting', subjectId: meetingId });
  });
}

/** The meetings a case could move to: still to come, other than its own. */
export async function moveChoices(db: Db, actor: Actor, meetingId: string, itemId: string) {
  const viewer = coordinator(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const item = await repo.findItem(db, viewer, meetingId, itemId);
  if (!item) throw errors.notFound('Agenda item');
  const choices = (await openMeetings(db, viewer.partnershipId, londonToday())).filter((m) => m.id !== meetingId);
  return { meeting, item, choices };
}

/** Moves a case to another meeting's agenda (its research goes with it); both agendas' versions move on. */
export async function moveItem(db: Db, actor: Actor, meetingId: string, itemId: string, targetId: string, agendaVersion: number): Promise<void> {
  const viewer = coordinator(actor);
  await actingTransaction(db, actor, async (trx) => {
    await changeableAgenda(trx, viewer, meetingId, agendaVersion);
    const item = await visibleItem(trx, viewer, meetingId, itemId);
    if (targetId === meetingId) throw errors.validation([{ field: 'meetingId', message: 'Choose a different meeting' }]);
    const target = await meetings.lockMeeting(trx, viewer.partnershipId, targetId);
    if (!target || target.status !== 'scheduled' || target.meeting_date < londonToday()) throw maracErrors.meetingNotOpen();
    const taken = await asSystem(trx, () => repo.casesOnMeetings(trx, viewer.partnershipId, [item.case_id], target.meeting_date));
    if (taken.has(`${target.id}:${item.case_id}`)) throw maracErrors.alreadyOnAgenda(target.meeting_date);
    const count = (await countItems(trx, viewer.partnershipId, [target.id])).get(target.id) ?? 0;
    if (count >= target.case_limit) throw maracErrors.meetingFull(target.case_limit);
    await asSystem(trx, async () => {
      await repo.setPosition(trx, viewer.partnershipId, item.id, await repo.nextPosition(trx, viewer.partnershipId, target.id), target.id);
      await repo.renumber(trx, viewer.partnershipId, meetingId, 'current');
      if (!target.agenda_custom_order) await repo.renumber(trx, viewer.partnershipId, target.id, 'default');
    });
    await repo.touchAgenda(trx, viewer.partnershipId, meetingId);
    await repo.touchAgenda(trx, viewer.partnershipId, target.id);
    await actor.record(trx, {
      action: 'marac.agenda.move',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { itemId, caseId: item.case_id, to: target.id },
    });
  });
}
