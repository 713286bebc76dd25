import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedCasesDemo } from '../../src/modules/people/case.demo.js';
import { seedPeopleDemo } from '../../src/modules/people/person.demo.js';
import { seedReferralsDemo } from '../../src/modules/referrals/referral.demo.js';
import { seedRiskDemo } from '../../src/modules/risk/risk.demo.js';
import { formatDate, londonToday, shiftDays } from '../../src/platform/format.js';
import {
  ActionPage,
  AgendaItemPage,
  AttendancePage,
  MeetingDayPage,
  MeetingFormPage,
  MeetingPage,
  MeetingsPage,
  MinutesPage,
  MyActionsPage,
  PlanningPage,
  PublishPage,
  ResearchGridPage,
  type DateParts,
} from './pages/maracPages.js';
import { COORDINATOR, signInAs, type StaffMember } from './pages/people/staff.js';
import { checkAccessibility } from './support/axe.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

/** Demo staff of two invited agencies (src/modules/admin/admin.demo.ts). */
const HOUSING_REP: StaffMember = { email: 'rep@demo.harbour.example', name: 'Callum Fairweather', agency: 'Housing Options' };
const POLICE_CHAIR: StaffMember = { email: 'chair@demo.harbour.example', name: 'DI Owen Hartley', agency: 'Harbourshire Police' };

const TODAY = londonToday();
const parts = (date: string): DateParts => {
  const [year, month, day] = date.split('-') as [string, string, string];
  return { day: String(Number(day)), month: String(Number(month)), year };
};
// The meeting is held today, so the same journey can build its agenda, hear it and chase its actions.
const MEETING = { area: 'Northfield', date: parts(TODAY), startsAt: '10:00', place: 'Northfield Police Station, Room 2', caseLimit: '12' };
const TITLE = `Northfield MARAC, ${formatDate(TODAY)}`;
const ACTION = 'Fit new locks and a door viewer at the victim’s home this week';

let running: RunningApp;
let browser: Browser;
const browserErrors: string[] = [];
/** The demo case Housing's representative must not see (src/modules/people/case.demo-data.ts, RESTRICTED). */
let hiddenFromHousing = '';

/**
 * A signed-in person in their own browser context, so several people can use the app side by side. Only the page
 * in front has focus, so each step brings its person's page to the front first (GOV.UK's error summary takes focus
 * when its page loads, and gives it up when the page is in the background).
 */
async function as(who: StaffMember): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && browserErrors.push(`${page.url()}: ${message.text()}`));
  page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
  await signInAs(page, running.baseUrl, who);
  return { context, page };
}

before(async () => {
  running = await startApp();
  const { db } = running.t.database;
  await seedPeopleDemo(db, running.t.partnershipId);
  await seedCasesDemo(db, running.t.partnershipId);
  await seedRiskDemo(db, running.t.partnershipId);
  await seedReferralsDemo(db, running.t.partnershipId); // accepted MARAC referrals waiting for an agenda
  const restricted = await db
    .selectFrom('restrictions')
    .innerJoin('cases', (join) => join.onRef('cases.partnership_id', '=', 'restrictions.partnership_id').onRef('cases.id', '=', 'restrictions.subject_id'))
    .innerJoin('users', 'users.id', 'restrictions.blocked_user_id')
    .select('cases.reference')
    .where('restrictions.subject_type', '=', 'case')
    .where('restrictions.removed_at', 'is', null)
    .where('users.email', '=', HOUSING_REP.email)
    .executeTakeFirstOrThrow();
  hiddenFromHousing = restricted.reference;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await running?.close();
});

