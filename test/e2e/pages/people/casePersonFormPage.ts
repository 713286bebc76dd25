import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';
import type { CaseRole } from './casePage.js';
import type { DateParts } from './personFormPage.js';

export type CasePerson = {
  givenName: string;
  familyName: string;
  dateOfBirth?: DateParts;
  estimatedAge?: string;
  /** A perpetrator's connection to the victim, or a household member's (free text). */
  relationship?: string;
  /** A child's relationship to each adult, by the adult's label: "Relationship to <name> (<role>)". */
  relationshipTo?: Record<string, string>;
  livesWith?: string;
};

/** "Add a perpetrator", "Add a child" or "Add a household member" to a case. */
export default class CasePersonFormPage extends HarbourPage {
  readonly dateOfBirth: Locator;
  readonly submitButton: Locator;

  private constructor(
    page: Page,
    readonly role: CaseRole,
  ) {
    super(page);
    this.dateOfBirth = page.getByRole('group', { name: 'Date of birth', exact: true });
    this.submitButton = page.getByRole('button', { name: `Add ${role}`, exact: true });
  }

  static verifyOnPage(page: Page, role: CaseRole): Promise<CasePersonFormPage> {
    return HarbourPage.verifyHeading(new CasePersonFormPage(page, role), `Add a ${role}`);
  }

  async caption(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').innerText()).trim();
  }

  /** The labels of the child form's relationship selects, one per adult on the case. */
  async adultLabels(): Promise<string[]> {
    return (
      await this.page
        .locator('main select[id^="relationship-"]')
        .evaluateAll((selects) => selects.map((s) => (s as HTMLSelectElement).labels[0]?.textContent ?? ''))
    ).map((label) => label.trim());
  }

  async add(person: CasePerson): Promise<void> {
    await this.page.getByLabel('First name').fill(person.givenName);
    await this.page.getByLabel('Last name').fill(person.familyName);
    if (person.dateOfBirth) {
      await this.dateOfBirth.getByLabel('Day').fill(person.dateOfBirth.day);
      await this.dateOfBirth.getByLabel('Month').fill(person.dateOfBirth.month);
      await this.dateOfBirth.getByLabel('Year').fill(person.dateOfBirth.year);
    }
    if (person.estimatedAge !== undefined) await this.page.getByLabel('Estimated age').fill(person.estimatedAge);
    if (person.relationship && this.role === 'perpetrator') await this.page.getByLabel(person.relationship, { exact: true }).check();
    if (person.relationship && this.role === 'household member') await this.page.getByLabel('How are they connected to').fill(person.relationship);
    for (const [adult, relationship] of Object.entries(person.relationshipTo ?? {})) {
      await this.page.getByLabel(`Relationship to ${adult}`, { exact: true }).selectOption({ label: relationship });
    }
    if (person.livesWith) await this.page.getByRole('group', { name: 'Where does the child live?' }).getByLabel(person.livesWith, { exact: true }).check();
    await this.submit(this.submitButton);
  }

  async submitEmpty(): Promise<void> {
    await this.submit(this.submitButton);
  }
}
