import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from '../people/people.policy.js';
import type { TransferDirection } from './transfer.table.js';

/**
 * What a transfer packet carries, read for one case the coordinator may see (the case rule, and row-level security
 * behind it), and the transfers and trusted keys themselves.
 */

export function findVisibleCase(db: DbOrTx, viewer: Viewer, caseId: string) {
  return db
    .selectFrom('cases as c')
    .select(['c.id', 'c.reference', 'c.opened_on', 'c.flags', 'c.status'])
    .where('c.id', '=', caseId)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
}

export type TransferCaseRow = NonNullable<Awaited<ReturnType<typeof findVisibleCase>>>;

/** The case's victim, perpetrators and children the viewer may see, with their safe-contact columns. */
export function casePeople(db: DbOrTx, viewer: Viewer, caseId: string) {
  return db
    .selectFrom('case_people as cp')
    .innerJoin('people as p', (join) => join.onRef('p.partnership_id', '=', 'cp.partnership_id').onRef('p.id', '=', 'cp.person_id'))
    .select([
      'p.id',
      'cp.role',
      'cp.relationship',
      'cp.lives_with',
      'p.date_of_birth',
      'p.estimated_age',
      'p.estimated_age_on',
      'p.gender',
      'p.voicemail_allowed',
      'p.safe_times',
      'p.do_not_write_home',
    ])
    .where('cp.partnership_id', '=', viewer.partnershipId)
    .where('cp.case_id', '=', caseId)
    .where('cp.role', 'in', ['victim', 'perpetrator', 'child'])
    .where(personVisible(viewer, 'p'))
    .orderBy('cp.added_at')
    .execute();
}

