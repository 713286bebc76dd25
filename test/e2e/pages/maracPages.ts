import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';
import { summaryList, tableRows } from './people/tables.js';

/** The MARAC pages (src/modules/marac/views), in the order a coordinator, the agencies and the meeting meet them. */

export type DateParts = { day: string; month: string; year: string };

async function fillDate(group: Locator, date: DateParts): Promise<void> {
  await group.getByLabel('Day').fill(date.day);
  await group.getByLabel('Month').fill(date.month);
  await group.getByLabel('Year').fill(date.year);
}

/** "MARAC meetings": the coming and recent meetings, and the coordinator's buttons. */
export class MeetingsPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<MeetingsPage> {
    return HarbourPage.verifyHeading(new MeetingsPage(page), 'MARAC meetings');
  }

  async follow(button: 'Plan agendas' | 'Add a meeting'): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: button, exact: true }).click()]);
  }

  /** Opens the coming meeting held at this place (the list's link is the meeting's date and time). */
  async openMeeting(place: string): Promise<void> {
    const row = this.page.locator('main tbody tr').filter({ hasText: place }).first();
    await Promise.all([this.page.waitForNavigation(), row.getByRole('link').click()]);
  }
}

/** "Add a meeting": area, date, time, place and case limit. */
export class MeetingFormPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<MeetingFormPage> {
    return HarbourPage.verifyHeading(new MeetingFormPage(page), 'Add a meeting');
  }

  async add(meeting: { area: string; date: DateParts; startsAt: string; place: string; caseLimit: string }): Promise<void> {
    await this.page.getByLabel('Area').selectOption({ label: meeting.area });
    await fillDate(this.page.getByRole('group', { name: 'Date of the meeting' }), meeting.date);
    await this.page.getByLabel('Start time').fill(meeting.startsAt);
    await this.page.getByLabel('Where it is held').fill(meeting.place);
    await this.page.getByLabel('Case limit').fill(meeting.caseLimit);
    await this.submit(this.page.getByRole('button', { name: 'Add the meeting' }));
  }
}

/** "Plan agendas": accepted referrals waiting for a meeting, each with a choice of meeting. */
export class PlanningPage extends HarbourPage {
  readonly table: Locator;

  private constructor(page: Page) {
    super(page);
    this.table = page.locator('main table');
  }

  static verifyOnPage(page: Page): Promise<PlanningPage> {
    return HarbourPage.verifyHeading(new PlanningPage(page), 'Plan agendas');
  }

  /** Each waiting referral's case reference and kind (New, Repeat). */
  async waiting(): Promise<{ caseReference: string; kind: string }[]> {
    return (await tableRows(this.table)).map((cells) => ({ caseReference: cells[1]!, kind: cells[2]! }));
  }

  async place(caseReference: string, meetingTitle: string): Promise<void> {
    const row = this.table.locator('tbody tr').filter({ has: this.page.getByRole('cell', { name: caseReference, exact: true }) });
    const select = row.getByRole('combobox');
    const option = await select.locator('option', { hasText: meetingTitle }).getAttribute('value');
    await select.selectOption(option!);
    await this.submit(row.getByRole('button', { name: 'Put on this agenda' }));
  }
}

/** One meeting: its details, agenda (with the coordinator's ordering buttons) and links. */
export class MeetingPage extends HarbourPage {
  readonly agenda: Locator;

  private constructor(page: Page) {
    super(page);
    this.agenda = page.locator('#agenda ~ table').first();
  }

  static verifyOnPage(page: Page, title: string): Promise<MeetingPage> {
    return HarbourPage.verifyHeading(new MeetingPage(page), title);
  }

  details(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main .govuk-summary-list').first());
  }

  /** The agenda's case references in order. */
  async order(): Promise<string[]> {
    return (await tableRows(this.agenda)).map((cells) => cells[1]!);
  }

  agendaRows(): Promise<string[][]> {
    return tableRows(this.agenda);
  }

  async move(caseReference: string, direction: 'Up' | 'Down'): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: `${direction} ${caseReference}`, exact: true }));
  }

  /** A link, or a link styled as a GOV.UK button, in the page's main content. */
  async follow(name: string): Promise<void> {
    const main = this.page.getByRole('main');
    const target = main.getByRole('link', { name, exact: true }).or(main.getByRole('button', { name, exact: true }));
    await Promise.all([this.page.waitForNavigation(), target.first().click()]);
  }

  async openCase(caseReference: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.agenda.getByRole('link', { name: caseReference, exact: true }).click()]);
  }
}

/** "Publish the agenda": which agencies to invite. */
export class PublishPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<PublishPage> {
    return HarbourPage.verifyHeading(new PublishPage(page), 'Publish the agenda');
  }

  /** Invites exactly these agencies (the form starts with every agency that may be invited ticked). */
  async publish(agencies: string[]): Promise<void> {
    const group = this.page.getByRole('group', { name: 'Agencies to invite' });
    for (const item of await group.locator('.govuk-checkboxes__item').all()) {
      const label = (await item.locator('label').innerText()).trim();
      await item.getByRole('checkbox').setChecked(agencies.includes(label));
    }
    await this.submit(this.page.getByRole('button', { name: 'Publish the agenda' }));
  }
}

