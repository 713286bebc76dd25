import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { Condition, PersonField, SafeLivesColumn } from './safelives.columns.js';

/**
 * The SafeLives return in one query: the cases heard at the partnership's meetings in a period, one row per meeting
 * and a total row (grouping sets), one count per column of the template. Counts only, read across every case of
 * the partnership (the caller reads past the viewer's sight). Definitions in docs/safelives-return.md.
 */

export type Period = { from: string; to: string };

/** One row per meeting that heard a case; the total row has no meeting. `counts` follow the columns' order. */
export type ReturnRow = { meetingId: string | null; meetingDate: string | null; areaName: string | null; counts: number[] };

const PERSON_COLUMN: Record<PersonField, string> = {
  sex: 'sex',
  gender: 'gender',
  genderIdentity: 'gender_identity',
  ethnicity: 'ethnicity',
  disability: 'disability',
  sexualOrientation: 'sexual_orientation',
};

/** Whole years of a person on a day: from the date of birth, else from an estimated age moved to that day. */
function ageOn(person: string, day: RawBuilder<unknown>): RawBuilder<number | null> {
  const p = (column: string) => sql.ref(`${person}.${column}`);
  return sql<number | null>`(case
    when ${p('date_of_birth')} is not null then extract(year from age(${day}, ${p('date_of_birth')}))::int
    when ${p('estimated_age')} is not null then ${p('estimated_age')} + extract(year from age(${day}, ${p('estimated_age_on')}))::int
  end)`;
}

/** Whether the person (alias) in the row of heard case `h` meets one condition; unknown answers never match. */
function matches(person: string, condition: Condition): RawBuilder<boolean> {
  if ('field' in condition) return sql<boolean>`${sql.ref(`${person}.${PERSON_COLUMN[condition.field]}`)} = any(${condition.codes}::text[])`;
  if ('caseFlag' in condition) return sql<boolean>`${condition.caseFlag} = any(h.flags)`;
  const age = ageOn(person, sql`h.age_on`);
  const { min, max } = condition.ageAtReferral;
  const bounds = [min === undefined ? null : sql`${age} >= ${min}`, max === undefined ? null : sql`${age} <= ${max}`].filter((b) => b !== null);
  return sql<boolean>`(${sql.join(bounds, sql` and `)})`;
}

const anyOf = (person: string, conditions: Condition[]) =>
  sql<boolean>`coalesce(${sql.join(
    conditions.map((c) => matches(person, c)),
    sql` or `,
  )}, false)`;

/** The aggregate for one column over the rows of heard cases `h` joined to their victim `v`. */
function countFor(column: SafeLivesColumn, otherTypes: string[]): RawBuilder<number> {
  switch (column.measure) {
    case 'cases_heard':
      return sql`count(*)`;
    case 'repeat_cases':
      return sql`count(*) filter (where h.kind = 'repeat')`;
    case 'children':
      return sql`coalesce(sum((
        select count(*) from case_people cc
        join people c on c.partnership_id = cc.partnership_id and c.id = cc.person_id
        where cc.partnership_id = h.partnership_id and cc.case_id = h.case_id and cc.role = 'child'
          and cc.lives_with = any(${column.livesWith}::text[])
          and coalesce(${ageOn('c', sql`h.meeting_date`)} < ${column.underAge}, true)
      )), 0)`;
    case 'referrals':
      return column.agencyTypes === 'any other'
        ? sql`count(*) filter (where h.referral_id is not null and not (h.referrer_type = any(${otherTypes}::text[])))`
        : sql`count(*) filter (where h.referrer_type = any(${column.agencyTypes}::text[]))`;
    case 'victims':
      return sql`count(*) filter (where ${anyOf('v', column.anyOf)})`;
    case 'perpetrators':
      return sql`count(*) filter (where exists (
        select 1 from case_people pc
        join people p on p.partnership_id = pc.partnership_id and p.id = pc.person_id
        where pc.partnership_id = h.partnership_id and pc.case_id = h.case_id and pc.role = 'perpetrator' and ${anyOf('p', column.anyOf)}
      ))`;
  }
}

export async function returnRows(db: DbOrTx, partnershipId: string, period: Period, areaId: string | null, columns: SafeLivesColumn[]): Promise<ReturnRow[]> {
  // The agency types some referral column names: "any other" counts the rest.
  const listed = columns.flatMap((c) => (c.measure === 'referrals' && c.agencyTypes !== 'any other' ? c.agencyTypes : []));
  const counts = columns.map((c, i) => sql`(${countFor(c, listed)})::int as ${sql.ref(`c${i}`)}`);
  const area = areaId ? sql`and m.area_id = ${areaId}` : sql``;
  // Every per-case lookup is a correlated subquery or a lateral join on the record's key: the row-level policies
  // make the planner expect one row from each table, and a plain join then scans a whole table per agenda item
  // (seconds on the demo). Keyed lookups stay index probes whatever it expects.
  const { rows } = await sql<Record<string, unknown>>`
    with heard as materialized (
      select m.partnership_id, m.id as meeting_id, m.meeting_date, a.name as area_name, i.case_id, i.kind, i.referral_id,
        coalesce(i.referred_on, m.meeting_date) as age_on,
        (select ra.type from referrals r join agencies ra on ra.partnership_id = r.partnership_id and ra.id = r.referring_agency_id
          where r.partnership_id = i.partnership_id and r.id = i.referral_id) as referrer_type,
        (select c.flags from cases c where c.partnership_id = i.partnership_id and c.id = i.case_id) as flags,
        (select vc.person_id from case_people vc where vc.partnership_id = i.partnership_id and vc.case_id = i.case_id and vc.role = 'victim') as victim_id
      from marac_meetings m
      join areas a on a.partnership_id = m.partnership_id and a.id = m.area_id
      join marac_agenda_items i on i.partnership_id = m.partnership_id and i.meeting_id = m.id
      where m.partnership_id = ${partnershipId} and m.status <> 'cancelled' and m.meeting_date between ${period.from} and ${period.to} ${area}
    )
    select h.meeting_id, h.meeting_date, h.area_name, ${sql.join(counts)}
    from heard h
    left join lateral (select * from people p where p.partnership_id = h.partnership_id and p.id = h.victim_id) v on true
    group by grouping sets ((h.meeting_id, h.meeting_date, h.area_name), ())
    order by h.meeting_id is null, h.meeting_date, h.area_name, h.meeting_id`.execute(db);
  return rows.map((row) => ({
    meetingId: row.meeting_id as string | null,
    meetingDate: row.meeting_date as string | null,
    areaName: row.area_name as string | null,
    counts: columns.map((_, i) => row[`c${i}`] as number),
  }));
}

export function findArea(db: DbOrTx, partnershipId: string, id: string) {
  return db.selectFrom('areas').select(['id', 'code', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listAreas(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('areas').select(['id', 'code', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}
