import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedCasesDemo } from '../../src/modules/people/case.demo.js';
import { seedPeopleDemo } from '../../src/modules/people/person.demo.js';
import { seedRiskDemo } from '../../src/modules/risk/risk.demo.js';
import { formatDate, londonToday } from '../../src/platform/format.js';
import CaseListPage from './pages/people/caseListPage.js';
import CasePage from './pages/people/casePage.js';
import { COORDINATOR, PRACTITIONER, signInAs } from './pages/people/staff.js';
import { CaseRiskPanel, CheckRiskAnswersPage, RiskRecordPage, RiskSectionPage, RiskSubmittedPage, RiskTaskListPage, StartRiskPage } from './pages/riskPages.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const DASH = 'Domestic abuse risk checklist (DASH RIC, 24 questions)';
const S_DASH = 'Stalking and harassment checklist (S-DASH, 11 questions)';
const SECTIONS = ['What is happening now', 'Separation, children and contact', 'The pattern of abuse', 'About the person causing harm'];
const YES = Array.from({ length: 14 }, (_, i) => i + 1); // exactly 14 "yes": visible high risk
// A demo case of the practitioner's agency (src/modules/people/case.demo-data.ts) with a risk history already
// (src/modules/risk/risk.demo-data.ts): three DASH assessments and an S-DASH.
const VICTIM = 'Amira Castell';
const TODAY = formatDate(londonToday());

let running: RunningApp;
let browser: Browser;

before(async () => {
  running = await startApp();
  const { db } = running.t.database;
  await seedPeopleDemo(db, running.t.partnershipId);
  await seedCasesDemo(db, running.t.partnershipId);
  await seedRiskDemo(db, running.t.partnershipId);
  // Council Community Safety receives MARAC referrals, as in the demo partnership.
  const council = await db.selectFrom('agencies').select('id').where('code', '=', 'COUNCIL').executeTakeFirstOrThrow();
  await db.insertInto('referral_settings').values({ partnership_id: running.t.partnershipId, marac_agency_id: council.id, updated_by: null }).execute();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await running?.close();
});

