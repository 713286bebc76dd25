/**
 * The load generator, run in a worker thread so that autocannon's own work does not share the event
 * loop of the servers under test (which run on the main thread). One worker per target: a warm-up run
 * whose figures are discarded, then the measured run.
 *
 * In a worker thread autocannon returns its raw counts, not its aggregated summary (see autocannon.d.ts),
 * so the figures are computed here from every response: exact sub-millisecond latency percentiles
 * (autocannon's histogram rounds to whole milliseconds and has no p95) and requests per second.
 */
import autocannon, { type RawResult } from 'autocannon';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export type LoadJob = {
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Paths to request in turn (each connection takes the next); without it, every request goes to url. */
  paths?: string[];
};

export type LoadSummary = {
  /** Completed responses divided by the measured run's duration. */
  requestsPerSecond: number;
  /** Responses in each whole second of the run: how steady the rate was. */
  perSecond: { min: number; max: number; samples: number[] };
  completed: number;
  /** Mean size of a response, headers included. */
  bytesPerResponse: number;
  durationSeconds: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  warmup: { completed: number; non2xx: number; errors: number };
  /** Event-loop utilisation of this (the load generator's) thread during the measured run, 0–1. */
  generatorBusy: number;
};

export type LoadMessage = { ok: true; summary: LoadSummary } | { ok: false; error: string };

type Recorder = { latencies: Float64Array; count: number; startedAt: number; perSecond: number[] };

function run(job: LoadJob, seconds: number, recorder?: Recorder): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    let next = 0;
    const paths = job.paths;
    const requests = paths?.length ? [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, path: paths[next++ % paths.length] }) }] : undefined;
    const options = { url: job.url, headers: job.headers, connections: job.connections, duration: seconds, timeout: 10, ...(requests ? { requests } : {}) };
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result as RawResult)));
    if (!recorder) return;
    instance.on('start', () => {
      recorder.startedAt = performance.now();
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (recorder.count === recorder.latencies.length) {
        const grown = new Float64Array(recorder.latencies.length * 2);
        grown.set(recorder.latencies);
        recorder.latencies = grown;
      }
      recorder.latencies[recorder.count++] = responseTime;
      const second = Math.floor((performance.now() - recorder.startedAt) / 1000);
      recorder.perSecond[second] = (recorder.perSecond[second] ?? 0) + 1;
    });
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, places = 2): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

function completedOf(result: RawResult): number {
  return result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
}

export async function measure(job: LoadJob): Promise<LoadSummary> {
  const warm = await run(job, job.warmupSeconds);
  const recorder: Recorder = { latencies: new Float64Array(1 << 16), count: 0, startedAt: performance.now(), perSecond: [] };
  const elu = performance.eventLoopUtilization();
  const result = await run(job, job.seconds, recorder);
  const generatorBusy = performance.eventLoopUtilization(elu).utilization;
  const sorted = recorder.latencies.slice(0, recorder.count).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const completed = completedOf(result);
  // Whole seconds only: the last, partial second (connections closing) would understate the rate.
  const samples = Array.from({ length: Math.min(job.seconds, recorder.perSecond.length) }, (_, i) => recorder.perSecond[i] ?? 0);
  return {
    requestsPerSecond: round(completed / result.duration, 1),
    perSecond: { min: Math.min(...samples), max: Math.max(...samples), samples },
    completed,
    bytesPerResponse: completed ? Math.round(result.totalBytes / completed) : 0,
    durationSeconds: result.duration,
    latencyMs: {
      mean: round(sorted.length ? sum / sorted.length : Number.NaN),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
    },
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count])),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    warmup: { completed: completedOf(warm), non2xx: warm.non2xx, errors: warm.errors },
    generatorBusy: round(generatorBusy),
  };
}

if (parentPort && workerData) {
  const port = parentPort;
  measure((workerData as { job: LoadJob }).job).then(
    (summary) => port.postMessage({ ok: true, summary } satisfies LoadMessage),
    (error: unknown) => port.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies LoadMessage),
  );
}
