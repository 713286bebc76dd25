import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class SetPasswordPage extends HarbourPage {
  readonly password: Locator;
  readonly confirmPassword: Locator;
  readonly setPasswordButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.password = page.getByLabel('Password', { exact: true });
    this.confirmPassword = page.getByLabel('Confirm password');
    this.setPasswordButton = page.getByRole('button', { name: 'Set password' });
  }

  static verifyOnPage(page: Page): Promise<SetPasswordPage> {
    return HarbourPage.verifyHeading(new SetPasswordPage(page), 'Set your password');
  }

  async welcome(): Promise<string> {
    return (await this.page.locator('main p').first().innerText()).trim();
  }

  async setPassword(password: string, confirmation = password): Promise<void> {
    await this.password.fill(password);
    await this.confirmPassword.fill(confirmation);
    await this.submit(this.setPasswordButton);
  }
}
