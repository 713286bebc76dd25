import type { Db } from '../../db/database.js';
import { londonToday } from '../../platform/format.js';
import { CODED } from './person.codes.js';
import { insertAddress, insertContact } from './person.contacts.repository.js';
import { insertPerson, type PersonColumns } from './person.repository.js';
import type { PersonName } from './person.schemas.js';

/**
 * Invented people for the demo partnership: never names from public documents or case reviews. Phone numbers are
 * from Ofcom's ranges reserved for drama (07700 900xxx, 01632 960xxx), e-mail addresses use example.org, and the
 * HB postcode area does not exist.
 */
type DemoPerson = [given: string, family: string, sex: 'female' | 'male', ethnicity: string, agency: string, born: string | number];

// born: an ISO date of birth, or a number for an estimated age when the date is not known.
const PEOPLE: DemoPerson[] = [
  ['Aisha', 'Rahman', 'female', 'asian_bangladeshi', 'CSC', '1991-04-12'],
  ['Bethany', 'Holloway', 'female', 'white_british', 'POLICE', '1986-09-30'],
  ['Chidinma', 'Okafor', 'female', 'black_african', 'IDVA', '1994-01-08'],
  ['Daniel', 'Price', 'male', 'white_british', 'POLICE', '1983-06-21'],
  ['Ewa', 'Kowalczyk', 'female', 'white_other', 'HOUSING', '1990-11-02'],
  ['Farah', 'Siddiqui', 'female', 'asian_pakistani', 'IDVA', 29],
  ['Grace', 'Mensah', 'female', 'black_african', 'CSC', '1997-03-17'],
  ['Harpreet', 'Sandhu', 'female', 'asian_indian', 'HEALTH', '1979-08-05'],
  ['Imani', 'Clarke', 'female', 'black_caribbean', 'IDVA', '2001-12-24'],
  ['Jade', 'Whitfield', 'female', 'white_british', 'REFUGE', '1995-05-09'],
  ['Kerry-Ann', 'Campbell', 'female', 'black_caribbean', 'HOUSING', '1988-02-14'],
  ['Lina', 'Haddad', 'female', 'other_arab', 'REFUGE', 34],
  ['Marek', 'Nowicki', 'male', 'white_other', 'POLICE', '1985-10-11'],
  ['Niamh', 'O’Sullivan', 'female', 'white_irish', 'CSC', '1993-07-28'],
  ['Olusegun', 'Adeyemi', 'male', 'black_african', 'PROBATION', '1980-04-03'],
  ['Priya', 'Venkatesan', 'female', 'asian_indian', 'IDVA', '1989-09-19'],
  ['Mei', 'Zhou', 'female', 'asian_chinese', 'MH', '1976-12-01'],
  ['Roseanne', 'Doherty', 'female', 'white_gypsy_irish_traveller', 'HOUSING', '1998-06-06'],
  ['Samira', 'Begum', 'female', 'asian_bangladeshi', 'IDVA', '2003-02-27'],
  ['Tomasz', 'Wiśniewski', 'male', 'white_other', 'POLICE', '1987-01-15'],
  ['Uchenna', 'Eze', 'female', 'black_african', 'HEALTH', '1992-10-22'],
  ['Valentina', 'Rusu', 'female', 'white_roma', 'CSC', 26],
  ['Wesley', 'Barnes', 'male', 'white_british', 'PROBATION', '1978-03-08'],
  ['Xinyi', 'Chen', 'female', 'asian_chinese', 'IDVA', '1996-08-13'],
  ['Yasmin', 'Ali', 'female', 'mixed_white_asian', 'REFUGE', '1990-05-25'],
  ['Zainab', 'Hussain', 'female', 'asian_pakistani', 'POLICE', '1984-11-30'],
  ['Amara', 'Johnson', 'female', 'mixed_white_black_african', 'CSC', '2000-09-04'],
  ['Brandon', 'Kelly', 'male', 'white_irish', 'POLICE', '1991-02-19'],
  ['Chloé', 'Martin', 'female', 'white_other', 'IDVA', '1982-07-07'],
  ['Deshawn', 'Campbell-Grant', 'male', 'mixed_white_black_caribbean', 'PROBATION', '1993-12-12'],
  ['Elif', 'Yılmaz', 'female', 'other_any', 'HOUSING', '1987-04-18'],
  ['Fatuma', 'Abdi', 'female', 'black_african', 'IDVA', 41],
  ['Gareth', 'Pritchard', 'male', 'white_british', 'POLICE', '1975-10-27'],
  ['Hana', 'Nasser', 'female', 'other_arab', 'MH', '1999-01-31'],
  ['Isla', 'McKenzie', 'female', 'white_british', 'CSC', '2012-06-14'],
  ['Jamal', 'Ahmed', 'male', 'asian_other', 'PROBATION', '1986-03-23'],
  ['Kateryna', 'Bondarenko', 'female', 'white_other', 'REFUGE', '1994-09-09'],
  ['Leah', 'Goldberg', 'female', 'white_british', 'ASC', '1958-05-02'],
  ['Maya', 'Thompson', 'female', 'mixed_other', 'CSC', '2015-11-20'],
  ['Noah', 'Thompson', 'male', 'mixed_other', 'CSC', '2018-02-08'],
];

