import { randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { Database, Db, Tx } from '../../db/database.js';
import { shiftDays } from '../../platform/format.js';
import { systemActor } from '../../platform/request-context.js';
import { nameSearchColumns } from '../people/person.repository.js';
import * as meetings from './meeting.repository.js';
import { meetingDates } from './schedule.recurrence.js';

/**
 * About eleven months of MARAC history for the demo partnership, so the SafeLives return's last complete quarter and
 * the coordinator's dashboard (3, 6 and 12 months) have figures a newcomer can read: held meetings in every area
 * (from each schedule's own slots), each hearing several cases referred before it (new cases and repeats within 12
 * months of the last referral), agencies invited and returning research, registers, final minutes (two amended),
 * and actions done on time, done late and still overdue — about nine in ten on time, varying by agency.
 *
 * Hundreds of records through the services one by one would add minutes to `npm start`, so this loads them in a few
 * set-based statements in one transaction, with the values the services would write (search keys, references from
 * the same sequences, the cases given to the invited agencies as the MARAC shares them) and their past timestamps.
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

/** Deterministic pseudo-random numbers (mulberry32), so the demo is the same on every load. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    /** One of weighted choices: [[value, weight], …]. */
    weighted: <T>(choices: readonly (readonly [T, number])[]): T => {
      let r = next() * choices.reduce((n, [, w]) => n + w, 0);
      for (const [value, w] of choices) if ((r -= w) < 0) return value;
      return choices[choices.length - 1]![0];
    },
  };
}
type Random = ReturnType<typeof random>;

/** Invented names by background (none from the seed documents). */
const NAMES = {
  white: {
    female: [
      'Abbie',
      'Bryony',
      'Carys',
      'Danielle',
      'Eleanor',
      'Frankie',
      'Georgia',
      'Hollie',
      'Kirsty',
      'Lauren',
      'Megan',
      'Nicole',
      'Paige',
      'Rhiannon',
      'Stacey',
      'Toni',
    ],
    male: ['Aaron', 'Bradley', 'Callum', 'Dale', 'Ethan', 'Jamie', 'Kyle', 'Liam', 'Nathan', 'Reece', 'Scott', 'Troy'],
    family: [
      'Ashworth',
      'Bramley',
      'Cotter',
      'Dunmore',
      'Eccleston',
      'Fenwick',
      'Garside',
      'Hartwell',
      'Inskip',
      'Jessop',
      'Kettering',
      'Lomax',
      'Marsden',
      'Nettleton',
      'Oakley',
      'Pennock',
      'Quarmby',
      'Rowntree',
      'Sowerby',
      'Thackray',
    ],
  },
  eastEuropean: {
    female: ['Agnieszka', 'Daria', 'Ioana', 'Justyna', 'Lenka', 'Oksana', 'Raluca', 'Zuzana'],
    male: ['Andrei', 'Bartosz', 'Dmytro', 'Lukas', 'Mihai', 'Pavel'],
    family: ['Dabrowska', 'Horvath', 'Kaminski', 'Lungu', 'Marin', 'Novak', 'Petrenko', 'Szabo'],
  },
  southAsian: {
    female: ['Anjali', 'Bushra', 'Fozia', 'Hina', 'Nasreen', 'Parveen', 'Rukhsana', 'Shabana', 'Tahmina', 'Zara'],
    male: ['Asif', 'Faisal', 'Harjit', 'Nadeem', 'Rizwan', 'Sanjay', 'Shahid', 'Zubair'],
    family: ['Akhtar', 'Bashir', 'Chaudhry', 'Dhillon', 'Iqbal', 'Mahmood', 'Mistry', 'Parmar', 'Qureshi', 'Rahim'],
  },
  black: {
    female: ['Abena', 'Chioma', 'Efua', 'Kemi', 'Makeda', 'Nia', 'Shanice', 'Tendai'],
    male: ['Chukwuma', 'Dwayne', 'Jerome', 'Kwabena', 'Marcus', 'Tafadzwa'],
    family: ['Asante', 'Bamidele', 'Chikwanha', 'Danquah', 'Gayle', 'Nkemelu', 'Ogunleye', 'Oduya'],
  },
  other: {
    female: ['Dalia', 'Leyla', 'Mariam', 'Noor', 'Soraya', 'Yuki'],
    male: ['Karim', 'Hamid', 'Tariq', 'Yousef'],
    family: ['Azizi', 'Darwish', 'Hakimi', 'Mansour', 'Rostami', 'Tanaka'],
  },
} as const;

