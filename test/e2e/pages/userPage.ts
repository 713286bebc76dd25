import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class UserPage extends HarbourPage {
  readonly invitationLink: Locator;

  private constructor(page: Page) {
    super(page);
    this.invitationLink = page.locator('#invitation-link');
  }

  /** A user's page has their name as its h1. */
  static verifyOnPage(page: Page, name: string): Promise<UserPage> {
    return HarbourPage.verifyHeading(new UserPage(page), name);
  }

  async invitation(): Promise<string> {
    return (await this.invitationLink.innerText()).trim();
  }

  /** The summary list as key → value. */
  async details(): Promise<Record<string, string>> {
    const rows = await this.page
      .locator('.govuk-summary-list__row')
      .evaluateAll((els) =>
        els.map((row) => [row.querySelector('dt')?.textContent?.trim() ?? '', (row.querySelector('dd')?.textContent ?? '').replace(/\s+/g, ' ').trim()]),
      );
    return Object.fromEntries(rows);
  }
}
