/**
 * `npm run bench -- --referrals` (or BENCH_REFERRALS=1; or `node --import tsx bench/referrals.ts`): issue 4's
 * benchmark on a generated partnership (bench/referrals-data.ts: 1,000,000 referrals and 3,000,000 incidents on
 * 300,000 cases).
 *
 * 1. Submitting a referral: POST /api/v1/referrals with a POLICE API token (scope referrals), a MARAC referral of a
 *    victim already on Harbour, by id, with their perpetrators by id, so that it goes on their open case and the
 *    repeat and escalation checks read their real history. Target: p95 < 30 ms at BENCH_CONNECTIONS (50) clients.
 * 2. The screening queue: GET /referrals/screening as the demo coordinator (Council Community Safety, which
 *    receives MARAC referrals). Target: p95 < 50 ms.
 *
 * Each is measured one request at a time (BENCH_REFERRALS_SAMPLES requests, recording the SQL Harbour sends through
 * the statement tap in setup.ts), then with 50 concurrent clients over HTTP (a worker thread: autocannon for the
 * page, bench/referrals-load.ts for the POST, whose every request needs its own body). Raw SQL, in the same run:
 * the statements of the checks exactly as Harbour sent them (the repeat query and the escalation count with the
 * viewer switches around them, in a transaction), and the queue page's reads (the queue query and the victims'
 * names), replayed with the same values through a plain pg pool of the same size and role (bench/people-replay.ts).
 * Then EXPLAIN (ANALYZE, BUFFERS) of the slowest instance of each distinct select, as the viewer it ran as.
 *
 * Environment (besides BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS and DATABASE_URL):
 *   BENCH_REFERRALS_SCALE    size to generate, in % of 1,000,000 referrals and 3,000,000 incidents (default 100)
 *   BENCH_REFERRALS_SAMPLES  requests per target one at a time (default 200, recorded for at most 20 s a target)
 *   BENCH_REFERRALS_TIMEOUT_SECONDS  statement timeout on every connection (default 30)
 *   BENCH_RESULTS_FILE       where the JSON goes (default <tmpdir>/harbour-bench/referrals.json)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createApiToken } from '../src/modules/admin/admin.service.js';
import { londonToday } from '../src/platform/format.js';
import { systemActor } from '../src/platform/request-context.js';
import { SESSION_COOKIE } from '../src/platform/session.js';
import { capture, closedLoop, cpuPerCall, explain, replay, summarise, thinkingLoop, type Call, type Cpu, type Script, type Summary } from './people-replay.js';
import { fmt } from './report.js';
import { generateReferrals, referableVictims, type Referable } from './referrals-data.js';
import { postLoad } from './referrals-load.js';
import { printReferrals, type Measured, type StatementCost } from './referrals-report.js';
import { cleanUp, numberFromEnv, onCleanup, request, runLoad, startWithRawPool, thinkFromEnv, type Harbour } from './setup.js';
import { mainThreadCpuSeconds, postgresCpuSeconds, postmasterPid } from './system.js';

const SECONDS = numberFromEnv('BENCH_SECONDS', 10, { min: 1, max: 600 });
const WARMUP_SECONDS = numberFromEnv('BENCH_WARMUP_SECONDS', 2, { min: 1, max: 60 });
const CONNECTIONS = numberFromEnv('BENCH_CONNECTIONS', 50, { min: 1, max: 1000 });
const SCALE = numberFromEnv('BENCH_REFERRALS_SCALE', 100, { min: 1, max: 300 }) / 100;
const SAMPLES = numberFromEnv('BENCH_REFERRALS_SAMPLES', 200, { min: 10, max: 10_000 });
const TIMEOUT_MS = numberFromEnv('BENCH_REFERRALS_TIMEOUT_SECONDS', 30, { min: 1, max: 3600 }) * 1000;
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE || path.join(os.tmpdir(), 'harbour-bench', 'referrals.json');
const RECORDING_BUDGET_MS = 20_000;
const LOAD = { concurrency: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS };
const THINK = thinkFromEnv(CONNECTIONS);
const COORDINATOR = 'coordinator@demo.harbour.example';
/** Victims for the loaded POST run: more than it can refer in its time, so no two requests name the same victim. */
const LOAD_VICTIMS = 6_000;