/** Census 2021 codes with weights, and the names that go with them. */
const ETHNICITIES: (readonly [[string, keyof typeof NAMES], number])[] = [
  [['white_british', 'white'], 60],
  [['white_irish', 'white'], 2],
  [['white_other', 'eastEuropean'], 8],
  [['white_roma', 'eastEuropean'], 1],
  [['asian_pakistani', 'southAsian'], 6],
  [['asian_indian', 'southAsian'], 4],
  [['asian_bangladeshi', 'southAsian'], 3],
  [['black_african', 'black'], 4],
  [['black_caribbean', 'black'], 3],
  [['mixed_white_black_caribbean', 'white'], 3],
  [['mixed_white_asian', 'white'], 1],
  [['other_arab', 'other'], 2],
  [['asian_chinese', 'other'], 1],
  [['not_known', 'white'], 2],
];

/** Who refers to MARAC, roughly as nationally (about a third not the police). */
const REFERRERS: (readonly [string, number])[] = [
  ['POLICE', 58],
  ['IDVA', 10],
  ['CSC', 7],
  ['HEALTH', 5],
  ['HOUSING', 5],
  ['MH', 3],
  ['PROBATION', 3],
  ['REFUGE', 3],
  ['ASC', 2],
  ['EDUCATION', 2],
  ['COUNCIL', 2],
];

/** Invited to every held meeting: the agencies with agreements in force but the prosecutors. */
const INVITED = ['POLICE', 'PROBATION', 'CSC', 'ASC', 'HOUSING', 'HEALTH', 'MH', 'IDVA', 'REFUGE', 'COUNCIL'];
/** How reliably each agency returns research, and completes its actions on time. */
const RESEARCH_RETURNED: Record<string, number> = {
  POLICE: 0.99,
  IDVA: 0.97,
  COUNCIL: 0.95,
  HOUSING: 0.9,
  REFUGE: 0.9,
  CSC: 0.88,
  PROBATION: 0.85,
  ASC: 0.78,
  HEALTH: 0.74,
  MH: 0.66,
};

type ActionPlan = { agency: string; weight: number; onTime: number; tasks: string[] };
const ACTIONS: ActionPlan[] = [
  {
    agency: 'POLICE',
    weight: 22,
    onTime: 0.95,
    tasks: [
      'Put a priority response marker on the victim’s address',
      'Review bail conditions with the CPS and tell the IDVA the outcome',
      'Carry out a Clare’s Law disclosure to the victim',
      'Do a safe and well visit within seven days',
    ],
  },
  {
    agency: 'IDVA',
    weight: 20,
    onTime: 0.96,
    tasks: [
      'Agree a safety plan with the victim and share it with the police',
      'Support the victim to apply for a non-molestation order',
      'Make three attempts to contact the victim through safe times',
    ],
  },
  {
    agency: 'HOUSING',
    weight: 14,
    onTime: 0.82,
    tasks: [
      'Fit additional security under the sanctuary scheme',
      'Assess the victim for a management transfer',
      'Flag the tenancy so the perpetrator is not given keys',
    ],
  },
  {
    agency: 'CSC',
    weight: 12,
    onTime: 0.86,
    tasks: ['Hold a strategy discussion about the children', 'Visit the children at school and update their plan', 'Tell the children’s schools of the MARAC'],
  },
  {
    agency: 'HEALTH',
    weight: 9,
    onTime: 0.79,
    tasks: ['Flag the victim’s records at the hospital', 'Share A&E attendances of the last twelve months with the IDVA'],
  },
  {
    agency: 'MH',
    weight: 6,
    onTime: 0.74,
    tasks: ['Review the victim’s care plan in the light of the abuse', 'Offer the perpetrator’s care coordinator a joint visit'],
  },
  {
    agency: 'PROBATION',
    weight: 8,
    onTime: 0.9,
    tasks: ['Add the victim to the perpetrator’s licence conditions', 'Refer the perpetrator to the accredited programme'],
  },
  { agency: 'ASC', weight: 4, onTime: 0.88, tasks: ['Complete a care needs assessment with the victim'] },
  { agency: 'REFUGE', weight: 5, onTime: 0.93, tasks: ['Offer a refuge space out of area', 'Support the victim with the move and benefits claim'] },
];

