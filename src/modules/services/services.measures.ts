import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { AggregateMeasure, Outcome, Stage } from './services.definition.js';
import { acrossPartnership } from './services.service.js';

/**
 * One function per measure of a service (docs/services.md gives each exact definition), for the service report and
 * for the indicators module to reuse. Each takes the periods to count and answers one value per period, counting
 * every record of the partnership (numbers only: the caller decides who may see them). Dates are calendar dates.
 */

export type Period = { id: string; label: string; from: string; to: string };
/** A rate's parts, so a reader can check it: null when nothing was counted (no rate, not 0%). */
export type Rate = { numerator: number; denominator: number; percent: number | null };

const DATE_OF: Record<Stage, string> = {
  referred: 'referred_on',
  assessed: 'assessed_on',
  started: 'started_on',
  completed: 'ended_on',
  left_early: 'ended_on',
};

/** Values per period from one query: a lateral join of the periods onto the rows in range. */
async function perPeriod<T>(
  db: DbOrTx,
  periods: Period[],
  query: (from: RawBuilder<string>, to: RawBuilder<string>) => RawBuilder<{ pid: string } & T>,
): Promise<Map<string, T>> {
  if (periods.length === 0) return new Map();
  const values = sql.join(periods.map((p) => sql`(${p.id}, ${p.from}::date, ${p.to}::date)`));
  const { rows } = await acrossPartnership(() =>
    sql<{ pid: string } & T>`select p.pid, m.* from (values ${values}) as p(pid, pfrom, pto), lateral (${query(sql`p.pfrom`, sql`p.pto`)}) m`.execute(db),
  );
  return new Map(rows.map((r) => [r.pid, r]));
}

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, percent: denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null };
}

function stageFilter(stage: Stage): RawBuilder<unknown> {
  if (stage === 'completed') return sql`and r.end_reason = 'completed'`;
  if (stage === 'left_early') return sql`and r.end_reason = 'left_early'`;
  return sql``;
}

/** Records whose stage date falls in each period. */
async function stageCount(db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[], stage: Stage, extra = sql``): Promise<number[]> {
  const date = sql.ref(`r.${DATE_OF[stage]}`);
  const found = await perPeriod<{ n: number }>(
    db,
    periods,
    (from, to) => sql`select count(*)::int as n from service_records r where r.partnership_id = ${partnershipId} and r.service_id = ${serviceId}
      and ${date} between ${from} and ${to} ${stageFilter(stage)} ${extra}`,
  );
  return periods.map((p) => found.get(p.id)?.n ?? 0);
}

/** Referrals: records whose referral date is in the period. */
export const referrals = (db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[]) =>
  stageCount(db, partnershipId, serviceId, periods, 'referred');

/** Starts: records whose start date (the definition's "started" stage) is in the period. */
export const starts = (db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[]) => stageCount(db, partnershipId, serviceId, periods, 'started');

/** Completions: records that completed, with the completion date in the period. */
export const completions = (db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[]) =>
  stageCount(db, partnershipId, serviceId, periods, 'completed');

/** Left early after starting: records that ended early, having started, with the end date in the period. */
export const leftEarlyAfterStart = (db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[]) =>
  stageCount(db, partnershipId, serviceId, periods, 'left_early', sql`and r.started_on is not null`);

/** Completion rate: completions ÷ (completions + left early after starting), both ending in the period. */
export async function completionRate(db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[]): Promise<Rate[]> {
  const [done, left] = await Promise.all([completions(db, partnershipId, serviceId, periods), leftEarlyAfterStart(db, partnershipId, serviceId, periods)]);
  return periods.map((_, i) => rate(done[i]!, done[i]! + left[i]!));
}

/**
 * An outcome of the definition. "share": of the records reaching the outcome's stage in the period with an answer
 * other than "not known", those whose answer is a positive one. "improved": of the records reaching the "after"
 * stage in the period with both scores, those whose score went up. "sum": the count answers added up.
 */
export async function outcome(db: DbOrTx, partnershipId: string, serviceId: string, periods: Period[], measure: Outcome): Promise<Rate[] | number[]> {
  const stage = measure.kind === 'improved' ? measure.after.stage : measure.stage;
  const date = sql.ref(`r.${DATE_OF[stage]}`);
  const where = (from: RawBuilder<string>, to: RawBuilder<string>) =>
    sql`r.partnership_id = ${partnershipId} and r.service_id = ${serviceId} and ${date} between ${from} and ${to} ${stageFilter(stage)}`;
  if (measure.kind === 'sum') {
    const found = await perPeriod<{ total: number }>(
      db,
      periods,
      (from, to) =>
        sql`select coalesce(sum((r.answers -> ${measure.stage} ->> ${measure.question})::int), 0)::int as total from service_records r where ${where(from, to)}`,
    );
    return periods.map((p) => found.get(p.id)?.total ?? 0);
  }
  const answer = (s: Stage, q: string) => sql`(r.answers -> ${s} ->> ${q})`;
  const found = await perPeriod<{ yes: number; base: number }>(db, periods, (from, to) => {
    if (measure.kind === 'share') {
      const a = answer(measure.stage, measure.question);
      return sql`select count(*) filter (where ${a} in (${sql.join(measure.positive)}))::int as yes, count(*)::int as base
        from service_records r where ${where(from, to)} and ${a} is not null and ${a} <> 'not_known'`;
    }
    const before = sql`${answer(measure.before.stage, measure.before.question)}::int`;
    const after = sql`${answer(measure.after.stage, measure.after.question)}::int`;
    return sql`select count(*) filter (where ${after} > ${before})::int as yes, count(*)::int as base
      from service_records r where ${where(from, to)} and ${before} is not null and ${after} is not null`;
  });
  return periods.map((p) => rate(found.get(p.id)?.yes ?? 0, found.get(p.id)?.base ?? 0));
}

/**
 * A measure of an aggregate service. "entries": entries dated in the period; "sum": a count field added up (for
 * per-agency counts, every agency's); "distinct": different values of a field (schools, ignoring case and spaces);
 * "mean": a score's mean weighted by a count field, to one decimal place (null with nothing to weigh).
 */
export async function aggregateMeasure(
  db: DbOrTx,
  partnershipId: string,
  serviceId: string,
  periods: Period[],
  measure: AggregateMeasure,
): Promise<(number | null)[]> {
  const found = await perPeriod<{ value: number | null }>(db, periods, (from, to) => {
    const where = sql`e.partnership_id = ${partnershipId} and e.service_id = ${serviceId} and e.occurred_on between ${from} and ${to}`;
    if (measure.kind === 'entries') return sql`select count(*)::int as value from service_activity e where ${where}`;
    const field = sql`(e.answers -> ${measure.field})`;
    if (measure.kind === 'sum')
      return sql`select coalesce(sum(case jsonb_typeof(${field}) when 'number' then (${field})::numeric
        when 'object' then (select coalesce(sum(v::numeric), 0) from jsonb_each_text(${field}) as c(k, v)) else 0 end), 0)::int as value
        from service_activity e where ${where}`;
    if (measure.kind === 'distinct')
      return sql`select count(distinct lower(btrim(e.answers ->> ${measure.field})))::int as value from service_activity e where ${where}`;
    const weight = sql`(e.answers ->> ${measure.weight})::numeric`;
    return sql`select round(sum((e.answers ->> ${measure.field})::numeric * ${weight}) / nullif(sum(${weight}), 0), 1)::float8 as value
      from service_activity e where ${where} and e.answers ? ${measure.field}`;
  });
  return periods.map((p) => found.get(p.id)?.value ?? (measure.kind === 'mean' ? null : 0));
}
