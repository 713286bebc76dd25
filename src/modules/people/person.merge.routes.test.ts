import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { asForm, hiddenFields } from './person.test-support.js';

describe('merging two records of one person', () => {
  let t: TestApp;
  let coordinator: WebClient;
  let practitioner: WebClient;
  let idva: WebClient;
  let coordinatorId: string;
  // S stays; M is merged into it. X and Y share a case; H is the police's, not the coordinator's to see.
  let S: string, M: string, X: string, Y: string, H: string;
  let mergedCase: string, sharedCaseRef: string;
  const db = () => t.database.db;
  const lastSeq = async () => Number((await db().selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq);
  const auditSince = (seq: number, action: string) =>
    db()
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'subject_id', 'details'])
      .where('seq', '>', seq)
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  /** Every row that belongs to these people, as stored. */
  async function snapshot(ids: string[]) {
    const people = await db().selectFrom('people').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return {
      // The version and its time move on with every change, a merge and its undoing included: bookkeeping, not the record.
      people: people.map(({ version: _v, updated_at: _u, ...row }) => row),
      names: await db().selectFrom('person_names').selectAll().where('person_id', 'in', ids).orderBy('id').execute(),
      addresses: await db().selectFrom('person_addresses').selectAll().where('person_id', 'in', ids).orderBy('id').execute(),
      contacts: await db().selectFrom('person_contacts').selectAll().where('person_id', 'in', ids).orderBy('id').execute(),
      cases: await db().selectFrom('case_people').selectAll().where('person_id', 'in', ids).orderBy('case_id').execute(),
      restrictions: await db().selectFrom('restrictions').selectAll().where('subject_id', 'in', ids).orderBy('id').execute(),
    };
  }

  /** Opens the preview and confirms the merge, as the coordinator would. */
  async function merge(survivor: string, merged: string) {
    const url = `/people/${survivor}/merge/${merged}`;
    const preview = await coordinator.get(url);
    assert.equal(preview.statusCode, 200);
    return coordinator.post(url, asForm(hiddenFields(preview.body, url)));
  }

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    [coordinator, practitioner, idva] = [new WebClient(t.app, '10.8.0.1'), new WebClient(t.app, '10.8.0.2'), new WebClient(t.app, '10.8.0.3')];
    await coordinator.signIn('coordinator@demo.harbour.example');
    await practitioner.signIn('practitioner@demo.harbour.example');
    await idva.signIn('idva@demo.harbour.example');
    const users = await db().selectFrom('users').select(['id', 'email']).execute();
    const userId = (email: string) => users.find((u) => u.email === email)!.id;
    coordinatorId = userId('coordinator@demo.harbour.example');

    S = await insertPerson(db(), pid, {
      agency: 'COUNCIL',
      given: 'Siobhan',
      family: 'Gallagher',
      dob: '1990-02-14',
      phone: '07700 900555',
      postcode: 'EV3 4QT',
    });
    M = await insertPerson(db(), pid, {
      agency: 'COUNCIL',
      given: 'Shivaun',
      family: 'Galagher',
      dob: '1990-02-14',
      aliases: [
        { given: 'Shivaun', family: 'Byrne', kind: 'previous' },
        { given: 'Siobhan', family: 'Gallagher', kind: 'alternative_spelling' },
      ],
      phone: '07700 900111',
      postcode: 'EV1 1AA',
    });
    const council = await db().selectFrom('agencies').select('id').where('code', '=', 'COUNCIL').executeTakeFirstOrThrow();
    await db()
      .insertInto('person_addresses')
      .values({
        partnership_id: pid,
        person_id: M,
        line1: '2 Old Road',
        line2: null,
        town: 'Eastvale',
        postcode: null,
        postcode_key: null,
        is_current: false,
        recorded_by_agency_id: council.id,
        from_date: null,
        to_date: null,
      })
      .execute();
    // The practitioner sees S through a case shared with their agency, and must not see M.
    await insertCase(db(), pid, 'COUNCIL', [{ id: S, role: 'victim' }], ['CSC']);
    mergedCase = await insertCase(db(), pid, 'COUNCIL', [{ id: M, role: 'victim' }]);
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: pid,
        subject_type: 'person',
        subject_id: M,
        blocked_user_id: userId('practitioner@demo.harbour.example'),
        blocked_agency_id: null,
        reason: 'Related to the victim',
        created_by: coordinatorId,
      })
      .execute();

    X = await insertPerson(db(), pid, { agency: 'COUNCIL', given: 'Ava', family: 'Price', dob: '1988-07-01' });
    Y = await insertPerson(db(), pid, { agency: 'COUNCIL', given: 'Ava', family: 'Pryce', dob: '1988-07-01' });
    const shared = await insertCase(db(), pid, 'COUNCIL', [{ id: X, role: 'victim' }]);
    await db()
      .insertInto('case_people')
      .values({ partnership_id: pid, case_id: shared, person_id: Y, role: 'household_member', relationship: null, lives_with: null })
      .execute();
    sharedCaseRef = (await db().selectFrom('cases').select('reference').where('id', '=', shared).executeTakeFirstOrThrow()).reference;
    H = await insertPerson(db(), pid, { agency: 'POLICE', given: 'Siobhan', family: 'Gallagher', dob: '1990-02-14' });
  });
  after(() => t.close());

  it('is for coordinators only', async () => {
    const page = await practitioner.get(`/people/${S}`);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes(`/people/${S}/merge`), 'no way in for a practitioner');
    for (const url of [`/people/${S}/merge`, `/people/${S}/merge/${M}`]) assert.equal((await practitioner.get(url)).statusCode, 403, url);
    assert.equal((await practitioner.post(`/people/${S}/merge/${M}`, { survivorVersion: '1', mergedVersion: '1' }, page.body)).statusCode, 403);
    assert.equal((await practitioner.post(`/people/${M}/unmerge`, {}, page.body)).statusCode, 403);
    assert.ok((await coordinator.get(`/people/${S}`)).body.includes(`href="/people/${S}/merge"`), 'the coordinator has the link');
  });

  it('offers likely duplicates of the record, and finds others by name', async () => {
    const page = await coordinator.get(`/people/${S}/merge`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`href="/people/${S}/merge/${M}"`), 'the likely duplicate is offered');
    assert.ok(!page.body.includes(`/merge/${S}"`) && !page.body.includes(H), 'not itself, nor a record the coordinator may not see');
    const found = await coordinator.get(`/people/${S}/merge?name=Ava+Price`);
    assert.ok(found.body.includes(`href="/people/${S}/merge/${X}"`));
  });

  it('shows both records side by side, and what the merge will move', async () => {
    const seq = await lastSeq();
    const page = await coordinator.get(`/people/${S}/merge/${M}`);
    assert.equal(page.statusCode, 200);
    const reference = (await db().selectFrom('cases').select('reference').where('id', '=', mergedCase).executeTakeFirstOrThrow()).reference;
    for (const text of [
      'Record to keep: Siobhan Gallagher',
      'Record to merge into it: Shivaun Galagher',
      'Shivaun Galagher (as a previous name), Shivaun Byrne (Previous name)',
      'already on the record and are not added again: Siobhan Gallagher',
      'Addresses that move to the record: 2',
      'Phone numbers and email addresses that move to the record: 1',
      `${reference} (Victim)`,
      'Merge these records',
    ]) {
      assert.ok(page.body.includes(text), `the preview shows ${text}`);
    }
    assert.deepEqual(
      (await auditSince(seq, 'person.merge.preview')).map((a) => [a.subject_id, a.details]),
      [[S, { method: 'GET', path: '/people/:id/merge/:otherId', status: 200, mergedId: M, refused: false }]],
    );
    assert.equal((await coordinator.get(`/people/${S}/merge/${H}`)).statusCode, 404, 'a record the coordinator may not see is not found');
    assert.equal((await coordinator.get(`/people/${S}/merge/${S}`)).statusCode, 400);
  });

  it('refuses to merge two people who are on one case, rather than put one person on it twice', async () => {
    const url = `/people/${X}/merge/${Y}`;
    const preview = await coordinator.get(url);
    assert.ok(preview.body.includes(`both people are on case ${sharedCaseRef}`));
    assert.ok(!preview.body.includes('Merge these records'), 'no button to merge');
    const seq = await lastSeq();
    const refused = await coordinator.post(url, { survivorVersion: '1', mergedVersion: '1' }, preview.body);
    assert.equal(refused.headers.location, url);
    assert.match(errorSummary((await coordinator.get(url)).body).join(), new RegExp(`both people are on case ${sharedCaseRef}`));
    const y = await db().selectFrom('people').select('merged_into_id').where('id', '=', Y).executeTakeFirstOrThrow();
    assert.equal(y.merged_into_id, null);
    const audit = await auditSince(seq, 'person.merge');
    assert.deepEqual(
      audit.map((a) => [a.outcome, (a.details as { error?: string }).error]),
      [['failure', 'merge_shared_case']],
    );
  });

  it('refuses a merge when either record changed after the preview', async () => {
    const url = `/people/${S}/merge/${M}`;
    const preview = await coordinator.get(url);
    await db()
      .updateTable('people')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', M)
      .execute();
    const refused = await coordinator.post(url, asForm(hiddenFields(preview.body, url)));
    assert.equal(refused.headers.location, url);
    assert.match(errorSummary((await coordinator.get(url)).body).join(), /changed after you checked them/);
  });

  let beforeMerge: Awaited<ReturnType<typeof snapshot>>;

  it('merges: names, addresses, contacts, cases and "must not see" entries move to the record kept', async () => {
    // Each record has safe-contact rules of its own: the kept record ends with the more protective of each.
    await db().updateTable('people').set({ voicemail_allowed: 'no', do_not_write_home: true, code_word: 'Kestrel' }).where('id', '=', M).execute();
    await db().updateTable('people').set({ voicemail_allowed: 'yes', do_not_write_home: false, code_word: null }).where('id', '=', S).execute();
    beforeMerge = await snapshot([S, M]);
    assert.equal((await practitioner.get(`/people/${S}`)).statusCode, 200, 'the practitioner sees S before the merge');
    const seq = await lastSeq();
    const merged = await merge(S, M);
    assert.equal(merged.statusCode, 303);
    assert.equal(merged.headers.location, `/people/${S}`);

    const m = await db().selectFrom('people').select(['merged_into_id', 'merged_at']).where('id', '=', M).executeTakeFirstOrThrow();
    assert.equal(m.merged_into_id, S);
    const kept = await db().selectFrom('people').select(['voicemail_allowed', 'do_not_write_home', 'code_word']).where('id', '=', S).executeTakeFirstOrThrow();
    assert.deepEqual(kept, { voicemail_allowed: 'no', do_not_write_home: true, code_word: 'Kestrel' });
    assert.ok(m.merged_at);
    const names = await db()
      .selectFrom('person_names')
      .select(['person_id', 'kind', 'given_name', 'family_name', 'is_primary'])
      .where('person_id', 'in', [S, M])
      .orderBy('person_id')
      .orderBy('family_name')
      .execute();
    const describe = (n: (typeof names)[number]) => `${n.person_id === S ? 'S' : 'M'} ${n.kind}${n.is_primary ? '*' : ''}: ${n.given_name} ${n.family_name}`;
    assert.deepEqual(names.map(describe).sort(), [
      'M alternative_spelling: Siobhan Gallagher',
      'S legal*: Siobhan Gallagher',
      'S previous: Shivaun Byrne',
      'S previous: Shivaun Galagher',
    ]);
    const addresses = await db().selectFrom('person_addresses').select(['person_id', 'postcode', 'is_current']).where('person_id', 'in', [S, M]).execute();
    assert.deepEqual(
      addresses.map((a) => `${a.person_id === S ? 'S' : 'M'} ${a.postcode ?? '-'}${a.is_current ? ' current' : ''}`).sort(),
      ['S -', 'S EV1 1AA', 'S EV3 4QT current'],
      'M’s addresses move; S’s current address stays the only current one',
    );
    const contacts = await db().selectFrom('person_contacts').select('person_id').where('person_id', 'in', [S, M]).execute();
    assert.deepEqual(
      contacts.map((c) => c.person_id),
      [S, S],
    );
    const onCase = await db().selectFrom('case_people').select('person_id').where('case_id', '=', mergedCase).executeTakeFirstOrThrow();
    assert.equal(onCase.person_id, S);

    const record = await db().selectFrom('person_merges').selectAll().where('merged_id', '=', M).executeTakeFirstOrThrow();
    const { safe_contact: safeContact, ...moved } = record.moved as Record<string, unknown[]> & { safe_contact: { before: { code_word: string | null } } };
    assert.equal(safeContact.before.code_word, null, 'the kept record’s own rules are kept, for undoing');
    assert.deepEqual(Object.fromEntries(Object.entries(moved).map(([table, rows]) => [table, rows.length])), {
      person_names: 2,
      person_addresses: 2,
      person_contacts: 1,
      case_people: 1,
      restrictions: 1,
    });
    assert.deepEqual([record.survivor_id, record.merged_by, record.reversed_at], [S, coordinatorId, null]);
    const audit = await auditSince(seq, 'person.merge');
    assert.deepEqual(
      audit.map((a) => [a.outcome, a.subject_id, a.details]),
      [
        [
          'success',
          S,
          {
            survivorId: S,
            mergedId: M,
            mergeId: record.id,
            moved: { person_names: 2, person_addresses: 2, person_contacts: 1, case_people: 1, restrictions: 1 },
            namesKept: 1,
          },
        ],
      ],
    );

    const page = await coordinator.get(`/people/${S}`);
    for (const text of ['Records merged into', 'Shivaun Byrne (Previous name)', `href="/people/${M}"`, 'Records merged'])
      assert.ok(page.body.includes(text), text);
    assert.equal((await practitioner.get(`/people/${S}`)).statusCode, 404, 'M’s “must not see” entry now keeps the practitioner from S');
    const search = await coordinator.get('/people/search?name=Shivaun+Galagher');
    assert.ok(search.body.includes(`/people/${S}"`) && !search.body.includes(`/people/${M}"`), 'search finds the kept record only');
  });

  it('answers at the merged record’s address with where it went, for those who may see that record', async () => {
    const seq = await lastSeq();
    const page = await coordinator.get(`/people/${M}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`This record was merged into <a class="govuk-link" href="/people/${S}">Siobhan Gallagher</a>`));
    assert.ok(page.body.includes('Undo the merge'));
    const audit = await auditSince(seq, 'person.view');
    assert.deepEqual(
      audit.map((a) => [a.subject_id, (a.details as { mergedInto?: string }).mergedInto]),
      [[M, S]],
    );
    assert.equal((await idva.get(`/people/${M}`)).statusCode, 404, 'not for someone who may not see S');
    assert.equal((await practitioner.get(`/people/${M}`)).statusCode, 404, 'nor for someone on the “must not see” list');
  });

  it('undoes the merge, restoring both records exactly', async () => {
    const page = await coordinator.get(`/people/${M}`);
    const seq = await lastSeq();
    const undone = await coordinator.post(`/people/${M}/unmerge`, asForm(hiddenFields(page.body, `/people/${M}/unmerge`)));
    assert.equal(undone.statusCode, 303);
    assert.equal(undone.headers.location, `/people/${M}`);
    assert.deepEqual(await snapshot([S, M]), beforeMerge, 'every row as it was before the merge');
    const record = await db().selectFrom('person_merges').select(['reversed_at', 'reversed_by']).where('merged_id', '=', M).executeTakeFirstOrThrow();
    assert.ok(record.reversed_at);
    assert.equal(record.reversed_by, coordinatorId);
    const audit = await auditSince(seq, 'person.unmerge');
    assert.deepEqual(
      audit.map((a) => [a.outcome, a.subject_id, (a.details as { survivorId: string }).survivorId, (a.details as { notRestored: object }).notRestored]),
      [['success', M, S, {}]],
    );
    const restored = await coordinator.get(`/people/${M}`);
    assert.ok(restored.body.includes('Merge undone') && restored.body.includes('Shivaun Galagher'));
    assert.equal((await practitioner.get(`/people/${S}`)).statusCode, 200, 'the “must not see” entry is back on M only');
  });

  it('undoes a merge after the kept record was changed: names written again, removed details stay removed', async () => {
    assert.equal((await merge(S, M)).statusCode, 303);
    const moved = (await db().selectFrom('person_merges').select('moved').where('merged_id', '=', M).where('reversed_at', 'is', null).executeTakeFirstOrThrow())
      .moved as { person_names: { id: string }[]; person_contacts: { id: string }[] };
    // What saving S's edit form does to names (replaces them all), and removing the phone number that came from M.
    await db().deleteFrom('person_names').where('person_id', '=', S).where('is_primary', '=', false).execute();
    await sql`insert into person_names (partnership_id, person_id, kind, given_name, family_name, given_key, family_key, given_metaphone, family_metaphone)
      values (${t.partnershipId}, ${S}, 'previous', 'Shivaun', 'Byrne', 'shivaun', 'byrne', dmetaphone('shivaun'), dmetaphone('byrne'))`.execute(db());
    await db().deleteFrom('person_contacts').where('id', '=', moved.person_contacts[0]!.id).execute();

    const page = await coordinator.get(`/people/${M}`);
    const seq = await lastSeq();
    const undone = await coordinator.post(`/people/${M}/unmerge`, asForm(hiddenFields(page.body, `/people/${M}/unmerge`)));
    assert.equal(undone.headers.location, `/people/${M}`);
    const names = await db().selectFrom('person_names').select(['id', 'kind', 'given_name', 'family_name', 'is_primary']).where('person_id', '=', M).execute();
    assert.deepEqual(names.map((n) => `${n.kind}${n.is_primary ? '*' : ''}: ${n.given_name} ${n.family_name}`).sort(), [
      'alternative_spelling: Siobhan Gallagher',
      'legal*: Shivaun Galagher',
      'previous: Shivaun Byrne',
    ]);
    assert.deepEqual(
      names
        .filter((n) => n.kind !== 'alternative_spelling')
        .map((n) => n.id)
        .sort(),
      moved.person_names.map((n) => n.id).sort(),
      'with the ids they had',
    );
    assert.ok((await coordinator.get(`/people/${M}`)).body.includes('Details removed after the merge stay removed: 1.'));
    const [audit] = await auditSince(seq, 'person.unmerge');
    assert.deepEqual((audit!.details as { notRestored: object }).notRestored, { person_contacts: 1 });
    assert.equal((audit!.details as { namesWrittenAgain: number }).namesWrittenAgain, 2);
  });

  it('refuses to undo a merge more than 30 days old, and says so', async () => {
    assert.equal((await merge(S, M)).statusCode, 303);
    await sql`update person_merges set merged_at = now() - interval '31 days' where merged_id = ${M} and reversed_at is null`.execute(db());
    await sql`update people set merged_at = now() - interval '31 days' where id = ${M}`.execute(db());
    const page = await coordinator.get(`/people/${M}`);
    assert.ok(page.body.includes('This merge can no longer be undone'));
    assert.ok(!page.body.includes(`action="/people/${M}/unmerge"`), 'no button to undo it');
    const seq = await lastSeq();
    const refused = await coordinator.post(`/people/${M}/unmerge`, {}, page.body);
    assert.equal(refused.headers.location, `/people/${M}`);
    assert.match(errorSummary((await coordinator.get(`/people/${M}`)).body).join(), /more than 30 days ago, so it can no longer be undone/);
    const m = await db().selectFrom('people').select('merged_into_id').where('id', '=', M).executeTakeFirstOrThrow();
    assert.equal(m.merged_into_id, S, 'still merged');
    assert.deepEqual(
      (await auditSince(seq, 'person.unmerge')).map((a) => [a.outcome, (a.details as { error?: string }).error]),
      [['failure', 'merge_undo_too_late']],
    );
  });
});
