/**
 * How bench/marac.ts shows its results: one at a time and with concurrent clients, Harbour beside the raw SQL of the
 * same statements; CPU per request; where a request's database time goes; EXPLAIN of the selects of a target missed;
 * PASS/MISS per target. Presentation only.
 */
import type { Cpu, Summary } from './people-replay.js';
import { printExplained, type Measured, type StatementCost } from './referrals-report.js';
import type { Sampled } from './referrals.js';
import { fmt, printTable } from './report.js';

export type MaracMeasured = {
  key: string;
  label: string;
  targetMs: number;
  rawLabel: string;
  inputs: number;
  statementsPerRequest: number;
  /** Each input once, one at a time: through Harbour (the recording pass), then its SQL through plain pg. */
  alone: { harbour: Summary; raw: Summary };
  /** µs per request: one at a time, this process and PostgreSQL; under load, Harbour's main thread (null: not run under load). */
  cpu: { harbourAlone: Cpu; rawAlone: Cpu; harbourLoaded: Cpu | null };
  /** With concurrent clients (null where that is not meaningful). */
  loaded: { connections: number; harbour: Summary; raw: Summary; waits: Record<'poolWaiting' | 'activeStatements' | 'advisoryLock', Sampled> } | null;
  /** Building: each of its two requests, one at a time. */
  parts: { place: Summary; agenda: Summary } | null;
  statements: StatementCost[];
  explained: Measured['explained'];
};

const ms = (v: number | undefined) => (v === undefined ? '–' : fmt(v, 1));
const times = (a: number, b: number) => `${fmt(a / b, 1)} ×`;

function row(label: string, through: string, s: Summary, raw?: Summary): string[] {
  return [label, through, fmt(s.requestsPerSecond, 1), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), String(s.errors), raw ? times(s.p95, raw.p95) : ''];
}

const HEADER = ['Target', 'through', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'p95 Harbour ÷ raw'];

/** PASS when the p95 one at a time, and under load where measured, are both under the target. */
export const met = (r: MaracMeasured) => r.alone.harbour.p95 < r.targetMs && (!r.loaded || r.loaded.harbour.p95 < r.targetMs);

export function printMarac(results: MaracMeasured[], settings: { seconds: number; warmupSeconds: number; loadBefore: number[]; loadAfter: number[] }): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log('');
  console.log('One at a time (nothing else running)');
  printTable(
    HEADER,
    results.flatMap((r) => [
      row(r.label, `Harbour (${r.inputs})`, r.alone.harbour, r.alone.raw),
      row('', `raw SQL: ${r.rawLabel}`, r.alone.raw),
      ...(r.parts ? [row('', 'of which POST /marac/planning/place', r.parts.place), row('', 'of which GET /marac/meetings/:id', r.parts.agenda)] : []),
    ]),
  );
  const loaded = results.filter((r) => r.loaded);
  console.log('');
  console.log(
    `With concurrent clients (closed loop, ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up); raw SQL through a plain pg pool of the same size`,
  );
  printTable(
    [...HEADER.slice(0, 2), 'clients', ...HEADER.slice(2)],
    loaded.flatMap((r) => {
      const [harbour, raw] = [row(r.label, 'Harbour (HTTP)', r.loaded!.harbour, r.loaded!.raw), row('', 'raw SQL', r.loaded!.raw)];
      return [harbour, raw].map((cells) => [...cells.slice(0, 2), String(r.loaded!.connections), ...cells.slice(2)]);
    }),
  );
  console.log('');
  console.log('CPU per request (µs). One at a time: Node is Harbour in-process, or only the pg driver for raw SQL. Under load: Harbour’s main thread.');
  printTable(
    ['Target', 'alone: Node', 'PostgreSQL', 'raw SQL: Node', 'PostgreSQL', 'loaded: Node', 'PostgreSQL', 'statements/request', 'pool waiting (mean/max)'],
    results.map(({ label, cpu, statementsPerRequest, loaded: l }) => [
      label,
      fmt(cpu.harbourAlone.nodeUs, 0),
      fmt(cpu.harbourAlone.pgUs, 0),
      fmt(cpu.rawAlone.nodeUs, 0),
      fmt(cpu.rawAlone.pgUs, 0),
      cpu.harbourLoaded ? fmt(cpu.harbourLoaded.nodeUs, 0) : '–',
      cpu.harbourLoaded ? fmt(cpu.harbourLoaded.pgUs, 0) : '–',
      fmt(statementsPerRequest, 1),
      l ? `${fmt(l.waits.poolWaiting.mean, 1)} / ${l.waits.poolWaiting.max}` : '–',
    ]),
  );
  for (const r of results) {
    console.log('');
    const total = r.statements.reduce((a, s) => a + s.msPerRequest, 0);
    console.log(
      `${r.label}: statements by time per request, one at a time (${fmt(total, 2)} ms of a ${fmt(r.alone.harbour.p50, 2)} ms median waits on PostgreSQL)`,
    );
    for (const s of r.statements.slice(0, 8)) console.log(`  ${fmt(s.msPerRequest, 3)} ms, × ${fmt(s.perRequest, 2)}: ${s.sql.slice(0, 120)}`);
    if (met(r)) continue;
    console.log('  Target missed: each distinct select, its slowest instance under EXPLAIN (ANALYZE, BUFFERS) as the viewer it ran as:');
    printExplained(r.explained);
  }
  console.log('');
  console.log(
    `Targets (p95 through Harbour, one at a time and under load; reported, not enforced). Load average before ${load(settings.loadBefore)}, after ${load(settings.loadAfter)}:`,
  );
  for (const r of results) {
    const underLoad = r.loaded ? `; ${ms(r.loaded.harbour.p95)} ms with ${r.loaded.connections} clients` : '';
    console.log(`  ${r.label}: p95 < ${r.targetMs} ms: ${met(r) ? 'PASS' : 'MISS'} (${ms(r.alone.harbour.p95)} ms one at a time${underLoad})`);
  }
}