describe('Journey: the demo practitioner completes a DASH with 14 "yes" answers on a demo case and submits it as high risk', () => {
  let context: BrowserContext;
  let page: Page;
  let reference = '';
  let caseUrl = '';
  const browserErrors: string[] = [];

  before(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && browserErrors.push(`${page.url()}: ${message.text()}`));
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
    await signInAs(page, running.baseUrl, PRACTITIONER);
  });
  after(() => context?.close());

  it('opens the demo case and sees its risk history as a chart and a table', async () => {
    await page.goto(`${running.baseUrl}/cases`);
    const list = await CaseListPage.verifyOnPage(page);
    reference = await list.referenceFor(VICTIM);
    await list.open(reference);
    await CasePage.verifyOnPage(page, reference);
    caseUrl = page.url();
    const risk = new CaseRiskPanel(page);
    const rows = await risk.historyRows();
    assert.equal(rows.length, 4, 'three DASH assessments and an S-DASH');
    assert.deepEqual(
      rows.map((r) => r[2]),
      ['12', '7', '15', '11'],
      'newest first, with their scores',
    );
    assert.deepEqual(await risk.chartScores(), ['11', '15', '12'], 'the chart plots the scored checklist, oldest first');
    await checkAccessibility(page, 'case page with its risk history');
  });

  it('starts a DASH: the start page explains what it needs, then the draft’s task list', async () => {
    await new CaseRiskPanel(page).startAssessment();
    const start = await StartRiskPage.verifyOnPage(page);
    await checkAccessibility(page, 'start a risk assessment');
    await start.start();
    await StartRiskPage.verifyOnPage(page);
    assert.deepEqual(await checkErrorSummary(page), ['Select which checklist to use', 'Select whether the victim took part in the assessment']);
    await checkAccessibility(page, 'start a risk assessment with errors');

    await start.start({ instrument: DASH, victimTookPart: 'Yes' });
    const tasks = await RiskTaskListPage.verifyOnPage(page, DASH);
    assert.deepEqual(
      await tasks.sections(),
      SECTIONS.map((title) => [title, 'Not yet started']),
    );
    await checkAccessibility(page, 'risk assessment task list');
  });

  it('answers two sections a page at a time, then saves as a draft to return to from the case', async () => {
    await (await RiskTaskListPage.verifyOnPage(page, DASH)).openSection(SECTIONS[0]!);
    let section = await RiskSectionPage.verifyOnPage(page, SECTIONS[0]!);
    assert.deepEqual(await section.questionNumbers(), [1, 2, 3, 4, 5]);
    await checkAccessibility(page, 'risk section page');
    await section.answerAll(YES);
    await section.addNote(1, 'Bruising to her arm, not treated');
    await section.saveAndContinue();

    section = await RiskSectionPage.verifyOnPage(page, SECTIONS[1]!);
    await section.answerAll(YES);
    await section.saveAsDraft();

    const casePage = await CasePage.verifyOnPage(page, reference);
    assert.match(await casePage.notice(), /^Risk assessment saved as a draft/);
    const risk = new CaseRiskPanel(page);
    assert.deepEqual(await risk.drafts(), [`${DASH}, version 1, dated ${TODAY}, started by ${PRACTITIONER.name}, ${PRACTITIONER.agency}. Continue`]);
    await checkAccessibility(page, 'case page with a draft');
    await risk.continueDraft();
    assert.deepEqual(await (await RiskTaskListPage.verifyOnPage(page, DASH)).sections(), [
      [SECTIONS[0], 'Completed'],
      [SECTIONS[1], 'Completed'],
      [SECTIONS[2], 'Not yet started'],
      [SECTIONS[3], 'Not yet started'],
    ]);
  });

  it('answers the last two sections, with exactly 14 "yes" answers in all, and sees "High" on check your answers', async () => {
    await (await RiskTaskListPage.verifyOnPage(page, DASH)).openSection(SECTIONS[2]!);
    let section = await RiskSectionPage.verifyOnPage(page, SECTIONS[2]!);
    await section.answerAll(YES);
    await section.saveAndContinue();
    section = await RiskSectionPage.verifyOnPage(page, SECTIONS[3]!);
    await section.answerAll(YES);
    await section.saveAndContinue();

    const check = await CheckRiskAnswersPage.verifyOnPage(page);
    assert.deepEqual(await check.outcome(), { Score: '14 out of 24', 'Band by score': 'High' });
    assert.equal(await check.answerTo('1. Were you hurt'), 'Yes Note: Bruising to her arm, not treated');
    assert.equal(await check.answerTo('15. '), 'No');
    assert.equal(await check.chosenLevel(), 'high', 'the level starts at the band the score gives');
    assert.deepEqual(await check.offers(), [`The answer to question 8 calls for the ${S_DASH}. Start the ${S_DASH}`]);
    await checkAccessibility(page, 'check your answers');
  });

  it('cannot lower the score-based high: the refusal says why, next to the level', async () => {
    await (await CheckRiskAnswersPage.verifyOnPage(page)).submitAssessment({ level: 'Medium', rationale: 'She feels safer since he moved away' });
    const check = await CheckRiskAnswersPage.verifyOnPage(page);
    const refusal = 'A score of 14 is high risk. Professional judgement can raise a level but never lower a high risk, so the level stays high';
    assert.deepEqual(await checkErrorSummary(page), [refusal]);
    assert.equal(await check.fieldError('level'), refusal);
    await checkAccessibility(page, 'check your answers with a refused level');
  });

  it('submits at high, sees the confirmation, and finds the assessment at the top of the case’s risk history', async () => {
    await (await CheckRiskAnswersPage.verifyOnPage(page)).submitAssessment({ level: 'High', rationale: '' });
    const submitted = await RiskSubmittedPage.verifyOnPage(page);
    assert.equal(await submitted.panelBody(), 'Score 14: high risk');
    await checkAccessibility(page, 'risk assessment submitted');

    await submitted.backToCase();
    await CasePage.verifyOnPage(page, reference);
    assert.equal(page.url(), caseUrl);
    const risk = new CaseRiskPanel(page);
    const [newest] = await risk.historyRows();
    assert.deepEqual(newest, [TODAY, `${DASH}, version 1`, '14', 'High', 'High', `${PRACTITIONER.name}, ${PRACTITIONER.agency}`]);
    assert.deepEqual(await risk.drafts(), [], 'the draft is a draft no more');
    assert.equal((await risk.chartScores()).at(-1), '14', 'the chart ends with it');
    await checkAccessibility(page, 'case page with the new assessment');
    assert.deepEqual(browserErrors, []);
  });
});

