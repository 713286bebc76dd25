import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, ownerClient, type TestDatabase } from '../../test/support/database.js';
import { canonicalJson, chainHash, GENESIS_HASH, recordAudit, verifyAuditChain, type ChainedFields } from './audit.js';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);

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

  describe('without a lock held to commit (ADR 0004)', () => {
    let fresh: TestDatabase;
    before(async () => {
      fresh = await createTestDatabase();
    });
    after(() => fresh.drop());

    const chain = () => fresh.db.selectFrom('audit_events').select(['seq', 'action']).orderBy('seq').execute();
    const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from audit_pending`.execute(fresh.db)).rows[0]!.n);

    it('has the event chained by the time its transaction has committed', async () => {
      await fresh.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { action: 'test.one', outcome: 'success' });
        const inside = await trx.selectFrom('audit_events').select('seq').execute();
        assert.equal(inside.length, 0, 'not chained before the commit');
      });
      assert.deepEqual(await chain(), [{ seq: 1, action: 'test.one' }]);
      assert.equal(await waiting(), 0);
    });

    it('lets two transactions record while both are open, and chains both', async () => {
      let aRecorded!: () => void;
      let bRecorded!: () => void;
      const afterA = new Promise<void>((resolve) => (aRecorded = resolve));
      const afterB = new Promise<void>((resolve) => (bRecorded = resolve));
      // A records, then stays open until B has recorded too: with a chain lock held to commit, B would wait for A
      // and A for B.
      const a = fresh.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { action: 'test.a', outcome: 'success' });
        aRecorded();
        await afterB;
      });
      const b = fresh.db.transaction().execute(async (trx) => {
        await afterA;
        await recordAudit(trx, { action: 'test.b', outcome: 'success' });
        bRecorded();
      });
      await within(5000, Promise.all([a, b]));
      assert.deepEqual(
        (await chain()).map((e) => e.action),
        ['test.one', 'test.a', 'test.b'],
      );
      assert.deepEqual(await verifyAuditChain(fresh.db), { ok: true, checked: 3 });
    });

    it('leaves no gap when a transaction that recorded an event rolls back', async () => {
      await assert.rejects(
        fresh.db.transaction().execute(async (trx) => {
          await recordAudit(trx, { action: 'test.rolled-back', outcome: 'success' });
          throw new Error('refused');
        }),
        /refused/,
      );
      await recordAudit(fresh.db, { action: 'test.after', outcome: 'success' });
      assert.deepEqual((await chain()).slice(-1), [{ seq: 4, action: 'test.after' }]);
      assert.equal(await waiting(), 0);
      assert.deepEqual(await verifyAuditChain(fresh.db), { ok: true, checked: 4 });
    });

    it('chains many overlapping transactions with no gaps or forks', async () => {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fresh.db.transaction().execute(async (trx) => {
            await recordAudit(trx, { action: 'test.load', outcome: 'success', details: { i } });
            await sql`select pg_sleep(${(i % 3) / 100})`.execute(trx);
          }),
        ),
      );
      assert.equal(await waiting(), 0);
      assert.deepEqual(await verifyAuditChain(fresh.db, 7), { ok: true, checked: 34 });
    });

    it('chains, on verify, events a crash left waiting after their commit', async () => {
      const owner = ownerClient(fresh.connectionString);
      await owner.connect();
      try {
        await owner.query(`insert into audit_pending (occurred_at, action, outcome, details) values (now(), 'test.left', 'success', '{"a": 1}')`);
      } finally {
        await owner.end();
      }
      assert.deepEqual(await verifyAuditChain(fresh.db), { ok: true, checked: 35 });
      assert.deepEqual((await chain()).slice(-1), [{ seq: 35, action: 'test.left' }]);
      assert.equal(await waiting(), 0);
    });

    it('does not let the application role change an event waiting to be chained', async () => {
      await assert.rejects(sql`update audit_pending set action = 'tampered'`.execute(fresh.db), /permission denied for table audit_pending/);
    });
  });
});
