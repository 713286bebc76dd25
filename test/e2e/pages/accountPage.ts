import type { Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class AccountPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<AccountPage> {
    return HarbourPage.verifyHeading(new AccountPage(page), 'Your account');
  }

  /** The summary list as key → value. */
  async details(): Promise<Record<string, string>> {
    const rows = await this.page
      .locator('.govuk-summary-list__row')
      .evaluateAll((els) => els.map((row) => [row.querySelector('dt')?.textContent?.trim() ?? '', row.querySelector('dd')?.textContent?.trim() ?? '']));
    return Object.fromEntries(rows);
  }
}
