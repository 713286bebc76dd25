import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

/** The services pages (src/modules/services/views), in the order a provider meets them. */

export class ServicesListPage extends HarbourPage {
  static verifyOnPage(page: Page): Promise<ServicesListPage> {
    return HarbourPage.verifyHeading(new ServicesListPage(page), 'Services');
  }

  async open(title: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: title, exact: true }).click()]);
  }
}

export class ServicePage extends HarbourPage {
  static verifyOnPage(page: Page, title: string): Promise<ServicePage> {
    return HarbourPage.verifyHeading(new ServicePage(page), title);
  }

  async recordEntry(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Record an entry' }).click()]);
  }

  async openReport(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: 'Report by quarter and financial year' }).click()]);
  }

  async peopleNames(): Promise<string[]> {
    return (await this.page.locator('#people tbody a').allInnerTexts()).map((n) => n.trim());
  }
}

/** A CC-AV session, a month of helpline calls or a course: the entry form. */
export class ActivityFormPage extends HarbourPage {
  readonly day: Locator;
  readonly month: Locator;
  readonly year: Locator;

  private constructor(page: Page) {
    super(page);
    this.day = page.getByLabel('Day');
    this.month = page.getByLabel('Month');
    this.year = page.getByLabel('Year');
  }

  static verifyOnPage(page: Page): Promise<ActivityFormPage> {
    return HarbourPage.verifyHeading(new ActivityFormPage(page), 'Record an entry');
  }

  async fill(date: string, fields: Record<string, string>): Promise<void> {
    const [y, m, d] = date.split('-');
    await this.day.fill(String(Number(d)));
    await this.month.fill(String(Number(m)));
    await this.year.fill(y!);
    for (const [label, value] of Object.entries(fields)) await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  async save(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: 'Save entry' }));
  }
}

export class ActivityEntryPage extends HarbourPage {
  static verifyOnPage(page: Page, heading: string): Promise<ActivityEntryPage> {
    return HarbourPage.verifyHeading(new ActivityEntryPage(page), heading);
  }

  async answers(): Promise<Record<string, string>> {
    const rows = await this.page
      .locator('#entry .govuk-summary-list__row')
      .evaluateAll((list) => list.map((row) => [row.querySelector('dt')?.textContent?.trim() ?? '', row.querySelector('dd')?.textContent?.trim() ?? '']));
    return Object.fromEntries(rows);
  }
}

export class ServiceReportPage extends HarbourPage {
  static verifyOnPage(page: Page, year: string): Promise<ServiceReportPage> {
    return HarbourPage.verifyHeading(new ServiceReportPage(page), `Report for financial year ${year}`);
  }

  /** A measure's cells: Q1–Q4, the year, the year before, the change. */
  async row(id: string): Promise<string[]> {
    return (await this.page.locator(`#row-${id} td`).allInnerTexts()).map((c) => c.trim());
  }

  async csvHref(): Promise<string> {
    return (await this.page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href')) ?? '';
  }
}

/** A person's record in a service: their stages and the links to record the next. */
export class RecordPage extends HarbourPage {
  static verifyOnPage(page: Page, name: string): Promise<RecordPage> {
    return HarbourPage.verifyHeading(new RecordPage(page), name);
  }

  async status(): Promise<string> {
    return (await this.page.locator('.govuk-summary-list__row', { hasText: 'Stage' }).first().locator('dd').innerText()).trim();
  }

  async recordStage(label: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.locator('#actions').getByRole('link', { name: label, exact: true }).click()]);
  }
}

/** One stage's date and outcome questions. */
export class StagePage extends HarbourPage {
  static verifyOnPage(page: Page, label: string): Promise<StagePage> {
    return HarbourPage.verifyHeading(new StagePage(page), label);
  }

  async fill(date: string, fields: Record<string, string>): Promise<void> {
    const [y, m, d] = date.split('-');
    await this.page.getByLabel('Day').fill(String(Number(d)));
    await this.page.getByLabel('Month').fill(String(Number(m)));
    await this.page.getByLabel('Year').fill(y!);
    for (const [label, value] of Object.entries(fields)) await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  async save(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: 'Save' }));
  }
}
