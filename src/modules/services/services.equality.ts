import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { translate } from '../../platform/i18n.js';
import { codeLabel, ETHNICITY } from '../people/person.codes.js';
import type { Period } from './services.measures.js';
import { acrossPartnership } from './services.service.js';

/**
 * A service's referrals, starts and completions by equality characteristic (DOMAIN.md §7), from the people module's
 * coded characteristics, with small numbers suppressed (suppressCounts) before anything leaves this file.
 */

export const CHARACTERISTICS = ['gender', 'age', 'ethnicity', 'disability', 'religion', 'sexualOrientation'] as const;
export type Characteristic = (typeof CHARACTERISTICS)[number];
export const characteristicLabel = (characteristic: Characteristic) => translate('en', `services.equality.${characteristic}`);

/** A suppressed cell shows as null ("[c]" in the CSV, "fewer than 5 or could reveal one" on the page). */
export type Cell = number | null;
export const SUPPRESSION_THRESHOLD = 5;

/**
 * Small-number suppression of one column of counts that adds up to a published total. Primary: any count from 1 to
 * 4 (zero reveals no one and is shown). Secondary: a lone suppressed cell could be worked out from the total, so
 * the smallest other non-zero cell is suppressed too; if there is none, every cell is.
 */
export function suppressCounts(counts: number[]): Cell[] {
  const hidden = counts.map((n) => n > 0 && n < SUPPRESSION_THRESHOLD);
  if (hidden.filter(Boolean).length === 1) {
    const candidates = counts.map((n, i) => ({ n, i })).filter(({ n, i }) => n > 0 && !hidden[i]);
    if (candidates.length === 0) return counts.map(() => null);
    hidden[candidates.sort((a, b) => a.n - b.n || a.i - b.i)[0]!.i] = true;
  }
  return counts.map((n, i) => (hidden[i] ? null : n));
}

const ETHNIC_GROUP = new Map(ETHNICITY.groups.flatMap((g) => g.categories.map((c) => [c.code, g.label] as const)));
const AGE_LIMITS = [18, 25, 35, 45, 55, 65];
const AGE_BANDS = AGE_LIMITS.map((limit, i) =>
  i === 0 ? translate('en', 'services.equality.under', { age: limit }) : translate('en', 'services.equality.band', { from: AGE_LIMITS[i - 1]!, to: limit - 1 }),
).concat(translate('en', 'services.equality.over', { age: AGE_LIMITS[AGE_LIMITS.length - 1]! }));
const NOT_KNOWN = translate('en', 'services.equality.notKnown');

function ageBand(dob: string | null, on: string): string {
  if (!dob) return NOT_KNOWN;
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  const age = oy - y - (om < m || (om === m && od < d) ? 1 : 0);
  const index = AGE_LIMITS.findIndex((limit) => age < limit);
  return AGE_BANDS[index === -1 ? AGE_BANDS.length - 1 : index]!;
}

function category(characteristic: Characteristic, row: PersonCodes): string {
  if (characteristic === 'age') return ageBand(row.date_of_birth, row.referred_on);
  const column = {
    gender: row.gender,
    ethnicity: row.ethnicity,
    disability: row.disability,
    religion: row.religion,
    sexualOrientation: row.sexual_orientation,
  }[characteristic];
  if (!column || column === 'not_known' || column === 'prefers_not_to_say') return NOT_KNOWN;
  if (characteristic === 'ethnicity') return ETHNIC_GROUP.get(column) ?? NOT_KNOWN;
  return codeLabel(characteristic, column);
}

type PersonCodes = {
  referred_on: string;
  counted: 'referred' | 'started' | 'completed';
  date_of_birth: string | null;
  gender: string | null;
  ethnicity: string | null;
  disability: string | null;
  religion: string | null;
  sexual_orientation: string | null;
};

export type EqualityRow = { category: string; referrals: Cell; starts: Cell; completions: Cell };
export type EqualityTable = {
  characteristic: Characteristic;
  label: string;
  rows: EqualityRow[];
  totals: { referrals: number; starts: number; completions: number };
};

/** Referrals, starts and completions in the period by each characteristic's categories, suppressed per column. */
export async function byCharacteristic(db: DbOrTx, partnershipId: string, serviceId: string, period: Period): Promise<EqualityTable[]> {
  // Two statements, not a join: under row-level security the planner cannot estimate how many records pass the
  // policy, guesses one, and joined people by a nested loop that took seconds on 20,000 records.
  const { counted, people } = await acrossPartnership(async () => {
    const found = await sql<{ person_id: string; referred_on: string; counted: PersonCodes['counted'] }>`
      select r.person_id, r.referred_on, m.counted
      from service_records r
      cross join lateral (values
        ('referred', r.referred_on between ${period.from} and ${period.to}),
        ('started', r.started_on between ${period.from} and ${period.to}),
        ('completed', r.end_reason = 'completed' and r.ended_on between ${period.from} and ${period.to})) as m(counted, hit)
      where r.partnership_id = ${partnershipId} and r.service_id = ${serviceId} and m.hit`.execute(db);
    const ids = [...new Set(found.rows.map((r) => r.person_id))];
    const codes = ids.length
      ? await db
          .selectFrom('people')
          .select(['id', 'date_of_birth', 'gender', 'ethnicity', 'disability', 'religion', 'sexual_orientation'])
          .where('partnership_id', '=', partnershipId)
          .where('id', '=', sql<string>`any(${ids}::uuid[])`)
          .execute()
      : [];
    return { counted: found.rows, people: new Map(codes.map((c) => [c.id, c])) };
  });
  const rows: PersonCodes[] = counted.map((r) => {
    const person = people.get(r.person_id);
    return {
      referred_on: r.referred_on,
      counted: r.counted,
      date_of_birth: person?.date_of_birth ?? null,
      gender: person?.gender ?? null,
      ethnicity: person?.ethnicity ?? null,
      disability: person?.disability ?? null,
      religion: person?.religion ?? null,
      sexual_orientation: person?.sexual_orientation ?? null,
    };
  });
  return CHARACTERISTICS.map((characteristic) => {
    const tally = new Map<string, { referrals: number; starts: number; completions: number }>();
    for (const row of rows) {
      const key = category(characteristic, row);
      const entry = tally.get(key) ?? { referrals: 0, starts: 0, completions: 0 };
      if (row.counted === 'referred') entry.referrals++;
      else if (row.counted === 'started') entry.starts++;
      else entry.completions++;
      tally.set(key, entry);
    }
    const categories = [...tally.keys()].sort((a, b) => (a === NOT_KNOWN ? 1 : b === NOT_KNOWN ? -1 : a.localeCompare(b)));
    const column = (measure: 'referrals' | 'starts' | 'completions') => suppressCounts(categories.map((c) => tally.get(c)![measure]));
    const [referrals, starts, completions] = [column('referrals'), column('starts'), column('completions')];
    const sum = (measure: 'referrals' | 'starts' | 'completions') => categories.reduce((n, c) => n + tally.get(c)![measure], 0);
    return {
      characteristic,
      label: characteristicLabel(characteristic),
      rows: categories.map((c, i) => ({ category: c, referrals: referrals[i]!, starts: starts[i]!, completions: completions[i]! })),
      totals: { referrals: sum('referrals'), starts: sum('starts'), completions: sum('completions') },
    };
  });
}
