import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { statementName } from './database.js';

describe('prepared statements', () => {
  it('names a parameterised statement by its text, the same on every connection', () => {
    const name = statementName('select * from people where id = $1', ['x']);
    assert.match(name ?? '', /^h_[0-9a-f]{24}$/);
    assert.equal(statementName('select * from people where id = $1', ['y']), name);
    assert.notEqual(statementName('select * from cases where id = $1', ['x']), name);
  });

  it('sends unnamed what would not be reused: no parameters, long in-lists, bulk values', () => {
    assert.equal(statementName('commit', []), undefined);
    assert.equal(statementName('select 1', undefined), undefined);
    assert.equal(statementName('select * from people where id in ($1, $2, $3, $4)', ['a', 'b', 'c', 'd']), undefined);
    assert.ok(statementName('select * from people where id in ($1, $2)', ['a', 'b']));
    const many = Array.from({ length: 65 }, (_, i) => `$${i + 1}`).join(', ');
    assert.equal(
      statementName(
        `select array[${many}]`,
        Array.from({ length: 65 }, () => 1),
      ),
      undefined,
    );
  });

  describe('on a connection', () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase();
    });
    after(() => database.drop());

    it('prepares each statement once and keeps at most 200, still answering those it let go', async () => {
      await database.db.connection().execute(async (connection) => {
        const run = (i: number) => sql<{ n: number }>`select ${i}::int + ${'0'}::int as n, ${String(i)} as tag`.execute(connection);
        const distinct = (i: number) => sql.raw(`select $1::int + ${i} as n`);
        for (let i = 0; i < 3; i++) assert.equal((await run(7)).rows[0]!.n, 7);
        for (let i = 0; i < 250; i++) {
          const { rows } = await connection.executeQuery<{ n: number }>({ ...distinct(i).compile(connection), parameters: [1] });
          assert.equal(rows[0]!.n, 1 + i);
        }
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where name like 'h\\_%'`.execute(connection);
        assert.ok(rows[0]!.n <= 200, `${rows[0]!.n} statements kept`);
        assert.ok(rows[0]!.n >= 150, `${rows[0]!.n} statements kept`);
        // The first ones were let go (least recently used): they are prepared again when sent again.
        for (let i = 0; i < 5; i++) {
          const { rows: again } = await connection.executeQuery<{ n: number }>({ ...distinct(i).compile(connection), parameters: [2] });
          assert.equal(again[0]!.n, 2 + i);
        }
      });
    });
  });
});
