import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { demoTotpSecret } from '../../../../src/modules/admin/admin.demo.js';
import { DEMO_PASSWORD, unusedCode } from '../../../support/app.js';
import CodePage from '../codePage.js';
import HomePage from '../homePage.js';
import SignInPage from '../signInPage.js';

export type StaffMember = { email: string; name: string; agency: string };

/** Demo casework staff (src/modules/admin/admin.demo.ts). */
export const IDVA: StaffMember = { email: 'idva@demo.harbour.example', name: 'Ruth Okonkwo', agency: 'Safer Futures IDVA Service' };
export const COORDINATOR: StaffMember = { email: 'coordinator@demo.harbour.example', name: 'Tasha Greenwood', agency: 'Harbourshire Council Community Safety' };
export const PRACTITIONER: StaffMember = { email: 'practitioner@demo.harbour.example', name: 'Nadia Sorensen', agency: 'Children’s Social Care' };

/** Password, then an authenticator code, as the person would; ends on their home page. */
export async function signInAs(page: Page, baseUrl: string, who: StaffMember): Promise<HomePage> {
  await (await SignInPage.goTo(page, baseUrl)).signIn(who.email, DEMO_PASSWORD);
  await (await CodePage.verifyOnPage(page)).enterCode(await unusedCode(demoTotpSecret(who.email)));
  return HomePage.verifyOnPage(page, who.name);
}

/** A new browser context signed in as this person (close the context when done). */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  who: StaffMember,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signInAs(page, baseUrl, who);
  return { context, page };
}
