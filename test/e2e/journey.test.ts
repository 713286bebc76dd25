import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoTotpSecret } from '../../src/modules/admin/admin.demo.js';
import { currentTotp } from '../../src/platform/totp.js';
import { DEMO_PASSWORD, unusedCode } from '../support/app.js';
import AgenciesPage from './pages/agenciesPage.js';
import AgencyFormPage from './pages/agencyFormPage.js';
import CodePage from './pages/codePage.js';
import HomePage from './pages/homePage.js';
import SetPasswordPage from './pages/setPasswordPage.js';
import SetUpCodePage from './pages/setUpCodePage.js';
import SignedOutPage from './pages/signedOutPage.js';
import SignInPage from './pages/signInPage.js';
import UserFormPage from './pages/userFormPage.js';
import UserPage from './pages/userPage.js';
import UsersPage from './pages/usersPage.js';
import { checkAccessibility } from './support/axe.js';
import { checkErrorSummary } from './support/errorSummary.js';
import { launchBrowser, startApp, type RunningApp } from './support/browser.js';

const ADMIN = { email: 'admin@demo.harbour.example', name: 'Morgan Ellery', agency: 'Harbourshire Council Community Safety' };
const AGENCY = { name: 'Seaview Women’s Aid', code: 'SEAVIEW', type: 'Specialist domestic abuse service', isaSigned: { day: '14', month: '3', year: '2025' } };
const NEW_USER = { name: 'Priya Castellano', email: 'priya.castellano@seaview.example', agency: AGENCY.name, roles: ['Practitioner'] };
const NEW_PASSWORD = 'violet kettle orbit lantern';

/** Which element has focus, described by its id, or its text for a link or button. */
function focused(page: Page): Promise<{ id: string; tag: string; text: string; classes: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { id: el?.id ?? '', tag: el?.tagName.toLowerCase() ?? '', text: (el?.innerText ?? '').trim(), classes: el?.className ?? '' };
  });
}

