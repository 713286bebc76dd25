import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from '../people/people.policy.js';
import type { ContactInput } from './casework.schemas.js';
import type { UnsafeReason } from './casework.table.js';

/**
 * IDVA casework reads and writes. Every read carries the case rule (row-level security is the second wall); who
 * within the IDVA service sees which case (their own, or the team's for the manager) is casework.policy.ts.
 */

/** The victim's primary name, for a case alias `c` (null when the viewer may not see the victim). */
function victimName(viewer: Viewer) {
  return sql<string | null>`(select concat_ws(' ', n.given_name, n.family_name) from case_people v
    join people p on p.partnership_id = v.partnership_id and p.id = v.person_id
    join person_names n on n.partnership_id = p.partnership_id and n.person_id = p.id and n.is_primary
    where v.partnership_id = c.partnership_id and v.case_id = c.id and v.role = 'victim' and ${personVisible(viewer, 'p')})`;
}

/** The latest submitted assessment's level (the judgement's, or the score's). */
const latestRisk = sql<string | null>`(select coalesce(ra.level, ra.score_band) from risk_assessments ra
  where ra.partnership_id = c.partnership_id and ra.case_id = c.id and ra.status = 'submitted'
  order by ra.assessed_on desc, ra.created_at desc limit 1)`;

/** IDVA referrals to the viewer's service not yet allocated or decided, oldest first. */
export function queue(db: DbOrTx, viewer: Viewer, today: string) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'r.partnership_id').onRef('a.id', '=', 'r.referring_agency_id'))
    .select([
      'r.id',
      'r.reference',
      'r.version',
      'r.referred_on',
      'r.score',
      'r.score_band',
      'r.case_id',
      'c.reference as case_reference',
      'a.name as referring_agency',
      victimName(viewer).as('victim_name'),
      sql<number>`(${today}::date - r.referred_on)`.as('days_waiting'),
    ])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where('r.destination', '=', 'idva')
    .where('r.to_agency_id', '=', viewer.agencyId)
    .where('r.status', '=', 'awaiting_screening')
    .where(caseVisible(viewer, 'c'))
    .orderBy('r.referred_on')
    .orderBy('r.created_at')
    .limit(200)
    .execute();
}

export type QueueRow = Awaited<ReturnType<typeof queue>>[number];

export function findQueued(db: DbOrTx, viewer: Viewer, referralId: string) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
    .select(['r.id', 'r.case_id', 'r.version', 'r.status', 'r.destination', 'r.to_agency_id', 'r.referred_on'])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where('r.id', '=', referralId)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
}

/** The active IDVAs of an agency, by name. */
export function idvas(db: DbOrTx, partnershipId: string, agencyId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('partnership_id', '=', partnershipId)
    .where('agency_id', '=', agencyId)
    .where('active', '=', true)
    .where(sql<boolean>`roles && array['idva']::text[]`)
    .orderBy('display_name')
    .execute();
}

/** The case's open IDVA case at this service, if any, with its IDVA's name. */
export function openCaseFor(db: DbOrTx, partnershipId: string, caseId: string, agencyId: string) {
  return db
    .selectFrom('idva_cases as ic')
    .innerJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'ic.partnership_id').onRef('u.id', '=', 'ic.idva_id'))
    .select(['ic.id', 'u.display_name as idva_name'])
    .where('ic.partnership_id', '=', partnershipId)
    .where('ic.case_id', '=', caseId)
    .where('ic.agency_id', '=', agencyId)
    .where('ic.status', '=', 'open')
    .executeTakeFirst();
}

