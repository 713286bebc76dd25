/**
 * What else was busy during a run: the whole machine's CPU (from /proc/stat, so other tenants show up)
 * and the embedded PostgreSQL server's CPU (the postmaster and every process it started). Linux only;
 * elsewhere these read as null.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(
          execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] })
            .toString()
            .trim(),
        ) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export type MachineCpu = { busy: number; total: number };

/** Cumulative CPU ticks of all cores: busy (everything but idle and iowait) and total. */
export function machineCpu(): MachineCpu | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Share of all cores' time that was busy between two readings (0–1). */
export function machineBusy(before: MachineCpu | null, after: MachineCpu | null): number | null {
  if (!before || !after || after.total === before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}

function statOf(pid: number, file = `/proc/${pid}/stat`): { ppid: number; cpuTicks: number; exitedChildTicks: number } | null {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // The command name is in parentheses and may hold spaces: split after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), exitedChildTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/** The postmaster's pid, from a backend's parent; null if the server is not on this machine. */
export async function postmasterPid(connectionString: string): Promise<number | null> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]?.pid;
    const stat = backend ? statOf(backend) : null;
    return stat?.ppid ?? null;
  } finally {
    await client.end();
  }
}

/**
 * CPU seconds used so far by the postmaster and its live children (backends, background workers).
 * Backends that exited in between are not counted, so take readings while the pool's connections are open.
 */
export function postgresCpuSeconds(postmaster: number | null): number | null {
  if (postmaster === null || !fs.existsSync('/proc')) return null;
  // Processes that have exited (parallel query workers, closed connections) count in the postmaster's children's time.
  const server = statOf(postmaster);
  let ticks = (server?.cpuTicks ?? 0) + (server?.exitedChildTicks ?? 0);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat && stat.ppid === postmaster) ticks += stat.cpuTicks;
  }
  return ticks / clockTicks();
}

/**
 * CPU seconds this process's main thread has used (Linux: /proc/self/task/<pid>/stat). Unlike event-loop
 * utilisation, it does not count time the thread was ready but waiting for a core, so it stays a fair
 * measure of work per request when other processes compete for the CPUs.
 */
export function mainThreadCpuSeconds(): number | null {
  const stat = statOf(process.pid, `/proc/self/task/${process.pid}/stat`);
  return stat ? stat.cpuTicks / clockTicks() : null;
}
