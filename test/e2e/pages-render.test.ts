import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_USERS, demoTotpSecret } from '../../src/modules/admin/admin.demo.js';
import { DEMO_PASSWORD, unusedCode } from '../support/app.js';
import AccountPage from './pages/accountPage.js';
import AgenciesPage from './pages/agenciesPage.js';
import AgencyFormPage from './pages/agencyFormPage.js';
import AuditPage from './pages/auditPage.js';
import CodePage from './pages/codePage.js';
import HomePage from './pages/homePage.js';
import NotFoundPage from './pages/notFoundPage.js';
import SignedOutPage from './pages/signedOutPage.js';
import SignInPage from './pages/signInPage.js';
import UserPage from './pages/userPage.js';
import UsersPage from './pages/usersPage.js';
import { checkAccessibility, checkAccessibilityWithoutJavaScript } from './support/axe.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';

const ADMIN = { email: 'admin@demo.harbour.example', name: 'Morgan Ellery' };

async function signInAsAdmin(page: Page, baseUrl: string): Promise<HomePage> {
  await (await SignInPage.goTo(page, baseUrl)).signIn(ADMIN.email, DEMO_PASSWORD);
  await (await CodePage.verifyOnPage(page)).enterCode(await unusedCode(demoTotpSecret(ADMIN.email)));
  return HomePage.verifyOnPage(page, ADMIN.name);
}

let running: RunningApp;
let browser: Browser;

before(async () => {
  running = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await running?.close();
});

it('the axe check is live: it fails, naming the rule and element, on a page with an unlabelled field', async () => {
  const page = await browser.newPage();
  try {
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Probe</title></head><body><main><h1>Probe</h1><input id="unlabelled"></main></body></html>',
    );
    await assert.rejects(checkAccessibility(page, 'probe'), (error: Error) =>
      /Accessibility violations on probe:[\s\S]*label[\s\S]*#unlabelled/.test(error.message),
    );
  } finally {
    await page.close();
  }
});

it('accepts only GOV.UK’s aria-expanded on a radio that reveals a question, and nothing else on the same radio', async () => {
  const page = await browser.newPage();
  const radios = (extra: string) =>
    `<!doctype html><html lang="en"><head><title>Probe</title></head><body><main><h1>Probe</h1><div class="govuk-radios">` +
    `<input class="govuk-radios__input" id="r1" name="r" type="radio" aria-controls="c1" aria-expanded="false"${extra}><label for="r1">One</label>` +
    `<div id="c1">More</div></div></main></body></html>`;
  try {
    await page.setContent(radios(''));
    await checkAccessibility(page, 'conditional reveal');
    await page.setContent(radios(' aria-selected="true"'));
    await assert.rejects(checkAccessibility(page, 'probe'), (error: Error) => /aria-allowed-attr[\s\S]*#r1/.test(error.message));
  } finally {
    await page.close();
  }
});

describe('Every admin page an administrator can reach renders and passes axe', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await signInAsAdmin(page, running.baseUrl);
  });

  after(async () => {
    await context?.close();
  });

  it('/admin/agencies lists the demo agencies', async () => {
    await page.goto(`${running.baseUrl}/admin/agencies`);
    const agencies = await AgenciesPage.verifyOnPage(page);
    const rows = await agencies.rows();
    assert.equal(rows.length, 13);
    const police = rows.find((r) => r.code === 'POLICE');
    assert.deepEqual(
      { ...police, agreement: undefined },
      { name: 'Harbourshire Police', code: 'POLICE', type: 'Police', area: 'Partnership-wide', agreement: undefined },
    );
    assert.match(police?.agreement ?? '', /^In force until \d{1,2} \w+ \d{4}$/);
    assert.equal(rows.find((r) => r.code === 'SUBSTANCE')?.agreement, 'Not signed');
    assert.match(rows.find((r) => r.code === 'EDUCATION')?.agreement ?? '', /^Expired /);
    await checkAccessibility(page, '/admin/agencies');
  });

  it('an agency’s edit page shows its current details', async () => {
    await (await AgenciesPage.verifyOnPage(page)).change('Harbourshire Police');
    assert.match(new URL(page.url()).pathname, /^\/admin\/agencies\/[0-9a-f-]{36}\/edit$/);
    const form = await AgencyFormPage.verifyOnPage(page, true);
    assert.equal(await form.name.inputValue(), 'Harbourshire Police');
    assert.equal(await form.code.inputValue(), 'POLICE');
    assert.match(await form.isaSigned.getByLabel('Year').inputValue(), /^\d{4}$/, 'the agreement date is filled in');
    assert.equal(await page.getByRole('button', { name: 'Deactivate agency' }).count(), 1);
    await checkAccessibility(page, 'agency edit');
  });

  it('/admin/users lists the demo users', async () => {
    await page.goto(`${running.baseUrl}/admin/users`);
    const users = await UsersPage.verifyOnPage(page);
    const names = await users.userNames();
    assert.equal(names.length, DEMO_USERS.length);
    assert.ok(names.includes('Nadia Sorensen'));
    assert.ok(names.includes('Grace Adebayo-Lunn'), 'the IDVA team manager');
    await checkAccessibility(page, '/admin/users');
  });

  it('a user’s page shows their account', async () => {
    await (await UsersPage.verifyOnPage(page)).open('Nadia Sorensen');
    const user = await UserPage.verifyOnPage(page, 'Nadia Sorensen');
    const details = await user.details();
    assert.equal(details['Email address'], 'practitioner@demo.harbour.example');
    assert.equal(details['Agency'], 'Children’s Social Care');
    assert.equal(details['Roles'], 'Practitioner');
    assert.equal(await user.invitationLink.count(), 0, 'no invitation link for an existing account');
    await checkAccessibility(page, 'user page');
  });

  it('/admin/audit shows the events so far, including this sign-in and the user viewed', async () => {
    await page.goto(`${running.baseUrl}/admin/audit`);
    const audit = await AuditPage.verifyOnPage(page);
    const actions = await audit.actions();
    for (const action of ['sign-in.password', 'sign-in.mfa', 'user.list', 'user.view'])
      assert.ok(actions.includes(action), `${action} is in the audit log: ${actions.join(', ')}`);
    await checkAccessibility(page, '/admin/audit');
  });

  it('the settings pages show the partnership’s referral rules and risk instruments', async () => {
    for (const [path, heading] of [
      ['/admin/settings', 'Partnership settings'],
      ['/admin/settings/referrals', 'Referral rules'],
      ['/admin/settings/risk/dash-ric-24/bands', 'Bands for Domestic abuse risk checklist (DASH RIC, 24 questions)'],
      ['/admin/settings/risk/import', 'Import an instrument version'],
    ]) {
      await page.goto(`${running.baseUrl}${path}`);
      assert.equal((await page.locator('h1').textContent())?.trim(), heading, path);
      await checkAccessibility(page, path!);
    }
  });

  it('/account shows who is signed in', async () => {
    await page.goto(`${running.baseUrl}/account`);
    const account = await AccountPage.verifyOnPage(page);
    const details = await account.details();
    assert.equal(details['Name'], ADMIN.name);
    assert.equal(details['Email address'], ADMIN.email);
    await checkAccessibility(page, '/account');
  });

  it('an unknown address shows the 404 page', async () => {
    const response = await page.goto(`${running.baseUrl}/no-such-page`);
    assert.equal(response?.status(), 404);
    await NotFoundPage.verifyOnPage(page);
    await checkAccessibility(page, '404');
  });
});

