import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { QUARTER, seedSafeLivesFixture } from '../../src/modules/marac/safelives.test-support.js';
import { COORDINATOR, signedIn, signInAs } from './pages/people/staff.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { appForFile } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const app = appForFile({
  prepare: async (running) => {
    await seedSafeLivesFixture(running.t.database.db, running.t.partnershipId);
  },
});

describe('The coordinator reads the SafeLives return for a quarter, with and without JavaScript', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ({ context, page } = await signedIn(app.browser, app.running.baseUrl, COORDINATOR));
  });
  after(() => context?.close());

  it('picks the quarter from the meetings list, sees the counts, and the page passes axe', async () => {
    await page.goto(`${app.running.baseUrl}/marac`);
    await page.getByRole('link', { name: 'SafeLives quarterly return' }).click();
    await page.getByLabel('Quarter').selectOption(QUARTER);
    await page.getByRole('button', { name: 'Show' }).click();
    assert.match(page.url(), /quarter=2026-Q3/);
    assert.equal(await page.locator('#row-cases_heard td').last().innerText(), '9');
    await checkAccessibility(page, 'SafeLives return');
  });

  it('shows a quarter it cannot read as a GOV.UK error summary, and passes axe', async () => {
    await page.goto(`${app.running.baseUrl}/marac/safelives-return?quarter=2026-Q7`);
    assert.deepEqual(await checkErrorSummary(page), ['Select a quarter from the list']);
    await checkAccessibility(page, 'SafeLives return with an error');
  });

  it('works and passes axe without JavaScript', async () => {
    const noJs = await app.browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await noJs.newPage();
      await signInAs(plain, app.running.baseUrl, COORDINATOR);
      await plain.goto(`${app.running.baseUrl}/marac/safelives-return`);
      await plain.getByLabel('Quarter').selectOption(QUARTER);
      await plain.getByRole('button', { name: 'Show' }).click();
      assert.equal(await plain.locator('#row-repeat_cases td').last().innerText(), '3');
      await checkAccessibilityWithoutJavaScript(app.browser, plain, 'SafeLives return');
    } finally {
      await noJs.close();
    }
  });
});
