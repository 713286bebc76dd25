import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { demoIds, insertAcceptedReferral, insertUser } from './marac.test-support.js';
import { insertPublishedMeeting, mainOf } from './meeting-day.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Council
const CHAIR = 'chair@demo.harbour.example'; // Police: invited, runs the meeting
const REP = 'rep@demo.harbour.example'; // Housing: invited
const IDVA = 'idva@demo.harbour.example'; // IDVA service: invited
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care: not invited
const LAPSED = 'lapsed@education.example'; // Education: invited, agreement since expired

describe('MARAC meeting: confidentiality, attendance and minutes', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string>;
  let meeting: string;
  let future: string;
  let items: string[];
  const caseRefs: string[] = [];
  const today = londonToday();
  const day = () => `/marac/meetings/${meeting}/day`;
  const minutesUrl = (i: number) => `/marac/meetings/${meeting}/items/${items[i]}/minutes`;
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const attendance = async (email: string) =>
    db()
      .selectFrom('marac_attendance')
      .selectAll()
      .where('meeting_id', '=', meeting)
      .where('user_id', '=', await userId(email))
      .executeTakeFirst();
  const confirm = async (email: string) => {
    const page = await clients[email]!.get(day());
    return clients[email]!.post(`/marac/meetings/${meeting}/confidentiality`, {}, page.body);
  };
  const minute = (i: number) => db().selectFrom('marac_minutes').selectAll().where('agenda_item_id', '=', items[i]!).executeTakeFirst();
  const saveMinutes = (email: string, i: number, fields: Record<string, string>, formPage?: string) =>
    clients[email]!.post(minutesUrl(i), { idvaView: '', summary: '', risks: '', intent: 'save', ...fields }, formPage);

  before(async () => {
    t = await createTestApp();
    const ids = await demoIds(db());
    agencies = ids.agencies;
    await insertUser(db(), t.partnershipId, { email: LAPSED, agency: 'EDUCATION', roles: ['agency_rep'] });
    const a = await insertAcceptedReferral(db(), t.partnershipId, {
      owner: 'HOUSING',
      victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      daysAgo: 8,
      band: 'high',
    });
    const b = await insertAcceptedReferral(db(), t.partnershipId, { owner: 'POLICE', victim: { given: 'Bea', family: 'Brook' }, daysAgo: 9, band: 'medium' });
    for (const c of [a, b]) caseRefs.push((await db().selectFrom('cases').select('reference').where('id', '=', c.caseId).executeTakeFirstOrThrow()).reference);
    const invited = ['COUNCIL', 'POLICE', 'HOUSING', 'IDVA', 'EDUCATION'].map((code) => agencies[code]!);
    ({ meetingId: meeting, itemIds: items } = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: ids.areas.NORTHFIELD!,
      date: today,
      caseIds: [a.caseId, b.caseId],
      agencyIds: invited,
    }));
    ({ meetingId: future } = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: ids.areas.RIVERSIDE!,
      date: shiftDays(today, 7),
      caseIds: [a.caseId],
      agencyIds: invited,
    }));
    for (const [i, email] of [COORDINATOR, CHAIR, REP, IDVA, PRACTITIONER, LAPSED].entries()) {
      clients[email] = new WebClient(t.app, `10.12.0.${i + 1}`);
      await clients[email].signIn(email);
    }
  });
  after(() => t.close());

  it('shows only the confidentiality statement until the attendee confirms it, then records when', async () => {
    const rep = clients[REP]!;
    const before = await rep.get(day());
    assert.equal(before.statusCode, 200);
    const main = mainOf(before.body);
    assert.match(main, /Confidentiality statement/);
    assert.match(main, /I confirm I will keep to this statement/);
    for (const hidden of [...caseRefs, 'LM', '1 February 1990', 'Attendance']) assert.ok(!main.includes(hidden), `no ${hidden} before confirming`);
    const minutesBefore = await rep.get(minutesUrl(0));
    assert.equal(minutesBefore.statusCode, 303, 'a case of the meeting sends them to the statement');
    assert.equal(minutesBefore.headers.location, day());
    assert.equal(await attendance(REP), undefined);

    const confirmed = await confirm(REP);
    assert.equal(confirmed.headers.location, day());
    const row = await attendance(REP);
    assert.equal(row?.status, 'present', 'confirming puts them on the register as present');
    assert.ok(row?.confidentiality_confirmed_at instanceof Date);
    const after = mainOf((await rep.get(day())).body);
    assert.match(after, /You confirmed the confidentiality statement on/);
    for (const shown of [...caseRefs, 'LM, 1 February 1990', 'Callum Fairweather', 'Housing Options']) assert.ok(after.includes(shown), `shows ${shown}`);
    assert.doesNotMatch(after, /I confirm I will keep to this statement/);
    assert.equal((await rep.get(minutesUrl(0))).statusCode, 200);

    await confirm(REP);
    assert.equal(
      (await attendance(REP))?.confidentiality_confirmed_at?.getTime(),
      row!.confidentiality_confirmed_at!.getTime(),
      'the first confirmation stands',
    );
    const audited = await db()
      .selectFrom('audit_events')
      .select(['action', 'subject_id', 'details'])
      .where('action', '=', 'marac.confidentiality.confirm')
      .execute();
    assert.equal(audited.length, 2);
    assert.equal(audited[0]!.subject_id, meeting);
    const views = await db()
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'marac.meeting.day.view')
      .where('subject_id', '=', meeting)
      .execute();
    assert.ok(views.length >= 2, 'every view of the meeting page is audited');
  });

  it('shows no case content to an agency whose agreement has lapsed, and nothing to one not invited', async () => {
    const lapsed = clients[LAPSED]!;
    const page = await lapsed.get(day());
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /information-sharing agreement is not in force/);
    for (const hidden of caseRefs) assert.ok(!page.body.includes(hidden));
    assert.equal((await lapsed.get(minutesUrl(0))).statusCode, 403);
    const refused = await lapsed.post(`/marac/meetings/${meeting}/confidentiality`, {}, (await lapsed.get('/marac')).body);
    assert.equal(refused.statusCode, 303);
    assert.equal(await attendance(LAPSED), undefined, 'cannot confirm its way in');

    const outsider = clients[PRACTITIONER]!;
    assert.equal((await outsider.get(day())).statusCode, 404);
    assert.equal((await outsider.get(minutesUrl(0))).statusCode, 404);
    assert.equal((await outsider.get(`/marac/meetings/${meeting}/attendance`)).statusCode, 403, 'the register is for the coordinator and chair');
  });

  it('lets the coordinator or chair keep the register: present or apologies, on the version they saw', async () => {
    const chair = clients[CHAIR]!;
    const url = `/marac/meetings/${meeting}/attendance`;
    assert.equal((await clients[REP]!.get(url)).statusCode, 403);
    let page = await chair.get(url);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ruth Okonkwo \(Safer Futures IDVA Service\)/);
    assert.doesNotMatch(page.body, /Nadia Sorensen/, 'staff of agencies not invited are not offered');
    assert.doesNotMatch(page.body, /lapsed/, 'nor staff whose agreement has lapsed');

    await chair.post(url, { userId: '', version: '0' }, page.body);
    assert.deepEqual(errorSummary((await chair.get(url)).body), ['Select the person', 'Select whether they are present or sent apologies']);
    await chair.post(url, { userId: await userId(PRACTITIONER), status: 'present', version: '0' }, page.body);
    assert.deepEqual(errorSummary((await chair.get(url)).body), ['Select a person from the list']);

    await chair.post(url, { userId: await userId(IDVA), status: 'apologies', version: '0' }, page.body);
    const idva = await attendance(IDVA);
    assert.deepEqual([idva?.status, idva?.confidentiality_confirmed_at, idva?.version], ['apologies', null, 1]);
    page = await chair.get(url);
    assert.match(page.body, /The register has been updated/);
    assert.match(page.body, /Ruth Okonkwo[\s\S]*?Apologies[\s\S]*?Not confirmed/);

    await chair.post(url, { userId: await userId(IDVA), status: 'present', version: '1' }, page.body);
    await clients[COORDINATOR]!.post(url, { userId: await userId(IDVA), status: 'apologies', version: '1' }, (await clients[COORDINATOR]!.get(url)).body);
    assert.deepEqual(errorSummary((await clients[COORDINATOR]!.get(url)).body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
    assert.equal((await attendance(IDVA))?.status, 'present', 'the stale change was not applied');

    const futureUrl = `/marac/meetings/${future}/attendance`;
    const futurePage = await chair.get(futureUrl);
    assert.match(futurePage.body, /The register is kept from the day of the meeting/);
    await chair.post(futureUrl, { userId: await userId(IDVA), status: 'present', version: '0' }, futurePage.body);
    assert.match(
      errorSummary((await chair.get(futureUrl)).body)[0] ?? '',
      /^The meeting is on .*: its attendance, minutes and actions are recorded from that day$/,
    );
  });

  it('drafts minutes, refuses the stale editor without overwriting, and makes final minutes read-only', async () => {
    await confirm(COORDINATOR);
    await confirm(CHAIR);
    const coordinator = clients[COORDINATOR]!;
    const chair = clients[CHAIR]!;
    let page = await coordinator.get(minutesUrl(0));
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(mainOf(page.body), /\[missing text/);

    await saveMinutes(COORDINATOR, 0, { version: '0' }, page.body);
    assert.deepEqual(errorSummary((await coordinator.get(minutesUrl(0))).body), ['Enter the minutes for this case']);
    await saveMinutes(COORDINATOR, 0, { version: '0', intent: 'finalise', idvaView: 'She wants to stay at home.', risks: 'x'.repeat(8001) }, page.body);
    assert.deepEqual(errorSummary((await coordinator.get(minutesUrl(0))).body), [
      'Enter a summary before finalising the minutes',
      'The risks must be 8000 characters or fewer',
    ]);
    assert.equal(await minute(0), undefined, 'nothing saved');

    await saveMinutes(COORDINATOR, 0, { version: '0', idvaView: 'She wants to stay at home.', summary: 'Police shared two call-outs.' }, page.body);
    assert.deepEqual([(await minute(0))?.version, (await minute(0))?.status], [1, 'draft']);

    // Two editors open the draft at version 1; the first to save wins, the second is refused and changes nothing.
    const coordinatorForm = await coordinator.get(minutesUrl(0));
    const chairForm = await chair.get(minutesUrl(0));
    assert.match(chairForm.body, /name="version" value="1"/);
    await saveMinutes(COORDINATOR, 0, { version: '1', summary: 'Police shared two call-outs; housing will fit locks.' }, coordinatorForm.body);
    const stale = await saveMinutes(CHAIR, 0, { version: '1', summary: 'Chair’s own wording' }, chairForm.body);
    assert.equal(stale.headers.location, minutesUrl(0), 'no fragment: it would take focus from the error summary');
    const refusedPage = await chair.get(minutesUrl(0));
    assert.match(errorSummary(refusedPage.body)[0] ?? '', /Someone else changed this record/);
    assert.match(refusedPage.body, /housing will fit locks/, 'the page shows the minutes as they now are');
    assert.equal((await minute(0))?.summary, 'Police shared two call-outs; housing will fit locks.');
    assert.equal((await minute(0))?.version, 2);

    // Someone who is not running the meeting cannot write minutes.
    await confirm(IDVA);
    const idvaPage = await clients[IDVA]!.get(minutesUrl(0));
    assert.equal(idvaPage.statusCode, 200);
    assert.match(idvaPage.body, /housing will fit locks/, 'attendees read the draft');
    assert.doesNotMatch(idvaPage.body, /name="summary"/);
    assert.equal((await saveMinutes(IDVA, 0, { version: '2', summary: 'Mine' }, idvaPage.body)).statusCode, 403);

    page = await coordinator.get(minutesUrl(0));
    await saveMinutes(
      COORDINATOR,
      0,
      { version: '2', intent: 'finalise', idvaView: 'She wants to stay at home.', summary: 'Agreed: locks, police marker.', risks: 'Threats to kill.' },
      page.body,
    );
    const final = await minute(0);
    assert.deepEqual([final?.status, final?.summary, final?.version], ['final', 'Agreed: locks, police marker.', 3]);
    assert.ok(final?.finalised_at instanceof Date);
    page = await coordinator.get(minutesUrl(0));
    assert.match(page.body, /The minutes are final/);
    assert.match(page.body, /Finalised by Tasha Greenwood on/);
    assert.doesNotMatch(page.body, /name="summary"/, 'no editing form once final');

    await saveMinutes(COORDINATOR, 0, { version: '3', summary: 'Changed afterwards' }, page.body);
    assert.deepEqual(errorSummary((await coordinator.get(minutesUrl(0))).body), [
      'These minutes are final and cannot be changed. Add an amendment to correct them.',
    ]);
    assert.equal((await minute(0))?.summary, 'Agreed: locks, police marker.');
    await assert.rejects(
      db().updateTable('marac_minutes').set({ summary: 'Changed in the database' }).where('id', '=', final!.id).execute(),
      /a final MARAC minute cannot be changed/,
      'the database refuses too',
    );
    const audited = await db().selectFrom('audit_events').select('action').where('subject_id', '=', items[0]!).orderBy('seq').execute();
    assert.deepEqual(
      audited.map((a) => a.action).filter((a) => a.startsWith('marac.minutes.') && a !== 'marac.minutes.view'),
      ['marac.minutes.save', 'marac.minutes.save', 'marac.minutes.finalise'],
    );
  });

  it('corrects final minutes only by amendments, shown with the original and who made each when', async () => {
    const coordinator = clients[COORDINATOR]!;
    let page = await coordinator.get(minutesUrl(0));
    await coordinator.post(`${minutesUrl(0)}/amendments`, { amendment: '' }, page.body);
    assert.deepEqual(errorSummary((await coordinator.get(minutesUrl(0))).body), ['Enter the amendment']);
    await coordinator.post(`${minutesUrl(0)}/amendments`, { amendment: 'The police marker is on both addresses.' }, page.body);
    page = await clients[CHAIR]!.get(minutesUrl(0));
    await clients[CHAIR]!.post(`${minutesUrl(0)}/amendments`, { amendment: 'Locks fitted by Housing, not the landlord.' }, page.body);

    const shown = mainOf((await clients[REP]!.get(minutesUrl(0))).body);
    assert.match(
      shown,
      /Agreed: locks, police marker\.[\s\S]*Amendment 1[\s\S]*Added by Tasha Greenwood \(Harbourshire Council Community Safety\) on [\s\S]*The police marker is on both addresses\.[\s\S]*Amendment 2[\s\S]*Added by DI Owen Hartley \(Harbourshire Police\)[\s\S]*Locks fitted by Housing/,
    );
    assert.equal((await minute(0))?.summary, 'Agreed: locks, police marker.', 'the original stays as it was');
    await assert.rejects(db().deleteFrom('marac_minute_amendments').execute(), /permission denied|append-only/);

    // A draft is changed, not amended.
    page = await coordinator.get(minutesUrl(1));
    await saveMinutes(COORDINATOR, 1, { version: '0', summary: 'Draft for case two.' }, page.body);
    await coordinator.post(`${minutesUrl(1)}/amendments`, { amendment: 'Too early' }, page.body);
    assert.deepEqual(errorSummary((await coordinator.get(minutesUrl(1))).body), ['Only final minutes are amended: change the draft instead']);

    const dayPage = mainOf((await coordinator.get(day())).body);
    assert.match(dayPage, new RegExp(`${caseRefs[0]}[\\s\\S]*?Final[\\s\\S]*?${caseRefs[1]}[\\s\\S]*?Draft`));
  });
});
