import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export type AgencyRow = { name: string; code: string; type: string; area: string; agreement: string };

export default class AgenciesPage extends HarbourPage {
  readonly addAgencyButton: Locator;
  readonly table: Locator;

  private constructor(page: Page) {
    super(page);
    this.addAgencyButton = page.getByRole('button', { name: 'Add an agency' });
    this.table = page.locator('main table.govuk-table');
  }

  static verifyOnPage(page: Page): Promise<AgenciesPage> {
    return HarbourPage.verifyHeading(new AgenciesPage(page), 'Agencies');
  }

  async addAgency(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/admin/agencies/new'), this.addAgencyButton.click()]);
  }

  async caption(): Promise<string> {
    return (await this.table.locator('caption').innerText()).trim();
  }

  async rows(): Promise<AgencyRow[]> {
    return this.table.locator('tbody tr').evaluateAll((trs) =>
      // No named helper inside: tsx would wrap it in a __name() call the browser does not have.
      trs.map((tr) => {
        const [name, code, type, area, agreement] = [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim());
        return { name: name ?? '', code: code ?? '', type: type ?? '', area: area ?? '', agreement: agreement ?? '' };
      }),
    );
  }

  async change(agencyName: string): Promise<void> {
    await Promise.all([this.page.waitForURL('**/admin/agencies/*/edit'), this.table.getByRole('link', { name: `Change ${agencyName}`, exact: true }).click()]);
  }
}
