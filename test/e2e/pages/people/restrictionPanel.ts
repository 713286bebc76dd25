import type { Locator, Page } from 'playwright-core';
import { tableRows } from './tables.js';

/** The "must not see" list and its form, on a case page or a person's restrictions page. */
export default class RestrictionPanel {
  readonly heading: Locator;
  readonly table: Locator;
  readonly addButton: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Who must not see this record' });
    this.table = page.locator('main table').filter({ has: page.locator('caption', { hasText: 'on the list' }) });
    this.addButton = page.getByRole('button', { name: 'Add to the list' });
  }

  /** Who, reason, added by (and when). */
  rows(): Promise<string[][]> {
    return tableRows(this.table);
  }

  async add(entry: { email?: string; agency?: string; reason: string }): Promise<void> {
    if (entry.email !== undefined) await this.page.getByLabel('Email address of one person').fill(entry.email);
    if (entry.agency !== undefined) await this.page.getByLabel('Or a whole agency').selectOption({ label: entry.agency });
    await this.page.getByLabel('Why must they not see it?').fill(entry.reason);
    await Promise.all([this.page.waitForNavigation(), this.addButton.click()]);
  }

  async remove(who: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.table.getByRole('button', { name: `Remove ${who}`, exact: true }).click()]);
  }
}
