import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class HomePage extends HarbourPage {
  readonly agreementTag: Locator;

  private constructor(page: Page) {
    super(page);
    this.agreementTag = page.locator('main .govuk-tag').first();
  }

  static verifyOnPage(page: Page, name: string): Promise<HomePage> {
    return HarbourPage.verifyHeading(new HomePage(page), `Welcome, ${name}`);
  }

  async intro(): Promise<string> {
    return (await this.page.locator('main .govuk-body-l').innerText()).trim();
  }

  async agreement(): Promise<string> {
    return (await this.agreementTag.innerText()).trim();
  }
}
