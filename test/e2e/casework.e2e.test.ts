import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seedCaseworkDemo } from '../../src/modules/casework/casework.demo.js';
import { seedCasesDemo } from '../../src/modules/people/case.demo.js';
import { seedPeopleDemo } from '../../src/modules/people/person.demo.js';
import { seedReferralsDemo } from '../../src/modules/referrals/referral.demo.js';
import { seedRiskDemo } from '../../src/modules/risk/risk.demo.js';
import { signInAs, type StaffMember } from './pages/people/staff.js';
import { checkAccessibility } from './support/axe.js';
import { appForFile } from './support/browser.js';
import { checkErrorSummary } from './support/errorSummary.js';

const MANAGER: StaffMember = { email: 'idva.manager@demo.harbour.example', name: 'Grace Adebayo-Lunn', agency: 'Safer Futures IDVA Service' };
const RUTH: StaffMember = { email: 'idva@demo.harbour.example', name: 'Ruth Okonkwo', agency: 'Safer Futures IDVA Service' };

const app = appForFile({
  prepare: async (running) => {
    const { db } = running.t.database;
    const pid = running.t.partnershipId;
    await seedPeopleDemo(db, pid);
    await seedCasesDemo(db, pid);
    await seedRiskDemo(db, pid);
    await seedReferralsDemo(db, pid);
    await seedCaseworkDemo(db, pid);
  },
});

describe('IDVA casework in the browser: the manager allocates from the queue, the IDVA logs a contact', () => {
  let page: Page;
  const errors: string[] = [];

  it('the manager sees the team’s caseloads against the benchmarks and the queue, and allocates a referral to Ruth', async () => {
    page = await (await app.browser.newContext()).newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await signInAs(page, app.running.baseUrl, MANAGER);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'IDVA casework' }).click();
    await page.waitForURL('**/casework');
    assert.equal(await page.locator('h1').innerText(), 'The team’s caseloads');
    await checkAccessibility(page, 'team caseloads');
    await page.getByRole('link', { name: 'IDVA referrals waiting' }).click();
    await page.waitForURL('**/casework/queue');
    await checkAccessibility(page, 'queue');
    const first = page.locator('main tbody tr').first();
    await first.getByRole('button', { name: /^Allocate/ }).click();
    await page.waitForURL('**/casework/queue');
    assert.deepEqual(await checkErrorSummary(page), ['Select the IDVA to allocate the case to']);
    await checkAccessibility(page, 'queue with an error');
    await page.locator('main tbody tr').first().getByRole('combobox').selectOption({ label: RUTH.name });
    await page
      .locator('main tbody tr')
      .first()
      .getByRole('button', { name: /^Allocate/ })
      .click();
    await page.waitForURL('**/casework/queue');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The referral has been allocated/);
    assert.equal(await page.locator('main tbody tr').count(), 1, 'one referral still waiting');
  });

  it('Ruth opens a case from her caseload, sees the safe-contact rules first, and logs a contact after an empty form', async () => {
    const ruth = await (await app.browser.newContext()).newPage();
    ruth.on('pageerror', (error) => errors.push(error.message));
    await signInAs(ruth, app.running.baseUrl, RUTH);
    await ruth.goto(`${app.running.baseUrl}/casework`);
    assert.equal(await ruth.locator('h1').innerText(), 'My caseload');
    await checkAccessibility(ruth, 'my caseload');
    await ruth.locator('main table').last().locator('tbody a').first().click();
    await ruth.waitForURL(/\/casework\/cases\//);
    assert.match(await ruth.locator('#safe-contact').innerText(), /Check this before you contact/);
    await checkAccessibility(ruth, 'IDVA case');
    await ruth.getByLabel('Summary').fill('');
    await ruth.getByRole('button', { name: 'Log the contact' }).click();
    await ruth.waitForLoadState('load');
    assert.deepEqual(await checkErrorSummary(ruth), [
      'Select how the contact was made',
      'Select whether the contact was successful',
      'Select who made the contact',
      'Enter a summary of the contact',
    ]);
    await checkAccessibility(ruth, 'IDVA case with errors');
    await ruth.getByRole('group', { name: 'How' }).getByLabel('In person').check();
    await ruth.getByRole('group', { name: 'Did you reach them?' }).getByLabel('Yes').check();
    await ruth.getByRole('group', { name: 'Who made the contact?' }).getByLabel('The IDVA').check();
    await ruth.getByLabel('Summary').fill('Met at the children’s centre; reviewed the safety plan.');
    const safeTimes = ruth.getByRole('group', { name: 'Was the contact within their safe times?' });
    if (await safeTimes.count()) await safeTimes.getByLabel('Yes').check();
    await ruth.getByRole('button', { name: 'Log the contact' }).click();
    await ruth.waitForURL(/#contacts$/);
    assert.match(await ruth.locator('.govuk-notification-banner').first().innerText(), /The contact has been logged/);
    assert.match(await ruth.locator('main').innerText(), /Met at the children’s centre/);
    assert.deepEqual(errors, []);
  });
});
