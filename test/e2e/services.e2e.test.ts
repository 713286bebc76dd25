import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { formatDate, londonToday } from '../../src/platform/format.js';
import { financialYearOf } from '../../src/modules/services/services.periods.js';
import { configureServices, insertRecord } from '../../src/modules/services/services.test-support.js';
import HomePage from './pages/homePage.js';
import { COORDINATOR, signedIn, signInAs, type StaffMember } from './pages/people/staff.js';
import { ActivityEntryPage, ActivityFormPage, RecordPage, ServicePage, ServiceReportPage, ServicesListPage, StagePage } from './pages/servicesPages.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { appForFile } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const ADMIN: StaffMember = { email: 'admin@demo.harbour.example', name: 'Morgan Ellery', agency: 'Harbourshire Council Community Safety' };
const HOUSING: StaffMember = { email: 'rep@demo.harbour.example', name: 'Callum Fairweather', agency: 'Housing Options' };
const CCAV = 'CC-AV school sessions';
const ASK = 'ASK sanctuary scheme';

const today = londonToday();
const year = financialYearOf(today);
const quarter = year.quarters.findIndex((q) => q.from <= today && today <= q.to);

const app = appForFile({
  prepare: async (running) => {
    const services = await configureServices(running.t.database.db, running.t.partnershipId);
    await insertRecord(running.t.database.db, running.t.partnershipId, services['ask-sanctuary']!, { referredOn: year.year.from });
  },
});

describe('The council records a CC-AV session and reads the service report', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ({ context, page } = await signedIn(app.browser, app.running.baseUrl, COORDINATOR));
  });
  after(() => context?.close());

  it('finds the service from the navigation, and the list and service pages pass axe', async () => {
    await (await HomePage.verifyOnPage(page, COORDINATOR.name)).goToSection('Services');
    const list = await ServicesListPage.verifyOnPage(page);
    await checkAccessibility(page, 'services list');
    await list.open(CCAV);
    await ServicePage.verifyOnPage(page, CCAV);
    await checkAccessibility(page, 'CC-AV service page');
  });

  it('records a session through the GOV.UK error summary', async () => {
    await (await ServicePage.verifyOnPage(page, CCAV)).recordEntry();
    const form = await ActivityFormPage.verifyOnPage(page);
    await form.fill(today, { 'Sessions delivered': '3', 'Pupils reached': 'sixty', 'Mean attitude score before': '5.4', 'Mean attitude score after': '11' });
    await form.save();
    assert.deepEqual(await checkErrorSummary(page), [
      'Enter school',
      'Pupils reached must be a whole number from 0 to 2000',
      'Mean attitude score after must be a number from 0 to 10, with at most one decimal place, like 6.5',
    ]);
    await checkAccessibility(page, 'CC-AV entry with errors');
    const again = await ActivityFormPage.verifyOnPage(page);
    await again.fill(today, { School: 'Eastvale High School', 'Pupils reached': '60', 'Mean attitude score after': '7.2' });
    await again.save();
    const entry = await ActivityEntryPage.verifyOnPage(page, formatDate(today));
    assert.equal(await entry.notice(), 'Entry recorded');
    const answers = await entry.answers();
    assert.equal(answers.School, 'Eastvale High School');
    assert.equal(answers['Pupils reached'], '60');
    await checkAccessibility(page, 'CC-AV entry');
  });

  it('shows the session in this quarter and the year of the service report, which passes axe', async () => {
    await page.goto(`${app.running.baseUrl}/services`);
    await (await ServicesListPage.verifyOnPage(page)).open(CCAV);
    await (await ServicePage.verifyOnPage(page, CCAV)).openReport();
    const report = await ServiceReportPage.verifyOnPage(page, year.id);
    const pupils = await report.row('pupils');
    assert.equal(pupils[quarter], '60');
    assert.equal(pupils[4], '60', 'the year');
    assert.equal(pupils[6], 'Not applicable', 'no change from a year with none');
    assert.equal((await report.row('sessions'))[4], '3');
    assert.match(await report.csvHref(), new RegExp(`report\\.csv\\?year=${year.id}$`));
    await checkAccessibility(page, 'CC-AV report');
  });

  it('works and passes axe without JavaScript', async () => {
    const noJs = await app.browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await noJs.newPage();
      await signInAs(plain, app.running.baseUrl, COORDINATOR);
      await plain.goto(`${app.running.baseUrl}/services`);
      await (await ServicesListPage.verifyOnPage(plain)).open(CCAV);
      await (await ServicePage.verifyOnPage(plain, CCAV)).openReport();
      assert.equal((await (await ServiceReportPage.verifyOnPage(plain, year.id)).row('pupils'))[4], '60');
      await checkAccessibilityWithoutJavaScript(app.browser, plain, 'CC-AV report');
    } finally {
      await noJs.close();
    }
  });
});

