import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import { systemActor } from '../../platform/request-context.js';
import { nameKey } from '../people/name-keys.js';
import { SHIPPED_DEFINITIONS, stagesOf, type PersonDefinition, type Question } from './services.definition.js';
import { financialYearOf } from './services.periods.js';
import { configureService } from './services.service.js';
import type { StageAnswers } from './services.table.js';

/**
 * The demo partnership's services (issue 6): every shipped service, run by a demo agency, with over two years of invented
 * history so each report has something in every quarter — people at every stage of each per-person service, and
 * CC-AV sessions across schools, monthly helpline calls, training courses and campaigns. Names are invented from
 * common first names and surnames; the schools are invented too. Deterministic: the same data every time.
 */

/** Which demo agency provides each shipped service. */
export const SERVICE_PROVIDERS: Record<string, string> = {
  'ask-sanctuary': 'HOUSING',
  idap: 'PROBATION',
  'voluntary-perpetrator': 'COUNCIL',
  'healthy-relationships': 'CSC',
  refuge: 'REFUGE',
  'floating-support': 'REFUGE',
  'childrens-support': 'CSC',
  'cc-av': 'COUNCIL',
  helpline: 'IDVA',
  training: 'COUNCIL',
  awareness: 'COUNCIL',
};

// Each name is used once in a demo: the n-th person of a list takes given name n mod 23 and surname (n div 23)
// mod 41, so the demo's duplicate checks find no false pairs among them.
const GIVEN_F = [
  'Amy',
  'Bella',
  'Chloe',
  'Dana',
  'Elif',
  'Fatima',
  'Gemma',
  'Hana',
  'Isla',
  'Joy',
  'Kira',
  'Lucy',
  'Maya',
  'Nia',
  'Orla',
  'Paige',
  'Rhian',
  'Sana',
  'Tegan',
  'Una',
  'Vicky',
  'Wren',
  'Zara',
];
const GIVEN_M = [
  'Adam',
  'Ben',
  'Carl',
  'Dean',
  'Emre',
  'Finn',
  'Gary',
  'Hassan',
  'Ivan',
  'Jack',
  'Karl',
  'Liam',
  'Milo',
  'Nathan',
  'Owen',
  'Paul',
  'Rhys',
  'Sami',
  'Theo',
  'Umar',
  'Victor',
  'Wade',
  'Yusuf',
];
const FAMILY = [
  'Ashby',
  'Brennan',
  'Carver',
  'Dale',
  'Ellison',
  'Fenwick',
  'Garside',
  'Hale',
  'Iqbal',
  'Jessop',
  'Kemp',
  'Lowe',
  'Marsden',
  'Nolan',
  'Oakes',
  'Pryce',
  'Quigley',
  'Rowntree',
  'Sefton',
  'Tranter',
  'Upton',
  'Varley',
  'Wardle',
  'Yates',
  'Abara',
  'Birtwistle',
  'Cheung',
  'Dunmore',
  'Eastwood',
  'Fairclough',
  'Gorski',
  'Haworth',
  'Ibbotson',
  'Jagger',
  'Kowal',
  'Lindqvist',
  'Mahmood',
  'Nuttall',
  'Okoro',
  'Pennock',
  'Rudd',
];
const ETHNICITIES = [
  'white_british',
  'white_british',
  'white_british',
  'white_other',
  'asian_indian',
  'asian_pakistani',
  'black_african',
  'black_caribbean',
  'mixed_white_black_caribbean',
  'not_known',
];
const SCHOOLS = [
  'Northfield Academy',
  'Riverside Primary School',
  'Eastvale High School',
  'St Anne’s Primary School',
  'Harbour Bay College',
  'Millbrook Junior School',
];

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);