/** A case on the agenda, as an invited agency sees it before the meeting: its own research form and others' research. */
export class AgendaItemPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, caseReference: string): Promise<AgendaItemPage> {
    return HarbourPage.verifyHeading(new AgendaItemPage(page), `Case ${caseReference}`);
  }

  async research(answers: { known?: 'Yes' | 'No'; openCase?: 'Yes' | 'No'; risks?: 'Yes' | 'No'; notes?: string }): Promise<void> {
    const choose = async (legend: string, answer?: string) => {
      // The first question reveals the other two inside its own fieldset, so its own answer is the group's first.
      if (answer) await this.page.getByRole('group', { name: legend }).getByLabel(answer, { exact: true }).first().check();
    };
    await choose('Is the victim or perpetrator known to your agency?', answers.known);
    await choose('Does your agency have an open case?', answers.openCase);
    await choose('Has your agency identified risks?', answers.risks);
    if (answers.notes !== undefined) await this.page.getByLabel('Notes', { exact: true }).fill(answers.notes);
    await this.submit(this.page.getByRole('button', { name: 'Save your research' }));
  }

  /** Other agencies' research cards: agency name → its summary list. */
  async othersResearch(): Promise<Record<string, Record<string, string>>> {
    const cards = this.page.locator('main .govuk-summary-card');
    const result: Record<string, Record<string, string>> = {};
    for (const card of await cards.all()) {
      result[(await card.locator('.govuk-summary-card__title').innerText()).trim()] = await summaryList(card);
    }
    return result;
  }
}

/** "Research returned": by agency, how many cases each invited agency has researched. */
export class ResearchGridPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<ResearchGridPage> {
    return HarbourPage.verifyHeading(new ResearchGridPage(page), 'Research returned');
  }

  /** Each row of the "By agency" table, its header cell included. */
  byAgency(): Promise<string[][]> {
    return this.page
      .locator('main table')
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim())));
  }
}

/** The meeting in session: the confidentiality statement first, then the cases heard and the register. */
export class MeetingDayPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, title: string): Promise<MeetingDayPage> {
    return HarbourPage.verifyHeading(new MeetingDayPage(page), title);
  }

  async caseLinks(): Promise<string[]> {
    return (await this.page.locator('main table').first().locator('tbody a').allInnerTexts()).map((t) => t.replace(/\s+\(minutes and actions\)$/, '').trim());
  }

  async confirmConfidentiality(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: 'I confirm I will keep to this statement' }));
  }

  async keepRegister(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: 'Keep the attendance register' }).click()]);
  }

  async openCase(caseReference: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: `${caseReference} (minutes and actions)` }).click()]);
  }
}

/** "Attendance register": who is there, and adding people of the invited agencies. */
export class AttendancePage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<AttendancePage> {
    return HarbourPage.verifyHeading(new AttendancePage(page), 'Attendance register');
  }

  async add(person: string, status: 'Present' | 'Apologies'): Promise<void> {
    const select = this.page.getByLabel('Person', { exact: true });
    const option = await select.locator('option', { hasText: person }).getAttribute('value');
    await select.selectOption(option!);
    await this.page.getByRole('group', { name: 'Attendance' }).getByLabel(status, { exact: true }).check();
    await this.submit(this.page.getByRole('button', { name: 'Add to the register' }));
  }

  register(): Promise<string[][]> {
    return tableRows(this.page.locator('main table').first());
  }
}

/** A case in the meeting: research, the minutes form and the actions agreed. */
export class MinutesPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, caseReference: string): Promise<MinutesPage> {
    return HarbourPage.verifyHeading(new MinutesPage(page), `Case ${caseReference}`);
  }

  async writeMinutes(minutes: { idvaView: string; summary: string; risks: string }, intent: 'Save draft' | 'Save and finalise'): Promise<void> {
    await this.page.getByLabel('The IDVA’s view for the victim').fill(minutes.idvaView);
    await this.page.getByLabel('Summary', { exact: true }).fill(minutes.summary);
    await this.page.getByLabel('Risks', { exact: true }).fill(minutes.risks);
    await this.submit(this.page.getByRole('button', { name: intent }));
  }

  async addAction(action: { agency: string; description: string; due: DateParts }): Promise<void> {
    await this.page.getByLabel('Agency', { exact: true }).selectOption({ label: action.agency });
    await this.page.getByLabel('Action', { exact: true }).fill(action.description);
    await fillDate(this.page.getByRole('group', { name: 'Due' }), action.due);
    await this.submit(this.page.getByRole('button', { name: 'Add the action' }));
  }

  actions(): Promise<string[][]> {
    return tableRows(this.page.locator('main table').last());
  }
}

/** "My agency’s open actions" and one action, marked done with an update. */
export class MyActionsPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<MyActionsPage> {
    return HarbourPage.verifyHeading(new MyActionsPage(page), 'My agency’s open actions');
  }

  async summary(): Promise<string> {
    return (await this.page.locator('main p.govuk-body', { hasText: /open actions?,/ }).innerText()).trim();
  }

  rows(): Promise<string[][]> {
    return tableRows(this.page.locator('main table').first());
  }

  async open(description: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: description }).click()]);
  }
}

export class ActionPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, caseReference: string): Promise<ActionPage> {
    return HarbourPage.verifyHeading(new ActionPage(page), `MARAC action on case ${caseReference}`);
  }

  details(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main .govuk-summary-list').first());
  }

  async markDone(update: string): Promise<void> {
    await this.page.getByLabel('Update', { exact: true }).fill(update);
    await this.submit(this.page.getByRole('button', { name: 'Mark as done' }));
  }
}
