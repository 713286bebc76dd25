/**
 * How bench/people.ts compares Harbour with plain pg: record the SQL that one Harbour request or service call
 * sends (through the statement tap in setup.ts), replay exactly that SQL through a plain pg pool, drive either
 * with a number of concurrent callers, and explain a statement with EXPLAIN (ANALYZE, BUFFERS).
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { percentile, round } from './load.js';
import { statementName } from '../src/db/database.js';
import { chainPendingEventsOn } from '../src/platform/audit.js';
import { tapStatements, type SessionState } from './setup.js';
import { postgresCpuSeconds } from './system.js';

/**
 * One statement as Harbour sent it. `checkout` numbers the pool checkouts of one script (statements sharing one
 * shared a connection); `state` is the session settings (the viewer) that connection had.
 */
export type Call = { checkout: number; state: SessionState | undefined; text: string; values: unknown[]; ms: number };
/** Statements in waves: the statements of a wave were in flight together; waves ran one after another. */
export type Script = { waves: Call[][]; ms: number };
export type Summary = { requestsPerSecond: number; completed: number; errors: number; p50: number; p95: number; p99: number; max: number; firstError?: string };
export type LoadOptions = { concurrency: number; warmupSeconds: number; seconds: number };

/** Runs fn once with the tap on: its result (or error), how long it took, and every statement it sent, in waves. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: string; script: Script }> {
  const calls: (Call & { start: number; end: number })[] = [];
  const checkouts = new Map<number, number>();
  const pending: Promise<void>[] = [];
  tapStatements(({ checkout, state, text, values, done }) => {
    if (!checkouts.has(checkout)) checkouts.set(checkout, checkouts.size);
    const call = { checkout: checkouts.get(checkout)!, state, text, values: values ?? [], ms: 0, start: performance.now(), end: Number.POSITIVE_INFINITY };
    calls.push(call);
    const settle = () => void (call.end = performance.now());
    pending.push(Promise.resolve(done).then(settle, settle));
  });
  const started = performance.now();
  let result: T | undefined;
  let error: string | undefined;
  try {
    result = await fn();
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  } finally {
    await Promise.all(pending);
    tapStatements(undefined);
  }
  const ms = performance.now() - started;
  // A statement sent before any statement of the current wave had finished belongs to that wave.
  const waves: Call[][] = [];
  let firstEnd = Number.NEGATIVE_INFINITY;
  for (const { start, end, ...call } of calls) {
    call.ms = end - start;
    if (start >= firstEnd) {
      waves.push([call]);
      firstEnd = end;
    } else {
      waves.at(-1)!.push(call);
      firstEnd = Math.min(firstEnd, end);
    }
  }
  return { result, error, script: { waves, ms } };
}

/** The audit insert of a transaction (recordAudit), and the start of the chaining after its commit (ADR 0004). */
const AUDIT_INSERT = /^insert into audit_pending/;
const CHAIN_START = /^begin;\s*select pg_advisory_xact_lock\(\d+\)/;
const SET_CONFIG = /^\s*select set_config\(/i;

/** A statement as Harbour sent it: under the name Harbour's connections prepare it under, if they do (src/db/database.ts). */
const send = (client: pg.PoolClient, text: string, values: unknown[] | undefined, named: Map<string, string>) => {
  const name = named.get(text) ?? statementName(text, values);
  return client.query(name ? { name, text, values } : { text, values });
};

/** The chaining after a commit: its two steps (lock and move, then insert and commit), by their first. */
function chainingCalls(calls: Call[]): Map<Call, Call | undefined> {
  const chaining = new Map<Call, Call | undefined>();
  calls.forEach((call, i) => {
    if (CHAIN_START.test(call.text))
      chaining.set(
        call,
        calls.slice(i + 1).find((c) => c.checkout === call.checkout),
      );
  });
  return chaining;
}

/** The session settings each raw connection was last given. */
const stateOf = new WeakMap<pg.PoolClient, string>();

/** Gives a raw connection the session settings (the viewer) Harbour's connection had, unless it has them already. */
async function applyState(client: pg.PoolClient, state: SessionState | undefined, named: Map<string, string>): Promise<void> {
  const key = JSON.stringify(state);
  if (!state || stateOf.get(client) === key) return;
  await send(client, state.text, state.values, named);
  stateOf.set(client, key);
}

/**
 * The same statements with the same values through plain pg, wave by wave, each checkout's statements on one
 * connection taken for its first and given back after its last, as Harbour did, with the same session settings.
 * Statements Harbour prepares are prepared here under the same names. Chaining the audit events after a commit is
 * replayed by chaining again (the recorded rows' numbers and hashes are taken): the same statements, on the
 * events this replay recorded.
 */
export async function replay(pool: pg.Pool, script: Script, named: Map<string, string>): Promise<void> {
  const chaining = chainingCalls(script.waves.flat());
  const second = new Set([...chaining.values()]);
  const calls = script.waves.flat().filter((call) => !second.has(call));
  const lastOf = new Map(calls.map((call) => [call.checkout, call]));
  const held = new Map<number, Promise<pg.PoolClient>>();
  const take = async (call: Call) => {
    const client = await pool.connect();
    try {
      await applyState(client, call.state, named);
      return client;
    } catch (error) {
      client.release(true);
      throw error;
    }
  };
  let failed = false;
  try {
    for (const wave of script.waves) {
      await Promise.all(
        wave.map(async (call) => {
          if (second.has(call)) return;
          if (!held.has(call.checkout)) held.set(call.checkout, take(call));
          const client = await held.get(call.checkout)!;
          if (chaining.has(call)) await chainPendingEventsOn(client);
          else await send(client, call.text, call.values, named);
          if (SET_CONFIG.test(call.text)) stateOf.set(client, JSON.stringify({ text: call.text, values: call.values }));
          if (lastOf.get(call.checkout) === call) {
            held.delete(call.checkout);
            client.release();
          }
        }),
      );
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const client of held.values())
      void client.then(
        (c) => c.release(failed),
        () => undefined,
      );
  }
}

/** The script without the checkouts that recorded an audit event (the audit insert, its transaction and its chaining). */
export function withoutAudit(script: Script): Script {
  const audit = new Set(
    script.waves
      .flat()
      .filter((call) => AUDIT_INSERT.test(call.text))
      .map((call) => call.checkout),
  );
  const waves = script.waves.map((wave) => wave.filter((call) => !audit.has(call.checkout))).filter((wave) => wave.length);
  return { ...script, waves };
}

/** Nearest-rank percentiles of latencies (ms); the rate over `seconds` (by default their sum: one at a time). */
export function summarise(latencies: number[], seconds = latencies.reduce((a, b) => a + b, 0) / 1000, errors = 0, firstError?: string): Summary {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: round(sorted.length / seconds, 1),
    completed: sorted.length,
    errors,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
    ...(firstError ? { firstError } : {}),
  };
}

