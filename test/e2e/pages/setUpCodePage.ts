import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class SetUpCodePage extends HarbourPage {
  readonly secret: Locator;
  readonly qrCode: Locator;
  readonly code: Locator;
  readonly confirmButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.secret = page.locator('#totp-secret');
    this.qrCode = page.getByRole('img', { name: 'QR code to add Harbour to your authenticator app' });
    this.code = page.getByLabel('Code from your app');
    this.confirmButton = page.getByRole('button', { name: 'Confirm and sign in' });
  }

  static verifyOnPage(page: Page): Promise<SetUpCodePage> {
    return HarbourPage.verifyHeading(new SetUpCodePage(page), 'Set up your authenticator app');
  }

  async secretKey(): Promise<string> {
    return (await this.secret.innerText()).trim();
  }

  async confirm(code: string): Promise<void> {
    await this.code.fill(code);
    await this.submit(this.confirmButton);
  }
}
