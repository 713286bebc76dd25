import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import type { DateParts } from './personFormPage.js';

/** "Change status or flags" of a case. */
export default class CaseEditPage extends HarbourPage {
  readonly status: Locator;
  readonly closedOn: Locator;
  readonly flags: Locator;

  private constructor(page: Page) {
    super(page);
    this.status = page.getByRole('group', { name: 'Status' });
    this.closedOn = page.getByRole('group', { name: 'Date closed' });
    this.flags = page.getByRole('group', { name: 'Flags' });
  }

  static verifyOnPage(page: Page): Promise<CaseEditPage> {
    return HarbourPage.verifyHeading(new CaseEditPage(page), 'Change status or flags');
  }

  async checkedFlags(): Promise<string[]> {
    return this.flags.locator('input:checked').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? ''));
  }

  async save(change: { status: 'Open' | 'Closed'; closedOn?: DateParts; flags?: string[] }): Promise<void> {
    await this.status.getByLabel(change.status, { exact: true }).check();
    if (change.closedOn) {
      await this.closedOn.getByLabel('Day').fill(change.closedOn.day);
      await this.closedOn.getByLabel('Month').fill(change.closedOn.month);
      await this.closedOn.getByLabel('Year').fill(change.closedOn.year);
    }
    for (const flag of change.flags ?? []) await this.flags.getByLabel(flag, { exact: true }).check();
    await this.submit(this.page.getByRole('button', { name: 'Save', exact: true }));
  }
}
