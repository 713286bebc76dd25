/**
 * How the benchmark's results are shown: the throughput and latency table, where the load went, the CPU
 * profiles, the signed-in page's targets and the failures. Presentation only: every figure is measured
 * and every verdict reached in run.ts.
 */
import { printSummary } from './cpuprofile.js';
import type { Measured, PageTargets } from './run.js';

export function fmt(value: number | null, places = 1): string {
  return value !== null && Number.isFinite(value) ? value.toLocaleString('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places }) : '–';
}

export function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(row(line));
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)} %`;
}

export function printResults(measured: Measured[]): void {
  console.log('');
  printTable(
    ['Target', 'req/s (avg)', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'vs baseline'],
    measured.map((m) => [
      m.label,
      fmt(m.summary.requestsPerSecond, 0),
      fmt(m.summary.latencyMs.p50, 2),
      fmt(m.summary.latencyMs.p95, 2),
      fmt(m.summary.latencyMs.p99, 2),
      String(m.summary.non2xx),
      String(m.summary.errors),
      m.ratio === null ? '–' : `${fmt(m.ratio * 100, 1)} %`,
    ]),
  );
}

export function printResources(measured: Measured[], poolSize: number): void {
  console.log('');
  console.log(`Where the load went (pool of ${poolSize}; "busy" is event-loop utilisation; CPU per request counts warm-up and run):`);
  printTable(
    [
      'Target',
      'server thread busy',
      'server CPU µs/req',
      'load thread busy',
      'PostgreSQL cores',
      'PostgreSQL CPU µs/req',
      'machine busy',
      'DB statements/req',
      'waiting for a connection (mean/max)',
    ],
    measured.map((m) => [
      m.label,
      percent(m.resources.serverThreadBusy),
      fmt(m.resources.serverCpuUsPerRequest, 0),
      percent(m.resources.loadThreadBusy),
      fmt(m.resources.postgresCores, 2),
      fmt(m.resources.postgresCpuUsPerRequest, 0),
      percent(m.resources.machineBusy),
      Object.entries(m.resources.statementsPerRequest)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ') || 'none',
      m.key === 'baseline' ? '–' : `${m.resources.poolWaiting.mean} / ${m.resources.poolWaiting.max}`,
    ]),
  );
}

export function printProfiles(measured: Measured[]): void {
  for (const m of measured.filter((m) => m.profile)) {
    console.log('');
    console.log(`CPU profile of the main thread during ${m.label} (warm-up and run):`);
    printSummary(m.profile!, m.summary.completed + m.summary.warmup.completed);
  }
}

/** The signed-in page's targets; null when they were not evaluated because its responses were not all 200. */
export function printPageTargets(targets: PageTargets | null): void {
  console.log('');
  if (!targets) {
    console.log('Targets for the signed-in page: not evaluated, its responses were not all 200 (see below).');
    return;
  }
  const { pageRequestsPerSecond: rps, pageP99Ms: p99 } = targets;
  console.log('Targets for the signed-in page (reported, not enforced):');
  console.log(`  throughput ≥ ${fmt(rps.target, 0)} req/s: ${rps.met ? 'PASS' : 'MISS'} (${fmt(rps.measured, 0)} req/s)`);
  console.log(`  p99 latency < ${p99.target} ms:      ${p99.met ? 'PASS' : 'MISS'} (${fmt(p99.measured, 2)} ms)`);
}

export function printFailures(failures: Measured[]): void {
  for (const f of failures) {
    console.error(
      `FAILED: ${f.label}: ${f.summary.non2xx} non-2xx responses, ${f.summary.errors} errors (${f.summary.timeouts} timeouts), status codes ${JSON.stringify(f.summary.statusCodes)}`,
    );
  }
  console.error('The figures above are not valid: some responses were not 200 or failed.');
}
