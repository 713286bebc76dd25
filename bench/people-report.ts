/**
 * How bench/people.ts shows its results: with many callers and one at a time, Harbour beside the same SQL through
 * plain pg; where the time goes; EXPLAIN of the slowest statement; PASS/MISS per target. Presentation only.
 */
import type { Cpu, Explained, Summary } from './people-replay.js';
import { fmt, printTable } from './report.js';

export type Result = {
  key: string;
  label: string;
  p95Ms: number;
  layer: string;
  inputs: number;
  statementsPerRequest: number;
  /** Search and duplicates: the share of inputs whose record was among the results. */
  foundRate: number | null;
  /** Each input once, one at a time: through Harbour (the recording pass), then its statements replayed through pg. */
  alone: { harbour: Summary; raw: Summary };
  /** CPU per request alone, in µs: this process (Harbour, or only the pg driver for raw SQL) and PostgreSQL (embedded only). */
  cpu: { harbour: Cpu; raw: Cpu };
  /** With many concurrent callers; null when one alone is too slow for that. rawWithoutAudit: pages, without the audit transaction. */
  loaded: { harbour: Summary; raw: Summary; rawWithoutAudit: Summary | null } | null;
  /** 50 users, each waiting a think time between requests (bench/people-replay.ts thinkingLoop); null when not run. */
  thinking: Summary | null;
  /** Each distinct select, its slowest instance explained; the slowest to execute first. */
  statements: { sql: string; calls: number; explained: Explained }[];
};

const ms = (v: number | undefined) => (v === undefined ? '–' : fmt(v, 1));
const times = (a: number, b: number) => `${fmt(a / b, 2)} ×`;

function row(label: string, through: string, s: Summary, rawSummary?: Summary): string[] {
  const ratio = rawSummary ? `${times(s.p95, rawSummary.p95)} / ${times(s.requestsPerSecond, rawSummary.requestsPerSecond)}` : '';
  return [label, through, fmt(s.requestsPerSecond, 0), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), String(s.errors), ratio];
}

const notRun = (r: Result, maxAloneMs: number) =>
  r.alone.harbour.errors ? `not run: ${r.alone.harbour.errors} of ${r.inputs} failed alone` : `not run: one alone takes over ${maxAloneMs} ms`;

const HEADER = ['Target', 'through', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'Harbour ÷ raw: p95 / req/s'];

export type Think = { users: number; seconds: number; thinkSeconds: [number, number] };

/** How a think-time run is described: "50 users thinking 1–5 s between requests". */
export const thinkingUsers = (t: Think) => `${t.users} users thinking ${t.thinkSeconds[0]}–${t.thinkSeconds[1]} s between requests`;

export function printPeople(
  results: Result[],
  settings: { connections: number; seconds: number; warmupSeconds: number; maxAloneMs: number; think: Think },
): void {
  console.log('');
  console.log(`With ${thinkingUsers(settings.think)} (${settings.think.seconds} s measured after a warm-up): what the targets are judged on`);
  printTable(
    HEADER,
    results.map((r) => (r.thinking ? row(r.label, `Harbour (${r.layer})`, r.thinking) : [r.label, 'not run', '', '', '', '', '', '', ''])),
  );
  console.log('');
  console.log(
    `With ${settings.connections} concurrent callers (closed loop, ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up); raw SQL = the same statements through a plain pg pool`,
  );
  printTable(
    HEADER,
    results.flatMap((r) =>
      r.loaded
        ? [
            row(r.label, `Harbour (${r.layer})`, r.loaded.harbour, r.loaded.raw),
            row('', `raw SQL (${fmt(r.statementsPerRequest, 1)} statements)`, r.loaded.raw),
            ...(r.loaded.rawWithoutAudit ? [row('', 'raw SQL without the audit transaction', r.loaded.rawWithoutAudit)] : []),
          ]
        : [[r.label, notRun(r, settings.maxAloneMs), '', '', '', '', '', '', '']],
    ),
  );
  console.log('');
  console.log('One at a time (each input once, nothing else running)');
  printTable(
    HEADER,
    results.flatMap((r) => [row(r.label, `Harbour (${r.inputs} inputs)`, r.alone.harbour, r.alone.raw), row('', 'raw SQL', r.alone.raw)]),
  );
  console.log('');
  console.log('CPU per request, one at a time (µs): Node is Harbour, or only the pg driver for raw SQL');
  printTable(
    ['Target', 'Harbour: Node', 'PostgreSQL', 'raw SQL: Node', 'PostgreSQL', 'found the record'],
    results.map(({ label, cpu, foundRate }) => [
      label,
      fmt(cpu.harbour.nodeUs, 0),
      fmt(cpu.harbour.pgUs, 0),
      fmt(cpu.raw.nodeUs, 0),
      fmt(cpu.raw.pgUs, 0),
      foundRate === null ? '–' : `${fmt(foundRate * 100, 0)} %`,
    ]),
  );
  for (const r of results) {
    console.log('');
    console.log(`${r.label}: each distinct select, its slowest instance under EXPLAIN (ANALYZE, BUFFERS)`);
    if (r.alone.harbour.firstError) console.log(`  The first failure: ${r.alone.harbour.firstError}`);
    for (const { sql, calls, explained: e } of r.statements) {
      const times =
        e.executionMs === null
          ? 'not run to the end (estimated plan)'
          : `plan ${fmt(e.planningMs, 2)} ms, run ${fmt(e.executionMs, 2)} ms, ${e.buffers} buffers`;
      console.log(`  ${times}, × ${calls}: ${sql.slice(0, 90)}…`);
    }
    console.log('  The slowest to run:');
    for (const line of r.statements[0]?.explained.tree ?? []) console.log(`    ${line}`);
  }
  console.log('');
  console.log(`Targets (p95 through Harbour with ${thinkingUsers(settings.think)}; reported, not enforced):`);
  for (const r of results) {
    const verdict = r.thinking && !r.thinking.errors && r.thinking.p95 < r.p95Ms ? 'PASS' : 'MISS';
    const users = r.thinking ? `${ms(r.thinking.p95)} ms at ${fmt(r.thinking.requestsPerSecond, 0)} req/s` : 'not run';
    const closed = r.loaded
      ? `${ms(r.loaded.harbour.p95)} ms at ${fmt(r.loaded.harbour.requestsPerSecond, 0)} req/s with ${settings.connections} callers and no think time (a throughput test)`
      : notRun(r, settings.maxAloneMs);
    console.log(`  ${r.label}: p95 < ${r.p95Ms} ms: ${verdict} (${users}; ${closed}; ${ms(r.alone.harbour.p95)} ms one at a time)`);
  }
}