const STREETS = ['Anchor Lane', 'Mill Road', 'Quayside Court', 'Beacon Street', 'Ferry Close', 'Lantern Way', 'Harbour View', 'Saltmarsh Drive'];
const TOWNS = ['Northfield', 'Riverside', 'Eastvale'];
const SAFE_TIMES = ['Weekdays 10am to 2pm', 'Mornings before 11am', 'Only when she calls first', 'Tuesdays and Thursdays after 1pm'];
const CODE_WORDS = ['Bluebell', 'Lighthouse', 'Marmalade', 'Juniper', 'Pebble'];
const LANGUAGES: Record<string, string> = { asian_bangladeshi: 'Bengali (Sylheti)', asian_pakistani: 'Urdu', other_arab: 'Arabic', white_other: 'Polish' };

/** The i-th of a list, so the demo varies but is the same on every run. */
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

function columnsFor(p: DemoPerson, i: number): PersonColumns {
  const [, , sex, ethnicity, , born] = p;
  const adult = typeof born === 'number' || born < '2008-01-01';
  const language = LANGUAGES[ethnicity] ?? 'English';
  return {
    dateOfBirth: typeof born === 'string' ? born : null,
    estimatedAge: typeof born === 'number' ? born : null,
    estimatedAgeOn: typeof born === 'number' ? londonToday() : null,
    gender: sex === 'female' ? 'woman' : 'man',
    preferredLanguage: language,
    interpreterNeeded: language !== 'English' && i % 2 === 0,
    gpPractice: pick(['Quayside Medical Centre', 'Northfield Health Centre', 'Riverside Surgery'], i),
    safeTimes: sex === 'female' && adult && i % 3 !== 2 ? pick(SAFE_TIMES, i) : null,
    voicemailAllowed: pick(['no', 'yes', 'not_known'] as const, i),
    doNotWriteHome: sex === 'female' && i % 4 === 0,
    codeWord: sex === 'female' && i % 5 === 0 ? pick(CODE_WORDS, i) : null,
    sex: i % 11 === 10 ? 'prefers_not_to_say' : sex,
    genderIdentity: pick(['yes', 'yes', 'yes', 'not_known', 'prefers_not_to_say'], i),
    ethnicity: i % 13 === 12 ? 'not_known' : ethnicity,
    disability: pick(['no', 'yes', 'no', 'not_known'], i),
    disabilityTypes: i % 4 === 1 ? [pick(['mental_health', 'physical', 'neurodivergent', 'long_term_illness'], i)] : [],
    religion: pick(CODED.religion, i),
    sexualOrientation: adult ? pick(['heterosexual', 'heterosexual', 'bisexual', 'gay_lesbian', 'not_known', 'prefers_not_to_say'], i) : null,
    pregnancy: sex === 'female' && adult ? pick(['neither', 'neither', 'pregnant', 'given_birth', 'not_known'], i) : null,
    maritalStatus: adult ? pick(['never', 'married', 'separated', 'divorced', 'civil_partnership', 'not_known'], i) : null,
    immigrationStatus: ['white_british', 'white_irish'].includes(ethnicity) ? 'british_irish' : pick(CODED.immigrationStatus, i),
    nrpf: pick(['no', 'no', 'not_known', 'yes'], i),
  };
}

