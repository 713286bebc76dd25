/**
 * How bench/referrals.ts shows its results: with many clients and one at a time, Harbour beside the raw SQL of the
 * same checks; CPU per request; where a request's database time goes; EXPLAIN of the checks and the queue; PASS/MISS
 * per target. Presentation only.
 */
import type { Cpu, Explained, Summary } from './people-replay.js';
import { thinkingUsers, type Think } from './people-report.js';
import type { Sampled } from './referrals.js';
import { fmt, printTable } from './report.js';

export type StatementCost = { sql: string; perRequest: number; msPerRequest: number };

export type Measured = {
  key: string;
  label: string;
  p95Ms: number;
  /** What the raw SQL rows replay. */
  rawLabel: string;
  inputs: number;
  statementsPerRequest: number;
  /** Each input once, one at a time: through Harbour (the recording pass), then its raw SQL through pg. */
  alone: { harbour: Summary; raw: Summary };
  /** µs per request: one at a time, this process (Harbour, or only the pg driver for raw SQL) and PostgreSQL; under load, Harbour's main thread. */
  cpu: { harbourAlone: Cpu; rawAlone: Cpu; harbourLoaded: Cpu };
  /** Under load through Harbour, sampled every 100 ms: requests waiting for a pooled connection, statements running, backends waiting for an advisory lock. */
  waits: Record<'poolWaiting' | 'activeStatements' | 'advisoryLock', Sampled>;
  /** One at a time, the median time from taking the audit chain's lock to the commit that releases it (its statements only). */
  auditLockHeldMs: number | null;
  /** With BENCH_CONNECTIONS concurrent clients. */
  loaded: { harbour: Summary; raw: Summary };
  /** BENCH_CONNECTIONS users, each waiting a think time between requests: what the targets are judged on; null when not run. */
  thinking: Summary | null;
  /** Every distinct statement Harbour sent, one at a time: how many per request and their time per request. */
  statements: StatementCost[];
  /** The slowest instance of each distinct select, explained; the slowest to run first. */
  explained: { sql: string; ms: number; explained: Explained }[];
  /** Submitting: what the checks found (share flagged as repeats, mean escalation count). */
  found: { repeatShare: number; meanEscalationCount: number } | null;
};

const ms = (v: number | undefined) => (v === undefined ? '–' : fmt(v, 1));
const times = (a: number, b: number) => `${fmt(a / b, 2)} ×`;

function row(label: string, through: string, s: Summary, raw?: Summary): string[] {
  const ratio = raw ? `${times(s.p95, raw.p95)} / ${times(s.requestsPerSecond, raw.requestsPerSecond)}` : '';
  return [label, through, fmt(s.requestsPerSecond, 0), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), String(s.errors), ratio];
}

const HEADER = ['Target', 'through', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'Harbour ÷ raw: p95 / req/s'];

/** Each select explained, the slowest to run first: its times and buffers, and the plans of the first three. */
export function printExplained(explained: Measured['explained']): void {
  for (const [i, { sql, ms: took, explained: e }] of explained.entries()) {
    const run = e.executionMs === null ? 'not run to the end' : `plan ${fmt(e.planningMs, 2)} ms, run ${fmt(e.executionMs, 2)} ms, ${e.buffers} buffers`;
    console.log(`  ${run} (${fmt(took, 2)} ms in Harbour): ${sql.slice(0, 110)}`);
    if (i < 3) for (const line of e.tree) console.log(`      ${line}`);
  }
}

