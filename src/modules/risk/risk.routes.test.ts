import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, csrfToken, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { formatDate, londonToday } from '../../platform/format.js';
import { SHIPPED_INSTRUMENTS } from './risk.instrument.js';

const DASH = SHIPPED_INSTRUMENTS.find((i) => i.id === 'dash-ric-24')!;
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care, which owns the cases
const IDVA = 'idva@demo.harbour.example'; // the IDVA service, which the case is shared with
const REP = 'rep@demo.harbour.example'; // Housing, which sees neither case
const TODAY = londonToday();
const [YEAR, MONTH, DAY] = TODAY.split('-') as [string, string, string];

/** A section's form fields: the listed question numbers yes, every other question of the section no. */
function sectionFields(section: (typeof DASH.sections)[number], yes: number[], extra: Record<string, string> = {}) {
  const fields: Record<string, string> = { ...extra };
  for (const q of section.questions) {
    fields[`answers.${q.id}`] = yes.includes(Number(q.id.slice(1))) ? 'yes' : 'no';
    fields[`answers.${q.id}.note`] ??= '';
  }
  return fields;
}
const firstN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The error summary's messages with where each links to. */
function errorLinks(html: string): { text: string; href: string | null }[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<li>\s*(?:<a href="([^"]*)">)?\s*([^<]+)/g)].map((m) => ({
    text: m[2]!.trim(),
    href: m[1] ? m[1].replace(/&amp;/g, '&') : null,
  }));
}

/** The draft's version a form was shown with. */
const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