describe('Without JavaScript, the practitioner reads the DASH just submitted, and starts and answers the S-DASH it calls for', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
    await signInAs(page, running.baseUrl, PRACTITIONER);
  });
  after(() => context?.close());

  it('opens the assessment from the case’s history, starts the S-DASH it offers and answers its first section', async () => {
    await page.goto(`${running.baseUrl}/cases`);
    const list = await CaseListPage.verifyOnPage(page);
    await list.open(await list.referenceFor(VICTIM));
    const latest = new CaseRiskPanel(page).history.getByRole('link').first();
    await Promise.all([page.waitForURL(/\/risk\/[0-9a-f-]{36}$/), latest.click()]);
    const record = await RiskRecordPage.verifyOnPage(page, DASH);
    assert.deepEqual(await record.outcome(), { Score: '14 out of 24', 'Band by score': 'High', 'Level of risk': 'High' });
    await checkAccessibilityWithoutJavaScript(browser, page, 'a submitted risk assessment');
    await record.startOffered(S_DASH);

    const start = await StartRiskPage.verifyOnPage(page);
    assert.equal(await start.chosenInstrument(), S_DASH, 'the checklist called for is chosen');
    await checkAccessibilityWithoutJavaScript(browser, page, 'start an S-DASH');
    await start.start({ victimTookPart: 'No' });
    await (await RiskTaskListPage.verifyOnPage(page, S_DASH)).openSection('The stalking');
    const section = await RiskSectionPage.verifyOnPage(page, 'The stalking');
    const sectionUrl = page.url();
    await checkAccessibilityWithoutJavaScript(browser, page, 'S-DASH section page');
    await section.answerAll([1, 2]);
    await section.answer(3, 'Not known');
    await section.saveAndContinue();
    await RiskSectionPage.verifyOnPage(page, 'About the person stalking');

    await page.goto(sectionUrl);
    const saved = await RiskSectionPage.verifyOnPage(page, 'The stalking');
    assert.ok(await saved.question(3).getByLabel('Not known', { exact: true }).isChecked(), 'the answers were saved');
    assert.ok(await saved.question(1).getByLabel('Yes', { exact: true }).isChecked());
  });
});

describe('Journey: with the DASH at high, the practitioner refers the victim to MARAC and the coordinator accepts the referral', () => {
  let practitioner: Page;
  let coordinator: Page;
  let contexts: BrowserContext[] = [];
  let referralUrl = '';
  let referralReference = '';

  before(async () => {
    contexts = [await browser.newContext(), await browser.newContext()];
    [practitioner, coordinator] = (await Promise.all(contexts.map((c) => c.newPage()))) as [Page, Page];
    await signInAs(practitioner, running.baseUrl, PRACTITIONER);
    await signInAs(coordinator, running.baseUrl, COORDINATOR);
  });
  after(async () => {
    for (const context of contexts) await context.close();
  });

  it('makes a MARAC referral on visible high risk from the case, with the score it rests on', async () => {
    await practitioner.goto(`${running.baseUrl}/cases`);
    const list = await CaseListPage.verifyOnPage(practitioner);
    await list.open(await list.referenceFor(VICTIM));
    await practitioner.getByRole('button', { name: 'Make a referral' }).click();
    await practitioner.getByRole('heading', { level: 1 }).waitFor();
    assert.match(await practitioner.locator('main').innerText(), /14/, 'the form shows the latest score');
    await practitioner.getByLabel('MARAC', { exact: true }).check();
    await practitioner.getByLabel('Visible high risk').check();
    await practitioner.getByLabel('Yes, the victim consented').check();
    await checkAccessibility(practitioner, 'referral form');
    await practitioner.getByRole('button', { name: 'Make referral' }).click();
    await practitioner.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
    referralUrl = practitioner.url();
    referralReference = (await practitioner.getByRole('heading', { level: 1 }).innerText()).trim();
    assert.match(referralReference, /^REF-\d{6}$/);
    const main = await practitioner.locator('main').innerText();
    assert.match(main, /Visible high risk/);
    assert.match(main, /Awaiting screening/);
    await checkAccessibility(practitioner, 'referral page');
  });

  it('the coordinator finds it in the screening queue and accepts it for the next MARAC', async () => {
    await coordinator.goto(`${running.baseUrl}/referrals/screening`);
    const row = coordinator.getByRole('row').filter({ hasText: referralReference });
    assert.equal(await row.count(), 1, 'the referral is in the queue');
    assert.match(await row.innerText(), /Visible high risk/);
    await checkAccessibility(coordinator, 'screening queue');
    await row.getByRole('link').first().click();
    await coordinator.getByRole('heading', { level: 1 }).waitFor();
    await coordinator.getByLabel('Accept for the next MARAC').check();
    await checkAccessibility(coordinator, 'screening decision');
    await coordinator.getByRole('button', { name: 'Save decision' }).click();
    await coordinator.waitForURL(/\/referrals\/screening$/);
    assert.match(await coordinator.locator('.govuk-notification-banner').innerText(), new RegExp(`Referral ${referralReference} accepted for the next MARAC`));
    assert.equal(await coordinator.getByRole('row').filter({ hasText: referralReference }).count(), 0, 'no longer waiting');
  });

  it('the practitioner sees the decision on the referral', async () => {
    await practitioner.goto(referralUrl);
    assert.match(await practitioner.locator('main').innerText(), /Accepted/);
    await checkAccessibility(practitioner, 'referral page after the decision');
  });
});
