import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { pdfText } from '../../platform/pdf.test-support.js';

describe('subject access export', () => {
  let t: TestApp;
  let admin: WebClient;
  let victim: string;
  let caseId: string;
  before(async () => {
    t = await createTestApp();
    const db = t.database.db;
    victim = await insertPerson(db, t.partnershipId, {
      agency: 'IDVA',
      given: 'Leona',
      family: 'Marsh',
      dob: '1991-03-08',
      phone: '07700 900777',
      postcode: 'NF4 1XY',
    });
    const perpetrator = await insertPerson(db, t.partnershipId, { agency: 'POLICE', given: 'Gavin', family: 'Stroud' });
    caseId = await insertCase(db, t.partnershipId, 'IDVA', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    await insertCase(db, t.partnershipId, 'POLICE', [{ id: victim, role: 'victim' }]);
    admin = new WebClient(t.app, '10.3.0.1');
    await admin.signIn('admin@demo.harbour.example');
  });
  after(() => t.close());

  const url = (suffix = '') => `/admin/subject-access/${victim}${suffix}?ref=SAR-2026-001`;

  it('asks for a valid person id and reference', async () => {
    await admin.submit('/admin/subject-access', '/admin/subject-access', { personId: 'nonsense', reference: '' });
    assert.deepEqual(errorSummary((await admin.get('/admin/subject-access')).body), [
      'Enter a Harbour ID, like 3f2a…, from the person’s page',
      'Enter the request reference',
    ]);
    const ok = await admin.submit('/admin/subject-access', '/admin/subject-access', { personId: victim, reference: 'SAR-2026-001' });
    assert.equal(ok.headers.location, url());
  });

  it('exports everything about the person as JSON, withholding other people', async () => {
    const response = await admin.get(url('/export.json'));
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-disposition']), /attachment; filename="subject-access-SAR-2026-001.json"/);
    const data = response.json();
    assert.deepEqual(
      data.names.map((n: { name: string }) => n.name),
      ['Leona Marsh'],
    );
    assert.equal(data.person.dateOfBirth, '1991-03-08');
    assert.equal(data.contacts[0].value, '07700 900777');
    assert.equal(data.cases.length, 2);
    assert.doesNotMatch(JSON.stringify(data), /Gavin|Stroud/, 'the perpetrator is third-party data');
    assert.deepEqual(data.cases.find((c: { otherPeople: string[] }) => c.otherPeople.length).otherPeople, [
      'perpetrator: another person (details withheld: third-party data)',
    ]);
  });

  it('produces a PDF', async () => {
    const response = await admin.get(url('/export.pdf'));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/pdf');
    assert.equal(response.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.match(String(response.headers['content-disposition']), /attachment; filename="subject-access-SAR-2026-001.pdf"/);
    const text = pdfText(response.rawPayload);
    assert.match(text, /^Subject access export SAR-2026-001\n/);
    for (const shown of ['OFFICIAL-SENSITIVE', 'Page 1 of', 'Leona Marsh', '8 March 1991', '07700 900777', 'Handling this document'])
      assert.ok(text.includes(shown), `the PDF shows ${shown}`);
    assert.doesNotMatch(text, /Gavin|Stroud/, 'the perpetrator is third-party data');
  });

  it('shows a page to check before downloading, marked OFFICIAL-SENSITIVE', async () => {
    const page = await admin.get(url());
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Subject access export SAR-2026-001/);
    assert.match(page.body, /2 cases/);
    assert.match(page.body, /OFFICIAL-SENSITIVE/);
  });

  it('leaves out what the administrator must not see, and says so; a blocked person is not found', async () => {
    const me = await t.database.db.selectFrom('users').select(['id']).where('email', '=', 'admin@demo.harbour.example').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'case',
        subject_id: caseId,
        blocked_user_id: me.id,
        blocked_agency_id: null,
        reason: 'Related',
        created_by: null,
      })
      .execute();
    const data = (await admin.get(url('/export.json'))).json();
    assert.equal(data.cases.length, 1);
    assert.match(data.note, /Some cases are withheld/);
    await t.database.db
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'person',
        subject_id: victim,
        blocked_user_id: me.id,
        blocked_agency_id: null,
        reason: 'Related',
        created_by: null,
      })
      .execute();
    assert.equal((await admin.get(url('/export.json'))).statusCode, 404);
  });

  it('audits every export with the request reference, and is for administrators only', async () => {
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'details', 'subject_id'])
      .where('action', '=', 'subject-access.export')
      .execute();
    assert.ok(events.length >= 3);
    for (const e of events) {
      assert.equal(e.subject_id, victim);
      assert.equal((e.details as { requestReference: string }).requestReference, 'SAR-2026-001');
    }
    const idva = new WebClient(t.app, '10.3.0.2');
    await idva.signIn('idva@demo.harbour.example');
    assert.equal((await idva.get(url('/export.json'))).statusCode, 403);
  });
});