const REPEAT_CHECK = /^\s*select id from referrals\b/;
const ESCALATION_CHECK = /^\s*select count\(\*\)::int as n from incidents\b/;
const SET_CONFIG = /^\s*select set_config\('harbour\.viewer_kind'/;
/**
 * Session settings for a viewer, as Harbour's pool gives them to a connection (src/db/viewer.ts); the raw pool gives
 * its connections the viewer each statement ran as with it. (The tap's record of a connection's settings is its last
 * set_config, which may be one local to a transaction long over, so the viewer is set here from what is known.)
 */
const SESSION_SETTINGS = `select set_config('harbour.viewer_kind', $1, false), set_config('harbour.viewer_partnership_id', $2, false),
  set_config('harbour.viewer_agency_id', $3, false), set_config('harbour.viewer_user_id', $4, false)`;
/** The screening page's reads: the queue, then which victims the coordinator may see and their names. */
const QUEUE_READS = [/from "referrals" as "r" inner join "cases" as "c"/, /from "people" as "p"/, /from "person_names"/];

/** monitor: one superuser connection, which may read every backend's wait in pg_stat_activity. */
export type Context = { harbour: Harbour; raw: pg.Pool; monitor: pg.Pool; named: Map<string, string>; postmaster: number | null };

/** Mean and maximum of samples taken every 100 ms. */
export type Sampled = { mean: number; max: number };
const sampled = (values: number[]): Sampled => ({
  mean: Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 10) / 10,
  max: Math.max(0, ...values),
});

/**
 * Harbour under load: CPU per request of its main thread (Node) and of the embedded PostgreSQL, in µs; and, sampled
 * every 100 ms, requests waiting for one of Harbour's pooled connections, PostgreSQL backends running a statement, and
 * those waiting for an advisory lock (the audit chain's, taken to chain events after a commit, or a victim's).
 */
export async function underLoad<T>(context: Context, run: () => Promise<T>, requests: (result: T) => number) {
  const { harbour, monitor, postmaster } = context;
  const samples = { poolWaiting: [] as number[], active: [] as number[], advisoryLock: [] as number[] };
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    samples.poolWaiting.push(harbour.pool.waitingCount);
    monitor
      .query<{ active: number; advisory: number }>(
        `select count(*) filter (where state = 'active')::int as active,
           count(*) filter (where wait_event_type = 'Lock' and wait_event = 'advisory')::int as advisory
         from pg_stat_activity where backend_type = 'client backend' and datname = current_database() and pid <> pg_backend_pid()`,
      )
      .then(({ rows }) => {
        samples.active.push(rows[0]!.active);
        samples.advisoryLock.push(rows[0]!.advisory);
      })
      .catch(() => undefined)
      .finally(() => (sampling = false));
  }, 100);
  const [nodeBefore, pgBefore] = [mainThreadCpuSeconds(), postgresCpuSeconds(postmaster)];
  let result: T;
  try {
    result = await run();
  } finally {
    clearInterval(sampler);
  }
  const [nodeAfter, pgAfter] = [mainThreadCpuSeconds(), postgresCpuSeconds(postmaster)];
  const n = Math.max(1, requests(result));
  const cpu: Cpu = {
    nodeUs: nodeBefore === null || nodeAfter === null ? -1 : Math.round(((nodeAfter - nodeBefore) * 1e6) / n),
    pgUs: pgBefore === null || pgAfter === null ? null : Math.round(((pgAfter - pgBefore) * 1e6) / n),
  };
  const waits = { poolWaiting: sampled(samples.poolWaiting), activeStatements: sampled(samples.active), advisoryLock: sampled(samples.advisoryLock) };
  return { result, cpu, waits };
}

