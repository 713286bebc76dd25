/**
 * `npm run bench`: throughput and latency of Harbour against a bare Fastify route measured in the same run.
 *
 * 1. PostgreSQL: an embedded server in a fresh temporary folder, or, with DATABASE_URL set, a fresh
 *    database harbour_bench_<random> on that server (dropped at the end). Migrated, demo data seeded.
 * 2. Harbour (buildApp, logger off, production config: templates cached) on 127.0.0.1, a random port;
 *    a signed-in session for the demo admin (made through SessionStore) and an API token for POLICE, scope *.
 * 3. A bare Fastify route returning a small HTML string: the baseline, in this process, on another port.
 * 4. For each target: one checked request, a warm-up, then autocannon with 50 connections for BENCH_SECONDS
 *    (default 10) in a worker thread. Any non-2xx response or socket error fails the run (after the table).
 * 5. A table, what the database and the CPUs were doing, the targets (signed-in page ≥ 1,000 req/s and
 *    p99 < 50 ms: PASS/MISS, reported, never a failure), the cost of each part of a request measured one
 *    call at a time, and the results as JSON under os.tmpdir().
 * 6. Everything started here is stopped and removed, on success, error, Ctrl-C or overrun.
 *
 * Environment:
 *   BENCH_SECONDS         measured seconds per target (default 10)
 *   BENCH_WARMUP_SECONDS  warm-up seconds per target (default 2)
 *   BENCH_CONNECTIONS     concurrent connections (default 50)
 *   BENCH_TARGETS         which of baseline,page,api to measure (default all three)
 *   BENCH_PROFILE=1       CPU-profile the main thread during each target; summary printed, .cpuprofile
 *                         files written next to the JSON (profiling costs throughput: figures are lower)
 *   BENCH_BREAKDOWN=0     skip the one-call-at-a-time cost breakdown
 *   BENCH_RESULTS_FILE    where the JSON goes (default <tmpdir>/harbour-bench/latest.json)
 *   DATABASE_URL          use that PostgreSQL server instead of an embedded one (it must allow CREATE DATABASE)
 *   HARBOUR_DB_POOL_SIZE  Harbour's connection pool (default 10, as in production)
 *   BENCH_PEOPLE=1        (or `npm run bench -- --people`) instead: people search, duplicate checks and the case
 *                         page on 1,000,000 generated people and 300,000 cases (bench/people.ts; about 6 minutes)
 *   BENCH_REFERRALS=1     (or `npm run bench -- --referrals`) instead: submitting referrals through the API and the
 *                         screening queue on 1,000,000 referrals and 3,000,000 incidents (bench/referrals.ts; about 7 minutes)
 *   BENCH_MARAC=1         (or `npm run bench -- --marac`) instead: building a 30-case agenda, an agency's open actions, the
 *                         agenda PDF and the SafeLives return on 300,000 historical MARAC cases (bench/marac.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { measureBreakdown, printBreakdown, type Component } from './breakdown.js';
import { startProfiler, summariseProfile, type ProfileSummary } from './cpuprofile.js';
import type { LoadSummary } from './load.js';
import { fmt, printFailures, printPageTargets, printProfiles, printResources, printResults } from './report.js';
import { BASELINE_HTML, cleanUp, numberFromEnv, runLoad, startBaseline, startDatabase, startHarbour, type Harbour } from './setup.js';
import { machineBusy, machineCpu, mainThreadCpuSeconds, postgresCpuSeconds, postmasterPid } from './system.js';

const TARGET_PAGE_RPS = 1_000;
const TARGET_PAGE_P99_MS = 50;
const ADMIN_NAME = 'Morgan Ellery';
const TARGET_KEYS = ['baseline', 'page', 'api'] as const;
type TargetKey = (typeof TARGET_KEYS)[number];

function targetsFromEnv(): TargetKey[] {
  const raw = process.env.BENCH_TARGETS;
  if (!raw) return [...TARGET_KEYS];
  const keys = raw.split(',').map((k) => k.trim());
  const unknown = keys.filter((k) => !(TARGET_KEYS as readonly string[]).includes(k));
  if (unknown.length || keys.length === 0)
    throw new Error(`BENCH_TARGETS takes a comma-separated list of ${TARGET_KEYS.join(', ')}; got ${JSON.stringify(raw)}`);
  return TARGET_KEYS.filter((k) => keys.includes(k));
}

const SECONDS = numberFromEnv('BENCH_SECONDS', 10, { min: 1, max: 600 });
const WARMUP_SECONDS = numberFromEnv('BENCH_WARMUP_SECONDS', 2, { min: 1, max: 60 });
const CONNECTIONS = numberFromEnv('BENCH_CONNECTIONS', 50, { min: 1, max: 1000 });
const SELECTED = targetsFromEnv();
const PROFILE = process.env.BENCH_PROFILE === '1';
const BREAKDOWN = process.env.BENCH_BREAKDOWN !== '0';
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE || path.join(os.tmpdir(), 'harbour-bench', 'latest.json');

type Target = { key: TargetKey; label: string; url: string; headers: Record<string, string>; expect: (body: string) => boolean };

type Resources = {
  /** Statements Harbour sent per completed request (warm-up and measured run together), by first keyword. */
  statementsPerRequest: Record<string, number>;
  /** Requests waiting for one of the pool's connections, sampled every 100 ms. */
  poolWaiting: { mean: number; max: number };
  /** Event-loop utilisation (0–1) of the main thread (the servers; warm-up and run) and of the load generator's thread (run). */
  serverThreadBusy: number;
  loadThreadBusy: number;
  /** CPU time the main thread (Harbour or the baseline) used per completed request, in µs. */
  serverCpuUsPerRequest: number | null;
  /** The embedded PostgreSQL server's CPU, in cores (1 = one core fully busy) and in µs per request; null for DATABASE_URL. */
  postgresCores: number | null;
  postgresCpuUsPerRequest: number | null;
  /** Share of all the machine's cores that were busy, whoever used them (other processes included). */
  machineBusy: number | null;
  rssMiB: number;
};
export type Measured = Target & { summary: LoadSummary; ratio: number | null; resources: Resources; profile?: ProfileSummary };
export type PageTargets = Record<'pageRequestsPerSecond' | 'pageP99Ms', { target: number; measured: number; met: boolean }>;

