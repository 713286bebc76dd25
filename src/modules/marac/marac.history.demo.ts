import { randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { Database, Db, Tx } from '../../db/database.js';
import { shiftDays } from '../../platform/format.js';
import { systemActor } from '../../platform/request-context.js';
import { nameSearchColumns } from '../people/person.repository.js';
import * as meetings from './meeting.repository.js';
import { meetingDates } from './schedule.recurrence.js';
import {
  ACTIONS,
  INVITED,
  makeCase,
  MINUTE,
  random,
  REFERRERS,
  RESEARCH_NOTES,
  RESEARCH_RETURNED,
  type ActionPlan,
  type Case,
  type Person,
} from './marac.history.demo-data.js';

/**
 * About eleven months of MARAC history for the demo partnership, so the SafeLives return's last complete quarter and
 * the coordinator's dashboard (3, 6 and 12 months) have figures a newcomer can read: held meetings in every area
 * (from each schedule's own slots), each hearing several cases referred before it (new cases and repeats within 12
 * months of the last referral), agencies invited and returning research, registers, final minutes (two amended),
 * and actions done on time, done late and still overdue — about nine in ten on time, varying by agency.
 *
 * Hundreds of records through the services one by one would add minutes to `npm start`, so this loads them in a few
 * set-based statements in one transaction, with the values the services would write (search keys, references from
 * the same sequences, each case given to the MARAC agency it was referred to) and their past timestamps.
 * The access tables stay exact: their triggers run on these inserts as on any other. One audit event records the
 * load as the demo seed. Invented people only; a fixed seed makes every load the same.
 */

type Ids = Map<string, string>;
/** Who the demo's staff are: the agency each MARAC role's user works for, by e-mail. */
export type HistoryStaff = {
  coordinator: { id: string; agencyId: string };
  byAgency: Ids;
  attendees: { id: string; agencyId: string }[];
  apologies: { id: string; agencyId: string };
};

/** The history ends where the MARAC demo's own two recent meetings begin. */
export const HISTORY_DAYS = 330;
const RECENT_DAYS = 15;

/** Inserts rows in chunks, under PostgreSQL's limit on parameters in one statement. */
async function insertAll<T extends keyof Database & string>(trx: Tx, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + 500) as never)
      .execute();
  }
}

const at = (date: string, time: string) => new Date(`${date}T${time}:00Z`);

/**
 * Loads the history: run after the MARAC demo's schedules exist (their slots give the dates) and after its recent
 * meetings, whose meeting-day demo takes the oldest accepted referrals as the cases it heard.
 */
