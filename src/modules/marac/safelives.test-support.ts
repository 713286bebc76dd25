import type { Db } from '../../db/database.js';
import { demoIds, insertMeeting } from './marac.test-support.js';

/**
 * A hand-computed SafeLives return: three meetings in July to September 2026 (2026-Q3) and three that must not count
 * (a cancelled one in the quarter, one the day before it starts, one the day after it ends). Each case is written
 * straight into the tables with the characteristics that decide its counts; EXPECTED below is worked out by hand
 * from them, column by column, in the template's order.
 */

export const QUARTER = '2026-Q3';

type PersonFixture = {
  dob?: string;
  estimated?: { age: number; on: string };
  sex?: string;
  gender?: string;
  genderIdentity?: string;
  ethnicity?: string;
  disability?: string;
  sexualOrientation?: string;
};

type Hearing = {
  victim: PersonFixture;
  perpetrators?: PersonFixture[];
  children?: (PersonFixture & { livesWith: 'victim' | 'perpetrator' | 'both' | 'elsewhere' })[];
  flags?: string[];
  /** The referring agency's code; none for an item placed without a referral. */
  referrer?: string;
  referredOn?: string;
  kind?: 'new' | 'repeat' | 'transfer_in';
  /** Hear a case already made again (its people are kept). */
  caseId?: string;
};

export type SafeLivesFixture = { meetings: { m1: string; m2: string; m3: string }; areas: Record<string, string>; caseA: string };

let referralNumber = 700000;

