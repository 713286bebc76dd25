import type { CaseFlag } from './case.schemas.js';

/** The invented demo cases that case.demo.ts makes: names, ages (at opening), days ago, flags and sharing. */
export type Owner = 'practitioner' | 'idva' | 'chair' | 'rep' | 'coordinator';
type Perpetrator = [given: string, family: string, relationship: string, age: number];
type Child = [given: string, family: string, ageAtOpening: number, livesWith: 'victim' | 'perpetrator' | 'both' | 'elsewhere'];
type DemoCase = {
  owner: Owner;
  victim: [given: string, family: string, age: number];
  daysAgo: number;
  flags?: CaseFlag[];
  perpetrators?: Perpetrator[];
  children?: Child[];
  share?: string[];
  closedDaysAgo?: number;
};

/** Dean Harrow is the perpetrator in two cases (each victim has her own): both cases belong to the police. */
const DEAN: Perpetrator = ['Dean', 'Harrow', 'partner', 41];

export const CASES: DemoCase[] = [
  {
    owner: 'practitioner',
    victim: ['Amira', 'Castell', 34],
    daysAgo: 200,
    flags: ['stalking', 'pregnancy'],
    perpetrators: [['Dorian', 'Blake', 'ex_partner', 38]],
    children: [
      ['Leo', 'Castell', 7, 'victim'],
      ['Maya', 'Castell', 4, 'victim'],
    ],
    share: ['IDVA', 'POLICE'],
  },
  { owner: 'chair', victim: ['Bella', 'Ferrante', 29], daysAgo: 340, flags: ['substance_misuse'], perpetrators: [DEAN], share: ['IDVA'], closedDaysAgo: 60 },
  {
    owner: 'chair',
    victim: ['Chloe', 'Whitaker', 31],
    daysAgo: 45,
    flags: ['stalking'],
    perpetrators: [[DEAN[0], DEAN[1], 'ex_partner', DEAN[3]]],
    share: ['IDVA', 'HOUSING'],
  },
  {
    owner: 'idva',
    victim: ['Deborah', 'Nwosu', 42],
    daysAgo: 120,
    flags: ['mental_health'],
    perpetrators: [['Kieran', 'Nwosu', 'spouse', 45]],
    children: [['Tobi', 'Nwosu', 12, 'both']],
    share: ['HOUSING', 'CSC'],
  },
  { owner: 'idva', victim: ['Esme', 'Latham', 17], daysAgo: 30, flags: ['aged_16_17'], perpetrators: [['Jordan', 'Pike', 'partner', 19]] },
  {
    owner: 'practitioner',
    victim: ['Farah', 'Siddiqui', 24],
    daysAgo: 90,
    flags: ['honour_based_abuse', 'forced_marriage'],
    perpetrators: [
      ['Imran', 'Siddiqui', 'relative_sibling', 28],
      ['Tariq', 'Siddiqui', 'relative_parent', 55],
    ],
    share: ['POLICE', 'IDVA'],
  },
  {
    owner: 'rep',
    victim: ['Gemma', 'Roper', 38],
    daysAgo: 400,
    perpetrators: [['Lee', 'Roper', 'ex_spouse', 40]],
    children: [['Alfie', 'Roper', 10, 'victim']],
    closedDaysAgo: 150,
  },
  {
    owner: 'coordinator',
    victim: ['Hannah', 'Brook', 52],
    daysAgo: 75,
    flags: ['disability'],
    perpetrators: [['Martin', 'Brook', 'carer', 54]],
    share: ['ASC'],
  },
  {
    owner: 'chair',
    victim: ['Ian', 'Delaney', 36],
    daysAgo: 150,
    flags: ['male_victim'],
    perpetrators: [['Sophie', 'Delaney', 'spouse', 35]],
    children: [['Ruby', 'Delaney', 3, 'both']],
  },
  {
    owner: 'idva',
    victim: ['Jade', 'Osei', 27],
    daysAgo: 10,
    flags: ['pregnancy', 'nrpf'],
    perpetrators: [['Kwame', 'Boateng', 'partner', 33]],
    share: ['HOUSING'],
  },
  {
    owner: 'practitioner',
    victim: ['Kayleigh', 'Moss', 22],
    daysAgo: 260,
    perpetrators: [['Ryan', 'Colby', 'parent_of_same_child', 25]],
    children: [['Mason', 'Moss', 2, 'victim']],
    closedDaysAgo: 20,
  },
  { owner: 'chair', victim: ['Laura', 'Vance', 45], daysAgo: 60, flags: ['stalking'], perpetrators: [['Graham', 'Tull', 'engaged', 47]], share: ['PROBATION'] },
  {
    owner: 'idva',
    victim: ['Marta', 'Kowalczyk', 33],
    daysAgo: 140,
    flags: ['nrpf', 'mental_health'],
    perpetrators: [
      ['Piotr', 'Kowalczyk', 'spouse', 36],
      ['Anna', 'Kowalczyk', 'relative_other', 60],
    ],
    children: [
      ['Zofia', 'Kowalczyk', 9, 'victim'],
      ['Jan', 'Kowalczyk', 6, 'victim'],
    ],
  },
  {
    owner: 'rep',
    victim: ['Nadine', 'Clarke', 30],
    daysAgo: 25,
    flags: ['substance_misuse'],
    perpetrators: [['Wes', 'Clarke', 'partner', 32]],
    share: ['POLICE'],
  },
  {
    owner: 'practitioner',
    victim: ['Olivia', 'Grant', 40],
    daysAgo: 500,
    perpetrators: [['Derek', 'Grant', 'ex_spouse', 44]],
    children: [['Ellis', 'Grant', 15, 'perpetrator']],
    closedDaysAgo: 300,
  },
  {
    owner: 'chair',
    victim: ['Priya', 'Raman', 26],
    daysAgo: 15,
    flags: ['honour_based_abuse'],
    perpetrators: [['Vikram', 'Raman', 'relative_parent', 58]],
    share: ['IDVA', 'CSC'],
  },
  { owner: 'idva', victim: ['Quinn', 'Taylor', 29], daysAgo: 55, flags: ['lgbt'], perpetrators: [['Alex', 'Morrow', 'ex_partner', 31]] },
  {
    owner: 'coordinator',
    victim: ['Rosa', 'Almeida', 67],
    daysAgo: 110,
    flags: ['disability', 'mental_health'],
    perpetrators: [['Paulo', 'Almeida', 'relative_child', 39]],
    share: ['ASC', 'POLICE'],
  },
  {
    owner: 'practitioner',
    victim: ['Sadia', 'Begum', 19],
    daysAgo: 35,
    flags: ['forced_marriage'],
    perpetrators: [['Rafiq', 'Begum', 'relative_parent', 50]],
    share: ['POLICE'],
  },
  {
    owner: 'chair',
    victim: ['Tanya', 'Hughes', 35],
    daysAgo: 230,
    perpetrators: [['Craig', 'Hughes', 'spouse', 37]],
    children: [
      ['Oscar', 'Hughes', 8, 'both'],
      ['Isla', 'Hughes', 5, 'both'],
    ],
    closedDaysAgo: 40,
  },
  {
    owner: 'idva',
    victim: ['Uma', 'Patel', 44],
    daysAgo: 80,
    flags: ['stalking'],
    perpetrators: [['Neil', 'Forde', 'ex_partner', 46]],
    share: ['POLICE', 'HOUSING'],
  },
  { owner: 'rep', victim: ['Vicky', 'Lowe', 28], daysAgo: 5, perpetrators: [['Shane', 'Lowe', 'partner', 30]], children: [['Poppy', 'Lowe', 1, 'both']] },
  { owner: 'practitioner', victim: ['Wendy', 'Carr', 50], daysAgo: 170, flags: ['mental_health'], perpetrators: [['Lewis', 'Carr', 'relative_child', 22]] },
  {
    owner: 'chair',
    victim: ['Yasmin', 'Farouk', 32],
    daysAgo: 95,
    flags: ['pregnancy'],
    perpetrators: [
      ['Omar', 'Haddad', 'partner', 34],
      ['Sami', 'Haddad', 'relative_sibling', 30],
    ],
    share: ['IDVA'],
  },
  {
    owner: 'idva',
    victim: ['Zara', 'Mensah', 37],
    daysAgo: 65,
    perpetrators: [['Kofi', 'Mensah', 'spouse', 40]],
    children: [['Ama', 'Mensah', 11, 'victim']],
    share: ['HOUSING'],
    closedDaysAgo: 5,
  },
];

/** Callum Fairweather (Housing) must not see Uma Patel's case, though Housing has been given it. */
export const RESTRICTED = {
  victim: 'Patel',
  email: 'rep@demo.harbour.example',
  reason: 'Callum lives on the same street as the victim and knows the perpetrator.',
};