let interrupted = false;

// ---------------------------------------------------------------------------------------------------
// Measuring.

/** One request per target before any load: the right status and content, or stop here. */
async function preflight(target: Target): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !target.expect(body)) {
    const location = response.headers.get('location');
    throw new Error(
      `Preflight for ${target.label} failed: ${target.url} answered ${response.status}${location ? ` → ${location}` : ''}: ${body.slice(0, 200)}`,
    );
  }
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

async function measureTarget(target: Target, harbour: Harbour, postmaster: number | null, baselineRps: number | null): Promise<Measured> {
  const statementsBefore = { ...harbour.statements };
  const waiting: number[] = [];
  const sampler = setInterval(() => waiting.push(harbour.pool.waitingCount), 100);
  const elu = performance.eventLoopUtilization();
  const cpuBefore = machineCpu();
  const pgBefore = postgresCpuSeconds(postmaster);
  const threadBefore = mainThreadCpuSeconds();
  const wallBefore = performance.now();
  const profiler = PROFILE ? await startProfiler() : undefined;
  let summary: LoadSummary;
  try {
    summary = await runLoad({ url: target.url, headers: target.headers, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS });
  } finally {
    clearInterval(sampler);
  }
  const profile = profiler ? await profiler.stop() : undefined;
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  const pgAfter = postgresCpuSeconds(postmaster);
  const threadAfter = mainThreadCpuSeconds();
  const busy = machineBusy(cpuBefore, machineCpu());
  const serverThreadBusy = performance.eventLoopUtilization(elu).utilization;

  const requests = summary.completed + summary.warmup.completed;
  const statementsPerRequest = Object.fromEntries(
    Object.entries(harbour.statements)
      .map(([kind, count]) => [kind, round((count - (statementsBefore[kind] ?? 0)) / requests, 3)] as const)
      .filter(([, perRequest]) => perRequest > 0),
  );
  const measured: Measured = {
    ...target,
    summary,
    ratio: baselineRps ? summary.requestsPerSecond / baselineRps : null,
    resources: {
      statementsPerRequest,
      poolWaiting: { mean: round(waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), 1), max: Math.max(0, ...waiting) },
      serverThreadBusy: round(serverThreadBusy),
      loadThreadBusy: summary.generatorBusy,
      serverCpuUsPerRequest: threadBefore !== null && threadAfter !== null ? Math.round(((threadAfter - threadBefore) * 1e6) / requests) : null,
      postgresCores: pgBefore !== null && pgAfter !== null ? round((pgAfter - pgBefore) / wallSeconds) : null,
      postgresCpuUsPerRequest: pgBefore !== null && pgAfter !== null ? Math.round(((pgAfter - pgBefore) * 1e6) / requests) : null,
      machineBusy: busy === null ? null : round(busy),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
  };
  if (profile) {
    const file = path.join(path.dirname(RESULTS_FILE), `${target.key}.cpuprofile`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    measured.profile = summariseProfile(profile);
  }
  return measured;
}

function pageTargets(page: Measured): PageTargets {
  return {
    pageRequestsPerSecond: { target: TARGET_PAGE_RPS, measured: page.summary.requestsPerSecond, met: page.summary.requestsPerSecond >= TARGET_PAGE_RPS },
    pageP99Ms: { target: TARGET_PAGE_P99_MS, measured: page.summary.latencyMs.p99, met: page.summary.latencyMs.p99 < TARGET_PAGE_P99_MS },
  };
}

/** Stops everything, after cleaning up, when the run overruns its budget or is interrupted. */
function guard(budgetMs: number): void {
  const watchdog = setTimeout(() => {
    console.error(`\nThe benchmark overran its ${Math.round(budgetMs / 1000)} s budget: stopping.`);
    void cleanUp().finally(() => process.exit(2));
  }, budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: cleaning up…`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  guard(SELECTED.length * (WARMUP_SECONDS + SECONDS + 5) * 1000 + 60_000);

  const loadBefore = os.loadavg();
  console.log(
    `Harbour benchmark: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per target${PROFILE ? ', CPU profiling on' : ''}.`,
  );
  console.log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; load average before the run ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const database = await startDatabase();
  console.log(`PostgreSQL: ${database.description}`);
  const postmaster = database.embedded ? await postmasterPid(database.connectionString).catch(() => null) : null;
  const harbour = await startHarbour(database.connectionString);
  const baselineUrl = await startBaseline();
  console.log(`Harbour at ${harbour.url} (NODE_ENV=production, logger off, pool ${harbour.poolSize}); baseline at ${baselineUrl}`);

  const allTargets: Target[] = [
    { key: 'baseline', label: 'Baseline: bare Fastify route', url: `${baselineUrl}/`, headers: {}, expect: (body) => body === BASELINE_HTML },
    {
      key: 'page',
      label: 'GET / (signed-in home page)',
      url: `${harbour.url}/`,
      headers: { cookie: harbour.cookie },
      expect: (body) => body.includes(ADMIN_NAME) && body.includes('govuk-template'),
    },
    {
      key: 'api',
      label: 'GET /api/v1/agencies (bearer)',
      url: `${harbour.url}/api/v1/agencies`,
      headers: { authorization: `Bearer ${harbour.token}` },
      expect: (body) => (JSON.parse(body) as { agencies?: unknown[] }).agencies?.length === 13,
    },
  ];
  const targets = allTargets.filter((t) => SELECTED.includes(t.key));
  for (const target of targets) await preflight(target);

  const measured: Measured[] = [];
  for (const target of targets) {
    process.stdout.write(`Measuring ${target.label}… `);
    const baselineRps = measured.find((m) => m.key === 'baseline')?.summary.requestsPerSecond ?? null;
    const m = await measureTarget(target, harbour, postmaster, target.key === 'baseline' ? null : baselineRps);
    if (target.key === 'baseline') m.ratio = 1;
    measured.push(m);
    console.log(`${fmt(m.summary.requestsPerSecond, 0)} req/s (per second ${fmt(m.summary.perSecond.min, 0)}–${fmt(m.summary.perSecond.max, 0)})`);
  }

  printResults(measured);
  printResources(measured, harbour.poolSize);
  if (PROFILE) printProfiles(measured);

  let breakdown: Component[] | undefined;
  if (BREAKDOWN && SELECTED.some((k) => k !== 'baseline')) {
    console.log('');
    console.log('Cost of each part, one call at a time with no other load (mean and median, µs):');
    breakdown = await measureBreakdown(harbour.app, harbour.cookieValue, harbour.cookie, harbour.token);
    printBreakdown(breakdown);
  }

  const failures = measured.filter((m) => m.summary.non2xx > 0 || m.summary.errors > 0 || Object.keys(m.summary.statusCodes).some((code) => code !== '200'));
  const page = measured.find((m) => m.key === 'page');
  const targetsReport = page && !failures.includes(page) ? pageTargets(page) : null;
  if (page) printPageTargets(targetsReport);

  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      loadAverageBefore: loadBefore.map((l) => round(l)),
      loadAverageAfter: os.loadavg().map((l) => round(l)),
    },
    settings: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      targets: SELECTED,
      profiling: PROFILE,
      database: database.description,
      poolSize: harbour.poolSize,
      nodeEnv: 'production',
      logger: false,
    },
    results: measured.map((m) => ({
      key: m.key,
      target: m.label,
      url: m.url,
      ratioToBaseline: m.ratio === null ? null : round(m.ratio, 4),
      ...m.summary,
      resources: m.resources,
      ...(m.profile ? { profile: m.profile } : {}),
    })),
    breakdown: breakdown ?? null,
    targets: targetsReport,
    runSeconds: round((Date.now() - started) / 1000, 1),
  };
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log('');
  console.log(`Results as JSON: ${RESULTS_FILE}${PROFILE ? ` (CPU profiles beside it: ${measured.map((m) => `${m.key}.cpuprofile`).join(', ')})` : ''}`);

  if (failures.length) {
    printFailures(failures);
    return 1;
  }
  return 0;
}

/** `npm run bench -- --people` or BENCH_PEOPLE=1: the people and cases benchmark on generated data (bench/people.ts) instead. */
async function people(): Promise<number> {
  const { peopleMain, peopleBudgetMs } = await import('./people.js');
  guard(peopleBudgetMs());
  return peopleMain();
}

/** `npm run bench -- --referrals` or BENCH_REFERRALS=1: referrals and the screening queue on generated data (bench/referrals.ts) instead. */
async function referrals(): Promise<number> {
  const { referralsMain, referralsBudgetMs } = await import('./referrals.js');
  guard(referralsBudgetMs());
  return referralsMain();
}

/** `npm run bench -- --marac` or BENCH_MARAC=1: MARAC agendas, actions, documents and the SafeLives return on generated data (bench/marac.ts) instead. */
async function marac(): Promise<number> {
  const { maracMain, maracBudgetMs } = await import('./marac.js');
  guard(maracBudgetMs());
  return maracMain();
}

const chosen = (flag: string, env: string) => process.argv.includes(flag) || process.env[env] === '1';

let exitCode = 1;
try {
  exitCode = chosen('--people', 'BENCH_PEOPLE')
    ? await people()
    : chosen('--referrals', 'BENCH_REFERRALS')
      ? await referrals()
      : chosen('--marac', 'BENCH_MARAC')
        ? await marac()
        : await main();
} catch (error) {
  if (interrupted) {
    exitCode = 130;
  } else {
    console.error(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    exitCode = 1;
  }
} finally {
  await cleanUp();
}
process.exit(exitCode);
