/**
 * The load generator for POST /api/v1/referrals, in a worker thread (so that it does not share an event loop with
 * Harbour). bench/load.ts drives autocannon with one body for every request; each referral needs its own body (a
 * different victim) and its own Idempotency-Key, so this is a closed loop of its own: `connections` callers on
 * keep-alive sockets, each sending its next request when the last is answered, taking the next body in turn.
 * Every response's time is kept (sub-millisecond), and returned for the main thread to summarise.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, Worker, workerData } from 'node:worker_threads';

export type PostJob = { url: string; headers: Record<string, string>; bodies: string[]; connections: number; warmupSeconds: number; seconds: number };
export type PostRun = {
  latencies: number[];
  seconds: number;
  statusCodes: Record<string, number>;
  errors: number;
  firstError?: string;
  warmup: { completed: number; failed: number };
  /** Event-loop utilisation of this (the load generator's) thread during the measured run, 0–1. */
  generatorBusy: number;
};
type PostMessage = { ok: true; run: PostRun } | { ok: false; error: string };

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out after 30 s')));
    request.on('error', reject);
    request.end(body);
  });
}

async function drive(job: PostJob): Promise<PostRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  let next = 0;
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  const runFor = async (seconds: number, latencies: number[] | null) => {
    const until = performance.now() + seconds * 1000;
    let completed = 0;
    let failed = 0;
    const caller = async () => {
      while (performance.now() < until) {
        const n = next++;
        const headers = { ...job.headers, 'idempotency-key': `bench-${process.pid}-${n}` };
        const start = performance.now();
        try {
          const { status, text } = await post(agent, url, headers, job.bodies[n % job.bodies.length]!);
          const ms = performance.now() - start;
          completed++;
          if (status !== 201) {
            failed++;
            firstError ??= `${status}: ${text.slice(0, 300)}`;
          }
          if (!latencies) continue;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status === 201) latencies.push(ms);
          else errors++;
        } catch (error) {
          failed++;
          if (latencies) errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: job.connections }, caller));
    return { completed, failed };
  };
  const warmup = await runFor(job.warmupSeconds, null);
  const latencies: number[] = [];
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  await runFor(job.seconds, latencies);
  const seconds = (performance.now() - started) / 1000;
  const generatorBusy = performance.eventLoopUtilization(elu).utilization;
  agent.destroy();
  return { latencies, seconds, statusCodes, errors, ...(firstError ? { firstError } : {}), warmup, generatorBusy };
}

/** Workers do not inherit tsx's loader from --import: a few lines of JavaScript register it, then import this file. */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

/**
 * Runs the job in a new worker thread: a warm-up whose figures are discarded, then the measured run. `started` is
 * given the worker, so that the caller can stop it if the run is cut short.
 */
export function postLoad(job: PostJob, started: (worker: Worker) => void): Promise<PostRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, {
      eval: true,
      workerData: { referralsPostJob: job, tsxApi: import.meta.resolve('tsx/esm/api'), entry: import.meta.url },
    });
    started(worker);
    let settled = false;
    worker.once('message', (message: PostMessage) => {
      settled = true;
      if (message.ok) resolve(message.run);
      else reject(new Error(`The referral load generator failed: ${message.error}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The referral load worker exited (code ${code}) without a result`));
    });
  });
}

const job = (workerData as { referralsPostJob?: PostJob } | null)?.referralsPostJob;
if (parentPort && job) {
  const port = parentPort;
  drive(job).then(
    (run) => port.postMessage({ ok: true, run } satisfies PostMessage),
    (error: unknown) => port.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies PostMessage),
  );
}
