import type { Locator, Page } from 'playwright-core';
import HarbourPage from './page.js';
import { summaryList, tableRows } from './people/tables.js';

/** The pages of a risk assessment (src/modules/risk/views), in the order a practitioner meets them. */

export type Answer = 'Yes' | 'No' | 'Not known';

/** "Start a risk assessment" from a case: which checklist, the date (today is filled in) and whether the victim took part. */
export class StartRiskPage extends HarbourPage {
  readonly instrument: Locator;
  readonly participation: Locator;

  private constructor(page: Page) {
    super(page);
    this.instrument = page.getByRole('group', { name: 'Which checklist are you using?' });
    this.participation = page.getByRole('group', { name: 'Did the victim take part in the assessment?' });
  }

  static verifyOnPage(page: Page): Promise<StartRiskPage> {
    return HarbourPage.verifyHeading(new StartRiskPage(page), 'Start a risk assessment');
  }

  async chosenInstrument(): Promise<string | null> {
    return this.instrument.locator('input:checked').evaluate((input) => (input as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? null);
  }

  async start(choice: { instrument?: string; victimTookPart?: 'Yes' | 'No' } = {}): Promise<void> {
    if (choice.instrument) await this.instrument.getByLabel(choice.instrument, { exact: true }).check();
    if (choice.victimTookPart) await this.participation.getByLabel(choice.victimTookPart, { exact: true }).check();
    await this.submit(this.page.getByRole('button', { name: 'Start assessment' }));
  }
}

/** A draft's overview: its details and the GOV.UK task list of its sections. The h1 is the checklist's title. */
export class RiskTaskListPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, instrumentTitle: string): Promise<RiskTaskListPage> {
    return HarbourPage.verifyHeading(new RiskTaskListPage(page), instrumentTitle);
  }

  /** Each section's title and status, e.g. ["What is happening now", "Completed"]. */
  sections(): Promise<string[][]> {
    return this.page
      .locator('main .govuk-task-list__item')
      .evaluateAll((items) =>
        items.map((item) => [
          (item.querySelector('.govuk-task-list__link')?.textContent ?? '').trim(),
          (item.querySelector('.govuk-task-list__status')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ]),
      );
  }

  async openSection(title: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/sections\//), this.page.getByRole('link', { name: title, exact: true }).click()]);
  }
}

/** One section's page of questions: yes / no / not known for each, with an optional note. The h1 is the section's title. */
export class RiskSectionPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, sectionTitle: string): Promise<RiskSectionPage> {
    return HarbourPage.verifyHeading(new RiskSectionPage(page), sectionTitle);
  }

  /** The numbers of the questions on the page, from their legends ("8. Do they keep contacting you…"). */
  async questionNumbers(): Promise<number[]> {
    const legends = await this.page.locator('main form legend').allInnerTexts();
    return legends.map((legend) => Number(/^\s*(\d+)\./.exec(legend)?.[1]));
  }

  question(number: number): Locator {
    return this.page.locator('main form fieldset').filter({ has: this.page.locator('legend', { hasText: new RegExp(`^\\s*${number}\\. `) }) });
  }

  async answer(number: number, answer: Answer): Promise<void> {
    await this.question(number).getByLabel(answer, { exact: true }).check();
  }

  /** Answers every question on the page: yes to those listed, no to the rest. */
  async answerAll(yes: number[]): Promise<void> {
    for (const number of await this.questionNumbers()) await this.answer(number, yes.includes(number) ? 'Yes' : 'No');
  }

  async addNote(number: number, note: string): Promise<void> {
    await this.page.getByText(`Add a note to question ${number}`, { exact: true }).click();
    await this.page.getByLabel(`Note on question ${number} (optional)`).fill(note);
  }

  async saveAndContinue(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: 'Save and continue' }));
  }

  async saveAsDraft(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: 'Save as draft and return later' }));
  }
}

/** "Check your answers": the answers by section, the score and band, the level and the reasons for judgement. */
export class CheckRiskAnswersPage extends HarbourPage {
  readonly level: Locator;
  readonly rationale: Locator;

  private constructor(page: Page) {
    super(page);
    this.level = page.getByRole('group', { name: 'Level of risk' });
    this.rationale = page.getByLabel('Reasons for your professional judgement');
  }

