import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';

export type AgencyDetails = { name: string; code: string; type: string; isaSigned?: { day: string; month: string; year: string } };

/** "Add an agency" and "Change agency" share one form. */
export default class AgencyFormPage extends HarbourPage {
  readonly name: Locator;
  readonly code: Locator;
  readonly type: Locator;
  readonly area: Locator;
  readonly isaSigned: Locator;
  readonly saveButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.name = page.getByLabel('Name', { exact: true });
    this.code = page.getByLabel('Code', { exact: true });
    this.type = page.getByLabel('Type', { exact: true });
    this.area = page.getByLabel('Area', { exact: true });
    this.isaSigned = page.getByRole('group', { name: 'Date signed', exact: true });
    this.saveButton = page.getByRole('button', { name: 'Save' });
  }

  static verifyOnPage(page: Page, editing = false): Promise<AgencyFormPage> {
    return HarbourPage.verifyHeading(new AgencyFormPage(page), editing ? 'Change agency' : 'Add an agency');
  }

  async fillIn(agency: AgencyDetails): Promise<void> {
    await this.name.fill(agency.name);
    await this.code.fill(agency.code);
    await this.type.selectOption({ label: agency.type });
    if (agency.isaSigned) {
      await this.isaSigned.getByLabel('Day').fill(agency.isaSigned.day);
      await this.isaSigned.getByLabel('Month').fill(agency.isaSigned.month);
      await this.isaSigned.getByLabel('Year').fill(agency.isaSigned.year);
    }
  }

  async save(): Promise<void> {
    await this.submit(this.saveButton);
  }
}
