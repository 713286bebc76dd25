import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';

export type ContactKind = 'phone' | 'email';

/** "Add a phone number" or "Add an email address". */
export default class ContactFormPage extends HarbourPage {
  readonly value: Locator;
  readonly safe: Locator;
  readonly note: Locator;
  readonly saveButton: Locator;

  private constructor(page: Page, kind: ContactKind) {
    super(page);
    this.value = page.getByLabel(kind === 'phone' ? 'Phone number' : 'Email address', { exact: true });
    this.safe = page.getByLabel('It is safe to contact them this way');
    this.note = page.getByLabel('Note (optional)');
    this.saveButton = page.getByRole('button', { name: 'Save', exact: true });
  }

  static verifyOnPage(page: Page, kind: ContactKind): Promise<ContactFormPage> {
    return HarbourPage.verifyHeading(new ContactFormPage(page, kind), kind === 'phone' ? 'Add a phone number' : 'Add an email address');
  }

  async add(contact: { value: string; safe?: boolean; note?: string }): Promise<void> {
    await this.value.fill(contact.value);
    if (contact.safe) await this.safe.check();
    if (contact.note !== undefined) await this.note.fill(contact.note);
    await this.submit(this.saveButton);
  }
}
