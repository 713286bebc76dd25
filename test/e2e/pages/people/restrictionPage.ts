import type { Page } from 'playwright-core';
import HarbourPage from '../page.js';
import RestrictionPanel from './restrictionPanel.js';

/** A person's "must not see" list, on a page of its own. */
export default class RestrictionPage extends HarbourPage {
  readonly panel: RestrictionPanel;

  private constructor(page: Page) {
    super(page);
    this.panel = new RestrictionPanel(page);
  }

  static verifyOnPage(page: Page): Promise<RestrictionPage> {
    return HarbourPage.verifyHeading(new RestrictionPage(page), '“Must not see” list');
  }

  /** "<name>, <date of birth or age>" above the heading. */
  async caption(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').innerText()).trim();
  }

  /** What someone outside the recording agency is told instead of the list. */
  async insetText(): Promise<string> {
    return (await this.page.locator('main .govuk-inset-text').innerText()).trim();
  }
}
