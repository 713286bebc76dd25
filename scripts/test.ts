/**
 * `npm test`: every test against a real PostgreSQL server, then exit with the runner's code.
 * With DATABASE_URL set, that server is used (it must allow CREATE DATABASE); otherwise an embedded one
 * is started in a temporary folder. A template database is migrated once; each test file copies it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { buildStylesheet } from '../src/platform/assets.js';

const TEMPLATE = 'harbour_test_template';
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
/** `npm test -- some/file.test.ts other` runs only the test files whose path contains one of these. */
const filters = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--only');

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function prepareTemplate(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Leftovers from an interrupted run.
    const stale = await client.query<{ datname: string }>("select datname from pg_database where datname like 'harbour_test_%'");
    for (const row of stale.rows) await client.query(`drop database if exists "${row.datname}" with (force)`);
    await client.query(`create database ${TEMPLATE}`);
  } finally {
    await client.end();
  }
  await migrateToLatest(withDatabase(adminUrl, TEMPLATE));
}

async function main(): Promise<number> {
  buildStylesheet();
  const files = [...(only === 'e2e' ? [] : findTests('src')), ...(only === 'unit' ? [] : findTests('test'))]
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
    .sort();
  let embedded: EmbeddedServer | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    adminUrl = withDatabase(adminUrl, 'postgres');
    console.log('Tests use the PostgreSQL server at DATABASE_URL.');
  } else {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-test-'));
    fs.chmodSync(tempDir, 0o755);
    // Durability is not under test here, so trade it for speed; the server is otherwise the real one.
    embedded = await startEmbeddedPostgres({
      dataDir: tempDir,
      log: () => undefined,
      serverFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    });
    adminUrl = embedded.adminConnectionString;
    console.log('Tests use an embedded PostgreSQL server.');
  }
  try {
    await prepareTemplate(adminUrl);
    const code = await new Promise<number>((resolve) => {
      // Interrupted (Ctrl-C, CI timeout): stop the test runner, then fall through to stop PostgreSQL.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
        stdio: 'inherit',
        env: { ...process.env, HARBOUR_TEST_ADMIN_URL: adminUrl, HARBOUR_TEST_TEMPLATE: TEMPLATE, DATABASE_URL: '', NODE_ENV: 'test' },
      });
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    return code;
  } finally {
    await embedded?.stop();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