describe('Without JavaScript, an administrator can still sign in and add an agency', () => {
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
  });

  it('signs in with password and code', async () => {
    const signIn = await SignInPage.goTo(page, running.baseUrl);
    assert.equal(await page.evaluate(() => document.body.classList.contains('js-enabled')), false, 'JavaScript really is off');
    await checkAccessibilityWithoutJavaScript(browser, page, 'sign-in');

    await signIn.submitEmpty();
    const withErrors = await SignInPage.verifyOnPage(page);
    assert.deepEqual(await withErrors.errorMessages(), ['Enter your email address', 'Enter your password']);
    await checkAccessibilityWithoutJavaScript(browser, page, 'sign-in with errors');

    await withErrors.signIn(ADMIN.email, DEMO_PASSWORD);
    const code = await CodePage.verifyOnPage(page);
    await checkAccessibilityWithoutJavaScript(browser, page, 'sign-in code');
    await code.enterCode(await unusedCode(demoTotpSecret(ADMIN.email)));
    await HomePage.verifyOnPage(page, ADMIN.name);
    await checkAccessibilityWithoutJavaScript(browser, page, 'home');
  });

  it('adds an agency, through an error and back, and sees it listed', async () => {
    await (await HomePage.verifyOnPage(page, ADMIN.name)).goToSection('Agencies');
    await (await AgenciesPage.verifyOnPage(page)).addAgency();
    const form = await AgencyFormPage.verifyOnPage(page);
    await checkAccessibilityWithoutJavaScript(browser, page, 'add an agency');

    await form.fillIn({ name: 'Northfield Outreach', code: 'NF OUTREACH', type: 'Other' });
    await form.save();
    const withErrors = await AgencyFormPage.verifyOnPage(page);
    assert.deepEqual(await withErrors.errorMessages(), ['Code must be 2 to 20 capital letters, numbers or underscores, starting with a letter']);
    assert.equal(await withErrors.name.inputValue(), 'Northfield Outreach');
    await checkAccessibilityWithoutJavaScript(browser, page, 'add an agency with errors');

    await withErrors.fillIn({ name: 'Northfield Outreach', code: 'NF_OUTREACH', type: 'Other' });
    await withErrors.save();
    const agencies = await AgenciesPage.verifyOnPage(page);
    assert.equal(await agencies.notice(), 'Agency Northfield Outreach added');
    assert.deepEqual(
      (await agencies.rows()).find((r) => r.code === 'NF_OUTREACH'),
      { name: 'Northfield Outreach', code: 'NF_OUTREACH', type: 'Other', area: 'Partnership-wide', agreement: 'Not signed' },
    );
    await checkAccessibilityWithoutJavaScript(browser, page, 'agencies');
  });

  it('signs out with the header button', async () => {
    await (await AgenciesPage.verifyOnPage(page)).signOut();
    await SignedOutPage.verifyOnPage(page);
  });
});