const RESEARCH_NOTES = [
  'Known to us: two call-outs this year; the victim did not support a prosecution.',
  'Open to us; worker visited last month, no disclosure then.',
  'Closed case: previous involvement two years ago.',
  'Perpetrator known to us for offences against a previous partner.',
  'Arrears on the tenancy; perpetrator not on it but staying most nights.',
];

const MINUTE = {
  idvaViews: [
    'She wants him to stay away from the house and is worried about the children seeing him at contact.',
    'He is frightened of what she will do when she finds out he has spoken to us; he wants to stay for the children.',
    'She wants to move out of the area and needs help with housing and school places.',
    'She is not ready to support a prosecution but wants the police to know what is happening.',
  ],
  summaries: [
    'Police shared the incident history. Agencies confirmed what they know. The actions below were agreed.',
    'The IDVA has engaged the victim. Housing and police shared current risks. Actions agreed below.',
    'Limited engagement so far. Agencies agreed to share any contact with the IDVA within a day.',
  ],
  risks: [
    'Escalation in frequency; threats to kill; separation in the last month.',
    'Strangulation in the last incident; perpetrator has access to the home.',
    'Stalking after separation; perpetrator breaching bail conditions.',
    'Children present at incidents; perpetrator misusing alcohol.',
  ],
};

type Person = {
  id: string;
  given: string;
  family: string;
  sex: string;
  gender: string;
  ethnicity: string;
  disability: string;
  orientation: string | null;
  genderIdentity: string;
  dateOfBirth: string | null;
  estimatedAge: number | null;
};
type Case = {
  id: string;
  openedOn: string;
  agency: string;
  flags: string[];
  victim: Person;
  perpetrators: { person: Person; relationship: string }[];
  children: { person: Person; livesWith: string }[];
  lastReferral: { id: string; referredOn: string } | null;
  lastHeard: string;
  area: string;
};

const bornAged = (age: number, onDate: string, days: number) => shiftDays(`${Number(onDate.slice(0, 4)) - age}${onDate.slice(4)}`, -days);

function makePerson(rng: Random, sex: 'female' | 'male', age: number, on: string, background?: [string, keyof typeof NAMES]): Person {
  const [ethnicity, names] = background ?? rng.weighted(ETHNICITIES);
  const pool = NAMES[names];
  const adult = age >= 18;
  const estimated = adult && rng.chance(0.2);
  return {
    id: randomUUID(),
    given: rng.pick(pool[sex]),
    family: rng.pick(pool.family),
    sex,
    gender: sex === 'female' ? 'woman' : 'man',
    ethnicity,
    disability: rng.weighted([
      ['no', 68],
      ['yes', 20],
      ['not_known', 12],
    ] as const),
    orientation: adult
      ? rng.weighted([
          ['heterosexual', 82],
          ['gay_lesbian', 5],
          ['bisexual', 4],
          ['not_known', 7],
          ['prefers_not_to_say', 2],
        ] as const)
      : null,
    genderIdentity: rng.chance(0.02) ? 'no' : rng.chance(0.9) ? 'yes' : 'not_known',
    dateOfBirth: estimated ? null : bornAged(age, on, rng.int(20, 330)),
    estimatedAge: estimated ? age : null,
  };
}

