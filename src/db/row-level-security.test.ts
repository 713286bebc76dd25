import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { createTestApp, WebClient, type TestApp } from '../../test/support/app.js';
import { insertCase, insertPerson } from '../../test/support/people.js';
import { page } from '../platform/routes.js';
import { APP_ROLE } from './database.js';
import { withViewer, type DbViewer } from './viewer.js';

/**
 * The second wall (ADR 0003): PostgreSQL itself returns only what the viewer may see, even to a query with no
 * visibility rule of its own. Each query below deliberately leaves the repositories' rule out.
 */
describe('row-level security on people and cases', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const agencies: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let viewerSeen: { kind: string; agency: string }[] = [];

  const as = (agency: string, userId = '00000000-0000-4000-8000-000000000001'): DbViewer => ({
    kind: 'agency',
    partnershipId: t.partnershipId,
    agencyId: agencies[agency]!,
    userId,
  });
  const caseIds = (viewer: DbViewer) => withViewer(viewer, async () => (await db().selectFrom('cases').select('id').execute()).map((r) => r.id).sort());
  const personIds = (viewer: DbViewer) => withViewer(viewer, async () => (await db().selectFrom('people').select('id').execute()).map((r) => r.id).sort());
  const sorted = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

  before(async () => {
    t = await createTestApp({}, (app) => {
      // What the database was told about the viewer while a request's handler ran, for GET and POST alike.
      const seen = async () => {
        const { rows } = await sql<{ kind: string; agency: string }>`select current_setting('harbour.viewer_kind') as kind,
          current_setting('harbour.viewer_agency_id') as agency`.execute(app.db);
        viewerSeen.push(rows[0]!);
      };
      page(app, {
        method: 'GET',
        url: '/test/viewer',
        access: 'signed-in',
        audit: 'test.viewer',
        handler: async ({ request, reply }) => {
          await seen();
          return reply.type('text/html').send(`<input name="_csrf" value="${request.session?.csrfToken}">`);
        },
      });
      page(app, {
        method: 'POST',
        url: '/test/viewer',
        access: 'signed-in',
        audit: 'test.viewer',
        body: z.object({ note: z.string().max(10) }),
        handler: async ({ reply }) => {
          await seen();
          return reply.send('ok');
        },
      });
    });
    for (const a of await db().selectFrom('agencies').select(['id', 'code']).execute()) agencies[a.code] = a.id;
    const p = t.partnershipId;
    ids.victimA = await insertPerson(db(), p, { agency: 'POLICE', given: 'Ada', family: 'Arden' });
    ids.perpA = await insertPerson(db(), p, { agency: 'POLICE', given: 'Abe', family: 'Arden' });
    ids.victimB = await insertPerson(db(), p, { agency: 'HOUSING', given: 'Bea', family: 'Brook' });
    ids.loneA = await insertPerson(db(), p, { agency: 'POLICE', given: 'Cal', family: 'Cole' });
    ids.caseA = await insertCase(db(), p, 'POLICE', [
      { id: ids.victimA, role: 'victim' },
      { id: ids.perpA, role: 'perpetrator' },
    ]);
    ids.caseB = await insertCase(db(), p, 'HOUSING', [{ id: ids.victimB, role: 'victim' }]);
  });
  after(() => t.close());

  it('shows an agency its own records and nothing of another agency’s', async () => {
    assert.deepEqual(await caseIds(as('HOUSING')), [ids.caseB]);
    assert.deepEqual(await personIds(as('HOUSING')), [ids.victimB]);
    assert.deepEqual(await caseIds(as('POLICE')), [ids.caseA]);
    assert.deepEqual(await personIds(as('POLICE')), sorted('victimA', 'perpA', 'loneA'));
    const names = await withViewer(as('HOUSING'), () => db().selectFrom('person_names').select('person_id').execute());
    assert.deepEqual(
      names.map((n) => n.person_id),
      [ids.victimB],
    );
  });

  it('opens a case and its people, but not the agency’s other records, to an agency the case is shared with', async () => {
    await db()
      .insertInto('case_agencies')
      .values({ partnership_id: t.partnershipId, case_id: ids.caseA!, agency_id: agencies.IDVA!, added_by: null })
      .execute();
    assert.deepEqual(await caseIds(as('IDVA')), [ids.caseA]);
    assert.deepEqual(await personIds(as('IDVA')), sorted('victimA', 'perpA'));
    const people = await withViewer(as('IDVA'), () => db().selectFrom('case_people').select('person_id').execute());
    assert.equal(people.length, 2);
  });

  it('keeps access exact as sharing and case membership change: taking them away closes the records again', async () => {
    const lone = ids.loneA!;
    await db()
      .insertInto('case_people')
      .values({ partnership_id: t.partnershipId, case_id: ids.caseA!, person_id: lone, role: 'household_member', relationship: null, lives_with: null })
      .execute();
    assert.ok((await personIds(as('IDVA'))).includes(lone), 'added to a shared case: the IDVA service sees them');
    await db().deleteFrom('case_people').where('case_id', '=', ids.caseA!).where('person_id', '=', lone).execute();
    assert.ok(!(await personIds(as('IDVA'))).includes(lone), 'taken off it: hidden again');
    await db().deleteFrom('case_agencies').where('case_id', '=', ids.caseA!).where('agency_id', '=', agencies.IDVA!).execute();
    assert.deepEqual(await caseIds(as('IDVA')), []);
    assert.deepEqual(await personIds(as('IDVA')), []);
    await db()
      .insertInto('case_agencies')
      .values({ partnership_id: t.partnershipId, case_id: ids.caseA!, agency_id: agencies.IDVA!, added_by: null })
      .execute();
    await db().updateTable('cases').set({ owning_agency_id: agencies.HOUSING! }).where('id', '=', ids.caseB!).execute();
    await db().updateTable('people').set({ owning_agency_id: agencies.POLICE! }).where('id', '=', ids.victimB!).execute();
    assert.deepEqual(await personIds(as('HOUSING')), [ids.victimB], 'still seen through the case Housing owns');
    await db().updateTable('cases').set({ owning_agency_id: agencies.POLICE! }).where('id', '=', ids.caseB!).execute();
    assert.deepEqual(await caseIds(as('HOUSING')), [], 'a case handed to another agency leaves the old owner');
    assert.deepEqual(await personIds(as('HOUSING')), []);
    await db().updateTable('cases').set({ owning_agency_id: agencies.HOUSING! }).where('id', '=', ids.caseB!).execute();
    await db().updateTable('people').set({ owning_agency_id: agencies.HOUSING! }).where('id', '=', ids.victimB!).execute();
  });

  it('hides a record from a user or an agency on its "must not see" list, and shows them the entry that blocks them', async () => {
    const blocked = '00000000-0000-4000-8000-0000000000b1';
    const restriction = await db()
      .insertInto('restrictions')
      .values({ partnership_id: t.partnershipId, subject_type: 'case', subject_id: ids.caseA!, blocked_user_id: blocked, reason: 'Relative of the victim' })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.deepEqual(await caseIds(as('POLICE', blocked)), []);
    assert.deepEqual(await personIds(as('POLICE', blocked)), sorted('victimA', 'perpA', 'loneA'), 'people the agency owns stay visible');
    assert.deepEqual(await caseIds(as('POLICE')), [ids.caseA], 'a colleague still sees the case');
    const entries = await withViewer(as('POLICE', blocked), () => db().selectFrom('restrictions').select('id').execute());
    assert.deepEqual(
      entries.map((e) => e.id),
      [restriction.id],
    );
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'person',
        subject_id: ids.victimB!,
        blocked_agency_id: agencies.HOUSING,
        reason: 'Staff member',
      })
      .execute();
    assert.deepEqual(await personIds(as('HOUSING')), []);
    await db().updateTable('restrictions').set({ removed_at: new Date() }).where('partnership_id', '=', t.partnershipId).execute();
  });

  it('refuses to change or add to a record the viewer may not see', async () => {
    const updated = await withViewer(as('HOUSING'), () =>
      db().updateTable('people').set({ gp_practice: 'Changed' }).where('id', '=', ids.victimA!).executeTakeFirst(),
    );
    assert.equal(updated.numUpdatedRows, 0n);
    await assert.rejects(
      withViewer(as('HOUSING'), () =>
        db()
          .insertInto('case_people')
          .values({
            partnership_id: t.partnershipId,
            case_id: ids.caseA!,
            person_id: ids.victimB!,
            role: 'household_member',
            relationship: null,
            lives_with: null,
          })
          .execute(),
      ),
      /row-level security/,
    );
    await assert.rejects(
      withViewer(as('HOUSING'), () =>
        db()
          .insertInto('cases')
          .values({
            partnership_id: t.partnershipId,
            reference: 'RLS-1',
            owning_agency_id: agencies.POLICE!,
            opened_on: '2026-01-01',
            closed_on: null,
            created_by: null,
          })
          .execute(),
      ),
      /row-level security/,
      'an agency cannot create a case in another agency’s name',
    );
  });

  it('shows a subject access export the whole partnership, and nothing to someone without personal-data access', async () => {
    const partnership: DbViewer = {
      kind: 'partnership',
      partnershipId: t.partnershipId,
      agencyId: agencies.COUNCIL!,
      userId: '00000000-0000-4000-8000-000000000002',
    };
    assert.deepEqual(await caseIds(partnership), [ids.caseA, ids.caseB].sort());
    assert.deepEqual(await caseIds({ kind: 'none' }), []);
    assert.deepEqual(await personIds({ kind: 'none' }), []);
  });

  it('shows nothing on a connection that was never told who is reading', async () => {
    const client = new pg.Client({ connectionString: t.database.connectionString });
    await client.connect();
    try {
      await client.query(`set role ${APP_ROLE}`);
      const people = await client.query('select count(*)::int as n from people');
      const cases = await client.query('select count(*)::int as n from cases');
      assert.deepEqual([people.rows[0].n, cases.rows[0].n], [0, 0]);
    } finally {
      await client.end();
    }
  });

  it('tells the database who is reading during every request, after a form body too', async () => {
    viewerSeen = [];
    const anonymous = new WebClient(t.app);
    await anonymous.get('/test/viewer');
    const practitioner = new WebClient(t.app);
    await practitioner.signIn('practitioner@demo.harbour.example');
    const form = await practitioner.get('/test/viewer');
    const posted = await practitioner.post('/test/viewer', { note: 'hello' }, form.body);
    assert.equal(posted.body, 'ok');
    const analyst = new WebClient(t.app);
    await analyst.signIn('analyst@demo.harbour.example');
    await analyst.get('/test/viewer');
    assert.equal(form.statusCode, 200);
    assert.deepEqual(viewerSeen, [
      { kind: 'agency', agency: agencies.CSC },
      { kind: 'agency', agency: agencies.CSC },
      { kind: 'none', agency: '' },
    ]);
  });
});
