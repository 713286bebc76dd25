import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import { tableRows } from './tables.js';

export default class CaseListPage extends HarbourPage {
  readonly table: Locator;
  readonly status: Locator;

  private constructor(page: Page) {
    super(page);
    this.table = page.locator('main table.govuk-table');
    this.status = page.getByLabel('Status', { exact: true });
  }

  static verifyOnPage(page: Page): Promise<CaseListPage> {
    return HarbourPage.verifyHeading(new CaseListPage(page), 'Cases');
  }

  async caption(): Promise<string> {
    return (await this.table.locator('caption').innerText()).trim();
  }

  /** Reference, victim, date opened, status, number of flags. */
  rows(): Promise<string[][]> {
    return tableRows(this.table);
  }

  /** The reference of the (first) case listed with this victim. */
  async referenceFor(victim: string): Promise<string> {
    const reference = (await this.rows()).find((row) => row[1] === victim)?.[0];
    if (!reference) throw new Error(`No case for ${victim} is listed`);
    return reference;
  }

  async filter(status: 'All' | 'Open' | 'Closed'): Promise<void> {
    await this.status.selectOption({ label: status });
    await this.submit(this.page.getByRole('button', { name: 'Filter' }));
  }

  async openCase(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/cases/new'), this.page.getByRole('button', { name: 'Open a case' }).click()]);
  }

  async open(reference: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), this.table.getByRole('link', { name: reference, exact: true }).click()]);
  }
}