/** Accepts the referral at the version the manager saw; false when someone else got there first. */
export async function acceptReferral(db: DbOrTx, viewer: Viewer, referralId: string, version: number): Promise<boolean> {
  const result = await db
    .updateTable('referrals')
    .set({ status: 'accepted', decided_by: viewer.userId, decided_at: new Date(), version: version + 1, updated_at: new Date() })
    .where('partnership_id', '=', viewer.partnershipId)
    .where('id', '=', referralId)
    .where('version', '=', version)
    .where('status', '=', 'awaiting_screening')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertIdvaCase(
  db: DbOrTx,
  row: { partnershipId: string; caseId: string; referralId: string; agencyId: string; idvaId: string; allocatedBy: string | null; allocatedOn: string },
): Promise<string> {
  const made = await db
    .insertInto('idva_cases')
    .values({
      partnership_id: row.partnershipId,
      case_id: row.caseId,
      referral_id: row.referralId,
      agency_id: row.agencyId,
      idva_id: row.idvaId,
      allocated_by: row.allocatedBy,
      allocated_on: row.allocatedOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return made.id;
}

function idvaCases(db: DbOrTx, viewer: Viewer, today: string) {
  return db
    .selectFrom('idva_cases as ic')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'ic.partnership_id').onRef('c.id', '=', 'ic.case_id'))
    .innerJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'ic.partnership_id').onRef('u.id', '=', 'ic.idva_id'))
    .select([
      'ic.id',
      'ic.case_id',
      'ic.idva_id',
      'ic.agency_id',
      'ic.referral_id',
      'ic.allocated_on',
      'ic.status',
      'ic.closed_on',
      'ic.next_contact_due',
      'ic.version',
      'c.reference as case_reference',
      'u.display_name as idva_name',
      victimName(viewer).as('victim_name'),
      latestRisk.as('risk'),
      sql<number>`(coalesce(ic.closed_on, ${today}::date) - ic.allocated_on)`.as('days_open'),
      sql<string | null>`(select max(k.contact_on) from idva_contacts k where k.partnership_id = ic.partnership_id and k.idva_case_id = ic.id)`.as(
        'last_contact_on',
      ),
      // The next MARAC meeting to hear the case, or else the last one that did.
      sql<string | null>`(select m.meeting_date from marac_agenda_items i join marac_meetings m on m.partnership_id = i.partnership_id and m.id = i.meeting_id
        where i.partnership_id = ic.partnership_id and i.case_id = ic.case_id and m.status <> 'cancelled'
        order by (m.meeting_date >= ${today}::date) desc, abs(m.meeting_date - ${today}::date) limit 1)`.as('marac_date'),
    ])
    .where('ic.partnership_id', '=', viewer.partnershipId)
    .where(caseVisible(viewer, 'c'));
}

/** An IDVA's open cases (or every IDVA's in the agency, for the manager), next contact due first. */
export function caseload(db: DbOrTx, viewer: Viewer, today: string, idvaId: string | null) {
  let query = idvaCases(db, viewer, today).where('ic.agency_id', '=', viewer.agencyId).where('ic.status', '=', 'open');
  if (idvaId) query = query.where('ic.idva_id', '=', idvaId);
  return query
    .orderBy(sql`ic.next_contact_due nulls first`)
    .orderBy('ic.allocated_on')
    .limit(500)
    .execute();
}

export type CaseloadRow = Awaited<ReturnType<typeof caseload>>[number];

export function findIdvaCase(db: DbOrTx, viewer: Viewer, today: string, id: string) {
  return idvaCases(db, viewer, today).where('ic.id', '=', id).executeTakeFirst();
}

/** How many IDVA cases each IDVA of the agency was allocated since `from` (the yearly referrals benchmark). */
export async function allocatedSince(db: DbOrTx, viewer: Viewer, from: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('idva_cases')
    .select(['idva_id', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', viewer.partnershipId)
    .where('agency_id', '=', viewer.agencyId)
    .where('allocated_on', '>=', from)
    .groupBy('idva_id')
    .execute();
  return new Map(rows.map((r) => [r.idva_id, r.n]));
}

export function listContacts(db: DbOrTx, partnershipId: string, idvaCaseId: string) {
  return db
    .selectFrom('idva_contacts as k')
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'k.partnership_id').onRef('u.id', '=', 'k.recorded_by'))
    .leftJoin('person_contacts as pc', (join) => join.onRef('pc.partnership_id', '=', 'k.partnership_id').onRef('pc.id', '=', 'k.contact_value_id'))
    .select([
      'k.id',
      'k.contact_on',
      'k.method',
      'k.successful',
      'k.initiated_by',
      'k.duration_minutes',
      'k.summary',
      'k.voicemail_left',
      'k.unsafe_reasons',
      'k.unsafe_justification',
      'pc.value as contact_value',
      'u.display_name as recorded_by_name',
    ])
    .where('k.partnership_id', '=', partnershipId)
    .where('k.idva_case_id', '=', idvaCaseId)
    .orderBy('k.contact_on', 'desc')
    .orderBy('k.created_at', 'desc')
    .limit(200)
    .execute();
}

export async function insertContact(
  db: DbOrTx,
  row: { partnershipId: string; idvaCaseId: string; caseId: string; input: ContactInput; unsafe: UnsafeReason[]; by: string },
): Promise<string> {
  const { input } = row;
  const made = await db
    .insertInto('idva_contacts')
    .values({
      partnership_id: row.partnershipId,
      idva_case_id: row.idvaCaseId,
      case_id: row.caseId,
      contact_on: input.contactOn,
      method: input.method,
      contact_value_id: input.contactValueId,
      successful: input.successful,
      initiated_by: input.initiatedBy,
      duration_minutes: input.durationMinutes,
      summary: input.summary,
      voicemail_left: input.voicemailLeft,
      within_safe_times: input.withinSafeTimes,
      unsafe_reasons: row.unsafe,
      unsafe_justification: row.unsafe.length ? input.justification : null,
      recorded_by: row.by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return made.id;
}