/** A new case for a referral on `referredOn`: victim, perpetrators, children, flags from who they are. */
function makeCase(rng: Random, referredOn: string, area: string): Case {
  const male = rng.chance(0.09);
  const young = rng.chance(0.05);
  const victimAge = young ? rng.int(16, 17) : rng.int(19, 68);
  const victim = makePerson(rng, male ? 'male' : 'female', victimAge, referredOn);
  const samesex = victim.orientation === 'gay_lesbian';
  const childToParent = !young && victimAge >= 40 && rng.chance(0.12);
  const perpetratorAge = childToParent ? rng.int(16, 24) : young ? rng.int(17, 22) : victimAge + rng.int(-4, 8);
  const perpetratorSex = samesex ? victim.sex : victim.sex === 'male' ? 'female' : 'male';
  const background = [victim.ethnicity, ETHNICITIES.find(([[code]]) => code === victim.ethnicity)?.[0][1] ?? 'white'] as [string, keyof typeof NAMES];
  const perpetrator = makePerson(rng, perpetratorSex as 'female' | 'male', perpetratorAge, referredOn, rng.chance(0.8) ? background : undefined);
  if (childToParent) perpetrator.family = victim.family;
  const relationship = childToParent
    ? 'relative_child'
    : rng.weighted([
        ['partner', 35],
        ['ex_partner', 35],
        ['spouse', 12],
        ['ex_spouse', 8],
        ['parent_of_same_child', 6],
        ['engaged', 4],
      ] as const);
  const perpetrators = [{ person: perpetrator, relationship }];
  if (['asian_pakistani', 'asian_bangladeshi', 'asian_indian'].includes(victim.ethnicity) && rng.chance(0.3)) {
    const inLaw = makePerson(rng, 'female', victimAge + rng.int(20, 30), referredOn, background);
    inLaw.family = perpetrator.family;
    perpetrators.push({ person: inLaw, relationship: 'relative_other' });
  }
  const children: Case['children'] = [];
  const count =
    young || childToParent
      ? 0
      : rng.weighted([
          [0, 42],
          [1, 26],
          [2, 20],
          [3, 12],
        ] as const);
  for (let c = 0; c < count; c += 1) {
    const child = makePerson(rng, rng.chance(0.5) ? 'female' : 'male', rng.int(0, Math.min(17, victimAge - 17)), referredOn, background);
    child.family = rng.chance(0.7) ? victim.family : perpetrator.family;
    child.orientation = null;
    children.push({
      person: child,
      livesWith: rng.weighted([
        ['victim', 60],
        ['both', 30],
        ['perpetrator', 5],
        ['elsewhere', 5],
      ] as const),
    });
  }
  const flags = new Set<string>();
  if (victim.sex === 'male') flags.add('male_victim');
  if (victim.disability === 'yes') flags.add('disability');
  if (young) flags.add('aged_16_17');
  if (['gay_lesbian', 'bisexual'].includes(victim.orientation ?? '')) flags.add('lgbt');
  if (perpetrators.length > 1) flags.add('honour_based_abuse');
  if (rng.chance(0.25)) flags.add('stalking');
  if (rng.chance(0.15)) flags.add('substance_misuse');
  if (rng.chance(0.15)) flags.add('mental_health');
  if (victim.sex === 'female' && !young && rng.chance(0.06)) flags.add('pregnancy');
  return {
    id: randomUUID(),
    openedOn: shiftDays(referredOn, -rng.int(0, 40)),
    agency: rng.weighted(REFERRERS),
    flags: [...flags],
    victim,
    perpetrators,
    children,
    lastReferral: null,
    lastHeard: '',
    area,
  };
}

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