describe('Housing, the ASK provider, sees the people it works with and the report with its equality tables', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ({ context, page } = await signedIn(app.browser, app.running.baseUrl, HOUSING));
  });
  after(() => context?.close());

  it('lists the person referred, and the service page and report pass axe', async () => {
    await page.goto(`${app.running.baseUrl}/services`);
    await (await ServicesListPage.verifyOnPage(page)).open(ASK);
    const service = await ServicePage.verifyOnPage(page, ASK);
    assert.equal((await service.peopleNames()).length, 1);
    await checkAccessibility(page, 'ASK service page');
    await service.openReport();
    const report = await ServiceReportPage.verifyOnPage(page, year.id);
    assert.equal((await report.row('referrals'))[4], '1');
    assert.equal(await page.locator('#equality-gender tbody tr').first().locator('td').first().innerText(), '[c]', 'one referral is suppressed');
    await checkAccessibility(page, 'ASK report');
  });

  it('records the security survey through the error summary, and the record and stage pages pass axe', async () => {
    await page.goto(`${app.running.baseUrl}/services`);
    await (await ServicesListPage.verifyOnPage(page)).open(ASK);
    const [name] = await (await ServicePage.verifyOnPage(page, ASK)).peopleNames();
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: name! }).click()]);
    const record = await RecordPage.verifyOnPage(page, name!);
    await checkAccessibility(page, 'ASK record');
    await record.recordStage('Security survey done');
    const stage = await StagePage.verifyOnPage(page, 'Security survey done');
    await stage.fill(today, { 'How safe does the person feel at home?': '11' });
    await stage.save();
    assert.deepEqual(await checkErrorSummary(page), ['‘How safe does the person feel at home?’ must be a whole number from 0 to 10']);
    await checkAccessibility(page, 'ASK stage with an error');
    const again = await StagePage.verifyOnPage(page, 'Security survey done');
    await again.fill(today, { 'How safe does the person feel at home?': '3' });
    await again.save();
    const saved = await RecordPage.verifyOnPage(page, name!);
    assert.equal(await saved.notice(), 'Stage recorded');
    assert.equal(await saved.status(), 'Security survey done');
  });
});

describe('The administrator sees which services the partnership runs', () => {
  it('lists the shipped services and the form to change one, and both pass axe', async () => {
    const context = await app.browser.newContext();
    try {
      const page = await context.newPage();
      await signInAs(page, app.running.baseUrl, ADMIN);
      await page.goto(`${app.running.baseUrl}/services/settings`);
      await checkAccessibility(page, 'service settings');
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Change ${CCAV}` }).click()]);
      await page.getByLabel('Provided by').selectOption({ label: 'Housing Options' });
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
      assert.equal(await page.locator('.govuk-notification-banner__heading').innerText(), 'Service changed');
      await checkAccessibility(page, 'service settings after a change');
    } finally {
      await context.close();
    }
  });
});
