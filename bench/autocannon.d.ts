/**
 * The part of autocannon's API the benchmark uses (the package ships no types and @types/autocannon
 * is not installed). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export type Options = {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Requests in turn; setupRequest may change each one (here: its path) just before it is sent. */
    requests?: { setupRequest?: (request: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown> }[];
  };

  export type Histogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total?: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  };

  export type Result = {
    url: string;
    connections: number;
    duration: number;
    start: Date;
    finish: Date;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
  };

  /**
   * Inside a worker thread autocannon assumes it is one of its own workers: it skips aggregation and
   * hands back this raw result (histograms as encoded strings), not a Result.
   */
  export type RawResult = {
    duration: number;
    start: Date;
    finish: Date;
    totalCompletedRequests: number;
    totalRequests: number;
    /** Bytes received in responses (headers and bodies). */
    totalBytes: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
  };

  export type Instance = EventEmitter & {
    stop(): void;
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): Instance;
    on(event: 'done', listener: (result: Result) => void): Instance;
    on(event: string, listener: (...args: any[]) => void): Instance;
  };

  function autocannon(options: Options, callback: (error: Error | null, result: Result | RawResult) => void): Instance;
  export default autocannon;
}