describe('Journey: the coordinator builds an agenda, two agencies research it, the meeting agrees an action and the agency completes it', () => {
  let coordinator: Page;
  let housing: Page;
  let police: Page;
  let meetingUrl = '';
  let cases: string[] = [];
  /** The case both agencies research and the meeting acts on: the one on the agenda Housing may see. */
  let shared = '';
  const contexts: BrowserContext[] = [];

  before(async () => {
    const signedIn = await Promise.all([as(COORDINATOR), as(HOUSING_REP), as(POLICE_CHAIR)]);
    contexts.push(...signedIn.map((s) => s.context));
    [coordinator, housing, police] = signedIn.map((s) => s.page) as [Page, Page, Page];
  });
  after(async () => {
    for (const context of contexts) await context.close();
  });

  it('the coordinator adds a meeting for today, through a case limit that is not a number', async () => {
    await coordinator.bringToFront();
    await coordinator.goto(`${running.baseUrl}/marac`);
    const meetings = await MeetingsPage.verifyOnPage(coordinator);
    await checkAccessibility(coordinator, 'MARAC meetings');
    await meetings.follow('Add a meeting');
    const form = await MeetingFormPage.verifyOnPage(coordinator);
    await checkAccessibility(coordinator, 'add a meeting');

    await form.add({ ...MEETING, caseLimit: 'twelve' });
    await MeetingFormPage.verifyOnPage(coordinator);
    assert.equal((await checkErrorSummary(coordinator)).length, 1);
    assert.equal(await coordinator.getByLabel('Where it is held').inputValue(), MEETING.place, 'what was typed is kept');
    await checkAccessibility(coordinator, 'add a meeting with errors');

    await form.add(MEETING);
    const meeting = await MeetingPage.verifyOnPage(coordinator, TITLE);
    meetingUrl = coordinator.url();
    assert.equal(await meeting.notice(), 'The meeting has been added.');
    const details = await meeting.details();
    assert.equal(details['Where'], MEETING.place);
    assert.equal(details['Cases'], '0 of 12');
    assert.equal(details['Agenda'], 'Not published');
  });

  it('puts two accepted referrals on the new meeting from the planning page, one of them hidden from a housing officer', async () => {
    await coordinator.bringToFront();
    await coordinator.goto(`${running.baseUrl}/marac/planning`);
    const planning = await PlanningPage.verifyOnPage(coordinator);
    await checkAccessibility(coordinator, 'plan agendas');
    const waiting = await planning.waiting();
    assert.ok(waiting.length >= 2, `the referrals demo leaves accepted referrals waiting (found ${waiting.length})`);
    const references = waiting.map((w) => w.caseReference);
    assert.ok(references.includes(hiddenFromHousing), 'the restricted case is waiting for an agenda');
    shared = references.find((r) => r !== hiddenFromHousing)!;
    cases = [hiddenFromHousing, shared];
    for (const reference of cases) {
      await (await PlanningPage.verifyOnPage(coordinator)).place(reference, TITLE);
      assert.equal(await (await PlanningPage.verifyOnPage(coordinator)).notice(), 'The case has been put on the agenda.');
    }
    const left = (await (await PlanningPage.verifyOnPage(coordinator)).waiting()).map((w) => w.caseReference);
    for (const reference of cases) assert.ok(!left.includes(reference), `${reference} is no longer waiting`);
  });

  it('orders the agenda by hand: the second case moves up', async () => {
    await coordinator.bringToFront();
    await coordinator.goto(meetingUrl);
    const meeting = await MeetingPage.verifyOnPage(coordinator, TITLE);
    const before = await meeting.order();
    assert.deepEqual([...before].sort(), [...cases].sort());
    await checkAccessibility(coordinator, 'meeting with its agenda');
    await meeting.move(before[1]!, 'Up');
    const after = await (await MeetingPage.verifyOnPage(coordinator, TITLE)).order();
    assert.deepEqual(after, [before[1], before[0]]);
    assert.match(await coordinator.locator('main').innerText(), /In the order you set/);
    cases = after;
  });

  it('publishes the agenda to the police and housing', async () => {
    await (await MeetingPage.verifyOnPage(coordinator, TITLE)).follow('Publish the agenda');
    const publish = await PublishPage.verifyOnPage(coordinator);
    await checkAccessibility(coordinator, 'publish the agenda');
    await publish.publish([POLICE_CHAIR.agency, HOUSING_REP.agency]);
    const meeting = await MeetingPage.verifyOnPage(coordinator, TITLE);
    assert.match(await meeting.notice(), /^The agenda has been published to 2 agencies\./);
    assert.match((await meeting.details())['Agenda']!, /^Published on /);
  });

  it('housing’s representative sees the agenda without the case they must not see, and records research after a form sent with nothing chosen', async () => {
    await housing.bringToFront();
    await housing.goto(`${running.baseUrl}/marac`);
    await (await MeetingsPage.verifyOnPage(housing)).openMeeting(MEETING.place);
    const meeting = await MeetingPage.verifyOnPage(housing, TITLE);
    assert.deepEqual(await meeting.order(), [shared], 'the restricted case is not on the agenda they see, and nothing says it exists');
    assert.doesNotMatch(await housing.locator('main').innerText(), new RegExp(hiddenFromHousing));
    assert.ok(
      (await meeting.agendaRows()).every((row) => row.at(-1) === 'Not yet'),
      'housing has researched nothing yet',
    );
    await checkAccessibility(housing, 'agenda as an invited agency');

    await meeting.openCase(shared);
    const item = await AgendaItemPage.verifyOnPage(housing, shared);
    await checkAccessibility(housing, 'research form');
    await item.research({});
    await AgendaItemPage.verifyOnPage(housing, shared);
    assert.ok((await checkErrorSummary(housing)).length >= 1, 'each unanswered question is explained');
    await checkAccessibility(housing, 'research form with errors');

    await item.research({ known: 'Yes', openCase: 'Yes', risks: 'Yes', notes: 'Joint tenancy; he still has keys. Lock change requested.' });
    const agenda = await MeetingPage.verifyOnPage(housing, TITLE);
    assert.equal(await agenda.notice(), 'Your agency’s research has been saved.');
    assert.equal((await agenda.agendaRows())[0]!.at(-1), 'Done', 'the agenda shows housing has researched the case');
  });

  it('the police record theirs on the same case and see housing’s beside it', async () => {
    await police.bringToFront();
    await police.goto(meetingUrl);
    const meeting = await MeetingPage.verifyOnPage(police, TITLE);
    assert.deepEqual(await meeting.order(), cases, 'the police see the whole agenda, in the coordinator’s order');
    await meeting.openCase(shared);
    const item = await AgendaItemPage.verifyOnPage(police, shared);
    await item.research({ known: 'Yes', openCase: 'No', risks: 'Yes', notes: 'Three call-outs in six months; bail breached once.' });
    await (await MeetingPage.verifyOnPage(police, TITLE)).openCase(shared);
    const saved = await AgendaItemPage.verifyOnPage(police, shared);
    const others = await saved.othersResearch();
    assert.deepEqual(Object.keys(others), [HOUSING_REP.agency]);
    assert.match(Object.values(others[HOUSING_REP.agency]!).join(' '), /Lock change requested/);
    await checkAccessibility(police, 'research with another agency’s');
  });

  it('the coordinator sees which agencies have returned their research', async () => {
    await coordinator.bringToFront();
    await coordinator.goto(meetingUrl);
    await (await MeetingPage.verifyOnPage(coordinator, TITLE)).follow('Research returned');
    const grid = await ResearchGridPage.verifyOnPage(coordinator);
    assert.deepEqual(await grid.byAgency(), [
      [POLICE_CHAIR.agency, '1 of 2'],
      [HOUSING_REP.agency, '1 of 2'],
    ]);
    await checkAccessibility(coordinator, 'research returned');
  });

  it('at the meeting the coordinator confirms confidentiality, keeps the register, minutes the case and agrees an action for housing', async () => {
    await coordinator.bringToFront();
    await coordinator.goto(`${meetingUrl}/day`);
    const day = await MeetingDayPage.verifyOnPage(coordinator, TITLE);
    assert.deepEqual(await day.caseLinks(), [], 'no case content before the confidentiality statement');
    await checkAccessibility(coordinator, 'meeting: confidentiality statement');
    await day.confirmConfidentiality();
    const confirmed = await MeetingDayPage.verifyOnPage(coordinator, TITLE);
    assert.deepEqual(await confirmed.caseLinks(), cases);

    await confirmed.keepRegister();
    for (const person of [POLICE_CHAIR.name, HOUSING_REP.name]) await (await AttendancePage.verifyOnPage(coordinator)).add(person, 'Present');
    const register = await (await AttendancePage.verifyOnPage(coordinator)).register();
    for (const person of [COORDINATOR, POLICE_CHAIR, HOUSING_REP]) {
      assert.ok(
        register.some((row) => row[0] === person.name && row[1] === person.agency),
        `${person.name} is on the register: ${JSON.stringify(register)}`,
      );
    }
    await checkAccessibility(coordinator, 'attendance register');

    await coordinator.bringToFront();
    await coordinator.goto(`${meetingUrl}/day`);
    await (await MeetingDayPage.verifyOnPage(coordinator, TITLE)).openCase(shared);
    const minutes = await MinutesPage.verifyOnPage(coordinator, shared);
    await checkAccessibility(coordinator, 'case minutes');
    await minutes.writeMinutes(
      { idvaView: 'She wants to stay at home with the children.', summary: 'Agencies shared call-outs and tenancy.', risks: 'Perpetrator has keys.' },
      'Save draft',
    );
    assert.equal(await (await MinutesPage.verifyOnPage(coordinator, shared)).notice(), 'The draft minutes have been saved.');

    await minutes.addAction({ agency: HOUSING_REP.agency, description: ACTION, due: parts(shiftDays(TODAY, -1)) });
    await MinutesPage.verifyOnPage(coordinator, shared);
    assert.equal((await checkErrorSummary(coordinator)).length, 1, 'a due date before the meeting is refused');
    await checkAccessibility(coordinator, 'case minutes with an action error');

    await minutes.addAction({ agency: HOUSING_REP.agency, description: ACTION, due: parts(shiftDays(TODAY, 7)) });
    const withAction = await MinutesPage.verifyOnPage(coordinator, shared);
    assert.equal(await withAction.notice(), 'The action has been added.');
    assert.ok(
      (await withAction.actions()).some((row) => row.includes(ACTION) || row.some((cell) => cell.includes(ACTION))),
      'the action is listed on the case',
    );
  });

  it('housing sees the action among its open actions and marks it done with an update', async () => {
    await housing.bringToFront();
    await housing.goto(`${running.baseUrl}/marac/actions`);
    const list = await MyActionsPage.verifyOnPage(housing);
    assert.equal(await list.summary(), '1 open action, 0 overdue.');
    await checkAccessibility(housing, 'my agency’s actions');
    await list.open(ACTION);
    const action = await ActionPage.verifyOnPage(housing, shared);
    await checkAccessibility(housing, 'an action');
    await action.markDone('');
    await ActionPage.verifyOnPage(housing, shared);
    assert.equal((await checkErrorSummary(housing)).length, 1, 'an update is needed');

    await action.markDone('Locks changed and a door viewer fitted on Tuesday.');
    const done = await ActionPage.verifyOnPage(housing, shared);
    assert.equal(await done.notice(), 'The action is marked as done.');
    assert.equal((await done.details())['Status'], 'Done on time');
    await checkAccessibility(housing, 'an action marked done');
    await housing.bringToFront();
    await housing.goto(`${running.baseUrl}/marac/actions`);
    await MyActionsPage.verifyOnPage(housing);
    assert.match(await housing.locator('main').innerText(), /Your agency has no open MARAC actions\./);
  });

  it('no page wrote an error to the browser console', () => {
    assert.deepEqual(browserErrors, []);
  });
});
