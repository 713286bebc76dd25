import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { canonicalJson, chainHash, GENESIS_HASH, recordAudit, verifyAuditChain, type ChainedFields } from './audit.js';

describe('canonical JSON and the hash chain', () => {
  it('sorts keys at every depth and drops undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: undefined } }), '{"a":{"d":[2,{"y":null,"z":1}]},"b":1}');
  });

  it('hashes the row together with the previous hash', () => {
    const fields: ChainedFields = {
      seq: 1,
      occurredAt: '2026-11-23T10:00:00.000Z',
      partnershipId: null,
      userId: null,
      agencyId: null,
      apiTokenId: null,
      action: 'sign-in.password',
      outcome: 'failure',
      subjectType: null,
      subjectId: null,
      requestId: 'r1',
      ip: '127.0.0.1',
      details: { reason: 'unknown_email' },
    };
    const first = chainHash(fields, GENESIS_HASH);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.notEqual(chainHash(fields, 'f'.repeat(64)), first, 'a different predecessor gives a different hash');
    assert.notEqual(chainHash({ ...fields, outcome: 'success' }, GENESIS_HASH), first, 'any field change shows');
  });
});

describe('the audit log in PostgreSQL', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('chains events written concurrently without gaps or forks', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => recordAudit(database.db, { action: 'test.event', outcome: 'success', details: { i, nested: { b: 2, a: 1 } } })),
    );
    const result = await verifyAuditChain(database.db, 7);
    assert.deepEqual(result, { ok: true, checked: 40 });
  });

  it('cannot be changed or deleted by the application role', async () => {
    await assert.rejects(sql`update audit_events set action = 'tampered' where seq = 1`.execute(database.db), /permission denied for table audit_events/);
    await assert.rejects(sql`delete from audit_events where seq = 1`.execute(database.db), /permission denied for table audit_events/);
  });

  it('refuses changes by the table owner too, through its trigger', async () => {
    const owner = new pg.Client({ connectionString: database.connectionString });
    await owner.connect();
    try {
      await assert.rejects(owner.query(`update audit_events set action = 'tampered' where seq = 1`), /append-only: UPDATE refused/);
      await assert.rejects(owner.query(`delete from audit_events where seq = 2`), /append-only: DELETE refused/);
      await assert.rejects(owner.query(`truncate audit_events`), /append-only: TRUNCATE refused/);
    } finally {
      await owner.end();
    }
  });

  it('reports the first broken link when someone with full control edits a row', async () => {
    const owner = new pg.Client({ connectionString: database.connectionString });
    await owner.connect();
    try {
      await owner.query('alter table audit_events disable trigger audit_events_no_update_delete');
      await owner.query(`update audit_events set details = '{"i": 999}' where seq = 17`);
      await owner.query('alter table audit_events enable trigger audit_events_no_update_delete');
    } finally {
      await owner.end();
    }
    const result = await verifyAuditChain(database.db, 5);
    assert.deepEqual(result, { ok: false, checked: 16, brokenAt: 17, reason: 'hash does not match the row contents' });
  });

  it('reports a deleted row as a gap', async () => {
    const fresh = await createTestDatabase();
    try {
      for (let i = 0; i < 5; i++) await recordAudit(fresh.db, { action: 'test.event', outcome: 'success' });
      const owner = new pg.Client({ connectionString: fresh.connectionString });
      await owner.connect();
      await owner.query('alter table audit_events disable trigger audit_events_no_update_delete');
      await owner.query('delete from audit_events where seq = 3');
      await owner.end();
      const result = await verifyAuditChain(fresh.db);
      assert.deepEqual(result, { ok: false, checked: 2, brokenAt: 3, reason: 'row 3 is missing' });
    } finally {
      await fresh.drop();
    }
  });
});
