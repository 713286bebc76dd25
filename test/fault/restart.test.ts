/**
 * Process-level fault tests: the real Harbour (`node --import tsx src/server.ts`) and CLI (`bin/harbour.js`)
 * as child processes on a temporary data folder, with the embedded PostgreSQL they start. Start, a second
 * Harbour on the same folder, kill -9, Ctrl-C, stale lock and pid files, and DATABASE_URL.
 *
 * The tests in the first `describe` share one data folder and run in order: the first start pays for
 * initdb and the demo seed once, and each later test starts from the state the previous one left.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.js';
import {
  cleanUp,
  eventually,
  freePort,
  HarbourProcess,
  isAlive,
  makeDataDir,
  parentPid,
  postmasterPidFile,
  postmasterPids,
  runCli,
  startDecoy,
  stopPostmasters,
} from './harbour-process.js';

const DEMO_CODES = ['POLICE', 'PROBATION', 'CSC', 'ASC', 'HOUSING', 'HEALTH', 'IDVA', 'REFUGE', 'CPS', 'COUNCIL'];
const START_TIMEOUT = 110_000; // first start runs initdb and seeds the demo (about 30 s alone); the machine may be busy with other tests

after(cleanUp, { timeout: 60_000 });

type AgencyList = { agencies: Array<{ code: string }> };

async function listAgenciesOverApi(harbour: HarbourProcess, token: string): Promise<string[]> {
  const response = await fetch(`${harbour.url}/api/v1/agencies`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  assert.equal(response.status, 200, `GET /api/v1/agencies with the token: ${text}`);
  return (JSON.parse(text) as AgencyList).agencies.map((a) => a.code);
}

function missing(expected: string[], actual: string[]): string[] {
  return expected.filter((code) => !actual.includes(code));
}

describe('Harbour on one data folder: start, second start, kill -9, Ctrl-C', { timeout: 240_000 }, () => {
  const dataDir = makeDataDir();
  const lockFile = path.join(dataDir, 'harbour.lock');
  let harbour: HarbourProcess | undefined;
  let token: string | undefined;
  /** harbour.lock as a SIGKILLed Harbour left it (whatever its format), for the stale-lock test. */
  let staleLock: { content: string; pid: number } | undefined;

  /** The pid harbour.lock names (its first number). */
  const lockPid = () => Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);

  function running(): HarbourProcess {
    assert.ok(harbour?.running, 'an earlier test should have left Harbour running on the shared data folder');
    return harbour;
  }

  it('first start on an empty folder: initdb, demo seeded, /health ok, the CLI shares the running database', { timeout: 120_000 }, async () => {
    harbour = await HarbourProcess.start({ dataDir });
    const health = await harbour.waitForHealth(START_TIMEOUT);
    assert.equal(health.status, 'ok');
    assert.equal(health.database, 'ok');
    assert.match(harbour.stdout, new RegExp(`Harbour is running at http://localhost:${harbour.port}`));
    assert.ok(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION')), 'the cluster lives in <data folder>/postgres');
    assert.equal(lockPid(), harbour.pid, 'harbour.lock holds the running Harbour’s pid');
    assert.equal(postmasterPids(dataDir).length, 1);

    const cli = await runCli(['agencies', 'list', '--json'], { dataDir });
    assert.equal(cli.code, 0, `agencies list failed:\n${cli.stderr}`);
    const codes = (JSON.parse(cli.stdout) as Array<{ code: string }>).map((a) => a.code);
    assert.deepEqual(missing(DEMO_CODES, codes), [], `demo agencies missing from ${codes.join(', ')}`);
    assert.equal(postmasterPids(dataDir).length, 1, 'the CLI attached to Harbour’s PostgreSQL instead of starting another');
    assert.ok(harbour.running, 'Harbour still runs after the CLI finished');
  });

  it('a second Harbour on the same folder refuses to start, clearly, and the first keeps serving', { timeout: 60_000 }, async () => {
    const first = running();
    const secondPort = await freePort();
    const second = await HarbourProcess.start({ dataDir, port: secondPort });
    const exit = await second.waitForExit(20_000);
    assert.notEqual(exit.code, 0, `the second Harbour should fail:\n${second.output}`);
    assert.equal(exit.signal, null);
    assert.match(second.stderr, /Another Harbour/);
    assert.ok(second.stderr.includes(dataDir), `the message names the data folder:\n${second.stderr}`);
    assert.ok(second.stderr.includes(String(first.pid)), `the message names the running Harbour’s pid:\n${second.stderr}`);
    await assert.rejects(fetch(`http://127.0.0.1:${secondPort}/health`, { signal: AbortSignal.timeout(3_000) }), 'the second Harbour never listened');

    assert.ok(first.running);
    assert.equal((await first.waitForHealth(10_000)).status, 'ok');
    assert.equal(lockPid(), first.pid, 'the refused Harbour left the lock alone');
    assert.equal(postmasterPids(dataDir).length, 1, 'the refused Harbour started no PostgreSQL');
  });

  it('data written through the CLI while Harbour runs is served by the API', { timeout: 60_000 }, async () => {
    const h = running();
    const created = await runCli(['agencies', 'create', '--code', 'FAULTTEST', '--name', 'Fault Test Agency', '--type', 'other'], { dataDir });
    assert.equal(created.code, 0, `agencies create failed:\n${created.stderr}`);
    assert.match(created.stdout, /Agency FAULTTEST created/);

    const tokenRun = await runCli(['token', 'create', '--agency', 'POLICE', '--scopes', '*'], { dataDir });
    assert.equal(tokenRun.code, 0, `token create failed:\n${tokenRun.stderr}`);
    const lines = tokenRun.stdout.trim().split('\n');
    token = lines[lines.length - 1]?.trim();
    assert.ok(token && /^\S{20,}$/.test(token), `the last stdout line is the token: ${JSON.stringify(tokenRun.stdout)}`);

    const codes = await listAgenciesOverApi(h, token);
    assert.ok(codes.includes('FAULTTEST'), `FAULTTEST listed: ${codes.join(', ')}`);

    const anonymous = await fetch(`${h.url}/api/v1/agencies`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it(
    'kill -9 of Harbour: the next start takes over the stale lock, stops the orphaned PostgreSQL cleanly, and loses nothing',
    { timeout: 120_000 },
    async () => {
      const killed = running();
      assert.ok(token, 'the previous test created a token');
      const orphan = postmasterPidFile(dataDir);
      assert.ok(orphan, 'postmaster.pid names the running server');
      assert.equal(parentPid(orphan), killed.pid, 'the server is Harbour’s child');

      killed.signal('SIGKILL');
      const exit = await killed.waitForExit(10_000);
      assert.equal(exit.signal, 'SIGKILL');
      assert.ok(isAlive(orphan), 'PostgreSQL (own process group) outlives the SIGKILLed Harbour: the orphan this test is about');
      const lockContent = fs.readFileSync(lockFile, 'utf8');
      assert.equal(lockPid(), killed.pid, 'kill -9 leaves a stale harbour.lock');
      staleLock = { content: lockContent, pid: killed.pid };

      harbour = await HarbourProcess.start({ dataDir });
      assert.equal((await harbour.waitForHealth(START_TIMEOUT)).status, 'ok');
      assert.match(harbour.stdout, new RegExp(`PostgreSQL \\(pid ${orphan}\\) left running by a previous Harbour`));
      assert.equal(lockPid(), harbour.pid, 'the new Harbour holds the lock');

      assert.ok(!isAlive(orphan), `the orphaned PostgreSQL (pid ${orphan}) is gone`);
      const postmasters = postmasterPids(dataDir);
      assert.equal(postmasters.length, 1, `exactly one PostgreSQL on the folder, found pids ${postmasters.join(', ')}`);
      const [current] = postmasters;
      assert.ok(current !== undefined && current !== orphan);
      assert.equal(parentPid(current), harbour.pid, 'the one PostgreSQL left is the new Harbour’s');
      assert.equal(postmasterPidFile(dataDir), current);

      const codes = await listAgenciesOverApi(harbour, token);
      assert.deepEqual(missing([...DEMO_CODES, 'FAULTTEST'], codes), [], `agencies after the restart: ${codes.join(', ')}`);
    },
  );

  it('SIGINT (Ctrl-C): Harbour stops cleanly, exit 0, no lock and no PostgreSQL left', { timeout: 60_000 }, async () => {
    const h = running();
    const server = postmasterPids(dataDir);
    assert.equal(server.length, 1);
    const sent = Date.now();
    h.signal('SIGINT');
    const exit = await h.waitForExit(15_000);
    const took = Date.now() - sent;
    harbour = undefined;
    assert.deepEqual(exit, { code: 0, signal: null }, h.output);
    assert.ok(took < 10_000, `stopped in ${took} ms`);
    assert.match(h.stdout, /SIGINT received: stopping Harbour/);
    assert.match(h.stdout, /Harbour stopped cleanly\./);
    assert.ok(!fs.existsSync(lockFile), 'harbour.lock removed');
    assert.ok(!fs.existsSync(path.join(dataDir, 'postgres.port')), 'postgres.port removed');
    assert.deepEqual(postmasterPids(dataDir), [], 'no PostgreSQL left on the folder');
    assert.ok(!isAlive(server[0] ?? 0));
    assert.equal(postmasterPidFile(dataDir), undefined, 'postmaster.pid removed: PostgreSQL shut down cleanly, not killed');
  });

  it('a stale harbour.lock whose pid now belongs to an unrelated process does not stop Harbour starting', { timeout: 90_000 }, async () => {
    // After kill -9 or a power cut the lock file stays; after a reboot or container restart its pid may be
    // reused by anything. That process is not a Harbour and does not use the folder.
    assert.deepEqual(postmasterPids(dataDir), [], 'the previous test stopped everything');
    const decoy = startDecoy();
    // The lock a killed Harbour left (test above), with its pid now taken by the unrelated process.
    const stale = staleLock ?? { content: `${process.pid}\n`, pid: process.pid };
    assert.ok(stale.content.includes(String(stale.pid)));
    fs.writeFileSync(lockFile, stale.content.split(String(stale.pid)).join(String(decoy.pid)), { mode: 0o600 });
    try {
      harbour = await HarbourProcess.start({ dataDir });
      try {
        await harbour.waitForHealth(START_TIMEOUT);
      } catch (error) {
        assert.fail(
          `harbour.lock names pid ${decoy.pid}, a process that is not Harbour (${process.execPath} -e …), yet Harbour refused the folder.\n${(error as Error).message}`,
        );
      }
      assert.equal(lockPid(), harbour.pid);
      assert.ok(isAlive(decoy.pid), 'the unrelated process was left alone');
      assert.deepEqual(await harbour.stop(), { code: 0, signal: null });
    } finally {
      decoy.child.kill('SIGKILL');
      await harbour?.stop();
      harbour = undefined;
      if (fs.existsSync(lockFile) && fs.readFileSync(lockFile, 'utf8').includes(String(decoy.pid))) fs.rmSync(lockFile);
    }
  });

  it('a stale postmaster.pid whose pid now belongs to another process is not signalled as an orphaned PostgreSQL', { timeout: 90_000 }, async () => {
    // PostgreSQL killed with its Harbour (power cut, OOM killer, kill -9 of the group) leaves postmaster.pid.
    // Its pid may later belong to anything, including a process whose command line mentions "postgres",
    // e.g. psql or an app given a postgres:// URL. Harbour must only ever stop the folder's own server.
    assert.deepEqual(postmasterPids(dataDir), [], 'the previous test stopped everything');
    const decoy = startDecoy(['postgres://reporting@db.example/warehouse']);
    const pgData = path.join(dataDir, 'postgres');
    const pidFile = path.join(pgData, 'postmaster.pid');
    const owner = fs.statSync(pgData);
    fs.writeFileSync(pidFile, `${decoy.pid}\n${pgData}\n`, { mode: 0o600 });
    fs.chownSync(pidFile, owner.uid, owner.gid);
    try {
      harbour = await HarbourProcess.start({ dataDir });
      assert.equal((await harbour.waitForHealth(START_TIMEOUT)).status, 'ok');
      const decoyExit =
        decoy.child.exitCode !== null || decoy.child.signalCode !== null ? ` (it exited: code ${decoy.child.exitCode}, signal ${decoy.child.signalCode})` : '';
      assert.ok(
        decoy.child.exitCode === null && decoy.child.signalCode === null && isAlive(decoy.pid),
        `Harbour stopped pid ${decoy.pid}, which is not the folder’s PostgreSQL but a process whose command line merely contains "postgres"${decoyExit}.\n${harbour.output}`,
      );
      assert.deepEqual(await harbour.stop(), { code: 0, signal: null });
    } finally {
      decoy.child.kill('SIGKILL');
      await harbour?.stop();
      harbour = undefined;
    }
  });

  it('Ctrl-C while Harbour is still starting (PostgreSQL up, not yet listening) leaves no PostgreSQL running', { timeout: 90_000 }, async () => {
    assert.deepEqual(postmasterPids(dataDir), [], 'the previous test stopped everything');
    const h = await HarbourProcess.start({ dataDir });
    harbour = h;
    try {
      const appeared = await eventually(() => postmasterPids(dataDir).length > 0 || !h.running, START_TIMEOUT, 10);
      assert.ok(appeared && h.running, `Harbour should be starting its PostgreSQL:\n${h.output}`);
      const [server] = postmasterPids(dataDir);
      h.signal('SIGINT'); // what Ctrl-C in the terminal sends to Harbour; PostgreSQL is in its own process group
      const exit = await h.waitForExit(30_000);
      const gone = await eventually(() => postmasterPids(dataDir).length === 0, 5_000);
      assert.ok(
        gone,
        `Harbour exited (code ${exit.code}, signal ${exit.signal}) but left its PostgreSQL (pid ${server}, now a child of pid ${server === undefined ? '?' : parentPid(server)}) running on ${dataDir}.\n${h.output}`,
      );
      assert.ok(!fs.existsSync(lockFile), 'harbour.lock removed');
    } finally {
      await h.stop();
      harbour = undefined;
      await stopPostmasters(dataDir);
    }
  });
});

describe('Harbour with DATABASE_URL', { timeout: 120_000 }, () => {
  const adminUrl = process.env.HARBOUR_TEST_ADMIN_URL;
  const database = `harbour_test_fault_${randomBytes(4).toString('hex')}`;
  let embedded: EmbeddedServer | undefined;

  async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000, query_timeout: 30_000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  after(
    async () => {
      if (adminUrl) await admin((c) => c.query(`drop database if exists ${database} with (force)`)).catch(() => undefined);
      await embedded?.stop();
    },
    { timeout: 60_000 },
  );

  it('starts no embedded PostgreSQL and creates nothing in the data folder', { timeout: 90_000 }, async () => {
    let databaseUrl: string;
    if (adminUrl) {
      await admin((c) => c.query(`create database ${database}`));
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
    } else {
      embedded = await startEmbeddedPostgres({ dataDir: makeDataDir('harbour-fault-server-'), log: () => undefined });
      databaseUrl = embedded.connectionString;
    }
    const dataDir = makeDataDir();
    const h = await HarbourProcess.start({ dataDir, env: { DATABASE_URL: databaseUrl, HARBOUR_DEMO: 'true' } });
    try {
      const health = await h.waitForHealth(START_TIMEOUT);
      assert.equal(health.status, 'ok');
      assert.doesNotMatch(h.stdout, /Creating the embedded PostgreSQL cluster/);
      assert.ok(!fs.existsSync(path.join(dataDir, 'postgres')), 'no postgres folder in the data folder');
      for (const file of ['postgres.port', 'postgres-password', 'postgres.log', 'harbour.lock'])
        assert.ok(!fs.existsSync(path.join(dataDir, file)), `no ${file}`);
      assert.deepEqual(postmasterPids(dataDir), []);

      // The demo went into the DATABASE_URL database.
      const seeded = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, query_timeout: 10_000 });
      await seeded.connect();
      try {
        const { rows } = await seeded.query<{ code: string }>('select code from agencies');
        assert.deepEqual(
          missing(
            DEMO_CODES,
            rows.map((r) => r.code),
          ),
          [],
        );
      } finally {
        await seeded.end();
      }
      assert.deepEqual(await h.stop(), { code: 0, signal: null }, h.output);
    } finally {
      await h.stop();
    }
    if (adminUrl) await admin((c) => c.query(`drop database ${database} with (force)`));
  });
});
