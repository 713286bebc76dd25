import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';

/** A MARAC meeting's print-friendly document (agenda, minutes or action plan). */
export default class DocumentPage extends HarbourPage {
  readonly markings: Locator;
  readonly warnings: Locator;
  readonly header: Locator;
  readonly footer: Locator;
  readonly pdfLink: Locator;

  private constructor(page: Page) {
    super(page);
    this.markings = page.locator('.harbour-marking');
    this.warnings = page.locator('main .govuk-warning-text');
    this.header = page.locator('header.govuk-header');
    this.footer = page.locator('footer.govuk-footer');
    this.pdfLink = page.locator('main a[href$=".pdf"]');
  }

  static verifyOnPage(page: Page, title: string): Promise<DocumentPage> {
    return HarbourPage.verifyHeading(new DocumentPage(page), title);
  }

  /** Which parts are shown as the page is now laid out (on screen, or with print media emulated). */
  async shown(): Promise<Record<string, boolean | number>> {
    const visibleMarkings = await this.markings.evaluateAll((nodes) => nodes.filter((n) => (n as HTMLElement).offsetParent !== null).length);
    return {
      header: await this.header.isVisible(),
      navigation: await this.serviceNavigation.isVisible(),
      footer: await this.footer.isVisible(),
      pdfLink: await this.pdfLink.isVisible(),
      markings: visibleMarkings,
      warnings: await this.warnings.count(),
    };
  }
}
