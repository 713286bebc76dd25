import { randomUUID } from 'node:crypto';
import { shiftDays } from '../../platform/format.js';

/**
 * The MARAC history demo's invented world (marac.history.demo.ts loads it): a seeded random source, invented names by
 * background, who refers and how reliably each agency researches and acts, and the people and cases it makes.
 */

/** Deterministic pseudo-random numbers (mulberry32), so the demo is the same on every load. */
export function random(seed: number) {
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
export const REFERRERS: (readonly [string, number])[] = [
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
export const INVITED = ['POLICE', 'PROBATION', 'CSC', 'ASC', 'HOUSING', 'HEALTH', 'MH', 'IDVA', 'REFUGE', 'COUNCIL'];
/** How reliably each agency returns research, and completes its actions on time. */
export const RESEARCH_RETURNED: Record<string, number> = {
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

export type ActionPlan = { agency: string; weight: number; onTime: number; tasks: string[] };
export const ACTIONS: ActionPlan[] = [
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

export const RESEARCH_NOTES = [
  'Known to us: two call-outs this year; the victim did not support a prosecution.',
  'Open to us; worker visited last month, no disclosure then.',
  'Closed case: previous involvement two years ago.',
  'Perpetrator known to us for offences against a previous partner.',
  'Arrears on the tenancy; perpetrator not on it but staying most nights.',
];

export const MINUTE = {
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

export type Person = {
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
export type Case = {
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
export function makeCase(rng: Random, referredOn: string, area: string): Case {
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
