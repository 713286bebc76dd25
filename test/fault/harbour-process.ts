/**
 * Helpers for process-level fault tests: run the real `src/server.ts` and `bin/harbour.js` as child
 * processes against a temporary data folder, watch their output, signal them, and inspect /proc for the
 * embedded PostgreSQL servers they leave behind. Everything started here is tracked so `cleanUp()` can
 * stop it and remove the folders even when a test fails half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json, src/ and bin/ are). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

const children = new Set<ChildProcess>();
const dataDirs = new Set<string>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An empty temporary folder that the harbour-pg user can reach (PostgreSQL runs as that user under root). */
export function makeDataDir(prefix = 'harbour-fault-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  dataDirs.add(dir);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The environment for a child: the caller's, minus anything that would point it at another server or folder. */
function childEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'PORT', 'HOST', 'HARBOUR_DEMO', 'HARBOUR_BASE_URL', 'HARBOUR_DATA_DIR']) delete env[key];
  return { ...env, NODE_ENV: 'test', HARBOUR_LOG_LEVEL: 'warn', HARBOUR_DATA_DIR: dataDir, ...extra };
}

function track(child: ChildProcess): Promise<Exit> {
  children.add(child);
  return new Promise<Exit>((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      children.delete(child);
      resolve({ code: child.exitCode, signal: child.signalCode });
    };
    child.once('close', settle);
    // 'close' waits for stdio to end; should a grandchild hold the pipes, do not wait on it for ever.
    child.once('exit', () => setTimeout(settle, 2_000).unref());
    child.once('error', settle);
  });
}

export type HarbourOptions = { dataDir: string; port?: number; env?: Record<string, string> };

/** One `node --import tsx src/server.ts` process. */
export class HarbourProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: childEnv(dataDir, { PORT: String(port), ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = track(this.child);
  }

  static async start(options: HarbourOptions): Promise<HarbourProcess> {
    return new HarbourProcess(options.dataDir, options.port ?? (await freePort()), options.env ?? {});
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`Harbour did not start:\n${this.output}`);
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal to the Harbour (node) process only, not to the PostgreSQL it started. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Harbour (pid ${this.child.pid}) did not exit within ${timeoutMs} ms.\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Polls GET /health until it answers 200; fails at once if Harbour exits, and after timeoutMs. */
  async waitForHealth(timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) {
        const exit = await this.exited;
        throw new Error(`Harbour exited (code ${exit.code}, signal ${exit.signal}) before /health answered 200.\n${this.output}`);
      }
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3_000) });
        const text = await response.text();
        if (response.status === 200) return JSON.parse(text) as Record<string, unknown>;
        last = `${response.status} ${text}`;
      } catch (error) {
        last = String(error);
      }
      await sleep(100);
    }
    throw new Error(`Harbour's /health did not answer 200 within ${timeoutMs} ms (last: ${last}).\n${this.output}`);
  }

  /** SIGINT, then SIGKILL if it has not gone within timeoutMs. */
  async stop(timeoutMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal('SIGINT');
    try {
      return await this.waitForExit(timeoutMs);
    } catch {
      this.signal('SIGKILL');
      return this.waitForExit(5_000);
    }
  }
}

export type CliResult = Exit & { stdout: string; stderr: string };

/** Runs `node bin/harbour.js …` (what `npx harbour …` runs) on the data folder, killed after timeoutMs. */
export function runCli(args: string[], options: { dataDir: string; timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/harbour.js', ...args], {
    cwd: ROOT,
    env: childEnv(options.dataDir, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => {
    stderr += `\n[killed by the test after ${timeoutMs} ms]`;
    child.kill('SIGKILL');
  }, timeoutMs);
  return track(child).then((exit) => {
    clearTimeout(timer);
    return { ...exit, stdout, stderr };
  });
}

/** A long-running process that is not Harbour or PostgreSQL, for lock and pid-file tests. Killed by cleanUp(). */
export function startDecoy(args: string[] = []): { child: ChildProcess; pid: number; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', ...args], { stdio: 'ignore' });
  const exited = track(child);
  if (child.pid === undefined) throw new Error('could not start a decoy process');
  return { child, pid: child.pid, exited };
}

// ---- /proc ----

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, …]. */
function statFields(pid: number): string[] | undefined {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Running (a zombie, dead but not yet reaped by its parent, does not count). */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X';
}

export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** The PostgreSQL postmaster processes (`postgres -D <dataDir>/postgres …`) running on a Harbour data folder. */
export function postmasterPids(dataDir: string): number[] {
  const pgData = path.join(dataDir, 'postgres');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (readProc(Number(entry), 'cmdline') ?? '').split('\0');
    const flag = argv.indexOf('-D');
    if (flag >= 0 && argv[flag + 1] === pgData && path.basename(argv[0] ?? '') === 'postgres') pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

/** The pid on the first line of the cluster's postmaster.pid, if the file is there. */
export function postmasterPidFile(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  return Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
}

/** Waits until check() is true, polling every intervalMs; false if it is still not after timeoutMs. */
export async function eventually(check: () => boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Stops PostgreSQL servers our tests left running on a folder: fast shutdown, then SIGKILL after 15 s. */
export async function stopPostmasters(dataDir: string): Promise<void> {
  const pids = postmasterPids(dataDir);
  for (const pid of pids) signalPid(pid, 'SIGINT');
  if (await eventually(() => pids.every((pid) => !isAlive(pid)), 15_000)) return;
  for (const pid of pids) signalPid(pid, 'SIGKILL');
}

/** For `after`: kill every child still running, stop PostgreSQL left on our folders, remove the folders. */
export async function cleanUp(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((resolve) => child.once('exit', resolve)));
      child.kill('SIGKILL');
    }
  }
  await Promise.race([Promise.all(waits), sleep(5_000)]);
  for (const dir of dataDirs) {
    await stopPostmasters(dir).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  dataDirs.clear();
}
