import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { apiTestApp } from './people.api.test-support.js';

/** record_history names the API token that made a change (changed_by_token_id), beside the user (changed_by). */
describe('record_history for changes made through the API', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['*'] },
    otherPolice: { agency: 'POLICE', scopes: ['*'] },
  });
  const { tokens, call, ok, db } = api;

  type HistoryRow = { table_name: string; operation: string; changed_by: string | null; changed_by_token_id: string | null };
  const history = async (executor: DbOrTx, recordId: string) =>
    (
      await sql<HistoryRow>`select table_name, operation, changed_by, changed_by_token_id from record_history
        where record_id = ${recordId} order by id`.execute(executor)
    ).rows;
  const setting = (name: string, value: string) => sql`select set_config(${name}, ${value}, true)`;

  it('the trigger records the token of harbour.api_token_id, only within the transaction that set it', async () => {
    const personId = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Nell', family: 'Varga' });
    const touch = sql`update people set version = version + 1 where id = ${personId}`;
    await db()
      .connection()
      .execute(async (connection) => {
        await connection.transaction().execute(async (trx) => {
          await setting('harbour.api_token_id', tokens.police.id).execute(trx);
          await touch.execute(trx);
        });
        // The same connection, a new transaction that sets nothing: the token is not carried over.
        await connection.transaction().execute(async (trx) => touch.execute(trx));
        await connection.transaction().execute(async (trx) => {
          await setting('harbour.api_token_id', '').execute(trx);
          await touch.execute(trx);
        });
      });
    assert.deepEqual(
      (await history(db(), personId)).map((h) => h.changed_by_token_id),
      [tokens.police.id, null, null],
    );
    // Only a real token: a setting naming none refuses the change rather than keep a history that names nobody.
    await assert.rejects(
      db()
        .transaction()
        .execute(async (trx) => {
          await setting('harbour.api_token_id', '5f0c2f4e-0b7e-4a38-9d61-0c2a1e6b9f00').execute(trx);
          await touch.execute(trx);
        }),
      /record_history_token_fk/,
    );
  });

  it('a change through the API names its token in the history of the person, their contacts and the case', async () => {
    const created = ok(await call('POST', '/api/v1/people', tokens.police.token, { givenName: 'Ivo', familyName: 'Marsh' }), 201);
    const personId = created.id as string;
    ok(await call('PATCH', `/api/v1/people/${personId}`, tokens.otherPolice.token, { version: 1, codeWord: 'Heron' }));
    const withPhone = ok(
      await call('POST', `/api/v1/people/${personId}/contacts`, tokens.police.token, { version: 2, kind: 'phone', value: '07700 900123' }),
      201,
    );
    const contactId = withPhone.contacts[0].id as string;
    ok(await call('DELETE', `/api/v1/people/${personId}/contacts/${contactId}?version=${withPhone.version}`, tokens.otherPolice.token));

    const people = await history(db(), personId);
    assert.deepEqual(
      people.map((h) => [h.table_name, h.changed_by_token_id]),
      [
        ['people', tokens.otherPolice.id],
        ['people', tokens.police.id],
        ['people', tokens.otherPolice.id],
      ],
    );
    assert.deepEqual(await history(db(), contactId), [
      { table_name: 'person_contacts', operation: 'DELETE', changed_by: people[0]!.changed_by, changed_by_token_id: tokens.otherPolice.id },
    ]);

    const victim = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Tess', family: 'Orme' });
    const caseId = await insertCase(db(), api.partnershipId(), 'POLICE', [{ id: victim, role: 'victim' }]);
    ok(await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 1, flags: ['stalking'] }));
    assert.deepEqual(
      (await history(db(), caseId)).map((h) => [h.table_name, h.changed_by_token_id]),
      [['cases', tokens.police.id]],
    );
  });
});
