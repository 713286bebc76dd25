import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import type { DateParts } from './personFormPage.js';
import { summaryList } from './tables.js';

/** "Open a case": for a victim already chosen (?person=…) or one typed in. */
export default class CaseNewPage extends HarbourPage {
  readonly openedOn: Locator;
  readonly flags: Locator;
  readonly openButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.openedOn = page.getByRole('group', { name: 'Date opened' });
    this.flags = page.getByRole('group', { name: 'Flags' });
    this.openButton = page.getByRole('button', { name: 'Open case', exact: true });
  }

  static verifyOnPage(page: Page): Promise<CaseNewPage> {
    return HarbourPage.verifyHeading(new CaseNewPage(page), 'Open a case');
  }

  /** The chosen victim's name and age, when the case is opened from their record. */
  victim(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main .govuk-summary-list'));
  }

  async fillInNewVictim(victim: { givenName: string; familyName: string; estimatedAge: string }): Promise<void> {
    await this.page.getByLabel('First name').fill(victim.givenName);
    await this.page.getByLabel('Last name').fill(victim.familyName);
    await this.page.getByLabel('Estimated age, if you do not know their date of birth').fill(victim.estimatedAge);
  }

  async open(details: { openedOn: DateParts; flags?: string[] }): Promise<void> {
    await this.openedOn.getByLabel('Day').fill(details.openedOn.day);
    await this.openedOn.getByLabel('Month').fill(details.openedOn.month);
    await this.openedOn.getByLabel('Year').fill(details.openedOn.year);
    for (const flag of details.flags ?? []) await this.flags.getByLabel(flag, { exact: true }).check();
    await this.submit(this.openButton);
  }
}
