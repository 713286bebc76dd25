import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDate, londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import {
  agendaOrder,
  demoIds,
  insertAcceptedReferral,
  insertMeeting,
  insertUser,
  readableMail,
  startMailCatcher,
  type MaracCase,
} from './marac.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Council: the MARAC agency
const REP = 'rep@demo.harbour.example'; // Housing (Northfield)
const CHAIR = 'chair@demo.harbour.example'; // Police
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care
const LAPSED = 'rep@education.harbour.example'; // Schools and Education: agreement expired

const agendaVersion = (html: string) => /name="agendaVersion" value="(\d+)"/.exec(html)?.[1] ?? 'none';

describe('MARAC agendas', () => {
  let t: TestApp;
  let mail: Awaited<ReturnType<typeof startMailCatcher>>;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string>;
  let areas: Record<string, string>;
  const cases: Record<string, MaracCase & { caseReference: string; dob: string; given: string; family: string }> = {};
  let m1: string; // Northfield, in a week
  let m2: string; // Northfield, in a fortnight
  let r1: string; // Riverside, room for one case
  const db = () => t.database.db;
  const today = londonToday();
  const order = async (meetingId: string) => {
    const ids = await agendaOrder(db(), meetingId);
    return ids.map((id) => Object.entries(cases).find(([, c]) => c.caseId === id)?.[0] ?? id);
  };

  before(async () => {
    mail = await startMailCatcher();
    t = await createTestApp({ SMTP_URL: mail.url, MAIL_FROM: 'Harbour <marac@harbour.example>' });
    ({ agencies, areas } = await demoIds(db()));
    const pid = t.partnershipId;
    await insertUser(db(), pid, { email: LAPSED, agency: 'EDUCATION', roles: ['agency_rep'] });
    m1 = await insertMeeting(db(), pid, areas.NORTHFIELD!, shiftDays(today, 7));
    m2 = await insertMeeting(db(), pid, areas.NORTHFIELD!, shiftDays(today, 14));
    r1 = await insertMeeting(db(), pid, areas.RIVERSIDE!, shiftDays(today, 9), 1);
    const fixtures = {
      A: { owner: 'HOUSING', band: 'high' as const, daysAgo: 10, given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      B: { owner: 'CSC', referrer: 'HOUSING', band: 'medium' as const, daysAgo: 30, given: 'Bea', family: 'Brook', dob: '1985-06-15' },
      C: { owner: 'HOUSING', band: 'standard' as const, daysAgo: 5, repeat: true, given: 'Cara', family: 'Cole', dob: '1979-11-30' },
      D: { owner: 'POLICE', band: 'high' as const, daysAgo: 8, given: 'Dina', family: 'Dale', dob: '1988-08-08' },
      E: { owner: 'HOUSING', band: 'high' as const, daysAgo: 20, given: 'Erin', family: 'Eld', dob: '1992-03-03' },
      F: { owner: 'REFUGE', band: 'high' as const, daysAgo: 4, given: 'Fay', family: 'Finch', dob: '1995-05-05' },
      G: { owner: 'REFUGE', band: 'medium' as const, daysAgo: 3, given: 'Gwen', family: 'Gale', dob: '1991-01-09' },
      H: { owner: 'HOUSING', band: 'high' as const, daysAgo: 1, given: 'Hana', family: 'Holt', dob: '1993-04-04' },
    };
    for (const [key, f] of Object.entries(fixtures)) {
      const made = await insertAcceptedReferral(db(), pid, { ...f, victim: { given: f.given, family: f.family, dob: f.dob } });
      const found = await db().selectFrom('cases').select('reference').where('id', '=', made.caseId).executeTakeFirstOrThrow();
      cases[key] = { ...made, caseReference: found.reference, dob: f.dob, given: f.given, family: f.family };
    }
    // H is still awaiting screening: not for an agenda yet.
    await db().updateTable('referrals').set({ status: 'awaiting_screening', decided_at: null }).where('id', '=', cases.H!.referralId).execute();
    for (const [i, [key, email]] of Object.entries({
      coordinator: COORDINATOR,
      rep: REP,
      chair: CHAIR,
      practitioner: PRACTITIONER,
      lapsed: LAPSED,
    }).entries()) {
      clients[key] = new WebClient(t.app, `10.8.0.${i + 1}`);
      await clients[key].signIn(email);
    }
  });
  after(async () => {
    await t.close();
    await mail.close();
  });

  it('proposes the next meeting of each case’s area with room, and places them repeats first, then highest risk, then oldest', async () => {
    const planning = await clients.coordinator!.get('/marac/planning');
    assert.equal(planning.statusCode, 200);
    for (const key of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) assert.match(planning.body, new RegExp(cases[key]!.reference), key);
    assert.doesNotMatch(planning.body, new RegExp(cases.H!.reference), 'a referral awaiting screening is not planned');
    assert.match(planning.body, /No area/, 'the police cover the whole partnership: the coordinator chooses');
    assert.equal((await clients.rep!.get('/marac/planning')).statusCode, 403);

    const placed = await clients.coordinator!.post('/marac/planning/place', {}, planning.body);
    assert.equal(placed.headers.location, '/marac/planning');
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'B']);
    assert.deepEqual(await order(r1), ['F']);
    assert.deepEqual(await order(m2), []);
    const kinds = await db().selectFrom('marac_agenda_items').select(['case_id', 'kind']).where('meeting_id', '=', m1).execute();
    assert.equal(kinds.find((k) => k.case_id === cases.C!.caseId)?.kind, 'repeat');
    assert.equal(kinds.find((k) => k.case_id === cases.A!.caseId)?.kind, 'new');
    const after = await clients.coordinator!.get('/marac/planning');
    assert.match(after.body, /5 cases were put on agendas/);
    assert.match(after.body, new RegExp(cases.D!.reference));
    assert.match(after.body, new RegExp(cases.G!.reference), 'Riverside’s meeting is full');
    assert.doesNotMatch(after.body, new RegExp(cases.A!.reference));
    // The database keeps each referral's "on an agenda" flag from the agenda items (the planning page's index).
    const flags = await db()
      .selectFrom('referrals')
      .select(['case_id', 'on_agenda'])
      .where('destination', '=', 'marac')
      .where('status', '=', 'accepted')
      .execute();
    const flagOf = (key: string) => flags.find((f) => f.case_id === cases[key]!.caseId)?.on_agenda;
    assert.deepEqual(['A', 'B', 'C', 'E', 'F', 'D', 'G'].map(flagOf), [true, true, true, true, true, false, false]);
  });

  it('puts a case on the meeting the coordinator chooses, once per meeting and within its case limit', async () => {
    const planning = await clients.coordinator!.get('/marac/planning');
    await clients.coordinator!.post(`/marac/planning/${cases.D!.referralId}/place`, { meetingId: m1 }, planning.body);
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'D', 'B'], 'in the default order');

    await clients.coordinator!.post(`/marac/planning/${cases.G!.referralId}/place`, { meetingId: r1, referralId: cases.G!.referralId }, planning.body);
    const full = (await clients.coordinator!.get('/marac/planning')).body;
    assert.deepEqual(errorSummary(full), ['That meeting is full: its limit is 1 case. Choose another meeting, or raise its case limit.']);
    // The summary's link (#meetingId) lands on the refused referral's own choice of meeting, with the message beside it.
    assert.match(full, new RegExp(`name="referralId" value="${cases.G!.referralId}"[\\s\\S]*?id="meetingId-error"[\\s\\S]*?<select[^>]*id="meetingId"`));

    const again = await insertAcceptedReferral(db(), t.partnershipId, {
      owner: 'HOUSING',
      victim: { given: '', family: '' },
      daysAgo: 0,
      band: 'high',
      repeat: true,
      caseId: cases.A!.caseId,
    });
    await clients.coordinator!.post(`/marac/planning/${again.referralId}/place`, { meetingId: m1 }, planning.body);
    const refused = errorSummary((await clients.coordinator!.get('/marac/planning')).body);
    assert.equal(refused.length, 1);
    assert.match(refused[0]!, /^This case is already on the agenda of the meeting on .+: a case is heard once per meeting$/);
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'D', 'B']);
    await clients.coordinator!.post(`/marac/planning/${again.referralId}/place`, { meetingId: m2 }, planning.body);
    assert.deepEqual(await order(m2), ['A'], 'the next meeting may hear it again');
  });

  it('reorders the agenda with up and down buttons, refusing a change made on a stale agenda', async () => {
    const page = await clients.coordinator!.get(`/marac/meetings/${m1}`);
    const version = agendaVersion(page.body);
    const itemOf = async (key: string) =>
      (
        await db()
          .selectFrom('marac_agenda_items')
          .select('id')
          .where('meeting_id', '=', m1)
          .where('case_id', '=', cases[key]!.caseId)
          .executeTakeFirstOrThrow()
      ).id;
    const moveUp = await clients.coordinator!.post(
      `/marac/meetings/${m1}/agenda/reorder`,
      { itemId: await itemOf('B'), direction: 'up', agendaVersion: version },
      page.body,
    );
    assert.equal(moveUp.statusCode, 303);
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'B', 'D']);

    await clients.coordinator!.post(
      `/marac/meetings/${m1}/agenda/reorder`,
      { itemId: await itemOf('C'), direction: 'down', agendaVersion: version },
      page.body,
    );
    const stale = await clients.coordinator!.get(`/marac/meetings/${m1}`);
    assert.deepEqual(errorSummary(stale.body), [
      'Someone else changed this agenda while you were looking at it. Nothing was changed: check the agenda as it is now.',
    ]);
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'B', 'D'], 'nothing silently overwritten');

    await clients.coordinator!.post(
      `/marac/meetings/${m1}/agenda/reorder`,
      { itemId: await itemOf('C'), direction: 'up', agendaVersion: agendaVersion(stale.body) },
      stale.body,
    );
    assert.deepEqual(errorSummary((await clients.coordinator!.get(`/marac/meetings/${m1}`)).body), ['This case is already first on the agenda']);

    const current = await clients.coordinator!.get(`/marac/meetings/${m1}`);
    assert.match(current.body, /In the order you set/);
    await clients.coordinator!.post(`/marac/meetings/${m1}/agenda/default-order`, { agendaVersion: agendaVersion(current.body) }, current.body);
    assert.deepEqual(await order(m1), ['C', 'E', 'A', 'D', 'B']);
  });

  it('moves a case to another meeting, not to a full one', async () => {
    const item = await db()
      .selectFrom('marac_agenda_items')
      .select('id')
      .where('meeting_id', '=', m1)
      .where('case_id', '=', cases.E!.caseId)
      .executeTakeFirstOrThrow();
    const form = `/marac/meetings/${m1}/items/${item.id}/move`;
    const page = await clients.coordinator!.get(form);
    assert.equal(page.statusCode, 200);
    await clients.coordinator!.post(form, { meetingId: r1, agendaVersion: agendaVersion(page.body) }, page.body);
    assert.deepEqual(errorSummary((await clients.coordinator!.get(form)).body), [
      'That meeting is full: its limit is 1 case. Choose another meeting, or raise its case limit.',
    ]);
    const again = await clients.coordinator!.get(form);
    const moved = await clients.coordinator!.post(form, { meetingId: m2, agendaVersion: agendaVersion(again.body) }, again.body);
    assert.equal(moved.headers.location, `/marac/meetings/${m1}`);
    assert.deepEqual(await order(m1), ['C', 'A', 'D', 'B']);
    assert.deepEqual(await order(m2), ['A', 'E'], 'in the default order: the repeat first');
    const positions = await db().selectFrom('marac_agenda_items').select('position').where('meeting_id', '=', m1).orderBy('position').execute();
    assert.deepEqual(
      positions.map((p) => p.position),
      [1, 2, 3, 4],
    );
  });

  it('publishes the agenda to agencies with an agreement in force: e-mails carry a link and no personal data, and are recorded', async () => {
    const before = await clients.rep!.get(`/marac/meetings/${m1}`);
    assert.match(before.body, /The agenda has not been published yet/);
    assert.doesNotMatch(before.body, new RegExp(cases.A!.caseReference));
    assert.equal((await clients.rep!.get(`/cases/${cases.D!.caseId}`)).statusCode, 404, 'Housing does not have the police’s case yet');

    const form = await clients.coordinator!.get(`/marac/meetings/${m1}/publish`);
    assert.match(form.body, /Cannot be invited: no information-sharing agreement in force[\s\S]*Schools and Education Service[\s\S]*Turning Point/);
    const version = agendaVersion(form.body);
    await clients.coordinator!.post(
      `/marac/meetings/${m1}/publish`,
      { agencyIds: [agencies.HOUSING!, agencies.EDUCATION!], agendaVersion: version },
      form.body,
    );
    assert.deepEqual(errorSummary((await clients.coordinator!.get(`/marac/meetings/${m1}/publish`)).body), [
      'Select only active agencies with an information-sharing agreement in force',
    ]);
    assert.equal(mail.messages.length, 0);

    const published = await clients.coordinator!.post(
      `/marac/meetings/${m1}/publish`,
      { agencyIds: [agencies.HOUSING!, agencies.POLICE!, agencies.IDVA!, agencies.COUNCIL!], agendaVersion: version },
      form.body,
    );
    assert.equal(published.headers.location, `/marac/meetings/${m1}`);
    assert.match((await clients.coordinator!.get(`/marac/meetings/${m1}`)).body, /published to 4 agencies. 5 people were e-mailed a link/);

    const recipients = mail.messages.flatMap((m) => m.to).sort();
    assert.deepEqual(recipients, [
      '<chair@demo.harbour.example>',
      '<coordinator@demo.harbour.example>',
      '<idva2@demo.harbour.example>',
      '<idva@demo.harbour.example>',
      '<rep@demo.harbour.example>',
    ]);
    for (const message of mail.messages) {
      const text = readableMail(message);
      assert.match(text, new RegExp(`http://localhost:3000/marac/meetings/${m1}`));
      assert.match(text, /Northfield MARAC/);
      for (const c of Object.values(cases)) {
        for (const personal of [c.caseReference, c.reference, c.given, c.family, c.dob, formatDate(c.dob), c.dob.split('-').reverse().join('/')]) {
          assert.ok(!text.includes(personal), `the e-mail must not contain ${personal}`);
        }
      }
    }
    const recorded = await db().selectFrom('marac_notifications').selectAll().where('meeting_id', '=', m1).orderBy('email').execute();
    assert.deepEqual(
      recorded.map((n) => [n.email, n.status, n.kind]),
      recipients.map((r) => [r.slice(1, -1), 'sent', 'agenda_published']),
    );
    assert.ok(readableMail(mail.messages[0]!).includes(recorded[0]!.body.split('\n')[0]!), 'what was sent is what is recorded');

    const agenda = await clients.rep!.get(`/marac/meetings/${m1}`);
    assert.match(agenda.body, new RegExp(cases.A!.caseReference));
    assert.match(agenda.body, />LM</, 'initials, not names');
    assert.doesNotMatch(agenda.body, /Leah|Marsh/);
    assert.match(agenda.body, /1 February 1990/);
    assert.equal((await clients.rep!.get(`/cases/${cases.D!.caseId}`)).statusCode, 404, 'an invited agency sees the agenda, not the case');
    const casePage = await clients.coordinator!.get(`/cases/${cases.D!.caseId}`);
    assert.match(casePage.body, /id="marac"[\s\S]*Northfield MARAC[\s\S]*On the agenda/, 'the case page lists the meetings it is on');

    const notInvited = await clients.practitioner!.get(`/marac/meetings/${m1}`);
    assert.match(notInvited.body, /Your agency has not been invited to this meeting/);
    assert.doesNotMatch(notInvited.body, new RegExp(cases.B!.caseReference), 'not even the case it owns');
    const events = await db()
      .selectFrom('audit_events')
      .select(['outcome', 'subject_id'])
      .where('action', '=', 'marac.meeting.view')
      .where('user_id', '=', (await db().selectFrom('users').select('id').where('email', '=', REP).executeTakeFirstOrThrow()).id)
      .execute();
    assert.ok(events.length >= 2 && events.every((e) => e.subject_id === m1 && e.outcome === 'success'), JSON.stringify(events));
  });

  it('renders every MARAC page in its own words', async () => {
    const item = await db().selectFrom('marac_agenda_items').select('id').where('meeting_id', '=', m1).executeTakeFirstOrThrow();
    const pages = ['/marac', '/marac/schedules', '/marac/schedules/new', '/marac/meetings/new', '/marac/planning'].concat(
      ['', '/edit', '/publish', '/research', `/items/${item.id}`, `/items/${item.id}/move`].map((path) => `/marac/meetings/${m1}${path}`),
    );
    for (const url of pages) {
      const page = await clients.coordinator!.get(url);
      assert.equal(page.statusCode, 200, url);
      const main = page.body.slice(page.body.indexOf('<main'), page.body.indexOf('</main>'));
      assert.doesNotMatch(main, /\[missing text|undefined|\[object Object\]/, url);
    }
  });

  it('shows no case content to an agency whose information-sharing agreement is not in force, even if it was invited', async () => {
    await db()
      .insertInto('marac_meeting_agencies')
      .values({ partnership_id: t.partnershipId, meeting_id: m1, agency_id: agencies.EDUCATION!, invited_by: null })
      .execute();
    const page = await clients.lapsed!.get(`/marac/meetings/${m1}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /information-sharing agreement is not in force, so you cannot see MARAC case details/);
    for (const c of Object.values(cases)) assert.ok(!page.body.includes(c.caseReference), c.caseReference);
    const item = await db().selectFrom('marac_agenda_items').select('id').where('meeting_id', '=', m1).executeTakeFirstOrThrow();
    const itemPage = await clients.lapsed!.get(`/marac/meetings/${m1}/items/${item.id}`);
    assert.equal(itemPage.statusCode, 403);
    assert.doesNotMatch(
      itemPage.body,
      new RegExp(
        Object.values(cases)
          .map((c) => c.caseReference)
          .join('|'),
      ),
    );
  });
});
