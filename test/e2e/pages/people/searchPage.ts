import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import type { DateParts } from './personFormPage.js';
import { tableRows } from './tables.js';

export type SearchTerms = { name?: string; dateOfBirth?: DateParts; phone?: string; postcode?: string };

/** "Find a person" (/people/search): a GET form, so each search has its own address. */
export default class SearchPage extends HarbourPage {
  readonly dateOfBirth: Locator;
  readonly results: Locator;

  private constructor(page: Page) {
    super(page);
    this.dateOfBirth = page.getByRole('group', { name: 'Date of birth' });
    this.results = page.locator('main table.govuk-table');
  }

  static async goTo(page: Page, baseUrl: string): Promise<SearchPage> {
    await page.goto(`${baseUrl}/people/search`);
    return SearchPage.verifyOnPage(page);
  }

  static verifyOnPage(page: Page): Promise<SearchPage> {
    return HarbourPage.verifyHeading(new SearchPage(page), 'Find a person');
  }

  async search(terms: SearchTerms): Promise<void> {
    await this.page.getByLabel('Name', { exact: true }).fill(terms.name ?? '');
    await this.dateOfBirth.getByLabel('Day').fill(terms.dateOfBirth?.day ?? '');
    await this.dateOfBirth.getByLabel('Month').fill(terms.dateOfBirth?.month ?? '');
    await this.dateOfBirth.getByLabel('Year').fill(terms.dateOfBirth?.year ?? '');
    await this.page.getByLabel('Phone number').fill(terms.phone ?? '');
    await this.page.getByLabel('Postcode').fill(terms.postcode ?? '');
    await this.submit(this.page.getByRole('button', { name: 'Search', exact: true }));
  }

  /** "<n> matching people", or empty when nothing has been searched for yet. */
  async resultsHeading(): Promise<string> {
    const heading = this.page.locator('main h2#results');
    return (await heading.count()) ? (await heading.innerText()).trim() : '';
  }

  /** Name (and the other name that matched), date of birth, recording agency. */
  rows(): Promise<string[][]> {
    return tableRows(this.results);
  }

  async noResults(): Promise<string> {
    return (await this.page.locator('main h2#results + p').innerText()).trim();
  }

  async open(name: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/people\/[0-9a-f-]{36}$/), this.results.getByRole('link', { name, exact: true }).click()]);
  }
}
