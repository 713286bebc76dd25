import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processStartTime } from './processes.js';

export type DataDirLock = { release(): void };

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another Harbour (process ${pid}) is already using the data folder ${dataDir}. Stop it first, or set HARBOUR_DATA_DIR to another folder.`);
    this.name = 'DataDirInUseError';
  }
}

/** The lock names its holder by pid and start time: after a reboot the same pid may belong to another process. */
function holderIsAlive(content: string): number | null {
  const [pidText, startTime] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isProcessAlive(pid)) return null;
  const current = processStartTime(pid);
  if (startTime && current && startTime !== current) return null;
  return pid;
}

/** An exclusive lock file; a lock left by a process that is gone is taken over. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = path.join(dataDir, 'harbour.lock');
  const content = `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${content}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8').trim() === content) fs.rmSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderIsAlive(fs.readFileSync(file, 'utf8'));
      if (holder !== null) throw new DataDirInUseError(dataDir, holder);
      fs.rmSync(file, { force: true }); // stale: its Harbour is gone
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}.`);
}