export function personNames(db: DbOrTx, partnershipId: string, personIds: string[]) {
  if (personIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('person_names')
    .select(['person_id', 'kind', 'given_name', 'family_name', 'is_primary'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', 'in', personIds)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
}

/** Only contacts marked safe: the rest are not how the victim may be reached. */
export function safeContacts(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_contacts')
    .select(['kind', 'value'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('is_safe', '=', true)
    .orderBy('id')
    .execute();
}

export function submittedAssessments(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('risk_assessments as a')
    .innerJoin('risk_instruments as i', (join) =>
      join.onRef('i.partnership_id', '=', 'a.partnership_id').onRef('i.instrument_id', '=', 'a.instrument_id').onRef('i.version', '=', 'a.instrument_version'),
    )
    .select([
      'a.instrument_id',
      'a.instrument_version',
      'i.title',
      'a.assessed_on',
      'a.score',
      'a.score_band',
      'a.level',
      'a.raised_by_judgement',
      'a.judgement_rationale',
    ])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.case_id', '=', caseId)
    .where('a.status', '=', 'submitted')
    .orderBy('a.assessed_on')
    .orderBy('a.created_at')
    .execute();
}

export function maracReferrals(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('referrals')
    .select(['reference', 'referred_on', 'criterion', 'is_repeat', 'status'])
    .where('partnership_id', '=', partnershipId)
    .where('case_id', '=', caseId)
    .where('destination', '=', 'marac')
    .orderBy('referred_on')
    .orderBy('created_at')
    .execute();
}

/** Final minutes only: a draft is not yet the MARAC's record. */
export function finalMinutes(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('marac_minutes as m')
    .innerJoin('marac_agenda_items as i', (join) => join.onRef('i.partnership_id', '=', 'm.partnership_id').onRef('i.id', '=', 'm.agenda_item_id'))
    .innerJoin('marac_meetings as mt', (join) => join.onRef('mt.partnership_id', '=', 'i.partnership_id').onRef('mt.id', '=', 'i.meeting_id'))
    .select(['m.id', 'mt.meeting_date', 'm.idva_view', 'm.summary', 'm.risks', 'm.finalised_at'])
    .where('m.partnership_id', '=', partnershipId)
    .where('m.case_id', '=', caseId)
    .where('m.status', '=', 'final')
    .orderBy('mt.meeting_date')
    .execute();
}

export function amendments(db: DbOrTx, partnershipId: string, minuteIds: string[]) {
  if (minuteIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('marac_minute_amendments as a')
    .innerJoin('agencies as ag', (join) => join.onRef('ag.partnership_id', '=', 'a.partnership_id').onRef('ag.id', '=', 'a.made_by_agency_id'))
    .select(['a.minute_id', 'a.text', 'ag.name as agency', 'a.created_at'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.minute_id', 'in', minuteIds)
    .orderBy('a.created_at')
    .execute();
}

export function openActions(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('marac_actions as a')
    .innerJoin('agencies as ag', (join) => join.onRef('ag.partnership_id', '=', 'a.partnership_id').onRef('ag.id', '=', 'a.agency_id'))
    .select(['a.meeting_date', 'ag.name as agency', 'a.description', 'a.due_on'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.case_id', '=', caseId)
    .where('a.status', '=', 'open')
    .orderBy('a.due_on')
    .execute();
}

export function agencyName(db: DbOrTx, partnershipId: string, agencyId: string) {
  return db.selectFrom('agencies').select('name').where('partnership_id', '=', partnershipId).where('id', '=', agencyId).executeTakeFirstOrThrow();
}

export function partnershipName(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('partnerships').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
}

// Transfers

export async function insertTransfer(
  db: DbOrTx,
  row: {
    partnershipId: string;
    direction: TransferDirection;
    packetId: string;
    payloadSha256: string;
    keyId: string;
    caseId: string;
    referralId: string | null;
    counterpart: string;
    reason: string;
    packet: string | null;
    createdBy: string | null;
  },
): Promise<string> {
  const { id } = await db
    .insertInto('marac_transfers')
    .values({
      partnership_id: row.partnershipId,
      direction: row.direction,
      packet_id: row.packetId,
      payload_sha256: row.payloadSha256,
      key_id: row.keyId,
      case_id: row.caseId,
      referral_id: row.referralId,
      counterpart: row.counterpart,
      reason: row.reason,
      packet: row.packet,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Whether a packet was imported here already, whoever imported it and whether or not this viewer may see its case. */
export async function alreadyImported(db: DbOrTx, partnershipId: string, packetId: string): Promise<boolean> {
  const row = await db
    .selectFrom('marac_transfers')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('direction', '=', 'in')
    .where('packet_id', '=', packetId)
    .executeTakeFirst();
  return Boolean(row);
}

/** One transaction at a time imports a given packet id, so two imports of it at once cannot both pass the replay check. */
export async function lockPacket(db: DbOrTx, packetId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`marac-transfer:${packetId}`}, 0))`.execute(db);
}

function transfersWithCase(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('marac_transfers as t')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 't.partnership_id').onRef('c.id', '=', 't.case_id'))
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 't.partnership_id').onRef('u.id', '=', 't.created_by'))
    .select([
      't.id',
      't.direction',
      't.packet_id',
      't.payload_sha256',
      't.key_id',
      't.case_id',
      't.referral_id',
      't.counterpart',
      't.reason',
      't.created_at',
      'c.reference as case_reference',
      'u.display_name as created_by_name',
    ])
    .where('t.partnership_id', '=', viewer.partnershipId)
    .where(caseVisible(viewer, 'c'));
}

export function listTransfers(db: DbOrTx, viewer: Viewer, limit: number) {
  return transfersWithCase(db, viewer).orderBy('t.created_at', 'desc').limit(limit).execute();
}

export type TransferRow = Awaited<ReturnType<typeof listTransfers>>[number];

export function findTransfer(db: DbOrTx, viewer: Viewer, id: string) {
  return transfersWithCase(db, viewer).select('t.packet').where('t.id', '=', id).executeTakeFirst();
}

// Trusted keys

export function findKey(db: DbOrTx, partnershipId: string, keyId: string) {
  return db
    .selectFrom('marac_transfer_keys')
    .select(['id', 'name', 'key_id', 'public_key', 'revoked_at'])
    .where('partnership_id', '=', partnershipId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
}

export function listKeys(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('marac_transfer_keys')
    .select(['id', 'name', 'key_id', 'public_key', 'added_at', 'revoked_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('name')
    .execute();
}

export async function insertKey(db: DbOrTx, row: { partnershipId: string; name: string; keyId: string; publicKey: string; addedBy: string | null }) {
  const { id } = await db
    .insertInto('marac_transfer_keys')
    .values({ partnership_id: row.partnershipId, name: row.name, key_id: row.keyId, public_key: row.publicKey, added_by: row.addedBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function revokeKey(db: DbOrTx, partnershipId: string, keyId: string, revokedBy: string | null): Promise<boolean> {
  const result = await db
    .updateTable('marac_transfer_keys')
    .set({ revoked_at: new Date(), revoked_by: revokedBy })
    .where('partnership_id', '=', partnershipId)
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
