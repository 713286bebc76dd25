import type { Page } from 'playwright-core';
import HarbourPage from './page.js';

export default class NotFoundPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<NotFoundPage> {
    return HarbourPage.verifyHeading(new NotFoundPage(page), 'Page not found');
  }
}
