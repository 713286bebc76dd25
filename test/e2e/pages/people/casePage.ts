import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import RestrictionPanel from './restrictionPanel.js';
import { summaryList, tableRows } from './tables.js';

export type CaseRole = 'perpetrator' | 'child' | 'household member';

/** A case: its summary, victim, perpetrators, children, household, sharing, "must not see" list and timeline. */
export default class CasePage extends HarbourPage {
  readonly restrictions: RestrictionPanel;

  private constructor(page: Page) {
    super(page);
    this.restrictions = new RestrictionPanel(page);
  }

  /** A case page's h1 is its reference, such as HBR-2026-000001. */
  static verifyOnPage(page: Page, reference: string): Promise<CasePage> {
    return HarbourPage.verifyHeading(new CasePage(page), reference);
  }

  summary(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main .govuk-summary-list').first());
  }

  victim(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main h2:text-is("Victim") + .govuk-summary-list'));
  }

  private table(caption: string): Locator {
    return this.page.locator('main table').filter({ has: this.page.locator('caption', { hasText: caption }) });
  }

  /** Name, age, connection to the victim. */
  perpetrators = () => tableRows(this.table('Perpetrators'));
  /** Name, age, relationship to each adult ("adult: relationship | …"), where they live. */
  children = () => tableRows(this.table('Children in the household'));
  householdMembers = () => tableRows(this.table('Other household members'));
  /** Date, who, what happened. */
  timeline = () => tableRows(this.table('Timeline'));

  async add(role: CaseRole): Promise<void> {
    const path = { perpetrator: 'perpetrators', child: 'children', 'household member': 'household-members' }[role];
    await Promise.all([this.page.waitForURL(`**/${path}/new`), this.page.getByRole('button', { name: `Add a ${role}`, exact: true }).click()]);
  }

  async change(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/edit'), this.page.getByRole('link', { name: 'Change status or flags' }).click()]);
  }

  async shareWith(agency: string): Promise<void> {
    if (agency) await this.page.getByLabel('Agency', { exact: true }).selectOption({ label: agency });
    await this.submit(this.page.getByRole('button', { name: 'Share case' }));
  }

  async openPerson(name: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/people\/[0-9a-f-]{36}$/), this.page.locator('main').getByRole('link', { name, exact: true }).first().click()]);
  }
}
