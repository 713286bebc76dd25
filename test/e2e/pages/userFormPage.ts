import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export type NewUser = { name: string; email: string; agency: string; roles: string[] };

export default class UserFormPage extends HarbourPage {
  readonly fullName: Locator;
  readonly email: Locator;
  readonly agency: Locator;
  readonly roles: Locator;
  readonly createButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.fullName = page.getByLabel('Full name');
    this.email = page.getByLabel('Email address');
    this.agency = page.getByLabel('Agency', { exact: true });
    this.roles = page.getByRole('group', { name: 'Roles' });
    this.createButton = page.getByRole('button', { name: 'Add user and create invitation' });
  }

  static verifyOnPage(page: Page): Promise<UserFormPage> {
    return HarbourPage.verifyHeading(new UserFormPage(page), 'Add a user');
  }

  async agencyOptions(): Promise<string[]> {
    return (await this.agency.locator('option').allInnerTexts()).map((o) => o.trim());
  }

  async fillIn(user: NewUser): Promise<void> {
    await this.fullName.fill(user.name);
    await this.email.fill(user.email);
    await this.agency.selectOption({ label: user.agency });
    for (const role of user.roles) await this.roles.getByLabel(role, { exact: true }).check();
  }

  async create(): Promise<void> {
    await this.submit(this.createButton);
  }
}
