import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import { tableRows } from './tables.js';

export default class PersonListPage extends HarbourPage {
  readonly table: Locator;
  readonly recordButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.table = page.locator('main table.govuk-table');
    this.recordButton = page.getByRole('button', { name: 'Record a person' });
  }

  static verifyOnPage(page: Page): Promise<PersonListPage> {
    return HarbourPage.verifyHeading(new PersonListPage(page), 'People');
  }

  async caption(): Promise<string> {
    return (await this.table.locator('caption').innerText()).trim();
  }

  /** Name, date of birth or age, agency, recorded on. */
  rows(): Promise<string[][]> {
    return tableRows(this.table);
  }

  async recordPerson(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/people/new'), this.recordButton.click()]);
  }

  async open(name: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/people\/[0-9a-f-]{36}$/), this.table.getByRole('link', { name, exact: true }).click()]);
  }
}