describe('Journey: an administrator sets up an agency and a user, who then signs in for the first time', () => {
  let running: RunningApp;
  let browser: Browser;
  let adminContext: BrowserContext;
  let newcomerContext: BrowserContext;
  let page: Page; // the administrator's tab
  let newcomer: Page; // the new user's tab, in a browser of their own
  let invitationLink = '';
  let totpSecret = '';
  const browserErrors: string[] = [];

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    adminContext = await browser.newContext();
    newcomerContext = await browser.newContext();
    page = await adminContext.newPage();
    newcomer = await newcomerContext.newPage();
    for (const tab of [page, newcomer]) {
      tab.on('console', (message) => message.type() === 'error' && browserErrors.push(`${tab.url()}: ${message.text()}`));
      tab.on('pageerror', (error) => browserErrors.push(`${tab.url()}: ${error.message}`));
    }
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it('(b) submitting the empty sign-in form shows a focused GOV.UK error summary linking to each field', async () => {
    const signIn = await SignInPage.goTo(page, running.baseUrl);
    assert.equal(await signIn.title(), 'Sign in to Harbour – Harbour');
    await checkAccessibility(page, 'sign-in');

    await signIn.submitEmpty();
    const withErrors = await SignInPage.verifyOnPage(page);
    assert.equal(await withErrors.title(), 'Error: Sign in to Harbour – Harbour');
    await checkAccessibility(page, 'sign-in with errors');
    assert.deepEqual(await checkErrorSummary(page), ['Enter your email address', 'Enter your password']);
    assert.deepEqual(await withErrors.errorLinks(), ['#email', '#password']);
    assert.equal(await withErrors.fieldError('email'), 'Enter your email address');
  });

  it('(a) the administrator signs in with email and password, then an authenticator code, and lands on the home page', async () => {
    const signIn = await SignInPage.verifyOnPage(page);
    await signIn.signIn(ADMIN.email, DEMO_PASSWORD);

    const code = await CodePage.verifyOnPage(page);
    assert.equal(new URL(page.url()).pathname, '/sign-in/code');
    await checkAccessibility(page, 'sign-in code');
    await code.enterCode(await unusedCode(demoTotpSecret(ADMIN.email)));

    const home = await HomePage.verifyOnPage(page, ADMIN.name);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await home.signedInAs(), `${ADMIN.name} (${ADMIN.agency})`);
    assert.deepEqual(await home.navigationItems(), ['Home', 'Agencies', 'Users', 'Audit log', 'Settings']);
    await checkAccessibility(page, 'home (administrator)');
  });

  it('(c) the administrator opens Agencies from the service navigation; an impossible agreement date is refused', async () => {
    await (await HomePage.verifyOnPage(page, ADMIN.name)).goToSection('Agencies');
    const agencies = await AgenciesPage.verifyOnPage(page);
    assert.equal(await agencies.caption(), '13 agencies');
    assert.ok(!(await agencies.rows()).some((row) => row.code === AGENCY.code));
    await checkAccessibility(page, 'agencies');

    await agencies.addAgency();
    const form = await AgencyFormPage.verifyOnPage(page);
    await checkAccessibility(page, 'add an agency');
    await form.fillIn({ ...AGENCY, isaSigned: { day: '31', month: '2', year: '2025' } });
    await form.save();

    const withErrors = await AgencyFormPage.verifyOnPage(page);
    await checkAccessibility(page, 'add an agency with a date error');
    assert.deepEqual(await checkErrorSummary(page), ['Date the information-sharing agreement was signed must be a real date']);
    assert.equal(await withErrors.name.inputValue(), AGENCY.name, 'what was typed is kept');
    assert.equal(await withErrors.code.inputValue(), AGENCY.code);
    assert.equal(await withErrors.isaSigned.getByLabel('Day').inputValue(), '31');
  });

  it('(c) the administrator adds the agency with its information-sharing agreement date and sees it listed', async () => {
    const form = await AgencyFormPage.verifyOnPage(page);
    await form.fillIn(AGENCY);
    await form.save();

    const listed = await AgenciesPage.verifyOnPage(page);
    assert.equal(new URL(page.url()).pathname, '/admin/agencies');
    assert.equal(await listed.notice(), `Agency ${AGENCY.name} added`);
    assert.equal(await listed.caption(), '14 agencies');
    const row = (await listed.rows()).find((r) => r.code === AGENCY.code);
    assert.deepEqual(row, { name: AGENCY.name, code: AGENCY.code, type: AGENCY.type, area: 'Partnership-wide', agreement: 'In force' });
    await checkAccessibility(page, 'agencies after adding one');
  });

  it('(d) the administrator opens Users; the add-user form submitted empty explains every problem', async () => {
    await (await AgenciesPage.verifyOnPage(page)).goToSection('Users');
    const users = await UsersPage.verifyOnPage(page);
    assert.ok(!(await users.userNames()).includes(NEW_USER.name));
    await checkAccessibility(page, 'users');

    await users.addUser();
    const form = await UserFormPage.verifyOnPage(page);
    assert.ok((await form.agencyOptions()).includes(AGENCY.name), 'the new agency can be chosen');
    await checkAccessibility(page, 'add a user');

    await form.create(); // nothing filled in
    const withErrors = await UserFormPage.verifyOnPage(page);
    await checkAccessibility(page, 'add a user with errors');
    assert.deepEqual(
      new Set(await withErrors.errorMessages()),
      new Set(['Enter the person’s full name', 'Enter an email address', 'Select an agency', 'Select at least one role']),
    );
    await checkErrorSummary(page);
  });

  it('(d) the administrator adds a practitioner in the new agency and is shown a one-time invitation link', async () => {
    const form = await UserFormPage.verifyOnPage(page);
    await form.fillIn(NEW_USER);
    await form.create();
    const userPage = await UserPage.verifyOnPage(page, NEW_USER.name);
    assert.match(new URL(page.url()).pathname, /^\/admin\/users\/[0-9a-f-]{36}$/);
    assert.equal(await userPage.notice(), `${NEW_USER.name} added`);
    invitationLink = await userPage.invitation();
    assert.match(invitationLink, new RegExp(`^${running.baseUrl}/invitations/[\\w-]{10,100}$`));
    const details = await userPage.details();
    assert.equal(details['Email address'], NEW_USER.email);
    assert.equal(details['Agency'], AGENCY.name);
    assert.equal(details['Roles'], 'Practitioner');
    assert.equal(details['Status'], 'Invited');
    await checkAccessibility(page, 'new user with invitation link');

    await page.reload();
    await UserPage.verifyOnPage(page, NEW_USER.name);
    assert.equal(await userPage.invitationLink.count(), 0, 'the invitation link is shown only once');
  });

  it('(e) the administrator signs out with the header button and the admin pages are closed to them', async () => {
    await (await UserPage.verifyOnPage(page, NEW_USER.name)).signOut();
    await SignedOutPage.verifyOnPage(page);
    await checkAccessibility(page, 'signed out');

    await page.goto(`${running.baseUrl}/admin/users`);
    await SignInPage.verifyOnPage(page);
    assert.equal(new URL(page.url()).search, `?next=${encodeURIComponent('/admin/users')}`);
  });

  it('(f) the new user sets a password from the invitation, then sets up their authenticator app at first sign-in', async () => {
    assert.ok(invitationLink, 'an earlier step read the invitation link');
    await newcomer.goto(invitationLink);
    const setPassword = await SetPasswordPage.verifyOnPage(newcomer);
    assert.equal(await setPassword.welcome(), `Welcome, ${NEW_USER.name}. Your account is ${NEW_USER.email}.`);
    await checkAccessibility(newcomer, 'set password');

    await setPassword.setPassword('too short');
    const tooShort = await SetPasswordPage.verifyOnPage(newcomer);
    assert.equal(newcomer.url(), invitationLink, 'a refused password goes back to the same invitation');
    await checkAccessibility(newcomer, 'set password with errors');
    assert.deepEqual(await checkErrorSummary(newcomer), ['Password must be 12 characters or more']);
    assert.equal(await tooShort.password.inputValue(), '', 'a password is never put back into the form');

    await tooShort.setPassword(NEW_PASSWORD);
    const signIn = await SignInPage.verifyOnPage(newcomer);
    assert.equal(await signIn.notice(), 'Your password is set. Sign in to set up your authenticator app.');
    await checkAccessibility(newcomer, 'sign-in after setting a password');
    await signIn.signIn(NEW_USER.email, NEW_PASSWORD);

    const setUp = await SetUpCodePage.verifyOnPage(newcomer);
    assert.equal(new URL(newcomer.url()).pathname, '/sign-in/set-up-code');
    assert.ok(await setUp.qrCode.isVisible(), 'the QR code is shown');
    totpSecret = await setUp.secretKey();
    assert.match(totpSecret, /^[A-Z2-7]{32}$/);
    await checkAccessibility(newcomer, 'set up authenticator app');
    await setUp.confirm(currentTotp(totpSecret));

    const home = await HomePage.verifyOnPage(newcomer, NEW_USER.name);
    assert.equal(await home.signedInAs(), `${NEW_USER.name} (${AGENCY.name})`);
    assert.equal(await home.intro(), `You are signed in for ${AGENCY.name} as: Practitioner.`);
    assert.equal(await home.agreement(), 'In force');
    assert.deepEqual(
      await home.navigationItems(),
      ['Home', 'Find a person', 'People', 'Cases', 'MARAC meetings', 'My agency’s actions', 'Services'],
      'a practitioner sees casework, not administration',
    );
    await checkAccessibility(newcomer, 'home (new practitioner)');
  });

  it('(g) with the keyboard alone: Tab reaches the skip link first, and sign-in can be completed and submitted', async () => {
    await (await HomePage.verifyOnPage(newcomer, NEW_USER.name)).signOut();
    await SignedOutPage.verifyOnPage(newcomer);

    const signIn = await SignInPage.goTo(newcomer, running.baseUrl);
    await newcomer.keyboard.press('Tab');
    assert.deepEqual(await focused(newcomer), { id: '', tag: 'a', text: 'Skip to main content', classes: 'govuk-skip-link' });
    const box = await signIn.skipLink.boundingBox();
    assert.ok(box && box.width > 1 && box.height > 1, 'the skip link is visible when it has focus');

    await newcomer.keyboard.press('Enter');
    assert.equal((await focused(newcomer)).id, 'main-content', 'the skip link moves focus to the main content');
    await newcomer.keyboard.press('Tab');
    assert.equal((await focused(newcomer)).id, 'email');
    await newcomer.keyboard.type(NEW_USER.email);
    await newcomer.keyboard.press('Tab');
    assert.equal((await focused(newcomer)).id, 'password');
    await newcomer.keyboard.type(NEW_PASSWORD);
    await newcomer.keyboard.press('Tab');
    assert.deepEqual(await focused(newcomer), { id: '', tag: 'button', text: 'Continue', classes: 'govuk-button' });
    await Promise.all([newcomer.waitForURL('**/sign-in/code'), newcomer.keyboard.press('Enter')]);

    // Enrolled now, so this time Harbour asks for a code instead of showing the set-up page.
    await CodePage.verifyOnPage(newcomer);
    const order: string[] = [];
    for (let i = 0; i < 5 && order.at(-1) !== 'code'; i++) {
      await newcomer.keyboard.press('Tab');
      const f = await focused(newcomer);
      order.push(f.id || f.text);
    }
    assert.deepEqual(order, ['Skip to main content', 'Harbour', 'code']);
    // The next step's code: this step's may already have been spent on enrolment (accepted for clock drift).
    await newcomer.keyboard.type(currentTotp(totpSecret, Date.now() + 30_000));
    await Promise.all([newcomer.waitForURL(`${running.baseUrl}/`), newcomer.keyboard.press('Enter')]);
    await HomePage.verifyOnPage(newcomer, NEW_USER.name);
  });

  it('no page logged a script error or a Content-Security-Policy violation on the way', () => {
    assert.deepEqual(browserErrors, []);
  });
});