  static verifyOnPage(page: Page): Promise<CheckRiskAnswersPage> {
    return HarbourPage.verifyHeading(new CheckRiskAnswersPage(page), 'Check your answers');
  }

  /** Score and band by score. */
  outcome(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main h2:text-is("Score and level of risk") + .govuk-summary-list'));
  }

  /** An answer as the summary shows it, e.g. "Yes | Note: …" for question 1. */
  async answerTo(questionStart: string): Promise<string> {
    const row = this.page.locator('main .govuk-summary-list__row').filter({ has: this.page.locator('dt', { hasText: questionStart }) });
    return (await row.locator('dd').innerText()).replace(/\s+/g, ' ').trim();
  }

  /** The offers of a supplementary checklist the answers call for. */
  async offers(): Promise<string[]> {
    return (await this.page.locator('main .govuk-inset-text').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  }

  async chosenLevel(): Promise<string | null> {
    return this.level.locator('input:checked').evaluate((input) => (input as HTMLInputElement).value);
  }

  async submitAssessment(choice: { level?: 'Standard' | 'Medium' | 'High'; rationale?: string } = {}): Promise<void> {
    if (choice.level) await this.level.getByLabel(choice.level, { exact: true }).check();
    if (choice.rationale !== undefined) await this.rationale.fill(choice.rationale);
    await this.submit(this.page.getByRole('button', { name: 'Submit assessment' }));
  }
}

/** The confirmation panel after submitting. */
export class RiskSubmittedPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page): Promise<RiskSubmittedPage> {
    return HarbourPage.verifyHeading(new RiskSubmittedPage(page), 'Risk assessment submitted');
  }

  async panelBody(): Promise<string> {
    return (await this.page.locator('.govuk-panel__body').innerText()).trim();
  }

  async backToCase(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), this.page.getByRole('link', { name: /^Go back to case / }).click()]);
  }
}

/** A submitted assessment's record: its outcome, any checklist it calls for, its answers. The h1 is the checklist's title. */
export class RiskRecordPage extends HarbourPage {
  private constructor(page: Page) {
    super(page);
  }

  static verifyOnPage(page: Page, instrumentTitle: string): Promise<RiskRecordPage> {
    return HarbourPage.verifyHeading(new RiskRecordPage(page), instrumentTitle);
  }

  /** Score, band by score, level of risk (and reasons, if professional judgement raised it). */
  outcome(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main h2:text-is("Score and level of risk") + .govuk-summary-list'));
  }

  async startOffered(title: string): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/risk\/new\?instrument=/), this.page.getByRole('link', { name: `Start the ${title}` }).click()]);
  }
}

/** The risk panel on a case page: the chart, the history table, the drafts and "Start a risk assessment". */
export class CaseRiskPanel {
  readonly chart: Locator;
  readonly history: Locator;

  constructor(readonly page: Page) {
    this.chart = page.locator('main svg[role="img"]').filter({ has: page.locator('title', { hasText: 'Risk score over time' }) });
    this.history = page.locator('main table').filter({ has: page.locator('caption', { hasText: 'Risk history, newest first' }) });
  }

  /** Date, checklist, score, band by score, level (with "Raised from … by professional judgement"), assessed by. */
  historyRows(): Promise<string[][]> {
    return tableRows(this.history);
  }

  /** The scores the chart plots, oldest first. */
  async chartScores(): Promise<string[]> {
    return (await this.chart.locator('g > text').allTextContents()).map((s) => s.trim());
  }

  /** Each draft as it reads on screen: checklist, date, who started it, and "Continue" for one's own. */
  drafts(): Promise<string[]> {
    return this.page.locator('main h3:text-is("Drafts") + ul li').evaluateAll((items) =>
      items.map((item) => {
        const copy = item.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.govuk-visually-hidden').forEach((hidden) => hidden.remove());
        return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
      }),
    );
  }

  async continueDraft(): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/risk\/[0-9a-f-]{36}$/),
      this.page
        .locator('main h3:text-is("Drafts") + ul')
        .getByRole('link', { name: /^Continue/ })
        .first()
        .click(),
    ]);
  }

  async startAssessment(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/risk/new'), this.page.getByRole('button', { name: 'Start a risk assessment' }).click()]);
  }
}