/** Records `call(i)` one at a time through Harbour, for up to `count` inputs or the recording budget, with its SQL. */
export async function record(count: number, call: (i: number) => Promise<void>, postmaster: number | null) {
  const scripts: Script[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const until = Date.now() + RECORDING_BUDGET_MS;
  const cpu = await cpuPerCall(async () => {
    for (let i = 0; i < count && (i === 0 || Date.now() < until); i++) {
      const { error, script } = await capture(() => call(i));
      if (error) [errors, firstError] = [errors + 1, firstError ?? error];
      else scripts.push(script);
    }
    return scripts.length + errors;
  }, postmaster);
  return {
    scripts,
    summary: summarise(
      scripts.map((s) => s.ms),
      undefined,
      errors,
      firstError,
    ),
    cpu,
  };
}

/** Each script replayed once through the raw pool, one at a time. */
export async function replayAlone(scripts: Script[], { raw, named, postmaster }: Context) {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpu = await cpuPerCall(async () => {
    for (const script of scripts) {
      const start = performance.now();
      try {
        await replay(raw, script, named);
        latencies.push(performance.now() - start);
      } catch (error) {
        [errors, firstError] = [errors + 1, firstError ?? (error instanceof Error ? error.message : String(error))];
      }
    }
    return scripts.length;
  }, postmaster);
  return { summary: summarise(latencies, undefined, errors, firstError), cpu };
}

/** The audit chain's lock (src/platform/audit.ts), taken by the short transaction that chains events after a commit (ADR 0004). */
const AUDIT_LOCK = /^begin;\s*select pg_advisory_xact_lock\(\d+\)/;

/**
 * How long a request held the audit chain's lock, one at a time: its statements from taking the lock to the commit
 * that releases it (the time Node spends between them not counted). One chainer at a time holds it, and each chains
 * every event committed so far, so 1 ÷ this bounds chaining transactions a second (not requests). Median, in ms.
 */
function auditLockHeldMs(scripts: Script[]): number | null {
  const held = scripts.flatMap((script) => {
    const calls = script.waves.flat();
    const from = calls.findIndex((c) => AUDIT_LOCK.test(c.text));
    const to = calls.findIndex((c, i) => i > from && /\bcommit\s*$/i.test(c.text));
    return from < 0 || to < 0 ? [] : [calls.slice(from, to + 1).reduce((a, c) => a + c.ms, 0)];
  });
  return held.length ? summarise(held).p50 : null;
}

/** Mean time and count per request of each distinct statement Harbour sent, one at a time: where a request's database time goes. */
export function statementCosts(scripts: Script[]): StatementCost[] {
  const byText = new Map<string, { ms: number; calls: number }>();
  for (const call of scripts.flatMap((s) => s.waves.flat())) {
    // The audit chaining's insert carries its rows as a literal (src/platform/audit.ts): one entry for all of them.
    const key = call.text
      .replace(/jsonb_to_recordset\(E?'(?:[^']|'')*'::jsonb\)/, "jsonb_to_recordset('…'::jsonb)")
      .replace(/\s+/g, ' ')
      .trim();
    const seen = byText.get(key) ?? { ms: 0, calls: 0 };
    byText.set(key, { ms: seen.ms + call.ms, calls: seen.calls + 1 });
  }
  return [...byText.entries()]
    .map(([sql, { ms, calls }]) => ({ sql, perRequest: calls / scripts.length, msPerRequest: ms / scripts.length }))
    .sort((a, b) => b.msPerRequest - a.msPerRequest);
}

/**
 * Each statement of a script with the viewer it ran as, given as session settings: the request's viewer (a pooled
 * connection that already carries it is not sent it again, so the tap may not see it), and each viewer switch Harbour
 * sends, for the session or within a transaction, until the next. (The tap's own record of a connection's settings is
 * its last set_config, which may be one local to a transaction long over.)
 */
export function withViewers(script: Script, requestViewer: unknown[]): Call[] {
  let viewer = requestViewer;
  return script.waves.flat().map((call) => {
    if (SET_CONFIG.test(call.text)) viewer = call.values;
    return { ...call, state: { text: SESSION_SETTINGS, values: viewer } };
  });
}

/** Reads: selects, and queries whose common table expressions only read (a `with … update` would run under EXPLAIN ANALYZE). */
const SELECT = /^\s*(select|with)\b/i;
const NOT_EXPLAINED = /pg_advisory|set_config|nextval|\b(update|insert into|delete from)\b/i;

/** The slowest instance of each distinct select these scripts sent, explained (ANALYZE, BUFFERS) as the viewer it ran as; slowest to run first. */
export async function explainSelects(raw: pg.Pool, scripts: Script[], requestViewer: unknown[]): Promise<Measured['explained']> {
  const slowest = new Map<string, Call>();
  for (const call of scripts.flatMap((script) => withViewers(script, requestViewer))) {
    if (!SELECT.test(call.text) || NOT_EXPLAINED.test(call.text)) continue;
    const sql = call.text.replace(/\s+/g, ' ').trim();
    if ((slowest.get(sql)?.ms ?? -1) < call.ms) slowest.set(sql, call);
  }
  const explained = [];
  for (const [sql, call] of slowest) explained.push({ sql, ms: call.ms, explained: await explain(raw, call) });
  return explained.sort((a, b) => (b.explained.executionMs ?? Infinity) - (a.explained.executionMs ?? Infinity));
}

type Recorded = Awaited<ReturnType<typeof record>>;

/** What both targets report from their recording, its raw replay one at a time, and the two loaded runs. */
function figures(recorded: Recorded, rawAlone: { summary: Summary; cpu: Cpu }, loaded: { cpu: Cpu; waits: Measured['waits'] }, harbour: Summary, raw: Summary) {
  const { scripts } = recorded;
  return {
    inputs: scripts.length,
    statementsPerRequest: scripts.reduce((a, s) => a + s.waves.flat().length, 0) / scripts.length,
    alone: { harbour: recorded.summary, raw: rawAlone.summary },
    cpu: { harbourAlone: recorded.cpu, rawAlone: rawAlone.cpu, harbourLoaded: loaded.cpu },
    waits: loaded.waits,
    auditLockHeldMs: auditLockHeldMs(scripts),
    loaded: { harbour, raw },
    statements: statementCosts(scripts),
  };
}

export function fromLoad(s: Awaited<ReturnType<typeof runLoad>>): Summary {
  const errors = s.errors + s.non2xx + s.timeouts;
  return { requestsPerSecond: s.requestsPerSecond, completed: s.completed, errors, ...s.latencyMs };
}

// ---------------------------------------------------------------------------------------------------
// The screening queue.

async function measureQueue(context: Context, cookie: string, coordinator: unknown[]): Promise<Measured> {
  const { harbour, raw, named, postmaster } = context;
  const recorded = await record(
    SAMPLES,
    async () => {
      const response = await harbour.app.inject({ method: 'GET', url: '/referrals/screening', headers: { cookie } });
      if (response.statusCode !== 200 || !response.body.includes('/screening"'))
        throw new Error(`GET /referrals/screening answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    },
    postmaster,
  );
  if (!recorded.scripts.length) throw new Error(`The screening queue failed: ${recorded.summary.firstError}`);
  // Each read on a connection of its own, with the coordinator's viewer, as Harbour ran them (outside a transaction).
  const reads = recorded.scripts.map((script) => ({
    ms: script.ms,
    waves: withViewers(script, coordinator)
      .filter((call) => QUEUE_READS.some((re) => re.test(call.text)))
      .map((call, i) => [{ ...call, checkout: i }]),
  }));
  const rawAlone = await replayAlone(reads, context);
  const harbourLoaded = await underLoad(
    context,
    () =>
      runLoad({ url: `${harbour.url}/referrals/screening`, headers: { cookie }, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS }),
    (s) => s.completed + s.warmup.completed,
  );
  const rawLoaded = await closedLoop(reads, (s) => replay(raw, s, named), LOAD);
  const thinking = THINK.seconds ? await thinkingLoop([0], () => request(`${harbour.url}/referrals/screening`, { headers: { cookie } }, 200), THINK) : null;
  return {
    key: 'queue',
    label: 'Screening queue: GET /referrals/screening',
    p95Ms: 50,
    rawLabel: 'the page’s reads (queue, then victims’ names)',
    ...figures(recorded, rawAlone, harbourLoaded, fromLoad(harbourLoaded.result), rawLoaded),
    thinking,
    explained: await explainSelects(raw, reads, coordinator),
    found: null,
  };
}

// ---------------------------------------------------------------------------------------------------
// Submitting a referral.

const referral = (victim: Referable, referredOn: string) =>
  JSON.stringify({
    destination: 'marac',
    criterion: 'professional_judgement',
    reasons: 'Escalating controlling behaviour reported by the victim; the officer judges the risk to be high.',
    referredOn,
    victim: { id: victim.victimId },
    perpetrators: victim.perpetratorIds.map((id) => ({ id })),
    consent: { status: 'given' },
  });

/**
 * The checks of one recorded request as Harbour sent them, to replay: the viewer switch before the repeat query to
 * the one after the escalation count (settings local to the transaction, so wrapped in one), on one connection.
 */
function checksOf(script: Script): Script {
  const calls = script.waves.flat();
  const first = calls.findIndex((c) => REPEAT_CHECK.test(c.text));
  const last = calls.findIndex((c) => ESCALATION_CHECK.test(c.text));
  if (first < 1 || last < first || !SET_CONFIG.test(calls[first - 1]!.text) || !SET_CONFIG.test(calls[last + 1]?.text ?? ''))
    throw new Error('The request did not send the repeat and escalation checks as expected');
  const one = (text: string, values: unknown[] = []): Call => ({ checkout: 0, state: undefined, text, values, ms: 0 });
  const window = calls.slice(first - 1, last + 2).map((c) => ({ ...c, checkout: 0, state: undefined }));
  return { ms: 0, waves: [one('begin'), ...window, one('commit')].map((c) => [c]) };
}

async function measureSubmit(context: Context, token: string, tokenViewer: unknown[], victims: Referable[]): Promise<Measured> {
  const { harbour, raw, named, postmaster } = context;
  const today = londonToday();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let repeats = 0;
  let escalations = 0;
  const recorded = await record(
    Math.min(SAMPLES, victims.length),
    async (i) => {
      const response = await harbour.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { ...headers, 'idempotency-key': `bench-alone-${i}` },
        payload: referral(victims[i]!, today),
      });
      if (response.statusCode !== 201) throw new Error(`POST /api/v1/referrals answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      const made = response.json() as { repeat: boolean; escalationCount: number };
      repeats += Number(made.repeat);
      escalations += made.escalationCount;
    },
    postmaster,
  );
  if (!recorded.scripts.length) throw new Error(`Submitting a referral failed: ${recorded.summary.firstError}`);
  const checks = recorded.scripts.map(checksOf);
  const rawAlone = await replayAlone(checks, context);

  const loadBodies = victims.slice(recorded.scripts.length).map((v) => referral(v, today));
  const harbourLoaded = await underLoad(
    context,
    () =>
      postLoad(
        {
          url: `${harbour.url}/api/v1/referrals`,
          headers: { authorization: `Bearer ${token}` },
          bodies: loadBodies,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          seconds: SECONDS,
        },
        (worker) => onCleanup('stop the referral load worker', () => worker.terminate().then(() => undefined)),
      ),
    (run) => run.latencies.length + run.errors + run.warmup.completed,
  );
  const run = harbourLoaded.result;
  if (run.latencies.length + run.errors + run.warmup.completed > loadBodies.length)
    console.log(`  (the loaded run sent more referrals than there were victims, ${loadBodies.length}: some victims were referred twice)`);
  const rawLoaded = await closedLoop(checks, (s) => replay(raw, s, named), LOAD);
  // 50 users thinking between referrals, each referral for a victim not referred yet in this run.
  const unused = loadBodies.slice(run.latencies.length + run.errors + run.warmup.completed);
  let thought = 0;
  const thinking = THINK.seconds
    ? await thinkingLoop(
        unused.length ? unused : loadBodies,
        (body) =>
          request(`${harbour.url}/api/v1/referrals`, { method: 'POST', headers: { ...headers, 'idempotency-key': `bench-thinking-${thought++}` }, body }, 201),
        THINK,
      )
    : null;

  return {
    key: 'submit',
    label: 'Submit a referral: POST /api/v1/referrals',
    p95Ms: 30,
    rawLabel: 'the checks as Harbour sends them (8 statements)',
    ...figures(recorded, rawAlone, harbourLoaded, summarise(run.latencies, run.seconds, run.errors, run.firstError), rawLoaded),
    thinking,
    explained: await explainSelects(raw, recorded.scripts, tokenViewer),
    found: { repeatShare: repeats / recorded.scripts.length, meanEscalationCount: escalations / recorded.scripts.length },
  };
}

// ---------------------------------------------------------------------------------------------------

/** Generation (about 3 minutes at full size); per target: recording and replay (≤ 45 s), two loaded runs, EXPLAIN; a margin. */
export function referralsBudgetMs(): number {
  return (240 * SCALE + 2 * (45 + 2 * (WARMUP_SECONDS + SECONDS) + THINK.thinkSeconds[1] * 2 + THINK.seconds + 60) + 120) * 1000;
}

export async function referralsMain(): Promise<number> {
  const started = Date.now();
  const cpus = os.cpus();
  const loadBefore = os.loadavg();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `Harbour referrals benchmark: ${Math.round(SCALE * 1e6).toLocaleString('en-GB')} referrals, ${Math.round(SCALE * 3e6).toLocaleString('en-GB')} incidents, ${CONNECTIONS} concurrent clients.`,
  );
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, Node ${process.version}; load average ${load(loadBefore)}`);
  const { database, harbour, raw } = await startWithRawPool(TIMEOUT_MS);
  console.log('Generating the partnership:');
  const generation = await generateReferrals(database.connectionString, harbour.partnershipId, SCALE, (line) => console.log(line));
  const counts = Object.entries(generation.counts).map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`);
  console.log(`Generated in ${fmt(generation.seconds, 0)} s: ${counts.join(', ')}`);

  const monitor = new pg.Pool({ connectionString: database.connectionString, max: 1 });
  monitor.on('error', () => undefined);
  onCleanup('close the monitoring connection', () => monitor.end());
  const postmaster = database.embedded ? await postmasterPid(database.connectionString).catch(() => null) : null;

  const { partnershipId } = harbour;
  const db = harbour.app.db;
  const { token } = await createApiToken({ db }, systemActor(partnershipId, 'bench'), { agencyCode: 'POLICE', scopes: ['referrals'], name: 'bench referrals' });
  const police = await db
    .selectFrom('agencies')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', 'POLICE')
    .executeTakeFirstOrThrow();
  const victims = await referableVictims(database.connectionString, partnershipId, police.id, SAMPLES + LOAD_VICTIMS);
  const coordinator = await db.selectFrom('users').select(['id', 'agency_id']).where('email', '=', COORDINATOR).executeTakeFirstOrThrow();
  const { cookieValue } = await harbour.app.sessions.create({ userId: coordinator.id, partnershipId });
  console.log(`${victims.length.toLocaleString('en-GB')} victims with an open case POLICE may see, to refer; the queue as ${COORDINATOR}.`);

  const { rows } = await harbour.pool.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements');
  const context: Context = { harbour, raw, monitor, named: new Map(rows.map((r) => [r.statement, r.name])), postmaster };
  const results: Measured[] = [];
  // The queue first, so that it holds the generated backlog and not the referrals this run makes.
  process.stdout.write('Measuring the screening queue… ');
  // The database viewers of the two requests (src/platform/authentication.ts dbViewerFor): an agency's member, and a token as its agency.
  results.push(await measureQueue(context, `${SESSION_COOKIE}=${cookieValue}`, ['agency', partnershipId, coordinator.agency_id, coordinator.id]));
  console.log(`p95 alone ${fmt(results[0]!.alone.harbour.p95, 1)} ms, with ${CONNECTIONS} clients ${fmt(results[0]!.loaded.harbour.p95, 1)} ms`);
  process.stdout.write('Measuring submitting a referral… ');
  results.push(await measureSubmit(context, token, ['agency', partnershipId, police.id, ''], victims));
  console.log(`p95 alone ${fmt(results[1]!.alone.harbour.p95, 1)} ms, with ${CONNECTIONS} clients ${fmt(results[1]!.loaded.harbour.p95, 1)} ms`);
  const loadAfter = os.loadavg();
  printReferrals(results, { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, think: THINK, loadBefore, loadAfter });

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    settings: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      think: THINK,
      scale: SCALE,
      samples: SAMPLES,
      database: database.description,
    },
    generation,
    results,
    runSeconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nResults as JSON: ${RESULTS_FILE} (the run took ${report.runSeconds} s)`);
  const failed = results.filter((r) => r.alone.harbour.errors || r.loaded.harbour.errors || r.loaded.raw.errors);
  for (const f of failed)
    console.error(
      `FAILED: ${f.label}: ${f.alone.harbour.errors + f.loaded.harbour.errors} errors through Harbour (${f.alone.harbour.firstError ?? f.loaded.harbour.firstError ?? ''}), ${f.loaded.raw.errors} as raw SQL (${f.loaded.raw.firstError ?? ''})`,
    );
  return failed.length ? 1 : 0;
}

// Run directly (`node --import tsx bench/referrals.ts`) rather than through bench/run.ts.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const watchdog = setTimeout(() => {
    console.error('\nThe benchmark overran its budget: stopping.');
    void cleanUp().finally(() => process.exit(2));
  }, referralsBudgetMs());
  watchdog.unref();
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  let exitCode = 1;
  try {
    exitCode = await referralsMain();
  } catch (error) {
    console.error(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await cleanUp();
  }
  process.exit(exitCode);
}