/**
 * 50 users (or BENCH_CONNECTIONS), as the targets say, rather than 50 callers with no pause: each user waits a think
 * time drawn evenly from [min, max] seconds between one answer and their next request, and starts at a random point
 * of that range, so that they do not all arrive together. A closed loop with zero think time keeps every user's
 * request in flight all the time, which measures throughput (by Little's law its mean latency is users ÷ throughput);
 * with think time the offered rate is about users ÷ (mean think time + response time), and the latency is what a
 * user sees at that rate. Requests started in the first `max` seconds (a warm-up) are not counted.
 */
export type ThinkOptions = { users: number; seconds: number; thinkSeconds: [number, number] };

export async function thinkingLoop<T>(inputs: T[], fn: (input: T) => Promise<unknown>, opts: ThinkOptions): Promise<Summary> {
  const [min, max] = opts.thinkSeconds;
  const think = () => new Promise((resolve) => setTimeout(resolve, (min + Math.random() * (max - min)) * 1000));
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const started = performance.now();
  const measuredFrom = started + max * 1000;
  const until = measuredFrom + opts.seconds * 1000;
  const user = async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * max * 1000));
    while (performance.now() < until) {
      const input = inputs[next++ % inputs.length]!;
      const start = performance.now();
      try {
        await fn(input);
        if (start >= measuredFrom) latencies.push(performance.now() - start);
      } catch (error) {
        if (start >= measuredFrom) errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      await think();
    }
  };
  await Promise.all(Array.from({ length: opts.users }, user));
  return summarise(latencies, opts.seconds, errors, firstError);
}

