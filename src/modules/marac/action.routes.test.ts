import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { demoIds, insertAcceptedReferral, insertUser } from './marac.test-support.js';
import { insertActionRow, insertPublishedMeeting, mainOf } from './meeting-day.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Council
const CHAIR = 'chair@demo.harbour.example'; // Police: invited, runs the meeting
const REP = 'rep@demo.harbour.example'; // Housing: invited
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care: not invited
const LAPSED = 'lapsed@education.example'; // Education: agreement expired

/** A GOV.UK date input's three fields. */
function dateFields(name: string, iso: string): Record<string, string> {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

describe('MARAC actions and the coordinator’s dashboard', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string>;
  let areas: Record<string, string>;
  let meeting: string;
  let items: string[];
  let caseIds: string[];
  const today = londonToday();
  const minutesUrl = (i: number) => `/marac/meetings/${meeting}/items/${items[i]}/minutes`;
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const confirm = async (email: string) => {
    const page = await clients[email]!.get(`/marac/meetings/${meeting}/day`);
    await clients[email]!.post(`/marac/meetings/${meeting}/confidentiality`, {}, page.body);
  };
  const addAction = async (i: number, fields: Record<string, string>) => {
    const page = await clients[CHAIR]!.get(minutesUrl(i));
    return clients[CHAIR]!.post(
      `/marac/meetings/${meeting}/items/${items[i]}/actions`,
      {
        agencyId: agencies.HOUSING!,
        assignedUserId: '',
        description: 'Fit new locks at the victim’s home',
        ...dateFields('dueOn', shiftDays(today, 14)),
        ...fields,
      },
      page.body,
    );
  };
  const actionCount = async () => (await db().selectFrom('marac_actions').select('id').execute()).length;

  before(async () => {
    t = await createTestApp();
    ({ agencies, areas } = await demoIds(db()));
    await insertUser(db(), t.partnershipId, { email: LAPSED, agency: 'EDUCATION', roles: ['agency_rep'] });
    const a = await insertAcceptedReferral(db(), t.partnershipId, { owner: 'POLICE', victim: { given: 'Leah', family: 'Marsh' }, daysAgo: 8, band: 'high' });
    const b = await insertAcceptedReferral(db(), t.partnershipId, { owner: 'POLICE', victim: { given: 'Bea', family: 'Brook' }, daysAgo: 9, band: 'high' });
    caseIds = [a.caseId, b.caseId];
    ({ meetingId: meeting, itemIds: items } = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: areas.NORTHFIELD!,
      date: today,
      caseIds,
      agencyIds: ['COUNCIL', 'POLICE', 'EDUCATION'].map((code) => agencies[code]!),
    }));
    for (const [i, email] of [COORDINATOR, CHAIR, REP, PRACTITIONER, LAPSED].entries()) {
      clients[email] = new WebClient(t.app, `10.13.0.${i + 1}`);
      await clients[email].signIn(email);
    }
    await confirm(CHAIR);
    await confirm(COORDINATOR);
  });
  after(() => t.close());

  it('records an action only for an agency with an agreement in force, its own person, due on or after the meeting', async () => {
    const page = mainOf((await clients[CHAIR]!.get(minutesUrl(0))).body);
    assert.match(page, /<option value="[^"]+">Housing Options<\/option>/);
    assert.doesNotMatch(page, /Schools and Education Service|Turning Point Recovery Service/, 'agencies without an agreement in force are not offered');

    await addAction(0, { agencyId: '', description: '', 'dueOn-day': '', 'dueOn-month': '', 'dueOn-year': '' });
    assert.deepEqual(errorSummary((await clients[CHAIR]!.get(minutesUrl(0))).body), [
      'Select the agency the action is for',
      'Enter what the agency will do',
      'Enter the date the action is due',
    ]);
    await addAction(0, { ...dateFields('dueOn', shiftDays(today, -1)) });
    assert.match(errorSummary((await clients[CHAIR]!.get(minutesUrl(0))).body)[0] ?? '', /^The due date must be on or after the date of the meeting, /);
    await addAction(0, { agencyId: agencies.EDUCATION! });
    assert.deepEqual(errorSummary((await clients[CHAIR]!.get(minutesUrl(0))).body), ['Select an agency with an information-sharing agreement in force']);
    await addAction(0, { agencyId: agencies.SUBSTANCE! });
    assert.deepEqual(errorSummary((await clients[CHAIR]!.get(minutesUrl(0))).body), ['Select an agency with an information-sharing agreement in force']);
    await addAction(0, { assignedUserId: await userId(PRACTITIONER) });
    assert.deepEqual(errorSummary((await clients[CHAIR]!.get(minutesUrl(0))).body), ['Select a person who works for Housing Options, or no one']);
    assert.equal(await actionCount(), 0, 'nothing saved');
    const rep = clients[REP]!;
    assert.equal((await rep.get('/marac/actions')).body.includes('Fit new locks'), false);

    const added = await addAction(0, { assignedUserId: await userId(REP), ...dateFields('dueOn', today) });
    assert.equal(added.headers.location, `${minutesUrl(0)}#actions`);
    const saved = await db().selectFrom('marac_actions').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(
      [saved.agency_id, saved.assigned_user_id, saved.due_on, saved.status, saved.case_id],
      [agencies.HOUSING, await userId(REP), today, 'open', caseIds[0]],
    );
    const shared = await db().selectFrom('case_agencies').select('agency_id').where('case_id', '=', caseIds[0]!).execute();
    assert.ok(!shared.some((s) => s.agency_id === agencies.HOUSING), 'the agency is not given the case: it sees the action, not the case');
    assert.equal((await rep.get(`/cases/${caseIds[0]}`)).statusCode, 404, 'the case page stays closed to the agency');
    const minutes = mainOf((await clients[CHAIR]!.get(minutesUrl(0))).body);
    assert.match(minutes, /The action has been added/);
    assert.match(minutes, /Housing Options[\s\S]*?Callum Fairweather[\s\S]*?Fit new locks[\s\S]*?Due today/);

    // Someone who is not running the meeting cannot add actions.
    const practitionerPage = await clients[PRACTITIONER]!.get('/marac/actions');
    const refused = await clients[PRACTITIONER]!.post(
      `/marac/meetings/${meeting}/items/${items[0]}/actions`,
      { agencyId: agencies.HOUSING!, description: 'x', ...dateFields('dueOn', today) },
      practitionerPage.body,
    );
    assert.equal(refused.statusCode, 403);
  });

  it('lists my agency’s open actions across meetings, overdue ones tagged, and no one else’s', async () => {
    const past = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: areas.RIVERSIDE!,
      date: shiftDays(today, -30),
      caseIds: [caseIds[1]!],
      agencyIds: [agencies.HOUSING!],
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: past.itemIds[0]!,
      agencyId: agencies.HOUSING!,
      dueOn: shiftDays(today, -3),
      description: 'Review the tenancy',
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: past.itemIds[0]!,
      agencyId: agencies.POLICE!,
      dueOn: shiftDays(today, -3),
      description: 'Police marker',
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: past.itemIds[0]!,
      agencyId: agencies.HOUSING!,
      dueOn: shiftDays(today, -10),
      description: 'Already done',
      completedAt: new Date(),
    });

    const list = await clients[REP]!.get('/marac/actions');
    assert.equal(list.statusCode, 200);
    const main = mainOf(list.body);
    assert.match(main, /2 open actions, 1 overdue\./);
    assert.match(main, /Review the tenancy[\s\S]*Fit new locks/, 'soonest due first');
    assert.match(main, /Overdue[\s\S]*?Review the tenancy/);
    assert.doesNotMatch(main, /Police marker|Already done/);
    assert.match(list.body, /href="\/marac\/actions" aria-current="true"/, 'My agency’s actions is the current navigation item');
    const audited = await db().selectFrom('audit_events').select('details').where('action', '=', 'marac.action.list').execute();
    assert.ok(audited.length >= 1, 'viewing the list is audited');

    assert.match(mainOf((await clients[PRACTITIONER]!.get('/marac/actions')).body), /Your agency has no open MARAC actions/);
    const lapsed = mainOf((await clients[LAPSED]!.get('/marac/actions')).body);
    assert.match(lapsed, /agreement is not in force/);
  });

  it('lets the agency mark its action done with an update, on the version it saw', async () => {
    const action = await db().selectFrom('marac_actions').selectAll().where('description', '=', 'Review the tenancy').executeTakeFirstOrThrow();
    const url = `/marac/actions/${action.id}`;
    assert.equal((await clients[PRACTITIONER]!.get(url)).statusCode, 404, 'another agency finds nothing');
    assert.equal((await clients[LAPSED]!.get(url)).statusCode, 403);
    const coordinatorView = await clients[COORDINATOR]!.get(url);
    assert.equal(coordinatorView.statusCode, 200, 'the coordinator sees every action');
    assert.doesNotMatch(coordinatorView.body, /name="update"/, 'but only the agency marks it done');

    const rep = clients[REP]!;
    let page = await rep.get(url);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="update"/);
    await rep.post(`${url}/done`, { update: '', version: String(action.version) }, page.body);
    assert.deepEqual(errorSummary((await rep.get(url)).body), ['Enter an update saying what your agency did']);
    await rep.post(`${url}/done`, { update: 'Reviewed.', version: String(action.version + 1) }, page.body);
    assert.match(errorSummary((await rep.get(url)).body)[0] ?? '', /Someone else changed this record/);
    assert.equal((await db().selectFrom('marac_actions').select('status').where('id', '=', action.id).executeTakeFirstOrThrow()).status, 'open');

    page = await rep.get(url);
    await rep.post(`${url}/done`, { update: 'Tenancy reviewed with the victim; no arrears.', version: String(action.version) }, page.body);
    const done = await db().selectFrom('marac_actions').selectAll().where('id', '=', action.id).executeTakeFirstOrThrow();
    assert.deepEqual([done.status, done.completion_note, done.completed_by], ['done', 'Tenancy reviewed with the victim; no arrears.', await userId(REP)]);
    page = await rep.get(url);
    assert.match(page.body, /The action is marked as done/);
    assert.match(page.body, /Done late/, 'done after its due date');
    assert.doesNotMatch(page.body, /name="update"/);
    await rep.post(`${url}/done`, { update: 'Again', version: String(done.version) }, (await rep.get('/marac/actions')).body);
    assert.deepEqual(errorSummary((await rep.get(url)).body), ['This action has already been marked as done']);
    assert.doesNotMatch(mainOf((await rep.get('/marac/actions')).body), /Review the tenancy/, 'done actions leave the open list');
    const audited = await db()
      .selectFrom('audit_events')
      .select(['details', 'outcome'])
      .where('action', '=', 'marac.action.complete')
      .where('subject_id', '=', action.id)
      .execute();
    assert.deepEqual(
      audited.filter((a) => a.outcome === 'success').map((a) => (a.details as { onTime?: boolean }).onTime),
      [false],
    );
  });

  it('refuses new actions once a case’s minutes are final', async () => {
    await db()
      .insertInto('marac_minutes')
      .values({
        partnership_id: t.partnershipId,
        agenda_item_id: items[1]!,
        case_id: caseIds[1]!,
        idva_view: null,
        summary: 'Final',
        risks: null,
        status: 'final',
        drafted_by: null,
        finalised_by: null,
        finalised_at: new Date(),
      })
      .execute();
    const before = await actionCount();
    await addAction(1, {});
    assert.deepEqual(errorSummary((await clients[CHAIR]!.get(minutesUrl(1))).body), [
      'These minutes are final and cannot be changed. Add an amendment to correct them.',
    ]);
    assert.equal(await actionCount(), before);
    assert.doesNotMatch(mainOf((await clients[CHAIR]!.get(minutesUrl(1))).body), /Add the action/);
  });

  it('shows the coordinator actions done on time against the target, overdue by agency and research returned', async () => {
    await db().deleteFrom('marac_actions').execute();
    const old = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: areas.EASTVALE!,
      date: '2026-06-01',
      caseIds: [caseIds[0]!, caseIds[1]!],
      agencyIds: [agencies.HOUSING!, agencies.POLICE!],
    });
    await db()
      .insertInto('marac_research')
      .values({
        partnership_id: t.partnershipId,
        agenda_item_id: old.itemIds[0]!,
        case_id: caseIds[0]!,
        agency_id: agencies.HOUSING!,
        known_to_agency: false,
        open_case: false,
        risks_identified: false,
        notes: null,
        recorded_by: null,
      })
      .execute();
    const item = old.itemIds[0]!;
    const housing = agencies.HOUSING!;
    const police = agencies.POLICE!;
    // Due 10 June 2026 (British Summer Time): done at 23:30 UTC on the 9th is the 10th in London, on time;
    // at 23:30 UTC on the 10th is already the 11th in London, late.
    await insertActionRow(db(), t.partnershipId, { itemId: item, agencyId: housing, dueOn: '2026-06-10', completedAt: new Date('2026-06-09T23:30:00Z') });
    await insertActionRow(db(), t.partnershipId, { itemId: item, agencyId: housing, dueOn: '2026-06-10', completedAt: new Date('2026-06-10T23:30:00Z') });
    await insertActionRow(db(), t.partnershipId, { itemId: item, agencyId: police, dueOn: '2026-06-10', completedAt: new Date('2026-06-02T09:00:00Z') });
    await insertActionRow(db(), t.partnershipId, { itemId: item, agencyId: police, dueOn: '2026-06-20' });
    await insertActionRow(db(), t.partnershipId, { itemId: item, agencyId: police, dueOn: shiftDays(today, 30) });

    assert.equal((await clients[CHAIR]!.get('/marac/dashboard')).statusCode, 403);
    const page = await clients[COORDINATOR]!.get('/marac/dashboard?period=all');
    assert.equal(page.statusCode, 200);
    const main = mainOf(page.body);
    assert.doesNotMatch(main, /\[missing text/);
    assert.match(main, /id="on-time">50% \(2 of 4\)</, 'on time: 2 of the 4 actions decided (the one not yet due is not counted)');
    assert.match(main, /Target not met/);
    assert.match(
      main,
      /Harbourshire Police<\/th>\s*<td[^>]*>2<\/td>\s*<td[^>]*>50% \(1 of 2\)<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>[\s\S]*?>1</,
      'Police: 2 counted, 1 on time, 1 late, 1 overdue now',
    );
    assert.match(main, /Housing Options<\/th>\s*<td[^>]*>2<\/td>\s*<td[^>]*>50% \(1 of 2\)<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>0</);
    // Police: today's meeting (2 cases) and June's (2), no research; Housing: last month's (1) and June's (2), one returned.
    assert.match(main, /id="research"[\s\S]*Harbourshire Police<\/th>\s*<td[^>]*>2<\/td>\s*<td[^>]*>0% \(0 of 4\)/);
    assert.match(main, /id="research"[\s\S]*Housing Options<\/th>\s*<td[^>]*>2<\/td>\s*<td[^>]*>33.3% \(1 of 3\)/);

    const recent = mainOf((await clients[COORDINATOR]!.get('/marac/dashboard?period=3')).body);
    if (shiftDays(today, -92) > '2026-06-20') assert.match(recent, /No actions to count yet/, 'the last 3 months leave June out');
    assert.match(mainOf((await clients[COORDINATOR]!.get('/marac/dashboard?period=nonsense')).body), /selected>The last 12 months/);
  });
});
