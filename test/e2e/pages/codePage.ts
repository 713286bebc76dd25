import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

/** The second sign-in step: the h1 is the code field's label (GOV.UK "question page" pattern). */
export default class CodePage extends HarbourPage {
  readonly code: Locator;
  readonly continueButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.code = page.getByLabel('Enter the code from your authenticator app');
    this.continueButton = page.getByRole('button', { name: 'Continue' });
  }

  static verifyOnPage(page: Page): Promise<CodePage> {
    return HarbourPage.verifyHeading(new CodePage(page), 'Enter the code from your authenticator app');
  }

  async enterCode(code: string): Promise<void> {
    await this.code.fill(code);
    await this.submit(this.continueButton);
  }
}
