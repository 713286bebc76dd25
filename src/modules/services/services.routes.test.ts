import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { configureServices, insertRecord } from './services.test-support.js';

const PROVIDER = 'rep@demo.harbour.example'; // Housing Options: provides the ASK sanctuary scheme
const OWNER = 'chair@demo.harbour.example'; // Police: owns the fixture cases
const OTHER = 'practitioner@demo.harbour.example'; // Children's Social Care: neither
const CCAV = 'coordinator@demo.harbour.example'; // Council: provides CC-AV
const ANALYST = 'analyst@demo.harbour.example';

const date = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};

describe('services pages', () => {
  let t: TestApp;
  let services: Record<string, string>;
  const clients: Record<string, WebClient> = {};
  const db = () => t.database.db;
  const row = (id: string) => db().selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const stageUrl = (recordId: string, stage: string) => `/services/${services['ask-sanctuary']}/records/${recordId}/stages/${stage}`;

  before(async () => {
    t = await createTestApp();
    services = await configureServices(db(), t.partnershipId);
    for (const [i, email] of [PROVIDER, OWNER, OTHER, CCAV, ANALYST].entries()) {
      clients[email] = new WebClient(t.app, `10.61.0.${i + 1}`);
      await clients[email].signIn(email);
    }
  });
  after(() => t.close());

  it('refuses a stage dated before the one it follows, with a clear message, and saves nothing', async () => {
    const { id } = await insertRecord(db(), t.partnershipId, services['ask-sanctuary']!, { referredOn: '2026-03-01', assessedOn: '2026-03-10' });
    const before = await row(id);
    const response = await clients[PROVIDER]!.submit(stageUrl(id, 'started'), stageUrl(id, 'started'), {
      version: '1',
      ...date('date', '2026-03-05'),
      measures_fitted: '3',
      sanctuary_room: 'fitted',
    });
    assert.equal(response.statusCode, 303);
    assert.deepEqual(errorSummary((await clients[PROVIDER]!.get(stageUrl(id, 'started'))).body), [
      'The date for ‘security measures fitted’ must be on or after the date for ‘security survey done’ (10 March 2026)',
    ]);
    assert.deepEqual(await row(id), before, 'nothing saved');

    const saved = await clients[PROVIDER]!.submit(stageUrl(id, 'started'), stageUrl(id, 'started'), {
      version: '1',
      ...date('date', '2026-03-12'),
      measures_fitted: '3',
      sanctuary_room: 'fitted',
    });
    assert.equal(saved.headers.location, `/services/${services['ask-sanctuary']}/records/${id}`);
    assert.equal((await row(id)).started_on, '2026-03-12');
    // Completion before the start: the database refuses it too, whatever the service layer says.
    await assert.rejects(
      db().updateTable('service_records').set({ ended_on: '2026-03-11', end_reason: 'completed' }).where('id', '=', id).execute(),
      /service_records_ended_order/,
    );
  });

  it('keeps outcome scales within bounds and lists every problem at once', async () => {
    const { id } = await insertRecord(db(), t.partnershipId, services['ask-sanctuary']!, {
      referredOn: '2026-02-01',
      assessedOn: '2026-02-03',
      startedOn: '2026-02-10',
    });
    await clients[PROVIDER]!.submit(stageUrl(id, 'completed'), stageUrl(id, 'completed'), {
      version: '1',
      ...date('date', '2026-03-01'),
      feels_safer: 'perhaps',
      repeat_incident: 'no',
      skills_knowledge: 'yes',
      safety_after: '11',
    });
    assert.deepEqual(errorSummary((await clients[PROVIDER]!.get(stageUrl(id, 'completed'))).body), [
      'Select an answer for ‘Does the person feel safer since the measures were fitted?’',
      '‘How safe does the person feel at home now?’ must be a whole number from 0 to 10',
    ]);
    assert.equal((await row(id)).end_reason, null);
  });

  it('refuses an edit made against an older version of the record', async () => {
    const { id } = await insertRecord(db(), t.partnershipId, services['ask-sanctuary']!, { referredOn: '2026-01-05' });
    const form = (await clients[PROVIDER]!.get(stageUrl(id, 'assessed'))).body;
    await db().updateTable('service_records').set({ version: 2 }).where('id', '=', id).execute();
    const response = await clients[PROVIDER]!.post(stageUrl(id, 'assessed'), { version: '1', ...date('date', '2026-01-09'), safety_before: '4' }, form);
    assert.equal(response.statusCode, 303);
    assert.match(errorSummary((await clients[PROVIDER]!.get(stageUrl(id, 'assessed'))).body)[0]!, /Someone else changed this record/);
    assert.equal((await row(id)).assessed_on, null);
  });

  it('shows a record to its provider and its case’s agency, as not found to another agency and to anyone who must not see it', async () => {
    const { id, personId } = await insertRecord(db(), t.partnershipId, services['ask-sanctuary']!, { referredOn: '2026-01-20' });
    const url = `/services/${services['ask-sanctuary']}/records/${id}`;
    assert.equal((await clients[PROVIDER]!.get(url)).statusCode, 200);
    assert.equal((await clients[OWNER]!.get(url)).statusCode, 200);
    assert.equal((await clients[OTHER]!.get(url)).statusCode, 404);
    assert.equal((await clients[OWNER]!.get(stageUrl(id, 'assessed'))).statusCode, 404, 'only the provider records stages');
    const housing = await db().selectFrom('agencies').select('id').where('code', '=', 'HOUSING').executeTakeFirstOrThrow();
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'person',
        subject_id: personId,
        blocked_user_id: null,
        blocked_agency_id: housing.id,
        reason: 'Neighbour of the victim',
        created_by: null,
      })
      .execute();
    assert.equal((await clients[PROVIDER]!.get(url)).statusCode, 404, '"must not see" wins over being the provider');
    assert.doesNotMatch((await clients[PROVIDER]!.get(`/services/${services['ask-sanctuary']}`)).body, new RegExp(url));
  });

  it('records a CC-AV session through its errors, and keeps the entry as it was when it is corrected', async () => {
    const newUrl = `/services/${services['cc-av']}/activity/new`;
    const postUrl = `/services/${services['cc-av']}/activity`;
    assert.equal((await clients[OTHER]!.get(newUrl)).statusCode, 404, 'only the provider enters activity');
    await clients[CCAV]!.submit(newUrl, postUrl, {
      ...date('occurredOn', '2026-02-10'),
      school: '',
      sessions: '2',
      pupils: 'lots',
      attitude_pre: '5.2',
      attitude_post: '12',
    });
    assert.deepEqual(errorSummary((await clients[CCAV]!.get(newUrl)).body), [
      'Enter school',
      'Pupils reached must be a whole number from 0 to 2000',
      'Mean attitude score after must be a number from 0 to 10, with at most one decimal place, like 6.5',
    ]);
    const created = await clients[CCAV]!.submit(newUrl, postUrl, {
      ...date('occurredOn', '2026-02-10'),
      school: 'Northfield Academy',
      sessions: '2',
      pupils: '56',
      attitude_pre: '5.2',
      attitude_post: '7.1',
    });
    const entryUrl = created.headers.location as string;
    const corrected = await clients[CCAV]!.submit(entryUrl, entryUrl, {
      version: '1',
      ...date('occurredOn', '2026-02-10'),
      school: 'Northfield Academy',
      sessions: '2',
      pupils: '58',
      attitude_pre: '5.2',
      attitude_post: '7.1',
    });
    assert.equal(corrected.headers.location, entryUrl);
    const page = (await clients[ANALYST]!.get(entryUrl)).body;
    assert.match(page, /Pupils reached<\/dt><dd class="govuk-summary-list__value">58/);
    const history = /<div id="history">[\s\S]*?<\/div>\s*<\/dl>\s*<\/div>/.exec(page)?.[0] ?? '';
    assert.match(history, /Pupils reached<\/dt><dd class="govuk-summary-list__value">56/);
    assert.match(page, /Entered by Tasha Greenwood/);
  });

  it('refers a victim from a case the referrer can see, and not twice while the first referral is open', async () => {
    const { caseId, personId } = await insertRecord(db(), t.partnershipId, services['idap']!, { referredOn: '2026-01-02' });
    await db().deleteFrom('service_records').where('person_id', '=', personId).execute();
    const reference = (await db().selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirstOrThrow()).reference;
    const referUrl = `/services/${services['ask-sanctuary']}/refer`;
    const notFound = await clients[OTHER]!.get(`${referUrl}?case=${reference}`);
    assert.deepEqual(errorSummary(notFound.body), ['No case you can see has that reference: check it and try again']);
    const idap = await clients[OWNER]!.get(`/services/${services['idap']}/refer?case=${reference}`);
    assert.deepEqual(errorSummary(idap.body), ['No one in that case is someone this service works with'], 'IDAP works with perpetrators');

    const form = await clients[OWNER]!.get(`${referUrl}?case=${reference}`);
    assert.match(form.body, new RegExp(`name="personId"[^>]*value="${personId}"`));
    const refused = await clients[OWNER]!.post(referUrl, { caseId, caseReference: reference, personId, ...date('referredOn', '2099-01-01') }, form.body);
    assert.equal(refused.headers.location, `${referUrl}?case=${reference}`);
    assert.deepEqual(errorSummary((await clients[OWNER]!.get(`${referUrl}?case=${reference}`)).body), ['The referral date must be today or in the past']);

    const referred = await clients[OWNER]!.post(referUrl, { caseId, caseReference: reference, personId, ...date('referredOn', '2026-03-02') }, form.body);
    const recordId = /records\/([0-9a-f-]+)$/.exec(referred.headers.location as string)![1]!;
    const record = await row(recordId);
    assert.match(record.person_name, /^Fixture\d+ Person$/, 'the name as the referrer saw it');
    assert.equal(record.referred_on, '2026-03-02');
    assert.equal((await clients[PROVIDER]!.get(referred.headers.location as string)).statusCode, 200, 'the provider sees whom it was referred');
    await clients[OWNER]!.post(referUrl, { caseId, caseReference: reference, personId, ...date('referredOn', '2026-03-03') }, form.body);
    assert.deepEqual(errorSummary((await clients[OWNER]!.get(`${referUrl}?case=${reference}`)).body), [
      'This person is already in this service: record their progress on their record',
    ]);
    const audit = await db().selectFrom('audit_events').select('action').where('subject_id', '=', recordId).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['services.record.view', 'services.referral.create']);
  });

  it('answers odd input on every form with the form again or "not found", never a server error', async () => {
    const { id } = await insertRecord(db(), t.partnershipId, services['ask-sanctuary']!, { referredOn: '2026-01-02' });
    const nasty = ['', ' ', '-1', '1e3', '10.5', '٣', '\u0000', 'a'.repeat(5000), '2026-13-45', '<script>', '999999999999', 'NaN'];
    const targets: [string, string, Record<string, string>][] = [
      [PROVIDER, stageUrl(id, 'assessed'), { version: '1', 'date-day': '9', 'date-month': '1', 'date-year': '2026', safety_before: '' }],
      [PROVIDER, stageUrl(id, 'left_early'), { version: '1', 'date-day': '9', 'date-month': '1', 'date-year': '2026', leftReason: '' }],
      [
        CCAV,
        `/services/${services['cc-av']}/activity`,
        { 'occurredOn-day': '1', 'occurredOn-month': '2', 'occurredOn-year': '2026', school: 'A', sessions: '1', pupils: '1' },
      ],
      [CCAV, `/services/${services['helpline']}/activity`, { 'occurredOn-month': '2', 'occurredOn-year': '2026', victims: '1' }],
      [OWNER, `/services/${services['ask-sanctuary']}/refer`, { caseId: '', caseReference: '', personId: '' }],
    ];
    const form = (await clients[PROVIDER]!.get(stageUrl(id, 'assessed'))).body;
    for (const [who, url, base] of targets) {
      const page = who === PROVIDER ? form : (await clients[who]!.get(`/services/${services['cc-av']}/activity/new`)).body;
      for (const field of Object.keys(base)) {
        for (const value of nasty) {
          const response = await clients[who]!.post(url, { ...base, [field]: value }, page);
          assert.ok(response.statusCode < 500, `${url} ${field}=${JSON.stringify(value.slice(0, 20))} answered ${response.statusCode}`);
        }
      }
    }
    assert.equal((await row(id)).version, 1, 'nothing odd was saved');
  });

  it('pages a service’s entries, 50 at a time, latest first', async () => {
    for (let i = 0; i < 50; i++) {
      await db()
        .insertInto('service_activity')
        .values({
          partnership_id: t.partnershipId,
          service_id: services['cc-av']!,
          occurred_on: '2023-01-06',
          answers: JSON.stringify({ school: `School ${i}`, sessions: 1, pupils: 20 }),
          entered_by: null,
          updated_by: null,
        })
        .execute();
    }
    const first = (await clients[ANALYST]!.get(`/services/${services['cc-av']}`)).body;
    assert.equal((first.match(/\/activity\/[0-9a-f-]{36}"/g) ?? []).length, 50);
    assert.match(first, /10 February 2026/, 'the latest entry first');
    assert.match(first, /govuk-pagination__next/);
    const second = (await clients[ANALYST]!.get(`/services/${services['cc-av']}?page=2`)).body;
    assert.equal((second.match(/\/activity\/[0-9a-f-]{36}"/g) ?? []).length, 1);
  });

  it('shows the report by quarter with a CSV of the same figures to an analyst', async () => {
    const report = await clients[ANALYST]!.get(`/services/${services['cc-av']}/report?year=2025-26`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /id="row-pupils"[\s\S]*?58/);
    const csv = await clients[ANALYST]!.get(`/services/${services['cc-av']}/report.csv?year=2025-26`);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /^Measure,Q1 \(April to June\)/);
    assert.match(csv.body, /\r\nPupils reached,0,0,0,58,58,0,,\r\n/, 'plain numbers; no change from a year with none');
    assert.match(csv.body, /\r\nMean attitude score after,,,,7.1,7.1,,,\r\n/, 'no data is an empty cell');
    const bad = await clients[ANALYST]!.get(`/services/${services['cc-av']}/report?year=1999-00`);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body), ['Select a financial year from the list']);
  });
});