/** A small deterministic generator, so the demo is the same on every machine. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return {
    next,
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
  };
}

type Random = ReturnType<typeof generator>;
type NameCounter = { female: number; male: number };

function answerFor(q: Question, r: Random, good: boolean): string | number | undefined {
  if (q.kind === 'yes_no') {
    const positiveIsNo = /repeat|further_incident/.test(q.id);
    const yes = good ? r.next() < 0.9 : r.next() < 0.3;
    if (r.next() < 0.05) return 'not_known';
    return positiveIsNo ? (yes ? 'no' : 'yes') : yes ? 'yes' : 'no';
  }
  if (q.kind === 'scale') return /before/.test(q.id) ? r.int(q.min + 1, Math.floor((q.min + q.max) / 2)) : r.int(Math.floor((q.min + q.max) / 2), q.max);
  if (q.kind === 'count') return /bed_nights/.test(q.id) ? r.int(20, 180) : r.int(1, Math.min(q.max, /sessions/.test(q.id) ? 26 : 8));
  if (q.kind === 'choice') return good ? q.options[r.int(0, Math.min(2, q.options.length - 1))]!.code : r.pick(q.options).code;
  return undefined;
}

async function insertServiceUser(
  db: Db,
  partnershipId: string,
  agencyId: string,
  r: Random,
  role: string,
  today: string,
  used: NameCounter,
): Promise<{ id: string; name: string; dob: string }> {
  const female = role === 'perpetrator' ? r.next() < 0.1 : role === 'child' ? r.next() < 0.5 : r.next() < 0.88;
  const n = female ? used.female++ : used.male++;
  const given = (female ? GIVEN_F : GIVEN_M)[n % 23]!;
  const family = FAMILY[Math.floor(n / 23) % FAMILY.length]!;
  const age = role === 'child' ? r.int(5, 16) : role === 'victim' && r.next() < 0.1 ? r.int(16, 17) : r.int(18, 68);
  const dob = shiftDays(today, -(age * 365 + r.int(0, 360)));
  const { id } = await db
    .insertInto('people')
    .values({
      partnership_id: partnershipId,
      owning_agency_id: agencyId,
      date_of_birth: dob,
      gender: r.next() < 0.04 ? 'not_known' : female ? 'woman' : 'man',
      ethnicity: r.pick(ETHNICITIES),
      disability: r.pick(['yes', 'no', 'no', 'no', 'not_known']),
      religion: r.pick(['none', 'christian', 'muslim', 'hindu', 'sikh', 'not_known']),
      sexual_orientation: r.pick(['heterosexual', 'heterosexual', 'heterosexual', 'gay_lesbian', 'bisexual', 'prefers_not_to_say']),
      created_by: null,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into person_names (partnership_id, person_id, kind, given_name, family_name, is_primary, given_key, family_key, given_metaphone, family_metaphone)
    values (${partnershipId}, ${id}, 'legal', ${given}, ${family}, true, ${nameKey(given)}, ${nameKey(family)}, dmetaphone(${nameKey(given)}), dmetaphone(${nameKey(family)}))`.execute(
    db,
  );
  return { id, name: `${given} ${family}`, dob };
}

/** About `perMonth` referrals a month over `history` days; each moves on as far as its dates allow by today. */
async function seedPersonService(
  db: Db,
  partnershipId: string,
  serviceId: string,
  providerId: string,
  definition: PersonDefinition,
  r: Random,
  today: string,
  used: NameCounter,
  history: number,
) {
  const stages = stagesOf(definition);
  const perMonth = Math.max(2, Math.round(definition.defaultCapacity / 10));
  // Two years of referrals, then two in the last fortnight who are still waiting to be seen.
  const days: number[] = [];
  for (let day = history; day > 14; day -= Math.max(1, Math.round(30 / perMonth)) + r.int(0, 2)) days.push(day);
  days.push(r.int(8, 14), r.int(1, 7));
  for (const day of days) {
    const referredOn = shiftDays(today, -day);
    const role = definition.roles[0]!;
    const person = await insertServiceUser(db, partnershipId, providerId, r, role, today, used);
    const answers: StageAnswers = {};
    const dates: { assessed_on: string | null; started_on: string | null; ended_on: string | null } = { assessed_on: null, started_on: null, ended_on: null };
    let endReason: 'completed' | 'left_early' | null = null;
    let cursor = referredOn;
    const waiting = day <= 14;
    const step = (days: number) => !waiting && (cursor = shiftDays(cursor, days)) <= today;
    const good = r.next() < 0.85;
    const answer = (stage: keyof PersonDefinition['stages']) => {
      const values: Record<string, string | number> = {};
      for (const q of definition.stages[stage]?.questions ?? []) {
        const value = answerFor(q, r, good);
        if (value !== undefined) values[q.id] = value;
      }
      answers[stage] = values;
    };
    if (stages.includes('assessed') && step(r.int(3, 14))) ((dates.assessed_on = cursor), answer('assessed'));
    if (r.next() < 0.12 && step(r.int(2, 20))) {
      ((dates.ended_on = cursor), (endReason = 'left_early'), answer('left_early'));
    } else if (step(r.int(5, 25))) {
      ((dates.started_on = cursor), answer('started'));
      const length = definition.type === 'perpetrator_programme' ? r.int(120, 200) : definition.type === 'accommodation' ? r.int(30, 180) : r.int(20, 70);
      if (step(length)) {
        dates.ended_on = cursor;
        if (good ? r.next() < 0.93 : r.next() < 0.4) ((endReason = 'completed'), answer('completed'));
        else ((endReason = 'left_early'), answer('left_early'));
      }
    }
    await db
      .insertInto('service_records')
      .values({
        partnership_id: partnershipId,
        service_id: serviceId,
        person_id: person.id,
        case_id: null,
        person_name: person.name,
        person_date_of_birth: person.dob,
        person_role: role,
        provider_agency_id: providerId,
        referring_agency_id: providerId,
        referred_by: null,
        referred_on: referredOn,
        ...dates,
        end_reason: endReason,
        left_reason:
          endReason === 'left_early' ? r.pick(['declined', 'disengaged', 'moved_area', definition.id === 'idap' ? 'breach' : 'other'] as const) : null,
        answers: JSON.stringify(answers),
      })
      .execute();
  }
}

