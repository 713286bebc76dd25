/**
 * `npm run bench -- --people` (or BENCH_PEOPLE=1): person search by a misspelt name, the duplicate check and the
 * case page on a generated partnership (bench/people-data.ts: 1,000,000 people, 300,000 cases), as the demo
 * practitioner (Children's Social Care), one at a time and with BENCH_CONNECTIONS (50) concurrent callers.
 *
 * Each target is measured through Harbour (a page over HTTP with autocannon in a worker thread; the duplicate
 * check, which has no page of its own, as the service called in-process) and as raw SQL: the very statements
 * Harbour sent for the same inputs, recorded one request at a time and replayed through a plain pg pool of the
 * same size (bench/people-replay.ts). Each distinct select is then run under EXPLAIN (ANALYZE, BUFFERS).
 *
 * Then 50 users (BENCH_CONNECTIONS) who each wait a think time between requests (bench/setup.ts thinkFromEnv): the
 * figure the targets are judged on. The closed loop with no think time is a throughput test.
 *
 * Environment (besides BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_THINK_TIME, BENCH_THINK_SECONDS,
 * BENCH_RESULTS_FILE and DATABASE_URL):
 *   BENCH_PEOPLE_SCALE    size to generate, in % of 1,000,000 people and 300,000 cases (default 100)
 *   BENCH_PEOPLE_SAMPLES  inputs per target (default 300; each recorded once, for at most 20 s per target)
 *   BENCH_PEOPLE_TARGETS  which of search,duplicates,case (default all)
 *   BENCH_PEOPLE_TIMEOUT_SECONDS  statement timeout, through Harbour and raw (default 30): a call that exceeds it
 *                         fails and its target is not run under load
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { withViewer } from '../src/db/viewer.js';
import { duplicateCandidates } from '../src/modules/people/search.service.js';
import { dbViewerFor } from '../src/platform/authentication.js';
import type { UserPrincipal } from '../src/platform/principal.js';
import { SESSION_COOKIE } from '../src/platform/session.js';
import { generatePeople, misspell, sample, type Sample } from './people-data.js';
import {
  capture,
  closedLoop,
  cpuPerCall,
  explain,
  replay,
  summarise,
  thinkingLoop,
  withoutAudit,
  type Call,
  type Script,
  type Summary,
} from './people-replay.js';
import { printPeople, type Result } from './people-report.js';
import { fmt } from './report.js';
import { numberFromEnv, request, runLoad, startWithRawPool, thinkFromEnv, type Harbour } from './setup.js';
import { postmasterPid } from './system.js';

const SECONDS = numberFromEnv('BENCH_SECONDS', 10, { min: 1, max: 600 });
const WARMUP_SECONDS = numberFromEnv('BENCH_WARMUP_SECONDS', 2, { min: 1, max: 60 });
const CONNECTIONS = numberFromEnv('BENCH_CONNECTIONS', 50, { min: 1, max: 1000 });
const SCALE = numberFromEnv('BENCH_PEOPLE_SCALE', 100, { min: 1, max: 300 }) / 100;
const SAMPLES = numberFromEnv('BENCH_PEOPLE_SAMPLES', 300, { min: 10, max: 10_000 });
const ONLY = process.env.BENCH_PEOPLE_TARGETS?.split(',').map((k) => k.trim());
const TIMEOUT_MS = numberFromEnv('BENCH_PEOPLE_TIMEOUT_SECONDS', 30, { min: 1, max: 3600 }) * 1000;
const RECORDING_BUDGET_MS = 20_000;
/** A target whose median alone is above this is not run with many callers: with 50 of them on two cores each would wait seconds. */
const MAX_ALONE_MS = 100;
const PRACTITIONER = 'practitioner@demo.harbour.example';
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE || path.join(os.tmpdir(), 'harbour-bench', 'people.json');
const LOAD = { concurrency: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS };
const THINK = thinkFromEnv(CONNECTIONS);
/** A target whose median alone is above this is not run with users thinking either. */
const MAX_THINKING_ALONE_MS = 1000;

type Target = {
  key: string;
  label: string;
  p95Ms: number;
  inputs: number;
  /** One request through Harbour, for input i: whether it found the record input i was made from (search and duplicates). */
  call: (i: number) => Promise<boolean | null>;
  /** A page: its path for input i, requested over HTTP under load. */
  path?: (i: number) => string;
};