/** `concurrency` callers, each calling fn with the next input as soon as its last call returns: a warm-up, then the measured run. */
export async function closedLoop<T>(inputs: T[], fn: (input: T) => Promise<unknown>, opts: LoadOptions): Promise<Summary> {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const runFor = async (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    const caller = async () => {
      while (performance.now() < until) {
        const input = inputs[next++ % inputs.length]!;
        const start = performance.now();
        try {
          await fn(input);
          if (record) latencies.push(performance.now() - start);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, caller));
  };
  await runFor(opts.warmupSeconds, false);
  const started = performance.now();
  await runFor(opts.seconds, true);
  return summarise(latencies, (performance.now() - started) / 1000, errors, firstError);
}

export type Cpu = { nodeUs: number; pgUs: number | null };

/** CPU per call, in µs, while fn makes its calls (it returns how many): this process, and the embedded PostgreSQL server. */
export async function cpuPerCall(fn: () => Promise<number>, postmaster: number | null): Promise<Cpu> {
  const [node, pgBefore] = [process.cpuUsage(), postgresCpuSeconds(postmaster)];
  const calls = Math.max(1, await fn());
  const used = process.cpuUsage(node);
  const pgAfter = postgresCpuSeconds(postmaster);
  return {
    nodeUs: Math.round((used.user + used.system) / calls),
    pgUs: pgBefore === null || pgAfter === null ? null : Math.round(((pgAfter - pgBefore) * 1e6) / calls),
  };
}

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Rows Removed by Filter'?: number;
  Filter?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
};

/** Times are null when the statement could not be run to the end (the estimated plan is shown). */
export type Explained = { planningMs: number | null; executionMs: number | null; buffers: number | null; tree: string[] };

const ROUTINE = new Set(['coalesce', 'nullif', 'current_setting', 'abs', 'left', 'any', 'array']);

type Plan = { Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one statement, as its viewer: planning and execution time, buffers, and the plan as
 * a short indented tree. A statement that fails (the statement timeout) is explained without running it: the
 * estimated plan, with no times.
 */
export async function explain(pool: pg.Pool, call: Call, maxLines = 30): Promise<Explained> {
  const client = await pool.connect();
  let plan: Plan;
  try {
    await applyState(client, call.state, new Map());
    const run = (options: string) => client.query<{ 'QUERY PLAN': [Plan] }>({ text: `explain (${options}, format json) ${call.text}`, values: call.values });
    plan = (await run('analyze, buffers').catch(() => run('costs'))).rows[0]!['QUERY PLAN'][0];
  } finally {
    client.release();
  }
  const { Plan: root, 'Planning Time': planningMs = null, 'Execution Time': executionMs = null } = plan;
  const tree: string[] = [];
  const walk = (node: PlanNode, depth: number) => {
    if (tree.length >= maxLines) return;
    const on = node['Relation Name'] ? ` on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}` : '';
    const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
    const removed = node['Rows Removed by Filter'] ? `, ${node['Rows Removed by Filter']} removed by filter` : '';
    // The functions a filter calls on each row (row-level security's policies among them), as a hint to its cost.
    const called = [...new Set([...(node.Filter ?? '').matchAll(/\b([a-z_]+)\(/g)].map((m) => m[1]!))].filter((f) => !ROUTINE.has(f));
    const calls = called.length ? `; filter calls ${called.join(', ')}` : '';
    const sub = node['Subplan Name'] ? ` (${node['Subplan Name']})` : '';
    const loops = node['Actual Loops'];
    const actual =
      loops === undefined
        ? `${node['Plan Rows']} rows estimated`
        : `${node['Actual Rows']} rows × ${loops} loops, ${(node['Actual Total Time']! * loops).toFixed(2)} ms in all${removed}${calls}`;
    tree.push(`${'  '.repeat(depth)}${node['Node Type']}${on}${using}${sub}: ${actual}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(root, 0);
  if (tree.length >= maxLines) tree.push('…');
  const buffers = root['Shared Hit Blocks'] === undefined ? null : root['Shared Hit Blocks'] + root['Shared Read Blocks']!;
  return { planningMs, executionMs, buffers, tree };
}
