import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class SignInPage extends HarbourPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly continueButton: Locator;
  readonly skipLink: Locator;

  private constructor(page: Page) {
    super(page);
    this.email = page.getByLabel('Email address');
    this.password = page.getByLabel('Password', { exact: true });
    this.continueButton = page.getByRole('button', { name: 'Continue' });
    this.skipLink = page.locator('a.govuk-skip-link');
  }

  static async goTo(page: Page, baseUrl: string): Promise<SignInPage> {
    await page.goto(`${baseUrl}/sign-in`);
    return SignInPage.verifyOnPage(page);
  }

  static verifyOnPage(page: Page): Promise<SignInPage> {
    return HarbourPage.verifyHeading(new SignInPage(page), 'Sign in to Harbour');
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit(this.continueButton);
  }

  async submitEmpty(): Promise<void> {
    await this.submit(this.continueButton);
  }
}
