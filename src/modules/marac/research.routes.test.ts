import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { demoIds, insertAcceptedReferral, insertMeeting, type MaracCase } from './marac.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Council
const REP = 'rep@demo.harbour.example'; // Housing: invited
const CHAIR = 'chair@demo.harbour.example'; // Police: invited
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care: owns case B, not invited

/** The page's own content, without the layout around it. */
const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));

describe('MARAC research', () => {
  let t: TestApp;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string>;
  let meeting: string;
  const items: Record<string, string> = {};
  const cases: Record<string, MaracCase> = {};
  const db = () => t.database.db;
  const itemUrl = (key: string) => `/marac/meetings/${meeting}/items/${items[key]}`;
  const research = (client: WebClient, key: string, fields: Record<string, string>) =>
    client.submit(itemUrl(key), `${itemUrl(key)}/research`, { version: '0', notes: '', ...fields });
  const housingResearch = () =>
    db().selectFrom('marac_research').selectAll().where('agenda_item_id', '=', items.A!).where('agency_id', '=', agencies.HOUSING!).executeTakeFirst();

  before(async () => {
    t = await createTestApp();
    const ids = await demoIds(db());
    agencies = ids.agencies;
    meeting = await insertMeeting(db(), t.partnershipId, ids.areas.NORTHFIELD!, shiftDays(londonToday(), 5));
    cases.A = await insertAcceptedReferral(db(), t.partnershipId, {
      owner: 'HOUSING',
      victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      daysAgo: 6,
      band: 'high',
    });
    cases.B = await insertAcceptedReferral(db(), t.partnershipId, {
      owner: 'CSC',
      referrer: 'HOUSING',
      victim: { given: 'Bea', family: 'Brook' },
      daysAgo: 9,
      band: 'medium',
    });
    for (const [i, email] of [COORDINATOR, REP, CHAIR, PRACTITIONER].entries()) {
      clients[email] = new WebClient(t.app, `10.9.0.${i + 1}`);
      await clients[email].signIn(email);
    }
    const coordinator = clients[COORDINATOR]!;
    const planning = await coordinator.get('/marac/planning');
    await coordinator.post('/marac/planning/place', {}, planning.body);
    for (const row of await db().selectFrom('marac_agenda_items').select(['id', 'case_id']).execute()) {
      items[row.case_id === cases.A.caseId ? 'A' : 'B'] = row.id;
    }
    assert.equal(Object.keys(items).length, 2);
    const form = await coordinator.get(`/marac/meetings/${meeting}/publish`);
    const version = /name="agendaVersion" value="(\d+)"/.exec(form.body)![1]!;
    await coordinator.post(`/marac/meetings/${meeting}/publish`, { agencyIds: [agencies.HOUSING!, agencies.POLICE!], agendaVersion: version }, form.body);
    assert.match(
      (await coordinator.get(`/marac/meetings/${meeting}`)).body,
      /E-mail is not set up, so nobody was e-mailed: tell the 2 people invited yourself/,
    );
    const recorded = await db().selectFrom('marac_notifications').select('status').execute();
    assert.deepEqual(
      recorded.map((n) => n.status),
      ['not_configured', 'not_configured'],
      'who should have been told is recorded',
    );
  });
  after(() => t.close());

  it('lets an invited agency record what it holds on a case, with every problem in the form shown at once', async () => {
    const rep = clients[REP]!;
    const page = await rep.get(itemUrl('A'));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Is the victim or perpetrator known to your agency\?/);
    assert.doesNotMatch(mainOf(page.body), /\[missing text/);

    await research(rep, 'A', { notes: 'x'.repeat(4001) });
    assert.deepEqual(errorSummary((await rep.get(itemUrl('A'))).body), [
      'Select whether the victim or perpetrator is known to your agency',
      'Notes must be 4000 characters or fewer',
    ]);
    await research(rep, 'A', { knownToAgency: 'yes' });
    assert.deepEqual(errorSummary((await rep.get(itemUrl('A'))).body), [
      'Select whether your agency has an open case',
      'Select whether your agency has identified risks',
    ]);
    assert.equal(await housingResearch(), undefined, 'nothing saved');

    const saved = await research(rep, 'A', {
      knownToAgency: 'yes',
      openCase: 'yes',
      risksIdentified: 'no',
      notes: 'Tenancy at risk after damage to the door.',
    });
    assert.equal(saved.headers.location, `/marac/meetings/${meeting}`);
    const row = await housingResearch();
    assert.deepEqual(
      [row?.known_to_agency, row?.open_case, row?.risks_identified, row?.notes, row?.version],
      [true, true, false, 'Tenancy at risk after damage to the door.', 1],
    );
    const agenda = await rep.get(`/marac/meetings/${meeting}`);
    assert.match(agenda.body, /research has been saved/);
    assert.ok(agenda.body.includes(`href="/marac/meetings/${meeting}/day"`), 'the agenda leads to the meeting itself');
    assert.match(agenda.body, new RegExp(`href="${itemUrl('A')}"[\\s\\S]*?Done[\\s\\S]*?href="${itemUrl('B')}"[\\s\\S]*?Not yet`));
  });

  it('changes research only on the version the editor saw', async () => {
    const rep = clients[REP]!;
    await research(rep, 'A', { knownToAgency: 'no', openCase: 'yes' });
    assert.deepEqual(errorSummary((await rep.get(itemUrl('A'))).body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
    assert.equal((await housingResearch())?.open_case, true, 'not overwritten');
    await research(rep, 'A', { knownToAgency: 'no', openCase: 'yes', version: '1' });
    const row = await housingResearch();
    assert.deepEqual([row?.known_to_agency, row?.open_case, row?.version], [false, false, 2], 'not known: no open case of its own');
  });

  it('shows research to the meeting’s attendees only', async () => {
    await research(clients[REP]!, 'B', {
      knownToAgency: 'yes',
      openCase: 'no',
      risksIdentified: 'yes',
      notes: 'Rent arrears; threats made at the housing office.',
    });
    const chair = await clients[CHAIR]!.get(itemUrl('B'));
    assert.equal(chair.statusCode, 200);
    assert.match(chair.body, /Housing Options[\s\S]*Rent arrears; threats made at the housing office\./);

    const practitioner = clients[PRACTITIONER]!;
    assert.equal((await practitioner.get(`/cases/${cases.B!.caseId}`)).statusCode, 200, 'Children’s Social Care owns case B');
    const itemPage = await practitioner.get(itemUrl('B'));
    assert.equal(itemPage.statusCode, 404, 'but was not invited: the meeting’s research is not theirs to see');
    assert.doesNotMatch(itemPage.body, /Rent arrears/);
    const meetingPage = await practitioner.get(`/marac/meetings/${meeting}`);
    assert.doesNotMatch(meetingPage.body, /Rent arrears/);
    const refused = await practitioner.post(`${itemUrl('B')}/research`, { knownToAgency: 'no', version: '0' }, meetingPage.body);
    assert.equal(refused.statusCode, 404);
    const csc = await db().selectFrom('marac_research').select('id').where('agency_id', '=', agencies.CSC!).execute();
    assert.equal(csc.length, 0);

    const audited = await db()
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'marac.research.save')
      .where('outcome', '=', 'success')
      .execute();
    assert.ok(audited.length >= 3);
    assert.ok(
      audited.every((e) => !JSON.stringify(e.details).includes('Rent arrears')),
      'the audit log records what was done, not the notes',
    );
  });

  it('shows the coordinator which invited agencies have not yet researched which cases', async () => {
    const grid = await clients[COORDINATOR]!.get(`/marac/meetings/${meeting}/research`);
    assert.equal(grid.statusCode, 200);
    assert.doesNotMatch(mainOf(grid.body), /\[missing text/);
    assert.match(grid.body, /Harbourshire Police[\s\S]*?0 of 2/);
    assert.match(grid.body, /Housing Options[\s\S]*?2 of 2/);
    assert.equal((await clients[REP]!.get(`/marac/meetings/${meeting}/research`)).statusCode, 403);
  });
});
