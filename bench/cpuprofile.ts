/**
 * CPU profiles of the main thread (where Harbour and the baseline run) during one measured run, and a
 * summary of where the busy time went.
 *
 * Each sample is attributed to the innermost frame that says what the work was for: a package
 * (nunjucks, kysely, pg, fastify…), a Harbour source file, or Node's HTTP and socket layer. Frames with
 * no such meaning (Node's event and promise plumbing, anonymous native code) pass the sample up to
 * their caller, so the cost of, say, writing a socket buffer lands on "Node HTTP and sockets" and the
 * code compiled from a Nunjucks template lands on Nunjucks.
 *
 * Also usable on a file from `node --cpu-prof`: node --import tsx bench/cpuprofile.ts <file.cpuprofile>
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; parent?: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

export type ProfileSummary = {
  /** Wall time covered by the profile, and the part of it the thread was busy (not idle). */
  totalMs: number;
  busyMs: number;
  categories: { category: string; ms: number; shareOfBusy: number }[];
  /** The busiest functions by self time (where the CPU actually was). */
  functions: { fn: string; ms: number; shareOfBusy: number }[];
};

const PACKAGE_CATEGORIES: [RegExp, string][] = [
  [/^(nunjucks|a-sync-waterfall|asap)$/, 'Nunjucks (template rendering)'],
  [/^kysely$/, 'Kysely (query building, results)'],
  [/^(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|postgres-.*|pgpass)$/, 'pg driver (protocol, parsing)'],
  [
    /^(fastify|@fastify\/.*|find-my-way|avvio|fast-json-stringify|light-my-request|toad-cache|secure-json-parse|fast-querystring|process-warning|abstract-logging)$/,
    'Fastify (routing, hooks, reply)',
  ],
  [/^autocannon$|^hdr-histogram/, 'autocannon'],
  [/^zod$/, 'zod'],
  [/^tsx$|^esbuild$/, 'tsx (TypeScript loader)'],
];

function categoryOf(url: string, functionName: string, root: string): string | null {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'Garbage collection';
  if (functionName === '(program)') return 'V8 and native code (program)';
  if (functionName === '(root)') return null;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return PACKAGE_CATEGORIES.find(([pattern]) => pattern.test(pkg))?.[1] ?? `package ${pkg}`;
  if (url.startsWith('node:')) {
    if (/^node:(_http_|http|net|stream|internal\/stream|internal\/http|internal\/streams|internal\/net|internal\/stream_base)/.test(url))
      return 'Node HTTP and sockets';
    if (/crypto/.test(url)) return 'Node crypto (random, hashes)';
    return null; // events, timers, promises: the caller's work
  }
  if (url.startsWith('file://')) {
    const file = fileURLToPath(url);
    const relative = path.relative(root, file);
    if (!relative.startsWith('..')) return relative.startsWith('bench') ? 'bench (instrumentation)' : relative.replace(/\\/g, '/');
    return `file ${path.basename(file)}`;
  }
  return null;
}

export function summariseProfile(profile: CpuProfile, root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    let category: string | null = null;
    for (let current: number | undefined = id; current !== undefined && category === null; current = parent.get(current)) {
      const frame = byId.get(current)!.callFrame;
      category = categoryOf(frame.url, frame.functionName, root);
    }
    category ??= 'Node runtime (other)';
    categories.set(category, (categories.get(category) ?? 0) + us);
    const frame = byId.get(id)!.callFrame;
    if (category !== 'idle') {
      const where = frame.url
        ? `${frame.url
            .replace(/^file:\/\//, '')
            .replace(`${root}/`, '')
            .replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`
        : 'native';
      const key = `${frame.functionName || '(anonymous)'} (${where})`;
      functions.set(key, (functions.get(key) ?? 0) + us);
    }
  }
  const idle = categories.get('idle') ?? 0;
  const busy = total - idle;
  const share = (us: number) => Math.round((us / Math.max(busy, 1)) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    categories: [...categories]
      .filter(([name]) => name !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([category, us]) => ({ category, ms: Math.round(us / 1000), shareOfBusy: share(us) })),
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), shareOfBusy: share(us) })),
  };
}

/** Profiles this thread from start() to stop(); sampling every 250 µs. */
export async function startProfiler(): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      await session.post('Profiler.disable');
      session.disconnect();
      return profile;
    },
  };
}

export function printSummary(summary: ProfileSummary, requests: number): void {
  const perRequest = (ms: number) => (requests > 0 ? `${((ms * 1000) / requests).toFixed(0).padStart(5)} µs/req` : '');
  console.log(
    `    main thread busy ${summary.busyMs} ms of ${summary.totalMs} ms${requests ? ` (${((summary.busyMs * 1000) / requests).toFixed(0)} µs per request)` : ''}`,
  );
  for (const c of summary.categories.filter((c) => c.shareOfBusy >= 0.5)) {
    console.log(`    ${c.shareOfBusy.toFixed(1).padStart(5)} %  ${perRequest(c.ms)}  ${c.category}`);
  }
  console.log('    busiest functions (self time):');
  for (const f of summary.functions) console.log(`    ${f.shareOfBusy.toFixed(1).padStart(5)} %  ${f.fn}`);
}

// As a command: summarise a .cpuprofile file.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: node --import tsx bench/cpuprofile.ts <file.cpuprofile> [requests]');
    process.exit(1);
  }
  const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, undefined, 25);
  printSummary(summary, Number(process.argv[3] ?? 0));
}
