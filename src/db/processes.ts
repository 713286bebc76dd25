import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** /proc/<pid>/stat, split after the command name (which may itself contain spaces and brackets). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Running, not merely a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** When the process started (clock ticks since boot), so a pid reused by another process is told apart. */
export function processStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null; // field 22 of stat; fields[0] is field 3
}

/** The process's arguments, from /proc or, where there is none, from ps. */
export function processArguments(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim()
        .split(/\s+/);
    } catch {
      return null;
    }
  }
}