function targets(harbour: Harbour, viewer: UserPrincipal, cookie: string, people: Sample[], cases: string[]): Target[] {
  const page = async (url: string) => {
    const response = await harbour.app.inject({ method: 'GET', url, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    return response.body;
  };
  // A misspelt family name (sounding the same); one search in five types only the start of the given name.
  const searchPath = (i: number) => {
    const p = people[i]!;
    return `/people/search?name=${encodeURIComponent(`${i % 5 === 4 ? p.given.slice(0, 3) : p.given} ${misspell(p.family, i)}`)}`;
  };
  // Seven in ten give the date of birth; half a phone number, the other half a postcode.
  const probe = (i: number) => {
    const p = people[i]!;
    const phones = i % 2 === 0 && p.phone ? [p.phone] : [];
    return { givenName: p.given, familyName: misspell(p.family, i), dateOfBirth: i % 10 < 7 ? p.dob : null, phones, postcode: i % 2 === 1 ? p.postcode : null };
  };
  return [
    {
      key: 'search',
      label: 'Search by misspelt name: GET /people/search',
      p95Ms: 50,
      inputs: people.length,
      path: searchPath,
      call: async (i) => (await page(searchPath(i))).includes(`/people/${people[i]!.id}"`),
    },
    {
      key: 'duplicates',
      label: 'Duplicate check: duplicateCandidates()',
      p95Ms: 20,
      inputs: people.length,
      // As the request that checks would: the database sees the practitioner's agency (row-level security).
      call: async (i) =>
        (await withViewer(dbViewerFor(viewer), () => duplicateCandidates(harbour.app.db, viewer, probe(i)))).some((c) => c.id === people[i]!.id),
    },
    {
      key: 'case',
      label: 'Case page: GET /cases/:id',
      p95Ms: 30,
      inputs: cases.length,
      path: (i) => `/cases/${cases[i]}`,
      call: async (i) => (await page(`/cases/${cases[i]}`), null),
    },
  ];
}

type Context = { harbour: Harbour; raw: pg.Pool; cookie: string; postmaster: number | null };

/**
 * Each input once, one at a time: Harbour (recording its SQL), then the same SQL through pg; both again with many
 * callers, unless one alone is too slow or failed (the statement timeout); then EXPLAIN of each distinct select.
 */
async function measure(target: Target, { harbour, raw, cookie, postmaster }: Context): Promise<Result> {
  const scripts: Script[] = [];
  let found: number | null = 0; // null: the target finds no particular record (the case page)
  let harbourErrors = 0;
  let firstError: string | undefined;
  const until = Date.now() + RECORDING_BUDGET_MS;
  const cpuHarbour = await cpuPerCall(async () => {
    for (let i = 0; i < target.inputs && (i === 0 || Date.now() < until); i++) {
      const { result, error, script } = await capture(() => target.call(i));
      scripts.push(script);
      if (result === null) found = null;
      else if (result && found !== null) found++;
      if (error) [harbourErrors, firstError] = [harbourErrors + 1, firstError ?? error];
    }
    return scripts.length;
  }, postmaster);
  const { rows } = await harbour.pool.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements');
  const named = new Map(rows.map((r) => [r.statement, r.name]));
  const rawAlone: number[] = [];
  let rawErrors = 0;
  const cpuRaw = await cpuPerCall(async () => {
    for (const script of scripts) {
      const start = performance.now();
      await replay(raw, script, named).catch(() => rawErrors++);
      rawAlone.push(performance.now() - start);
    }
    return scripts.length;
  }, postmaster);
  const harbourAlone = scripts.map((s) => s.ms);
  const alone = { harbour: summarise(harbourAlone, undefined, harbourErrors, firstError), raw: summarise(rawAlone, undefined, rawErrors) };

  let loaded: Result['loaded'] = null;
  if (alone.harbour.p50 <= MAX_ALONE_MS && !harbourErrors) {
    const inputs = [...scripts.keys()];
    let harbourLoaded: Summary;
    if (target.path) {
      const paths = inputs.map(target.path);
      const s = await runLoad({
        url: `${harbour.url}/`,
        headers: { cookie },
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        seconds: SECONDS,
        paths,
      });
      harbourLoaded = { requestsPerSecond: s.requestsPerSecond, completed: s.completed, errors: s.errors + s.non2xx + s.timeouts, ...s.latencyMs };
    } else {
      harbourLoaded = await closedLoop(inputs, target.call, LOAD);
    }
    const rawLoaded = await closedLoop(scripts, (s) => replay(raw, s, named), LOAD);
    // Pages write an audit row under one advisory lock: the same SQL without that transaction shows its share.
    const reads = scripts.map(withoutAudit);
    const readsOnly = reads.some((s, i) => s.waves.length !== scripts[i]!.waves.length) ? await closedLoop(reads, (s) => replay(raw, s, named), LOAD) : null;
    loaded = { harbour: harbourLoaded, raw: rawLoaded, rawWithoutAudit: readsOnly };
  }

  // 50 users with think time: the figure the targets are judged on (docs/performance.md).
  let thinking: Summary | null = null;
  if (THINK.seconds > 0 && alone.harbour.p50 <= MAX_THINKING_ALONE_MS && !harbourErrors) {
    const page = target.path;
    const call = page ? (i: number) => request(`${harbour.url}${page(i)}`, { headers: { cookie } }, 200) : target.call;
    thinking = await thinkingLoop([...scripts.keys()], call, THINK);
  }

  // Each distinct select, its slowest instance explained.
  const slowest = new Map<string, { calls: number; call: Call }>();
  for (const call of scripts.flatMap((s) => s.waves.flat()).filter((c) => /^\s*select\b/i.test(c.text) && !/pg_advisory|set_config/.test(c.text))) {
    const seen = slowest.get(call.text);
    slowest.set(call.text, { calls: (seen?.calls ?? 0) + 1, call: seen && seen.call.ms >= call.ms ? seen.call : call });
  }
  const statements = [];
  for (const { calls, call } of slowest.values()) statements.push({ sql: call.text.replace(/\s+/g, ' ').trim(), calls, explained: await explain(raw, call) });
  statements.sort((a, b) => (b.explained.executionMs ?? Infinity) - (a.explained.executionMs ?? Infinity));

  return {
    key: target.key,
    label: target.label,
    p95Ms: target.p95Ms,
    layer: target.path ? 'page over HTTP' : 'service in-process',
    inputs: scripts.length,
    statementsPerRequest: scripts.reduce((a, s) => a + s.waves.flat().length, 0) / scripts.length,
    foundRate: found === null ? null : found / scripts.length,
    alone,
    cpu: { harbour: cpuHarbour, raw: cpuRaw },
    loaded,
    thinking,
    statements,
  };
}

/** Generation (about 75 s at full size); per target: recording and its replay (≤ 45 s), three loaded runs, EXPLAIN; a margin. */
export function peopleBudgetMs(): number {
  return (150 * SCALE + 3 * (45 + 3 * (WARMUP_SECONDS + SECONDS) + THINK.thinkSeconds[1] * 2 + THINK.seconds + 60) + 120) * 1000;
}

export async function peopleMain(): Promise<number> {
  const started = Date.now();
  const cpus = os.cpus();
  const loadBefore = os.loadavg();
  console.log(`Harbour people benchmark: ${Math.round(SCALE * 1e6).toLocaleString('en-GB')} people, ${CONNECTIONS} concurrent callers.`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, Node ${process.version}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const { database, harbour, raw } = await startWithRawPool(TIMEOUT_MS);
  console.log('Generating the partnership:');
  const generation = await generatePeople(database.connectionString, harbour.partnershipId, SCALE, (line) => console.log(line));
  const counts = Object.entries(generation.counts).map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`);
  console.log(`Generated in ${fmt(generation.seconds, 0)} s: ${counts.join(', ')}`);

  const postmaster = database.embedded ? await postmasterPid(database.connectionString).catch(() => null) : null;

  const user = await harbour.app.db.selectFrom('users').select('id').where('email', '=', PRACTITIONER).executeTakeFirstOrThrow();
  const { cookieValue } = await harbour.app.sessions.create({ userId: user.id, partnershipId: harbour.partnershipId });
  const viewer = (await harbour.app.sessions.load(cookieValue))?.principal;
  if (!viewer) throw new Error('The practitioner session did not load');
  const { people, cases } = await sample(harbour.app.db, viewer, Math.min(100, (3000 * SAMPLES) / generation.counts.people!), SAMPLES);
  console.log(`As ${PRACTITIONER} (${viewer.agencyName}): ${people.length} people and ${cases.length} cases sampled among those they may see.`);

  const cookie = `${SESSION_COOKIE}=${cookieValue}`;
  const results: Result[] = [];
  for (const target of targets(harbour, viewer, cookie, people, cases).filter((t) => !ONLY || ONLY.includes(t.key))) {
    process.stdout.write(`Measuring ${target.label}… `);
    const result = await measure(target, { harbour, raw, cookie, postmaster });
    results.push(result);
    console.log(
      `p95 alone ${fmt(result.alone.harbour.p95, 1)} ms` + (result.loaded ? `, with ${CONNECTIONS} callers ${fmt(result.loaded.harbour.p95, 1)} ms` : ''),
    );
  }
  printPeople(results, { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, maxAloneMs: MAX_ALONE_MS, think: THINK });

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, think: THINK, scale: SCALE, database: database.description },
    generation,
    results,
    runSeconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\nLoad average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}. Results as JSON: ${RESULTS_FILE} (the run took ${report.runSeconds} s)`,
  );
  const failed = results.filter((r) => r.loaded && (r.loaded.harbour.errors || r.loaded.raw.errors));
  for (const f of failed)
    console.error(
      `FAILED: ${f.label}: ${f.loaded!.harbour.errors} errors through Harbour, ${f.loaded!.raw.errors} as raw SQL (${f.loaded!.raw.firstError ?? ''})`,
    );
  return failed.length ? 1 : 0;
}