export function printReferrals(
  results: Measured[],
  settings: { connections: number; seconds: number; warmupSeconds: number; think: Think; loadBefore: number[]; loadAfter: number[] },
): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log('');
  console.log(`With ${thinkingUsers(settings.think)} (${settings.think.seconds} s measured after a warm-up): what the targets are judged on`);
  printTable(
    HEADER,
    results.map((r) => (r.thinking ? row(r.label, 'Harbour (HTTP)', r.thinking) : [r.label, 'not run', '', '', '', '', '', '', ''])),
  );
  console.log('');
  console.log(
    `With ${settings.connections} concurrent clients (closed loop, ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up); raw SQL through a plain pg pool of the same size`,
  );
  printTable(
    HEADER,
    results.flatMap((r) => [row(r.label, 'Harbour (HTTP)', r.loaded.harbour, r.loaded.raw), row('', `raw SQL: ${r.rawLabel}`, r.loaded.raw)]),
  );
  console.log('');
  console.log('One at a time (nothing else running)');
  printTable(
    HEADER,
    results.flatMap((r) => [row(r.label, `Harbour (${r.inputs} requests)`, r.alone.harbour, r.alone.raw), row('', 'raw SQL', r.alone.raw)]),
  );
  console.log('');
  console.log('CPU per request (µs). One at a time: Node is Harbour in-process, or only the pg driver for raw SQL. Under load: Harbour’s main thread.');
  printTable(
    ['Target', 'alone: Node', 'PostgreSQL', 'raw SQL: Node', 'PostgreSQL', 'loaded: Node', 'PostgreSQL', 'statements/request'],
    results.map(({ label, cpu, statementsPerRequest }) => [
      label,
      fmt(cpu.harbourAlone.nodeUs, 0),
      fmt(cpu.harbourAlone.pgUs, 0),
      fmt(cpu.rawAlone.nodeUs, 0),
      fmt(cpu.rawAlone.pgUs, 0),
      fmt(cpu.harbourLoaded.nodeUs, 0),
      fmt(cpu.harbourLoaded.pgUs, 0),
      fmt(statementsPerRequest, 1),
    ]),
  );
  console.log('');
  console.log(`Under load through Harbour, sampled every 100 ms (mean / max)`);
  const meanMax = (s: Sampled) => `${fmt(s.mean, 1)} / ${s.max}`;
  printTable(
    [
      'Target',
      'waiting for a pooled connection',
      'statements running in PostgreSQL',
      'of which waiting for an advisory lock (audit chain)',
      'audit lock held, one at a time (ms)',
    ],
    results.map(({ label, waits, auditLockHeldMs }) => [
      label,
      meanMax(waits.poolWaiting),
      meanMax(waits.activeStatements),
      meanMax(waits.advisoryLock),
      fmt(auditLockHeldMs, 2),
    ]),
  );
  for (const r of results) {
    console.log('');
    const total = r.statements.reduce((a, s) => a + s.msPerRequest, 0);
    console.log(
      `${r.label}: statements by time per request, one at a time (${fmt(total, 2)} ms of a ${fmt(r.alone.harbour.p50, 2)} ms median request waits on PostgreSQL)`,
    );
    for (const s of r.statements.slice(0, 10)) console.log(`  ${fmt(s.msPerRequest, 3)} ms, × ${fmt(s.perRequest, 2)}: ${s.sql.slice(0, 110)}`);
    if (r.found)
      console.log(
        `  The checks found: ${fmt(r.found.repeatShare * 100, 0)} % repeats, ${fmt(r.found.meanEscalationCount, 1)} incidents in the window on average`,
      );
    console.log('  Each distinct select, its slowest instance under EXPLAIN (ANALYZE, BUFFERS) as the viewer it ran as:');
    printExplained(r.explained);
  }
  console.log('');
  console.log(
    `Targets (p95 through Harbour with ${thinkingUsers(settings.think)}; reported, not enforced). Load average before ${load(settings.loadBefore)}, after ${load(settings.loadAfter)}:`,
  );
  for (const r of results) {
    const verdict = r.thinking && !r.thinking.errors && r.thinking.p95 < r.p95Ms ? 'PASS' : 'MISS';
    const users = r.thinking ? `${ms(r.thinking.p95)} ms at ${fmt(r.thinking.requestsPerSecond, 0)} req/s` : 'not run';
    console.log(
      `  ${r.label}: p95 < ${r.p95Ms} ms: ${verdict} (${users}; ${ms(r.loaded.harbour.p95)} ms at ${fmt(r.loaded.harbour.requestsPerSecond, 0)} req/s with ${settings.connections} clients and no think time (a throughput test); ${ms(r.alone.harbour.p95)} ms one at a time)`,
    );
  }
}
