import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { insertAmendment, insertMinute, updateMinute } from '../../src/modules/marac/minutes.repository.js';
import { demoIds, insertAcceptedReferral } from '../../src/modules/marac/marac.test-support.js';
import { insertActionRow, insertPublishedMeeting } from '../../src/modules/marac/meeting-day.test-support.js';
import { formatDate, londonToday, shiftDays } from '../../src/platform/format.js';
import DocumentPage from './pages/marac/documentPage.js';
import { COORDINATOR, signInAs } from './pages/people/staff.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { appForFile } from './support/browser.js';

const DATE = shiftDays(londonToday(), -7);
const TITLE = (kind: string) => `${kind}: Northfield MARAC, ${formatDate(DATE)}`;

let meeting: string;

const app = appForFile({
  prepare: async (running) => {
    const { t } = running;
    const db = t.database.db;
    const ids = await demoIds(db);
    const leah = await insertAcceptedReferral(db, t.partnershipId, {
      owner: 'HOUSING',
      victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      daysAgo: 20,
      band: 'high',
    });
    const bea = await insertAcceptedReferral(db, t.partnershipId, { owner: 'POLICE', victim: { given: 'Bea', family: 'Brook' }, daysAgo: 19, band: 'medium' });
    const published = await insertPublishedMeeting(db, t.partnershipId, {
      areaId: ids.areas.NORTHFIELD!,
      date: DATE,
      caseIds: [leah.caseId, bea.caseId],
      agencyIds: ['COUNCIL', 'POLICE', 'HOUSING'].map((code) => ids.agencies[code]!),
    });
    meeting = published.meetingId;
    const coordinator = (await db.selectFrom('users').select('id').where('email', '=', COORDINATOR.email).executeTakeFirstOrThrow()).id;
    const minute = { idvaView: 'She wants to stay at home.', summary: 'Police shared two call-outs.', risks: 'Threats to kill.' };
    const id = await insertMinute(db, { partnershipId: t.partnershipId, itemId: published.itemIds[0]!, caseId: leah.caseId, input: minute, by: coordinator });
    await updateMinute(db, t.partnershipId, id, 1, minute, coordinator, true);
    await insertAmendment(db, {
      partnershipId: t.partnershipId,
      minuteId: id,
      caseId: leah.caseId,
      text: 'Two call-outs, not three.',
      by: coordinator,
      agencyId: ids.agencies.COUNCIL!,
    });
    await insertActionRow(db, t.partnershipId, { itemId: published.itemIds[0]!, agencyId: ids.agencies.HOUSING!, dueOn: shiftDays(londonToday(), 3) });
  },
});

describe('MARAC documents, print-friendly, as the coordinator', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    context = await app.browser.newContext();
    page = await context.newPage();
    await signInAs(page, app.running.baseUrl, COORDINATOR);
    await page.goto(`${app.running.baseUrl}/marac/meetings/${meeting}/day`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I confirm I will keep to this statement' }).click()]);
  });
  after(() => context?.close());

  for (const [kind, heading] of [
    ['agenda', 'Agenda'],
    ['minutes', 'Minutes'],
    ['action-plan', 'Action plan'],
  ] as const) {
    it(`the ${kind} page passes axe, and prints without the menus but with the marking and the warning`, async () => {
      await page.goto(`${app.running.baseUrl}/marac/meetings/${meeting}/day`);
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Print the ${heading.toLowerCase()}` }).click()]);
      const document = await DocumentPage.verifyOnPage(page, TITLE(heading));
      await checkAccessibility(page, `${kind} print page`);
      assert.deepEqual(await document.shown(), { header: true, navigation: true, footer: true, pdfLink: true, markings: 2, warnings: 2 });
      await page.emulateMedia({ media: 'print' });
      try {
        assert.deepEqual(await document.shown(), { header: false, navigation: false, footer: false, pdfLink: false, markings: 2, warnings: 2 });
      } finally {
        await page.emulateMedia({ media: 'screen' });
      }
    });
  }
});

// Runs after the block above, in which the coordinator confirmed the meeting's confidentiality statement.
describe('MARAC documents without JavaScript', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    context = await app.browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
    await signInAs(page, app.running.baseUrl, COORDINATOR);
  });
  after(() => context?.close());

  it('the minutes page renders and passes axe', async () => {
    await page.goto(`${app.running.baseUrl}/marac/meetings/${meeting}/minutes/print`);
    await DocumentPage.verifyOnPage(page, TITLE('Minutes'));
    assert.match(await page.locator('main').innerText(), /Two call-outs, not three\./);
    await checkAccessibilityWithoutJavaScript(app.browser, page, 'minutes print page');
  });
});
