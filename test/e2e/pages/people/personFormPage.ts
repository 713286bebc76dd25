import type { Locator, Page } from 'playwright-core';
import HarbourPage from '../page.js';

export type DateParts = { day: string; month: string; year: string };
export type PersonDetails = {
  givenName: string;
  familyName: string;
  knownAs?: { givenName: string; familyName: string };
  dateOfBirth?: DateParts;
  safeTimes?: string;
  voicemail?: string;
  doNotWriteHome?: boolean;
  codeWord?: string;
};

/** "Record a person" and "Change <name>’s details" share one form. */
export default class PersonFormPage extends HarbourPage {
  readonly name: Locator;
  readonly otherName1: Locator;
  readonly dateOfBirth: Locator;
  readonly safeTimes: Locator;
  readonly voicemail: Locator;
  readonly doNotWriteHome: Locator;
  readonly codeWord: Locator;
  readonly saveButton: Locator;

  private constructor(page: Page, editing: boolean) {
    super(page);
    this.name = page.getByRole('group', { name: 'Name', exact: true });
    this.otherName1 = page.getByRole('group', { name: 'Other name 1', exact: true });
    this.dateOfBirth = page.getByRole('group', { name: 'Date of birth', exact: true });
    this.safeTimes = page.getByLabel('Safe times to call (optional)');
    this.voicemail = page.getByRole('group', { name: 'Can a voicemail be left?' });
    this.doNotWriteHome = page.getByLabel('Do not write to their home address');
    this.codeWord = page.getByLabel('Code word (optional)');
    this.saveButton = page.getByRole('button', { name: editing ? 'Save' : 'Record person', exact: true });
  }

  /** Recording a new person, or changing the details of the person named. */
  static verifyOnPage(page: Page, editingName?: string): Promise<PersonFormPage> {
    const heading = editingName ? `Change ${editingName}’s details` : 'Record a person';
    return HarbourPage.verifyHeading(new PersonFormPage(page, Boolean(editingName)), heading);
  }

  async fillDateOfBirth(date: DateParts): Promise<void> {
    await this.dateOfBirth.getByLabel('Day').fill(date.day);
    await this.dateOfBirth.getByLabel('Month').fill(date.month);
    await this.dateOfBirth.getByLabel('Year').fill(date.year);
  }

  async fillIn(person: PersonDetails): Promise<void> {
    await this.name.getByLabel('Given names').fill(person.givenName);
    await this.name.getByLabel('Family name').fill(person.familyName);
    if (person.knownAs) {
      await this.otherName1.getByLabel('Kind of name').selectOption({ label: 'Known as' });
      await this.otherName1.getByLabel('Given names').fill(person.knownAs.givenName);
      await this.otherName1.getByLabel('Family name').fill(person.knownAs.familyName);
    }
    if (person.dateOfBirth) await this.fillDateOfBirth(person.dateOfBirth);
    if (person.safeTimes !== undefined) await this.safeTimes.fill(person.safeTimes);
    if (person.voicemail) await this.voicemail.getByLabel(person.voicemail, { exact: true }).check();
    if (person.doNotWriteHome) await this.doNotWriteHome.check();
    if (person.codeWord !== undefined) await this.codeWord.fill(person.codeWord);
  }

  async save(): Promise<void> {
    await this.submit(this.saveButton);
  }
}
