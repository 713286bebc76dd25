import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertAcceptedReferral, demoIds } from './marac.test-support.js';
import { dateFields } from './marac.presenter.js';
import { addMonths, meetingDates } from './schedule.recurrence.js';

const COORDINATOR = 'coordinator@demo.harbour.example';
const REP = 'rep@demo.harbour.example';

describe('MARAC schedules and meetings', () => {
  let t: TestApp;
  let coordinator: WebClient;
  let rep: WebClient;
  let areas: Record<string, string>;
  const db = () => t.database.db;
  const today = londonToday();
  const meetingsOf = (scheduleId: string) =>
    db().selectFrom('marac_meetings').selectAll().where('schedule_id', '=', scheduleId).orderBy('meeting_date').execute();
  const schedule = (overrides: Record<string, string> = {}) => ({
    areaId: areas.NORTHFIELD!,
    recurrence: 'weekly',
    weekday: '2',
    weekOfMonth: '',
    ...dateFields('startsOn', today),
    startsAt: '10:00',
    place: 'Northfield Police Station, Room 4',
    caseLimit: '16',
    ...overrides,
  });

  before(async () => {
    t = await createTestApp();
    ({ areas } = await demoIds(db()));
    coordinator = new WebClient(t.app, '10.7.0.1');
    rep = new WebClient(t.app, '10.7.0.2');
    await coordinator.signIn(COORDINATOR);
    await rep.signIn(REP);
  });
  after(() => t.close());

  it('sets up a weekly MARAC for an area and makes its meetings for the next three months, once', async () => {
    const response = await coordinator.submit('/marac/schedules/new', '/marac/schedules', schedule());
    assert.equal(response.headers.location, '/marac/schedules');
    const made = await db().selectFrom('marac_schedules').selectAll().executeTakeFirstOrThrow();
    const expected = meetingDates({ recurrence: 'weekly', weekday: 2, weekOfMonth: null, startsOn: today }, today, addMonths(today, 3));
    const meetings = await meetingsOf(made.id);
    assert.deepEqual(
      meetings.map((m) => m.meeting_date),
      expected,
    );
    assert.ok(meetings.every((m) => m.case_limit === 16 && m.place === 'Northfield Police Station, Room 4' && m.starts_at.startsWith('10:00')));
    assert.match((await coordinator.get('/marac/schedules')).body, new RegExp(`set up with ${expected.length} meetings`));

    await coordinator.submit('/marac/schedules', '/marac/schedules/generate', {});
    assert.equal((await meetingsOf(made.id)).length, expected.length, 'generating again makes nothing new');
    assert.match((await coordinator.get('/marac/schedules')).body, /0 meetings were added/);

    const list = await rep.get('/marac');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Northfield/);
    assert.equal((await rep.get('/marac/schedules')).statusCode, 403, 'only the coordinator runs schedules');
  });

  it('refuses a second schedule for the area, and a form with problems, listing them all', async () => {
    await coordinator.submit('/marac/schedules/new', '/marac/schedules', schedule({ recurrence: 'fortnightly' }));
    assert.deepEqual(errorSummary((await coordinator.get('/marac/schedules/new')).body), [
      'Northfield already has a MARAC schedule. Change that schedule, or stop it first.',
    ]);
    await coordinator.submit(
      '/marac/schedules/new',
      '/marac/schedules',
      schedule({ areaId: '', recurrence: 'monthly', weekday: '', startsAt: '25:00', place: '', caseLimit: '0' }),
    );
    const page = await coordinator.get('/marac/schedules/new');
    assert.deepEqual(errorSummary(page.body), [
      'Select the area',
      'Select the day of the week',
      'Select which week of the month',
      'Enter the time the meeting starts on the 24-hour clock, like 10:00',
      'Enter where the meeting is held',
      'The case limit must be a whole number from 1 to 60',
    ]);
    assert.match(page.body, /name="startsAt"[^>]*value="25:00"/, 'what was typed comes back');
  });

  it('stops a schedule: it makes no more meetings, and those planned stay', async () => {
    const found = await db().selectFrom('marac_schedules').selectAll().executeTakeFirstOrThrow();
    const before = (await meetingsOf(found.id)).length;
    await coordinator.submit(`/marac/schedules/${found.id}/edit`, `/marac/schedules/${found.id}`, {
      ...schedule({ weekday: '3' }),
      active: 'no',
      version: String(found.version),
    });
    const changed = await db().selectFrom('marac_schedules').selectAll().where('id', '=', found.id).executeTakeFirstOrThrow();
    assert.equal(changed.active, false);
    assert.equal(changed.weekday, 3);
    assert.equal((await meetingsOf(found.id)).length, before);
    await coordinator.submit(`/marac/schedules/${found.id}/edit`, `/marac/schedules/${found.id}`, {
      ...schedule(),
      active: 'yes',
      version: String(found.version),
    });
    assert.deepEqual(errorSummary((await coordinator.get(`/marac/schedules/${found.id}/edit`)).body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
  });

  it('adds a meeting by hand, never in the past', async () => {
    await coordinator.submit('/marac/meetings/new', '/marac/meetings', {
      areaId: areas.RIVERSIDE!,
      ...dateFields('meetingDate', shiftDays(today, -1)),
      startsAt: '14:00',
      place: 'Riverside Hub',
      caseLimit: '12',
    });
    assert.deepEqual(errorSummary((await coordinator.get('/marac/meetings/new')).body), ['Date of the meeting must be today or in the future']);
    const response = await coordinator.submit('/marac/meetings/new', '/marac/meetings', {
      areaId: areas.RIVERSIDE!,
      ...dateFields('meetingDate', shiftDays(today, 10)),
      startsAt: '14:00',
      place: 'Riverside Hub',
      caseLimit: '12',
    });
    const id = /^\/marac\/meetings\/([0-9a-f-]{36})$/.exec(String(response.headers.location))?.[1];
    assert.ok(id, String(response.headers.location));
    const meeting = await db().selectFrom('marac_meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(meeting.meeting_date, shiftDays(today, 10));
    assert.equal(meeting.schedule_id, null);
  });

  it('moves a meeting, refusing a stale version and a case limit below its agenda', async () => {
    const [meeting] = await meetingsOf((await db().selectFrom('marac_schedules').select('id').executeTakeFirstOrThrow()).id);
    const url = `/marac/meetings/${meeting!.id}`;
    const move = (fields: Record<string, string>) =>
      coordinator.submit(`${url}/edit`, url, {
        ...dateFields('meetingDate', shiftDays(meeting!.meeting_date, 1)),
        startsAt: '09:30',
        place: 'Northfield Library',
        caseLimit: '16',
        version: String(meeting!.version),
        ...fields,
      });
    assert.equal((await move({})).headers.location, url);
    const moved = await db().selectFrom('marac_meetings').selectAll().where('id', '=', meeting!.id).executeTakeFirstOrThrow();
    assert.equal(moved.meeting_date, shiftDays(meeting!.meeting_date, 1));
    assert.equal(moved.scheduled_for, meeting!.meeting_date, 'it keeps its slot, so generating again does not remake it');
    assert.equal(moved.place, 'Northfield Library');

    await move({ place: 'Somewhere else' });
    assert.deepEqual(errorSummary((await coordinator.get(`${url}/edit`)).body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
    assert.match((await coordinator.get(`${url}/edit`)).body, /value="Northfield Library"/, 'the form shows the meeting as it now is');

    for (const [i, [given, family]] of [
      ['Ann', 'Ash'],
      ['Bo', 'Birch'],
    ].entries()) {
      const made = await insertAcceptedReferral(db(), t.partnershipId, {
        owner: 'HOUSING',
        victim: { given: given!, family: family! },
        daysAgo: 3,
        band: 'high',
      });
      await db()
        .insertInto('marac_agenda_items')
        .values({
          partnership_id: t.partnershipId,
          meeting_id: meeting!.id,
          case_id: made.caseId,
          referral_id: made.referralId,
          position: i + 1,
          kind: 'new',
          added_by: null,
        })
        .execute();
    }
    await move({ caseLimit: '1', version: String(moved.version) });
    assert.deepEqual(errorSummary((await coordinator.get(`${url}/edit`)).body), ['The agenda already has 2 cases: the case limit must be 2 or more']);
  });
});
