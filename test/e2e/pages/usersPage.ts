import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class UsersPage extends HarbourPage {
  readonly addUserButton: Locator;
  readonly table: Locator;

  private constructor(page: Page) {
    super(page);
    this.addUserButton = page.getByRole('button', { name: 'Add a user' });
    this.table = page.locator('main table.govuk-table');
  }

  static verifyOnPage(page: Page): Promise<UsersPage> {
    return HarbourPage.verifyHeading(new UsersPage(page), 'Users');
  }

  async addUser(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/admin/users/new'), this.addUserButton.click()]);
  }

  async userNames(): Promise<string[]> {
    return (await this.table.locator('tbody tr td:first-child a').allInnerTexts()).map((n) => n.trim());
  }

  async open(name: string): Promise<void> {
    await Promise.all([this.page.waitForURL('**/admin/users/*'), this.table.getByRole('link', { name, exact: true }).click()]);
  }
}
