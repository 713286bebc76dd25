import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';

export type AddressDetails = { line1: string; town?: string; postcode?: string; safe?: boolean };

/** "Add an address" and "Change an address" share one form. */
export default class AddressFormPage extends HarbourPage {
  readonly line1: Locator;
  readonly town: Locator;
  readonly postcode: Locator;
  readonly flags: Locator;
  readonly saveButton: Locator;

  private constructor(page: Page) {
    super(page);
    this.line1 = page.getByLabel('Address line 1');
    this.town = page.getByLabel('Town or city (optional)');
    this.postcode = page.getByLabel('Postcode (optional)');
    this.flags = page.getByRole('group', { name: 'About this address' });
    this.saveButton = page.getByRole('button', { name: 'Save', exact: true });
  }

  static verifyOnPage(page: Page, editing = false): Promise<AddressFormPage> {
    return HarbourPage.verifyHeading(new AddressFormPage(page), editing ? 'Change an address' : 'Add an address');
  }

  /** The address's checkboxes, as labelled, and whether each is ticked. */
  async flagStates(): Promise<Record<string, boolean>> {
    const boxes = this.flags.getByRole('checkbox');
    const states: Record<string, boolean> = {};
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i);
      const label = await this.page.locator(`label[for="${await box.getAttribute('id')}"]`).innerText();
      states[label.trim()] = await box.isChecked();
    }
    return states;
  }

  async save(address?: AddressDetails): Promise<void> {
    if (address) {
      await this.line1.fill(address.line1);
      if (address.town !== undefined) await this.town.fill(address.town);
      if (address.postcode !== undefined) await this.postcode.fill(address.postcode);
      if (address.safe) await this.flags.getByLabel('It is safe to contact them here').check();
    }
    await this.submit(this.saveButton);
  }
}