/** Seeds the demo people after seedAdminDemo, on an empty database (it is not idempotent). */
export async function seedPeopleDemo(db: Db, partnershipId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const agencies = new Map(
      (await trx.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
    );
    const users = await trx.selectFrom('users').select(['id', 'agency_id', 'roles']).where('partnership_id', '=', partnershipId).execute();
    const recorders = users.filter((u) => u.roles.some((r) => ['practitioner', 'idva', 'agency_rep'].includes(r)));
    for (const [i, p] of PEOPLE.entries()) {
      const [given, family, , , agency] = p;
      const agencyId = agencies.get(agency)!;
      const owner = { partnershipId, agencyId, userId: recorders.find((u) => u.agency_id === agencyId)?.id ?? null };
      const names: PersonName[] = [{ kind: 'legal', givenName: given, familyName: family, isPrimary: true }];
      if (i % 6 === 0) names.push({ kind: 'known_as', givenName: given.slice(0, 3), familyName: family, isPrimary: false });
      if (i % 9 === 4) names.push({ kind: 'previous', givenName: given, familyName: pick(['Morgan', 'Hughes', 'Patel', 'Okoro'], i), isPrimary: false });
      const personId = await insertPerson(trx, owner, columnsFor(p, i), names);

      const town = pick(TOWNS, i);
      const home = {
        line1: `${((i * 7) % 90) + 2} ${pick(STREETS, i)}`,
        line2: null,
        town,
        postcode: `HB${(i % 9) + 1} ${(i % 8) + 1}${pick(['AB', 'DF', 'QT', 'RW'], i)}`,
      };
      // Every sixth person has fled to a refuge: its address is confidential to the refuge that recorded it.
      const inRefuge = i % 6 === 3;
      await insertAddress(trx, partnershipId, personId, agencyId, { ...home, isCurrent: !inRefuge, isSafe: false, confidentialRefuge: false });
      if (inRefuge) {
        const refuge = {
          line1: `Flat ${(i % 5) + 1}, ${pick(['Cedar House', 'Willow House'], i)}`,
          line2: null,
          town: pick(TOWNS, i + 1),
          postcode: `HB${(i % 4) + 5} 9ZZ`,
        };
        await insertAddress(trx, partnershipId, personId, agencies.get('REFUGE')!, { ...refuge, isCurrent: true, isSafe: true, confidentialRefuge: true });
      }
      const mobile = `07700 900${String(100 + i * 7).padStart(3, '0')}`;
      const safePhone = p[2] === 'female' && i % 3 === 0;
      await insertContact(trx, partnershipId, personId, {
        kind: 'phone',
        value: mobile,
        safe: safePhone,
        note: safePhone ? 'Her own phone: he does not know the number' : null,
      });
      if (i % 4 === 2)
        await insertContact(trx, partnershipId, personId, {
          kind: 'phone',
          value: `01632 960${String(200 + i).padStart(3, '0')}`,
          safe: false,
          note: 'Home landline',
        });
      if (i % 5 === 1) {
        const email = `${given}.${family}`
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z.]/g, '');
        await insertContact(trx, partnershipId, personId, { kind: 'email', value: `${email}@example.org`, safe: i % 2 === 1, note: null });
      }
    }
  });
}
