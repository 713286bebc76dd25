import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/**
 * The parts every Harbour page shares (header, service navigation, error summary), in the style of the
 * hmpps template's AbstractPage. Each page's static verifyOnPage() checks the h1 and returns the page object.
 */
export default abstract class HarbourPage {
  readonly heading: Locator;
  readonly errorSummary: Locator;
  readonly notificationBanner: Locator;
  readonly serviceNavigation: Locator;
  readonly signOutButton: Locator;

  protected constructor(readonly page: Page) {
    this.heading = page.locator('h1');
    this.errorSummary = page.locator('.govuk-error-summary');
    this.notificationBanner = page.locator('.govuk-notification-banner');
    this.serviceNavigation = page.getByRole('navigation', { name: 'Menu' });
    this.signOutButton = page.locator('header').getByRole('button', { name: 'Sign out' });
  }

  /** Waits briefly for the expected h1 (after a navigation), then asserts the page's only h1 is exactly that. */
  protected static async verifyHeading<T extends HarbourPage>(pageObject: T, expected: string): Promise<T> {
    await pageObject.page.waitForLoadState('domcontentloaded');
    await pageObject.heading
      .filter({ hasText: expected })
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => undefined);
    const headings = (await pageObject.heading.allInnerTexts()).map((h) => h.trim());
    assert.deepEqual(headings, [expected], `Expected to be on the page "${expected}" but the h1 is ${JSON.stringify(headings)} (${pageObject.page.url()})`);
    return pageObject;
  }

  async title(): Promise<string> {
    return this.page.title();
  }

  async errorMessages(): Promise<string[]> {
    return (await this.errorSummary.locator('.govuk-error-summary__list a').allInnerTexts()).map((m) => m.trim());
  }

  async errorLinks(): Promise<string[]> {
    return this.errorSummary.locator('.govuk-error-summary__list a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  }

  /** The inline message GOV.UK shows beside a field, without its visually hidden "Error:" prefix. */
  async fieldError(id: string): Promise<string> {
    const text = await this.page.locator(`#${id}-error`).innerText();
    return text.replace(/^Error:\s*/, '').trim();
  }

  async notice(): Promise<string> {
    return (await this.notificationBanner.locator('.govuk-notification-banner__heading').innerText()).trim();
  }

  async navigationItems(): Promise<string[]> {
    return (await this.serviceNavigation.getByRole('link').allInnerTexts()).map((t) => t.trim());
  }

  async goToSection(name: string): Promise<void> {
    const link = this.serviceNavigation.getByRole('link', { name, exact: true });
    const href = await link.getAttribute('href');
    await Promise.all([this.page.waitForURL((url) => url.pathname === href), link.click()]);
  }

  async signedInAs(): Promise<string> {
    return (await this.page.locator('.harbour-header__user').innerText()).trim();
  }

  async signOut(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/signed-out'), this.signOutButton.click()]);
  }

  /** Clicks a form's submit button and waits for the POST/redirect/GET to finish loading. */
  protected async submit(button: Locator): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), button.click()]);
  }
}
