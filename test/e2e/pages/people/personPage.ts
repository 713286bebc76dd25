import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import { summaryList, tableRows } from './tables.js';

/** A person's record: the safe-contact panel first, then their details, addresses, contacts and changes. */
export default class PersonPage extends HarbourPage {
  readonly safeContact: Locator;
  readonly addresses: Locator;
  readonly contacts: Locator;

  private constructor(page: Page) {
    super(page);
    this.safeContact = page.getByRole('region', { name: 'Safe contact' });
    this.addresses = page.locator('main table').filter({ has: page.locator('caption', { hasText: 'Addresses' }) });
    this.contacts = page.locator('main table').filter({ has: page.locator('caption', { hasText: 'Phone numbers and email addresses' }) });
  }

  static verifyOnPage(page: Page, name: string): Promise<PersonPage> {
    return HarbourPage.verifyHeading(new PersonPage(page), name);
  }

  /** The success banner only: the safe-contact panel is a notification banner too. */
  override async notice(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner--success .govuk-notification-banner__heading').innerText()).trim();
  }

  /** Whether the safe-contact panel is the first thing after the person's name. */
  safeContactComesFirst(): Promise<boolean> {
    return this.page.locator('main h1').evaluate((h1) => {
      let next = h1.nextElementSibling;
      while (next && next.tagName === 'SCRIPT') next = next.nextElementSibling;
      return next?.id === 'safe-contact';
    });
  }

  async safeContactHeading(): Promise<string> {
    return (await this.safeContact.locator('h2.govuk-notification-banner__heading').innerText()).trim();
  }

  safeContactDetails(): Promise<Record<string, string>> {
    return summaryList(this.safeContact);
  }

  /** The panel's warnings: "do not write home", or that nothing is recorded as safe. */
  async safeContactWarnings(): Promise<string[]> {
    const texts = await this.safeContact.locator('.govuk-warning-text__text, p.govuk-\\!-font-weight-bold').allInnerTexts();
    return texts.map((t) => t.replace(/^Warning\s*/, '').trim());
  }

  /** "About them": names, age, agency and so on. */
  details(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main h2:text-is("About them") + .govuk-summary-list'));
  }

  contactRows(): Promise<string[][]> {
    return tableRows(this.contacts);
  }

  addressRows(): Promise<string[][]> {
    return tableRows(this.addresses);
  }

  private async follow(name: string, url: string | RegExp): Promise<void> {
    await Promise.all([this.page.waitForURL(url), this.page.locator('main').getByRole('link', { name, exact: true }).click()]);
  }

  change = () => this.follow('Change their details', '**/edit');
  addPhone = () => this.follow('Add a phone number', '**/phones/new');
  addEmail = () => this.follow('Add an email address', '**/emails/new');
  addAddress = () => this.follow('Add an address', '**/addresses/new');
  openCase = () => this.follow('Open a case with this person as the victim', /\/cases\/new\?person=[0-9a-f-]{36}$/);
  restrictions = () => this.follow('Who must not see this person’s record', '**/restrictions');

  async changeAddress(address: string): Promise<void> {
    await this.follow(`Change ${address}`, /\/addresses\/[0-9a-f-]{36}\/edit$/);
  }
}