async function seedActivity(
  db: Db,
  partnershipId: string,
  serviceId: string,
  definitionId: string,
  r: Random,
  today: string,
  agencyIds: string[],
  history: number,
) {
  const entries: { occurredOn: string; answers: Record<string, unknown> }[] = [];
  if (definitionId === 'helpline') {
    const [y, m] = today.split('-').map(Number) as [number, number];
    for (let back = Math.ceil(history / 30.4); back >= 1; back--) {
      const date = new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 10);
      entries.push({
        occurredOn: date,
        answers: { victims: r.int(28, 52), perpetrators: r.int(2, 9), family_friends: r.int(4, 14), professionals: r.int(10, 25), other: r.int(0, 6) },
      });
    }
  } else if (definitionId === 'cc-av') {
    for (let day = history; day > 7; day -= r.int(9, 20)) {
      const date = shiftDays(today, -day);
      const month = Number(date.slice(5, 7));
      if (month === 8) continue; // schools are closed
      const pre = r.int(40, 62) / 10;
      entries.push({
        occurredOn: date,
        answers: {
          school: r.pick(SCHOOLS),
          sessions: r.int(1, 4),
          pupils: r.int(18, 90),
          attitude_pre: pre,
          attitude_post: Math.min(10, Math.round((pre + r.int(8, 22) / 10) * 10) / 10),
        },
      });
    }
  } else if (definitionId === 'training') {
    for (let day = history - 5; day > 10; day -= r.int(25, 45)) {
      const attendees: Record<string, number> = {};
      for (const id of agencyIds) if (r.next() < 0.45) attendees[id] = r.int(1, 6);
      const total = Object.values(attendees).reduce((a, b) => a + b, 0);
      const pre = r.int(35, 60) / 10;
      entries.push({
        occurredOn: shiftDays(today, -day),
        answers: {
          course: r.pick(['awareness', 'dash_risk', 'marac', 'hbv_fm', 'equalities', 'children_young_people']),
          attendees,
          knowledge_pre: pre,
          knowledge_post: Math.min(10, Math.round((pre + r.int(15, 30) / 10) * 10) / 10),
          questionnaires: Math.max(1, total - r.int(0, 2)),
        },
      });
    }
  } else {
    for (let day = history - 20; day > 20; day -= r.int(50, 90)) {
      entries.push({
        occurredOn: shiftDays(today, -day),
        answers: {
          name: r.pick([
            '16 days of action stand',
            'City centre awareness day',
            'Employer lunchtime talk',
            'Community centre drop-in',
            'Helpline poster campaign',
          ]),
          format: r.pick(['event', 'campaign', 'employer', 'community']),
          people_reached: r.int(40, 900),
          resources: r.int(50, 600),
        },
      });
    }
  }
  for (const e of entries) {
    await db
      .insertInto('service_activity')
      .values({
        partnership_id: partnershipId,
        service_id: serviceId,
        occurred_on: e.occurredOn,
        answers: JSON.stringify(e.answers),
        entered_by: null,
        updated_by: null,
      })
      .execute();
  }
}

export async function seedServicesDemo(db: Db, partnershipId: string, today = londonToday()): Promise<number> {
  const agencies = new Map(
    (await db.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
  );
  const actor = systemActor(partnershipId, 'demo seed');
  const r = generator(20261123);
  const used: NameCounter = { female: 0, male: 0 };
  // From the start of the financial year before last, so the last complete year has a whole year to compare with.
  const history = daysBetween(`${financialYearOf(today).start - 2}-04-01`, today);
  let configured = 0;
  for (const definition of SHIPPED_DEFINITIONS) {
    const providerId = agencies.get(SERVICE_PROVIDERS[definition.id]!)!;
    const serviceId = await configureService(db, actor, { definitionId: definition.id, providerAgencyId: providerId, capacity: null });
    configured++;
    if (definition.kind === 'person') await seedPersonService(db, partnershipId, serviceId, providerId, definition, r, today, used, history);
    else await seedActivity(db, partnershipId, serviceId, definition.id, r, today, [...agencies.values()], history);
  }
  return configured;
}