/** The text of an element by id (its inline error message, say), tags and "Error:" removed. */
function inlineError(html: string, id: string): string {
  const match = new RegExp(`<p id="${id}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return (match?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/^\s*Error:\s*/, '')
    .trim();
}

describe('risk assessment pages', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let caseId: string;
  const db = () => t.database.db;
  const assessment = (id: string) => db().selectFrom('risk_assessments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** Starts a DASH on the case through the start page; returns the draft's id. */
  async function start(client = practitioner, onCase = caseId, instrument = 'dash-ric-24'): Promise<string> {
    const response = await client.submit(`/cases/${onCase}/risk/new`, `/cases/${onCase}/risk`, {
      instrument,
      'assessedOn-day': DAY,
      'assessedOn-month': MONTH,
      'assessedOn-year': YEAR,
      victimParticipated: 'yes',
    });
    const id = /^\/risk\/([0-9a-f-]{36})$/.exec(String(response.headers.location))?.[1];
    assert.ok(id, `a draft was started (went to ${response.headers.location})`);
    return id;
  }

  /** Answers a section through its page; returns where "Save and continue" (or "Save as draft") went. */
  async function answer(id: string, sectionIndex: number, yes: number[], options: { action?: 'continue' | 'draft'; extra?: Record<string, string> } = {}) {
    const section = DASH.sections[sectionIndex]!;
    const url = `/risk/${id}/sections/${section.id}`;
    const form = await practitioner.get(url);
    const fields = { ...sectionFields(section, yes, options.extra), version: versionOn(form.body), action: options.action ?? 'continue' };
    const response = await practitioner.post(url, fields, form.body);
    assert.equal(response.statusCode, 303);
    return String(response.headers.location);
  }

  /** A DASH with every section answered: the listed question numbers yes. */
  async function answeredDash(yes: number[]): Promise<string> {
    const id = await start();
    for (let i = 0; i < DASH.sections.length; i++) await answer(id, i, yes);
    return id;
  }

  async function submitFromCheck(id: string, fields: Record<string, string>) {
    return practitioner.submit(`/risk/${id}/check`, `/risk/${id}/submit`, fields);
  }

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    const victim = await insertPerson(db(), pid, { agency: 'CSC', given: 'Hana', family: 'Lindqvist', dob: '1991-04-02' });
    caseId = await insertCase(db(), pid, 'CSC', [{ id: victim, role: 'victim' }], ['IDVA']);
    practitioner = new WebClient(t.app, '10.7.0.1');
    await practitioner.signIn(PRACTITIONER);
  });
  after(() => t.close());

  it('starts a DASH from the case, answers it a section a page, checks the answers and submits: high at 14', async () => {
    let casePage = await practitioner.get(`/cases/${caseId}`);
    assert.match(casePage.body, /<h2 class="govuk-heading-m" id="risk">Risk assessments<\/h2>/);
    assert.match(casePage.body, /No risk assessment has been submitted on this case yet/);
    assert.match(casePage.body, new RegExp(`href="/cases/${caseId}/risk/new"[^>]*>\\s*Start a risk assessment`));

    const startPage = await practitioner.get(`/cases/${caseId}/risk/new`);
    assert.equal(startPage.statusCode, 200);
    for (const instrument of SHIPPED_INSTRUMENTS)
      assert.ok(startPage.body.includes(instrument.title.replace(/’/g, '&#39;')) || startPage.body.includes(instrument.title));
    assert.match(startPage.body, new RegExp(`name="assessedOn-year" type="text" value="${YEAR}"`), 'today is suggested');

    const refused = await practitioner.post(`/cases/${caseId}/risk`, {}, startPage.body);
    assert.equal(refused.headers.location, `/cases/${caseId}/risk/new`);
    assert.deepEqual(errorSummary((await practitioner.get(`/cases/${caseId}/risk/new`)).body), [
      'Select which checklist to use',
      'Enter the date of the assessment',
      'Select whether the victim took part in the assessment',
    ]);

    const id = await start();
    const overview = await practitioner.get(`/risk/${id}`);
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /You have completed 0 of 4 sections/);
    assert.equal([...overview.body.matchAll(/Not yet started/g)].length, 4);
    assert.match(overview.body, /OFFICIAL-SENSITIVE/);

    const first = await practitioner.get(`/risk/${id}/sections/now`);
    assert.match(first.body, /What is happening now/);
    assert.match(first.body, /1\. Were you hurt in what happened this time\?/);
    assert.match(first.body, /Include injuries that were not treated/, 'the question’s help text is its hint');
    assert.match(first.body, /name="answers\.q1\.note"/);
    assert.match(first.body, /You can enter up to 1000 characters/, 'the note is length-limited, with a count');

    const yes = firstN(14);
    assert.equal(await answer(id, 0, yes, { extra: { 'answers.q1.note': 'Bruised arm, not treated' } }), `/risk/${id}/sections/circumstances`);
    assert.equal(await answer(id, 1, yes), `/risk/${id}/sections/pattern`);
    assert.match((await practitioner.get(`/risk/${id}`)).body, /You have completed 2 of 4 sections/);
    assert.equal(await answer(id, 2, yes), `/risk/${id}/sections/abuser`);
    assert.equal(await answer(id, 3, yes), `/risk/${id}/check`, 'after the last section, check your answers');

    const check = await practitioner.get(`/risk/${id}/check`);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /14 out of 24/);
    assert.match(check.body, /<strong class="govuk-tag govuk-tag--red">\s*High\s*<\/strong>/, 'the band by score');
    assert.match(check.body, /value="high" checked/, 'the level starts at the band');
    assert.match(check.body, /Note: Bruised arm, not treated/);
    assert.match(check.body, new RegExp(`href="/risk/${id}/sections/pattern\\?from=check"`), 'each section has a Change link');
    assert.match(check.body, /The answer to question 8 calls for the Stalking and harassment checklist \(S-DASH, 11 questions\)/);
    assert.match(check.body, new RegExp(`href="/cases/${caseId}/risk/new\\?instrument=s-dash"`), 'and offers to start it');

    const submitted = await submitFromCheck(id, { version: String((await assessment(id)).version), level: 'high', rationale: '' });
    assert.equal(submitted.headers.location, `/risk/${id}/confirmation`);
    const confirmation = await practitioner.get(`/risk/${id}/confirmation`);
    assert.match(confirmation.body, /<h1 class="govuk-panel__title">\s*Risk assessment submitted\s*<\/h1>/);
    assert.match(confirmation.body, /Score 14: high risk/);
    const row = await assessment(id);
    assert.deepEqual([row.status, row.score, row.score_band, row.level, row.raised_by_judgement], ['submitted', 14, 'high', 'high', false]);

    casePage = await practitioner.get(`/cases/${caseId}`);
    assert.match(casePage.body, /<svg role="img" aria-labelledby="risk-chart-title risk-chart-desc"/, 'a chart of the scores');
    assert.doesNotMatch(casePage.body, /style="/, 'with no inline styles');
    const history = /<caption[^>]*>Risk history, newest first<\/caption>[\s\S]*?<\/table>/.exec(casePage.body)?.[0] ?? '';
    assert.match(history, new RegExp(`href="/risk/${id}">${formatDate(TODAY)}`));
    assert.match(history, /Domestic abuse risk checklist \(DASH RIC, 24 questions\), version 1/);
    assert.match(history, />14<\/td>/);
    assert.match(history, /govuk-tag--red">\s*High/);

    const events = await db()
      .selectFrom('audit_events')
      .select(['action', 'subject_type', 'subject_id', 'outcome'])
      .where('subject_id', '=', caseId)
      .orderBy('seq')
      .execute();
    const actions = events.map((e) => `${e.action}:${e.outcome}`);
    for (const expected of [
      'risk.assessment.start.view:success',
      'risk.assessment.start:success',
      'risk.assessment.view:success',
      'risk.assessment.submit:success',
    ]) {
      assert.ok(actions.includes(expected), `audited ${expected} against the case`);
    }
    assert.equal(actions.filter((a) => a === 'risk.assessment.save:success').length, 4, 'each section saved is audited');
  });

  it('keeps a draft to return to: the case lists it, with "Continue" for its assessor only', async () => {
    const id = await start();
    assert.equal(await answer(id, 0, [1, 2], { action: 'draft' }), `/cases/${caseId}`);
    const casePage = await practitioner.get(`/cases/${caseId}`);
    assert.match(casePage.body, /Risk assessment saved as a draft/);
    assert.match(casePage.body, new RegExp(`<a class="govuk-link" href="/risk/${id}">Continue`));
    const overview = await practitioner.get(`/risk/${id}`);
    assert.match(overview.body, /Completed/);
    assert.match(overview.body, /You have completed 1 of 4 sections/);
    assert.match((await practitioner.get(`/risk/${id}/sections/now`)).body, /value="yes" checked/, 'the answers saved are shown again');

    const idva = new WebClient(t.app, '10.7.0.2');
    await idva.signIn(IDVA);
    const shared = await idva.get(`/cases/${caseId}`);
    assert.match(shared.body, /started by Nadia Sorensen, Children’s Social Care/);
    assert.doesNotMatch(shared.body, new RegExp(`href="/risk/${id}">Continue`), 'someone else’s draft is not offered to continue');
  });

  it('lists every unanswered question on submit, each linking to its section page, and submits nothing', async () => {
    const id = await start();
    await answer(id, 0, [1]);
    const partial = DASH.sections[1]!;
    const url = `/risk/${id}/sections/${partial.id}`;
    const form = await practitioner.get(url);
    await practitioner.post(url, { 'answers.q6': 'yes', 'answers.q7': 'not_known', version: versionOn(form.body), action: 'continue' }, form.body);
    const { version } = await assessment(id);
    const response = await submitFromCheck(id, { version: String(version), level: '', rationale: '' });
    assert.equal(response.headers.location, `/risk/${id}/check`);
    const check = await practitioner.get(`/risk/${id}/check`);
    const links = errorLinks(check.body);
    assert.equal(links.length, 24 - 7);
    assert.deepEqual(links[0], {
      text: 'Question 8 is not answered: select yes, no or not known',
      href: `/risk/${id}/sections/circumstances?from=check#answers-q8`,
    });
    assert.deepEqual(links.at(-1), {
      text: 'Question 24 is not answered: select yes, no or not known',
      href: `/risk/${id}/sections/abuser?from=check#answers-q24`,
    });
    assert.match(check.body, /Answer question 8/, 'the unanswered question also links from its row');
    assert.match(check.body, /2 so far: 17 questions not answered/);
    assert.equal((await assessment(id)).status, 'draft');
  });

  it('refuses to lower a score-based high, or to set a level below the band, saying why next to the field', async () => {
    const high = await answeredDash(firstN(14));
    const { version } = await assessment(high);
    await submitFromCheck(high, { version: String(version), level: 'medium', rationale: 'She says things are calmer now' });
    let check = await practitioner.get(`/risk/${high}/check`);
    const message = 'A score of 14 is high risk. Professional judgement can raise a level but never lower a high risk, so the level stays high';
    assert.deepEqual(errorLinks(check.body), [{ text: message, href: '#level' }]);
    assert.equal(inlineError(check.body, 'level'), message);
    assert.match(check.body, /value="medium" checked/, 'what was chosen is kept');
    assert.match(check.body, /She says things are calmer now/);
    assert.equal((await assessment(high)).status, 'draft');

    const medium = await answeredDash(firstN(11));
    await submitFromCheck(medium, { version: String((await assessment(medium)).version), level: 'standard', rationale: '' });
    check = await practitioner.get(`/risk/${medium}/check`);
    assert.deepEqual(errorSummary(check.body), [
      'A score of 11 is medium risk. Professional judgement can raise a level but not lower it: select medium or higher',
    ]);
    assert.equal((await assessment(medium)).status, 'draft');
  });

  it('raises a level only with written reasons, and the history marks it raised by professional judgement', async () => {
    const id = await answeredDash(firstN(11));
    const version = String((await assessment(id)).version);
    await submitFromCheck(id, { version, level: 'high', rationale: '   ' });
    const check = await practitioner.get(`/risk/${id}/check`);
    const message = 'Explain why your professional judgement raises the level from medium to high';
    assert.deepEqual(errorLinks(check.body), [{ text: message, href: '#rationale' }]);
    assert.equal(inlineError(check.body, 'rationale'), message);
    assert.equal((await assessment(id)).status, 'draft');

    const reasons = 'He has just been released from prison and knows where she now lives.';
    const response = await submitFromCheck(id, { version, level: 'high', rationale: reasons });
    assert.equal(response.headers.location, `/risk/${id}/confirmation`);
    const row = await assessment(id);
    assert.deepEqual([row.score_band, row.level, row.raised_by_judgement, row.judgement_rationale], ['medium', 'high', true, reasons]);
    const record = await practitioner.get(`/risk/${id}`);
    assert.match(record.body, /Raised from medium by professional judgement/);
    assert.match(record.body, /He has just been released from prison/);
    assert.match((await practitioner.get(`/cases/${caseId}`)).body, /Raised from medium by professional judgement/);
  });

  it('refuses a stale section save with the conflict message, and shows the draft as it now is', async () => {
    const id = await start();
    const url = `/risk/${id}/sections/now`;
    const staleForm = await practitioner.get(url); // opened in one tab…
    await answer(id, 0, [1, 2, 3]); // …while it is saved from another
    const saved = (await assessment(id)).answers;
    const response = await practitioner.post(
      url,
      { ...sectionFields(DASH.sections[0]!, []), version: versionOn(staleForm.body), action: 'continue' },
      staleForm.body,
    );
    assert.equal(response.headers.location, url);
    const page = await practitioner.get(url);
    assert.deepEqual(errorSummary(page.body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
    assert.deepEqual((await assessment(id)).answers, saved, 'nothing from the stale page was saved');
    assert.equal([...page.body.matchAll(/value="yes" checked/g)].length, 3, 'the page shows the answers as they now are');
  });

  it('checks a section’s answers against the checklist, keeping what was typed', async () => {
    const id = await start();
    const url = `/risk/${id}/sections/now`;
    const long = 'x'.repeat(1001);
    const form = await practitioner.get(url);
    const typed = { 'answers.q1': 'maybe', 'answers.q2.note': 'Frightened of him', 'answers.q3': 'yes', 'answers.q3.note': long };
    await practitioner.post(url, { ...typed, version: versionOn(form.body), action: 'continue' }, form.body);
    const page = await practitioner.get(url);
    assert.deepEqual(errorSummary(page.body), [
      'Question 1 must be answered yes, no or not known',
      'Question 2 has a note but no answer: select yes, no or not known',
      'The note on question 3 must be 1000 characters or fewer',
    ]);
    assert.match(page.body, /href="#answers-q3-note"/);
    assert.match(page.body, /Frightened of him/, 'what was typed is kept');
    assert.deepEqual((await assessment(id)).answers, {}, 'nothing was saved');
  });

  it('keeps a submitted assessment final: its pages lead to its record, and a save is refused', async () => {
    const id = await answeredDash([1, 2]);
    const version = String((await assessment(id)).version);
    const section = await practitioner.get(`/risk/${id}/sections/now`);
    await submitFromCheck(id, { version, level: 'standard', rationale: '' });
    assert.equal((await practitioner.get(`/risk/${id}/sections/now`)).headers.location, `/risk/${id}`);
    assert.equal((await practitioner.get(`/risk/${id}/check`)).headers.location, `/risk/${id}`);
    const response = await practitioner.post(
      `/risk/${id}/sections/now`,
      { ...sectionFields(DASH.sections[0]!, firstN(5)), version, action: 'continue' },
      section.body,
    );
    assert.equal(response.headers.location, `/risk/${id}/sections/now`);
    const record = await practitioner.get(`/risk/${id}`);
    assert.deepEqual(errorSummary(record.body), ['This assessment has been submitted, so it cannot be changed. Start a new assessment to record a change.']);
    assert.equal((await assessment(id)).score, 2);
  });

  it('changes the date and the victim’s part from check your answers, and goes back there', async () => {
    const id = await start();
    const url = `/risk/${id}/details?from=check`;
    const form = await practitioner.get(url);
    assert.match(form.body, /name="victimParticipated" type="radio" value="yes" checked/);
    let response = await practitioner.post(
      url,
      { version: versionOn(form.body), 'assessedOn-day': '31', 'assessedOn-month': '2', 'assessedOn-year': YEAR, victimParticipated: 'no' },
      form.body,
    );
    assert.equal(response.headers.location, url);
    const refused = await practitioner.get(url);
    assert.deepEqual(errorSummary(refused.body), ['Date of the assessment must be a real date']);
    assert.match(refused.body, /name="victimParticipated" type="radio" value="no" checked/, 'what was chosen is kept');
    response = await practitioner.post(
      url,
      { version: versionOn(form.body), 'assessedOn-day': '2', 'assessedOn-month': '1', 'assessedOn-year': YEAR, victimParticipated: 'no' },
      form.body,
    );
    assert.equal(response.headers.location, `/risk/${id}/check`);
    const row = await assessment(id);
    assert.deepEqual([row.assessed_on, row.victim_participated], [`${YEAR}-01-02`, false]);
    assert.match((await practitioner.get(`/risk/${id}/check`)).body, new RegExp(`2 January ${YEAR}`));

    const change = `/risk/${id}/sections/pattern?from=check`;
    const section = await practitioner.get(change);
    assert.match(section.body, new RegExp(`action="/risk/${id}/sections/pattern\\?from=check"`));
    const saved = await practitioner.post(
      change,
      { ...sectionFields(DASH.sections[2]!, [10]), version: versionOn(section.body), action: 'continue' },
      section.body,
    );
    assert.equal(saved.headers.location, `/risk/${id}/check`, 'a section changed from check your answers goes back there');
  });

  it('starts the S-DASH a DASH called for with it chosen; with no score cut-off the assessor must choose the level', async () => {
    const startPage = await practitioner.get(`/cases/${caseId}/risk/new?instrument=s-dash`);
    assert.match(startPage.body, /name="instrument" type="radio" value="s-dash" checked/);
    const id = await start(practitioner, caseId, 's-dash');
    for (const section of SHIPPED_INSTRUMENTS.find((i) => i.id === 's-dash')!.sections) {
      const url = `/risk/${id}/sections/${section.id}`;
      const form = await practitioner.get(url);
      await practitioner.post(url, { ...sectionFields(section, [1, 2, 3]), version: versionOn(form.body), action: 'continue' }, form.body);
    }
    const check = await practitioner.get(`/risk/${id}/check`);
    assert.match(check.body, /This checklist has no score cut-off/);
    assert.doesNotMatch(check.body, /name="level" type="radio" value="[a-z]+" checked/, 'no level is chosen for the assessor');
    await submitFromCheck(id, { version: String((await assessment(id)).version), rationale: '' });
    assert.deepEqual(errorSummary((await practitioner.get(`/risk/${id}/check`)).body), [
      'Select the level of risk: this checklist has no score cut-off, so the assessor decides it',
    ]);
    await submitFromCheck(id, { version: String((await assessment(id)).version), level: 'medium', rationale: '' });
    const row = await assessment(id);
    assert.deepEqual([row.status, row.score, row.score_band, row.level], ['submitted', 3, null, 'medium']);
  });

  it('answers "not found" to an agency that may not see the case, on every page and form', async () => {
    const id = await answeredDash([1]);
    const rep = new WebClient(t.app, '10.7.0.3');
    await rep.signIn(REP);
    for (const url of [
      `/cases/${caseId}/risk/new`,
      `/risk/${id}`,
      `/risk/${id}/details`,
      `/risk/${id}/sections/now`,
      `/risk/${id}/check`,
      `/risk/${id}/confirmation`,
    ]) {
      assert.equal((await rep.get(url)).statusCode, 404, url);
    }
    const home = await rep.get('/');
    const csrf = csrfToken(home.body);
    const forms: [string, Record<string, string>][] = [
      [
        `/cases/${caseId}/risk`,
        { instrument: 'dash-ric-24', 'assessedOn-day': DAY, 'assessedOn-month': MONTH, 'assessedOn-year': YEAR, victimParticipated: 'yes' },
      ],
      [`/risk/${id}/sections/now`, { version: '5', 'answers.q1': 'no', action: 'continue' }],
      [`/risk/${id}/submit`, { version: '5', level: 'high', rationale: 'x' }],
      [`/risk/${id}/details`, { version: '5', 'assessedOn-day': DAY, 'assessedOn-month': MONTH, 'assessedOn-year': YEAR, victimParticipated: 'no' }],
    ];
    for (const [url, form] of forms) assert.equal((await rep.post(url, { ...form, _csrf: csrf })).statusCode, 404, url);
    assert.equal((await assessment(id)).status, 'draft');
    const failures = await db()
      .selectFrom('audit_events as e')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .select(['e.action', 'e.outcome'])
      .where('u.email', '=', REP)
      .where('e.action', 'like', 'risk.%')
      .execute();
    assert.ok(failures.length >= 10 && failures.every((f) => f.outcome !== 'success'), 'every refused attempt is audited');
  });
});
