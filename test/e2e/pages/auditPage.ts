import type { Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class AuditPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<AuditPage> {
    return HarbourPage.verifyHeading(new AuditPage(page), 'Audit log');
  }

  /** The Action column of the events table, newest first. */
  async actions(): Promise<string[]> {
    return (await this.page.locator('table.govuk-table tbody tr td:nth-child(4) code').allInnerTexts()).map((a) => a.trim());
  }
}