export async function seedMaracHistoryDemo(db: Db, partnershipId: string, scheduleIds: string[], today: string, staff: HistoryStaff): Promise<void> {
  const rng = random(20261123);
  const agencies = new Map(
    (await db.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
  );
  const council = agencies.get('COUNCIL')!;
  const invited = INVITED.map((code) => agencies.get(code)!);
  const userOf = (code: string) => staff.byAgency.get(code) ?? null;
  await db.transaction().execute(async (trx) => {
    // Held meetings from each schedule's own slots, in date order across the areas.
    const held: { id: string; date: string; areaId: string; limit: [number, number] }[] = [];
    for (const scheduleId of scheduleIds) {
      const s = (await meetings.findSchedule(trx, partnershipId, scheduleId))!;
      const dates = meetingDates(
        { recurrence: s.recurrence, weekday: s.weekday, weekOfMonth: s.week_of_month, startsOn: s.starts_on },
        shiftDays(today, -HISTORY_DAYS),
        shiftDays(today, -RECENT_DAYS),
      );
      const limit: [number, number] = s.recurrence === 'weekly' ? [2, 4] : s.recurrence === 'fortnightly' ? [3, 4] : [4, 6];
      for (const date of dates) {
        const id = randomUUID();
        held.push({ id, date, areaId: s.area_id, limit });
        await meetings.insertMeeting(trx, {
          id,
          partnership_id: partnershipId,
          area_id: s.area_id,
          schedule_id: s.id,
          scheduled_for: date,
          meeting_date: date,
          starts_at: s.starts_at,
          place: s.place,
          case_limit: s.case_limit,
          status: 'held',
          created_by: null,
          created_at: at(shiftDays(date, -60), '06:00'),
          agenda_published_at: at(shiftDays(date, -7), '09:00'),
          agenda_published_by: staff.coordinator.id,
          agenda_published_version: 1,
        });
      }
    }
    held.sort((a, b) => a.date.localeCompare(b.date));

    // Cases heard: new referrals, and repeats of cases referred within the last 12 months.
    const cases: Case[] = [];
    const referrals: Insertable<Database['referrals']>[] = [];
    const items: Insertable<Database['marac_agenda_items']>[] = [];
    const heard: { itemId: string; meeting: (typeof held)[number]; theCase: Case }[] = [];
    for (const meeting of held) {
      const count = rng.int(...meeting.limit);
      const onThis = new Set<string>();
      for (let position = 1; position <= count; position += 1) {
        const referredOn = shiftDays(meeting.date, -rng.int(6, 20));
        const candidates = cases.filter((c) => c.area === meeting.areaId && !onThis.has(c.id) && c.lastReferral && c.lastHeard < shiftDays(referredOn, -14));
        const again = candidates.length > 3 && rng.chance(0.3) ? rng.pick(candidates) : null;
        const theCase = again ?? makeCase(rng, referredOn, meeting.areaId);
        if (!again) cases.push(theCase);
        onThis.add(theCase.id);
        const referralId = randomUUID();
        const referrer = again ? rng.weighted(REFERRERS) : theCase.agency;
        const criterion = again
          ? 'repeat'
          : rng.weighted([
              ['visible_high_risk', 70],
              ['professional_judgement', 18],
              ['potential_escalation', 12],
            ] as const);
        const consentGiven = rng.chance(0.8);
        const score = criterion === 'visible_high_risk' ? rng.int(14, 22) : null;
        referrals.push({
          id: referralId,
          partnership_id: partnershipId,
          reference: sql<string>`'REF-' || lpad(nextval('referral_reference_seq')::text, 6, '0')` as unknown as string,
          case_id: theCase.id,
          victim_id: theCase.victim.id,
          perpetrator_ids: theCase.perpetrators.map((p) => p.person.id),
          destination: 'marac',
          criterion,
          to_agency_id: council,
          reasons:
            criterion === 'professional_judgement'
              ? 'Victim describes threats becoming more specific; the officer believes the risk is high though the score is below 14.'
              : null,
          referred_on: referredOn,
          referring_agency_id: agencies.get(referrer)!,
          referred_by: userOf(referrer),
          score,
          score_band: score === null ? null : 'high',
          escalation_count: criterion === 'potential_escalation' ? rng.int(3, 5) : 0,
          consent_status: consentGiven ? 'given' : 'not_sought',
          lawful_basis: consentGiven ? null : 'safeguarding',
          consent_reason: consentGiven ? null : 'Asking the victim would alert the perpetrator',
          is_repeat: Boolean(again),
          repeat_of_id: again?.lastReferral?.id ?? null,
          status: 'accepted',
          decided_by: staff.coordinator.id,
          decided_at: at(shiftDays(referredOn, 1), '11:00'),
          created_at: at(referredOn, '10:00'),
        });
        const itemId = randomUUID();
        items.push({
          id: itemId,
          partnership_id: partnershipId,
          meeting_id: meeting.id,
          case_id: theCase.id,
          referral_id: referralId,
          position,
          kind: again ? 'repeat' : 'new',
          added_by: staff.coordinator.id,
          created_at: at(shiftDays(referredOn, 2), '09:00'),
        });
        theCase.lastReferral = { id: referralId, referredOn };
        theCase.lastHeard = meeting.date;
        heard.push({ itemId, meeting, theCase });
      }
    }

    // People and cases, as the people and case services store them.
    const people: Insertable<Database['people']>[] = [];
    // The search keys' metaphones are worked out by PostgreSQL (dmetaphone), as the people module stores them.
    const names: (Omit<Insertable<Database['person_names']>, 'given_metaphone' | 'family_metaphone'> & ReturnType<typeof nameSearchColumns>)[] = [];
    const casePeople: Insertable<Database['case_people']>[] = [];
    const caseRows: Insertable<Database['cases']>[] = [];
    const person = (p: Person, c: Case) => {
      people.push({
        id: p.id,
        partnership_id: partnershipId,
        owning_agency_id: agencies.get(c.agency)!,
        date_of_birth: p.dateOfBirth,
        estimated_age: p.estimatedAge,
        estimated_age_on: p.estimatedAge === null ? null : c.openedOn,
        gender: p.gender,
        sex: p.sex,
        gender_identity: p.genderIdentity,
        ethnicity: p.ethnicity,
        disability: p.disability,
        sexual_orientation: p.orientation,
        created_by: userOf(c.agency),
        created_at: at(c.openedOn, '10:30'),
      });
      names.push({
        partnership_id: partnershipId,
        person_id: p.id,
        kind: 'legal',
        given_name: p.given,
        family_name: p.family,
        is_primary: true,
        ...nameSearchColumns(p.given, p.family),
      });
    };
    for (const c of cases) {
      const closes = c.lastHeard < shiftDays(today, -150) && rng.chance(0.7);
      caseRows.push({
        id: c.id,
        partnership_id: partnershipId,
        reference: sql<string>`'HBR-' || ${c.openedOn.slice(0, 4)} || '-' || lpad(nextval('case_reference_seq')::text, 6, '0')` as unknown as string,
        owning_agency_id: agencies.get(c.agency)!,
        status: closes ? 'closed' : 'open',
        flags: c.flags,
        opened_on: c.openedOn,
        closed_on: closes ? shiftDays(c.lastHeard, rng.int(60, 120)) : null,
        created_by: userOf(c.agency),
        created_at: at(c.openedOn, '10:30'),
      });
      person(c.victim, c);
      casePeople.push({ partnership_id: partnershipId, case_id: c.id, person_id: c.victim.id, role: 'victim', relationship: null, lives_with: null });
      for (const p of c.perpetrators) {
        person(p.person, c);
        casePeople.push({
          partnership_id: partnershipId,
          case_id: c.id,
          person_id: p.person.id,
          role: 'perpetrator',
          relationship: p.relationship,
          lives_with: null,
        });
      }
      for (const k of c.children) {
        person(k.person, c);
        casePeople.push({ partnership_id: partnershipId, case_id: c.id, person_id: k.person.id, role: 'child', relationship: null, lives_with: k.livesWith });
      }
    }
    await insertAll(trx, 'people', people);
    await insertAll(trx, 'person_names', names as unknown as Insertable<Database['person_names']>[]);
    await insertAll(trx, 'cases', caseRows);
    // A MARAC referral gives its case to the MARAC agency, as the referrals module does (shareCase); the invited
    // agencies see the meetings' content through the meeting, not the cases (marac.access.ts).
    const shared = new Map<string, Insertable<Database['case_agencies']>>();
    for (const { meeting, theCase } of heard) {
      const key = theCase.id;
      if (council === agencies.get(theCase.agency) || shared.has(key)) continue;
      shared.set(key, {
        partnership_id: partnershipId,
        case_id: theCase.id,
        agency_id: council,
        added_by: null,
        added_at: at(shiftDays(meeting.date, -7), '09:00'),
      });
    }
    await insertAll(trx, 'case_agencies', [...shared.values()]);
    await insertAll(trx, 'case_people', casePeople);
    await insertAll(trx, 'referrals', referrals);
    await insertAll(
      trx,
      'marac_meeting_agencies',
      held.flatMap((m) =>
        invited.map((agencyId) => ({
          partnership_id: partnershipId,
          meeting_id: m.id,
          agency_id: agencyId,
          invited_by: staff.coordinator.id,
          invited_at: at(shiftDays(m.date, -7), '09:00'),
        })),
      ),
    );
    await insertAll(trx, 'marac_agenda_items', items);

    // Research from most invited agencies on most cases, in the week before each meeting.
    const research: Insertable<Database['marac_research']>[] = [];
    for (const { itemId, meeting, theCase } of heard) {
      for (const code of INVITED) {
        if (!rng.chance(RESEARCH_RETURNED[code]!)) continue;
        const known = code === 'POLICE' || code === 'IDVA' || rng.chance(0.45);
        research.push({
          partnership_id: partnershipId,
          agenda_item_id: itemId,
          case_id: theCase.id,
          agency_id: agencies.get(code)!,
          known_to_agency: known,
          open_case: known && rng.chance(0.5),
          risks_identified: known && rng.chance(0.6),
          notes: known ? rng.pick(RESEARCH_NOTES) : null,
          recorded_by: userOf(code),
          created_at: at(shiftDays(meeting.date, -rng.int(1, 5)), '14:00'),
        });
      }
    }
    await insertAll(trx, 'marac_research', research);

    // Registers: the core members present (each confirming the confidentiality statement), the practitioner sometimes sends apologies.
    const attendance: Insertable<Database['marac_attendance']>[] = [];
    for (const m of held) {
      for (const who of staff.attendees) {
        attendance.push({
          partnership_id: partnershipId,
          meeting_id: m.id,
          user_id: who.id,
          agency_id: who.agencyId,
          status: 'present',
          confidentiality_confirmed_at: at(m.date, '09:55'),
          recorded_by: staff.coordinator.id,
        });
      }
      const present = rng.chance(0.6);
      attendance.push({
        partnership_id: partnershipId,
        meeting_id: m.id,
        user_id: staff.apologies.id,
        agency_id: staff.apologies.agencyId,
        status: present ? 'present' : 'apologies',
        confidentiality_confirmed_at: present ? at(m.date, '09:56') : null,
        recorded_by: staff.coordinator.id,
      });
    }
    await insertAll(trx, 'marac_attendance', attendance);

    // Final minutes for every case heard, and actions for the agencies.
    const chair = staff.byAgency.get('POLICE')!;
    const minutes: Insertable<Database['marac_minutes']>[] = [];
    const actions: Insertable<Database['marac_actions']>[] = [];
    const ids: string[] = [];
    for (const { itemId, meeting, theCase } of heard) {
      const minuteId = randomUUID();
      ids.push(minuteId);
      minutes.push({
        id: minuteId,
        partnership_id: partnershipId,
        agenda_item_id: itemId,
        case_id: theCase.id,
        idva_view: rng.pick(MINUTE.idvaViews),
        summary: rng.pick(MINUTE.summaries),
        risks: rng.pick(MINUTE.risks),
        status: 'final',
        drafted_by: chair,
        finalised_by: chair,
        finalised_at: at(shiftDays(meeting.date, rng.int(1, 3)), '16:00'),
        created_at: at(meeting.date, '10:30'),
      });
      const plans = [...ACTIONS.map((a) => [a, a.weight] as const)];
      const count = rng.int(1, 3);
      const chosen = new Set<ActionPlan>();
      while (chosen.size < count) chosen.add(rng.weighted(plans));
      for (const plan of chosen) {
        const due = shiftDays(meeting.date, rng.pick([7, 14, 14, 21, 28, 42]));
        const doer = userOf(plan.agency) ?? staff.coordinator.id;
        let done: Date | null = null;
        if (due >= today) {
          if (rng.chance(0.3)) done = at(shiftDays(meeting.date, rng.int(1, 6)), '15:00');
        } else if (rng.chance(plan.onTime)) {
          done = at(shiftDays(due, -rng.int(0, 5)), '15:00');
        } else if (due < shiftDays(today, -45) || rng.chance(0.4)) {
          const late = shiftDays(due, rng.int(2, 30));
          done = at(late < today ? late : shiftDays(today, -1), '15:00');
        }
        actions.push({
          partnership_id: partnershipId,
          agenda_item_id: itemId,
          meeting_id: meeting.id,
          meeting_date: meeting.date,
          case_id: theCase.id,
          agency_id: agencies.get(plan.agency)!,
          assigned_user_id: null,
          description: rng.pick(plan.tasks),
          due_on: due,
          status: done ? 'done' : 'open',
          completion_note: done ? 'Done as agreed at the MARAC; the IDVA was told.' : null,
          completed_by: done ? doer : null,
          completed_at: done,
          created_by: staff.coordinator.id,
          created_at: at(meeting.date, '11:00'),
        });
      }
    }
    await insertAll(trx, 'marac_minutes', minutes);
    await insertAll(trx, 'marac_actions', actions);
    // Two minutes corrected after the meeting, as amendments (a final minute is never changed).
    const amended = [heard[3], heard[Math.floor(heard.length / 2)]].filter((h) => h !== undefined);
    await insertAll(
      trx,
      'marac_minute_amendments',
      amended.map((h, i) => ({
        partnership_id: partnershipId,
        minute_id: ids[heard.indexOf(h)]!,
        case_id: h.theCase.id,
        text:
          i === 0
            ? 'Correction: the last incident was on the Saturday, not the Sunday. Police confirmed after the meeting.'
            : 'Housing adds: the management transfer was approved the day after the meeting.',
        made_by: staff.coordinator.id,
        made_by_agency_id: staff.coordinator.agencyId,
        created_at: at(shiftDays(h.meeting.date, 5), '12:00'),
      })),
    );
    await systemActor(partnershipId, 'demo seed').record(trx, {
      action: 'marac.demo.history_load',
      outcome: 'success',
      details: {
        meetings: held.length,
        cases: cases.length,
        casesHeard: items.length,
        research: research.length,
        actions: actions.length,
        from: held[0]?.date ?? null,
      },
    });
  });
}
