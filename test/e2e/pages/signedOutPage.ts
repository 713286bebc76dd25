import type { Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class SignedOutPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<SignedOutPage> {
    return HarbourPage.verifyHeading(new SignedOutPage(page), 'You have signed out');
  }
}
