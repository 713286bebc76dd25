import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.js';

export type TestDatabase = DatabaseHandle & { connectionString: string; drop(): Promise<void> };

function adminUrl(): string {
  const url = process.env.HARBOUR_TEST_ADMIN_URL;
  if (!url) throw new Error('Run tests with `npm test`: it starts PostgreSQL and sets HARBOUR_TEST_ADMIN_URL');
  return url;
}

/** A fresh, migrated database for one test file: a copy of the template that `npm test` prepared. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `harbour_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${process.env.HARBOUR_TEST_TEMPLATE ?? 'harbour_test_template'}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  const handle = createDatabase(connectionString, 5);
  return {
    ...handle,
    connectionString,
    async drop() {
      await handle.close();
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A connection as the owning role (not the restricted app role), for tests that prove what the app role cannot do. */
export function ownerClient(connectionString: string): pg.Client {
  return new pg.Client({ connectionString });
}