async function insertPerson(db: Db, partnershipId: string, ownerId: string, p: PersonFixture): Promise<string> {
  const row = await db
    .insertInto('people')
    .values({
      partnership_id: partnershipId,
      owning_agency_id: ownerId,
      date_of_birth: p.dob ?? null,
      estimated_age: p.estimated?.age ?? null,
      estimated_age_on: p.estimated?.on ?? null,
      sex: p.sex ?? null,
      gender: p.gender ?? null,
      gender_identity: p.genderIdentity ?? null,
      ethnicity: p.ethnicity ?? null,
      disability: p.disability ?? null,
      sexual_orientation: p.sexualOrientation ?? null,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A case heard at a meeting: its people, its referral (if any) and its agenda item; returns the case. */
async function hear(db: Db, partnershipId: string, meetingId: string, position: number, h: Hearing): Promise<string> {
  const { agencies } = await demoIds(db);
  const owner = agencies.POLICE!;
  let caseId = h.caseId;
  let victimId: string;
  if (caseId) {
    victimId = (await db.selectFrom('case_people').select('person_id').where('case_id', '=', caseId).where('role', '=', 'victim').executeTakeFirstOrThrow())
      .person_id;
  } else {
    victimId = await insertPerson(db, partnershipId, owner, h.victim);
    const made = await db
      .insertInto('cases')
      .values({
        partnership_id: partnershipId,
        reference: `SL-${Math.random().toString(36).slice(2, 10)}`,
        owning_agency_id: owner,
        flags: h.flags ?? [],
        opened_on: '2026-01-05',
        closed_on: null,
        created_by: null,
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    caseId = made.id;
    const members = [
      { id: victimId, role: 'victim' as const, livesWith: null },
      ...(await Promise.all(
        (h.perpetrators ?? []).map(async (p) => ({ id: await insertPerson(db, partnershipId, owner, p), role: 'perpetrator' as const, livesWith: null })),
      )),
      ...(await Promise.all(
        (h.children ?? []).map(async (c) => ({ id: await insertPerson(db, partnershipId, owner, c), role: 'child' as const, livesWith: c.livesWith })),
      )),
    ];
    for (const m of members)
      await db
        .insertInto('case_people')
        .values({ partnership_id: partnershipId, case_id: caseId, person_id: m.id, role: m.role, relationship: null, lives_with: m.livesWith })
        .execute();
  }
  let referralId: string | null = null;
  if (h.referrer) {
    referralNumber += 1;
    const kind = h.kind ?? 'new';
    const made = await db
      .insertInto('referrals')
      .values({
        partnership_id: partnershipId,
        reference: `REF-${referralNumber}`,
        case_id: caseId,
        victim_id: victimId,
        perpetrator_ids: [],
        destination: 'marac',
        criterion: kind === 'repeat' ? 'repeat' : 'visible_high_risk',
        to_agency_id: agencies.COUNCIL!,
        reasons: null,
        referred_on: h.referredOn!,
        referring_agency_id: agencies[h.referrer]!,
        referred_by: null,
        api_token_id: null,
        risk_assessment_id: null,
        score: 15,
        score_band: 'high',
        consent_status: 'given',
        lawful_basis: null,
        consent_reason: null,
        is_repeat: kind === 'repeat',
        repeat_of_id: null,
        status: 'accepted',
        decided_by: null,
        decided_at: new Date(),
        decline_code: null,
        decision_reason: null,
        idempotency_key: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    referralId = made.id;
  }
  await db
    .insertInto('marac_agenda_items')
    .values({ partnership_id: partnershipId, meeting_id: meetingId, case_id: caseId, referral_id: referralId, position, kind: h.kind ?? 'new', added_by: null })
    .execute();
  return caseId;
}

/** The three meetings, their cases, and the meetings that must not count. Adds a primary care agency (GP). */
export async function seedSafeLivesFixture(db: Db, partnershipId: string): Promise<SafeLivesFixture> {
  await db
    .insertInto('agencies')
    .values({ partnership_id: partnershipId, code: 'GP', name: 'Quayside Surgery', type: 'primary_care' } as never)
    .execute();
  const { areas } = await demoIds(db);
  const at = (area: string, date: string) => insertMeeting(db, partnershipId, areas[area]!, date);
  const m1 = await at('NORTHFIELD', '2026-07-08');
  const m2 = await at('RIVERSIDE', '2026-08-12');
  const m3 = await at('NORTHFIELD', '2026-09-30');
  const hearAt = (meeting: string, position: number, h: Hearing) => hear(db, partnershipId, meeting, position, h);

  // Meeting 1 (Northfield, 8 July 2026).
  // A: Black African woman, no date of birth; police referral; 2 children at home (the third lives elsewhere);
  //    perpetrator born 1 August 2009, so 16 on the referral date.
  const caseA = await hearAt(m1, 1, {
    victim: { sex: 'female', ethnicity: 'black_african' },
    perpetrators: [{ dob: '2009-08-01', sex: 'male' }],
    children: [
      { dob: '2015-03-01', livesWith: 'victim' },
      { dob: '2018-05-01', livesWith: 'both' },
      { dob: '2016-01-01', livesWith: 'elsewhere' },
    ],
    referrer: 'POLICE',
    referredOn: '2026-06-20',
  });
  // B: a repeat; gay, disabled, male, White British; IDVA referral; the one child at home turned 18 on 1 July 2026.
  await hearAt(m1, 2, {
    victim: { sex: 'male', sexualOrientation: 'gay_lesbian', disability: 'yes', ethnicity: 'white_british', dob: '1980-02-02' },
    perpetrators: [{ dob: '1975-01-01' }],
    children: [{ dob: '2008-07-01', livesWith: 'both' }],
    referrer: 'IDVA',
    referredOn: '2026-06-25',
    kind: 'repeat',
  });
  // C: born 10 July 2009, so 16 on the referral date (1 July 2026); LGBT+ by the case's flag only; hospital referral
  //    (secondary care); a child living with the perpetrator, age not recorded.
  await hearAt(m1, 3, {
    victim: { dob: '2009-07-10', sex: 'female' },
    flags: ['lgbt'],
    children: [{ livesWith: 'perpetrator' }],
    referrer: 'HEALTH',
    referredOn: '2026-07-01',
  });

  // Meeting 2 (Riverside, 12 August 2026).
  // D: thought to be 16 on 1 June 2025, so 17 on the referral date (1 August 2026); male by the case's flag (sex not
  //    known); refuge referral (specialist DA service); two perpetrators, one thought to be 17 then: counted once.
  await hearAt(m2, 1, {
    victim: { estimated: { age: 16, on: '2025-06-01' }, sex: 'not_known' },
    flags: ['male_victim'],
    perpetrators: [{ estimated: { age: 17, on: '2026-08-01' } }, { dob: '1986-04-04' }],
    referrer: 'REFUGE',
    referredOn: '2026-08-01',
  });
  // E: a repeat; Gypsy or Irish Traveller (not in the template's list); trans (gender not as registered at birth);
  //    disabled by the case's flag; education referral.
  await hearAt(m2, 2, {
    victim: { ethnicity: 'white_gypsy_irish_traveller', genderIdentity: 'no', disability: 'not_known', dob: '1990-01-01' },
    flags: ['disability'],
    referrer: 'EDUCATION',
    referredOn: '2026-07-20',
    kind: 'repeat',
  });
  // I: transferred in with no referral: in no referral column; 16 on the meeting's date (born 1 January 2010).
  await hearAt(m2, 3, { victim: { dob: '2010-01-01' }, kind: 'transfer_in' });

  // Meeting 3 (Northfield, 30 September 2026: the quarter's last day).
  // F: Mixed; born 1 September 2008, so 18 on the referral date (1 September 2026): not 16–17; council referral (other).
  await hearAt(m3, 1, { victim: { ethnicity: 'mixed_other', dob: '2008-09-01', sex: 'female' }, referrer: 'COUNCIL', referredOn: '2026-09-01' });
  // G: non-binary; GP referral (primary care); three children at home, one thought to be 17 on 1 January 2026.
  await hearAt(m3, 2, {
    victim: { gender: 'non_binary', dob: '1995-05-05' },
    children: [
      { dob: '2020-02-02', livesWith: 'victim' },
      { dob: '2022-02-02', livesWith: 'victim' },
      { estimated: { age: 17, on: '2026-01-01' }, livesWith: 'victim' },
    ],
    referrer: 'GP',
    referredOn: '2026-09-10',
  });
  // H: case A heard again as a repeat (police); its perpetrator is 17 on this referral date (15 September 2026).
  await hearAt(m3, 3, { caseId: caseA, victim: {}, referrer: 'POLICE', referredOn: '2026-09-15', kind: 'repeat' });

  // Not counted: a cancelled meeting in the quarter, and meetings either side of it.
  const notCounted = { victim: { sex: 'male', ethnicity: 'asian_indian', dob: '2009-01-01' }, referrer: 'POLICE', referredOn: '2026-06-01' };
  const cancelled = await at('RIVERSIDE', '2026-08-19');
  await db.updateTable('marac_meetings').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
  await hearAt(cancelled, 1, notCounted);
  await hearAt(await at('NORTHFIELD', '2026-06-30'), 1, notCounted);
  await hearAt(await at('NORTHFIELD', '2026-10-01'), 1, notCounted);
  // A meeting in the quarter that heard no case is not a row of the return.
  await at('EASTVALE', '2026-09-02');
  return { meetings: { m1, m2, m3 }, areas, caseA };
}

/**
 * By hand, in the template's column order:
 * cases heard, repeats, children, referrals from police, IDVA, other specialist DA service, primary care, secondary
 * care, mental health, children's social care, adult social care, housing, probation, education, substance misuse,
 * other; victims racially minoritised, LGBT+, disabled, male, aged 16–17; cases with a perpetrator under 18.
 */
export const EXPECTED = {
  // A, B, C: repeat B; children 2 (A) + 0 (B's is 18) + 1 (C); police A, IDVA B, secondary C; minoritised A;
  // LGBT+ B (orientation) and C (flag); disabled B; male B; 16–17 C; perpetrator under 18 A.
  m1: [3, 1, 3, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1, 1, 1],
  // D, E, I: repeat E; no children; specialist DA D, education E, I in no referral column; minoritised none (E is
  // not in the list); LGBT+ E; disabled E (flag); male D (flag); 16–17 D (estimated) and I; perpetrator under 18 D.
  m2: [3, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 2, 1],
  // F, G, H: repeat H; children 0 + 3 + 2 (A's again); police H, primary care G, other F; minoritised F and H (A);
  // LGBT+ G; no disabled, no male; 16–17 none (F turned 18 that day; A's age unknown); perpetrator under 18 H.
  m3: [3, 1, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, 0, 1],
  total: [9, 3, 8, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 3, 4, 2, 2, 3, 3],
};
