import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import type { HarbourError } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { SHIPPED_INSTRUMENTS, type AnswerValue, type InstrumentDefinition } from './risk.instrument.js';
import * as risk from './risk.service.js';
import * as settings from './risk.settings.service.js';

const DASH = SHIPPED_INSTRUMENTS[0]!;

/** Every DASH answer: the listed question numbers yes, every other no. */
const dash = (yes: number[]): Record<string, AnswerValue> =>
  Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`q${i + 1}`, yes.includes(i + 1) ? 'yes' : 'no']));
const firstN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function daysAgo(days: number): string {
  const date = new Date(`${londonToday()}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** The promise is refused with this error code (and these fields, in this order, when given). */
async function refused(promise: Promise<unknown>, code: string, fields?: string[]): Promise<HarbourError> {
  let caught: HarbourError | undefined;
  await assert.rejects(promise, (error: HarbourError) => {
    caught = error;
    return true;
  });
  assert.equal(caught!.code, code, caught!.message);
  if (fields)
    assert.deepEqual(
      caught!.fieldErrors.map((e) => e.field),
      fields,
    );
  return caught!;
}

describe('risk assessments on a real database', () => {
  let t: TestApp;
  let practitioner: Actor; // Children's Social Care, which owns the cases
  let idva: Actor; // the IDVA service, which the first case is shared with
  let rep: Actor; // Housing, which sees neither case
  let admin: Actor;
  let caseId: string;
  let victimId: string;
  let otherCaseId: string;
  const db = () => t.database.db;
  const viewer = (actor: Actor) => actor.principal as UserPrincipal;

  /** Answers every section of a draft in turn; returns the draft's version after the last. */
  async function answerAll(actor: Actor, id: string, version: number, answers: Record<string, unknown>, definition: InstrumentDefinition = DASH) {
    for (const section of definition.sections) {
      const own = Object.fromEntries(section.questions.map((q) => [q.id, answers[q.id]]));
      ({ version } = await risk.saveSection(db(), actor, id, { version, section: section.id, answers: own }));
    }
    return version;
  }

  /** A submitted DASH on the case with the first `yes` questions answered yes. */
  async function submittedDash(actor: Actor, onCase: string, yes: number, assessedOn: string, judgement: { level?: 'high'; rationale?: string } = {}) {
    const draft = await risk.startDraft(db(), actor, onCase, { instrument: 'dash-ric-24', assessedOn, victimParticipated: true });
    const version = await answerAll(actor, draft.id, draft.version, dash(firstN(yes)));
    return risk.submitAssessment(db(), actor, draft.id, { version, level: judgement.level ?? null, rationale: judgement.rationale ?? null });
  }

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    const as = (who: string) => userActor(db(), pid, `${who}@demo.harbour.example`, 'test');
    [practitioner, idva, rep, admin] = [await as('practitioner'), await as('idva'), await as('rep'), await as('admin')];
    victimId = await insertPerson(db(), pid, { agency: 'CSC', given: 'Hana', family: 'Lindqvist', dob: '1991-04-02' });
    const perpetrator = await insertPerson(db(), pid, { agency: 'CSC', given: 'Rob', family: 'Lindqvist' });
    caseId = await insertCase(
      db(),
      pid,
      'CSC',
      [
        { id: victimId, role: 'victim' },
        { id: perpetrator, role: 'perpetrator' },
      ],
      ['IDVA'],
    );
    const other = await insertPerson(db(), pid, { agency: 'CSC', given: 'Ines', family: 'Marlow' });
    otherCaseId = await insertCase(db(), pid, 'CSC', [{ id: other, role: 'victim' }]);
  });
  after(() => t.close());

  it('starts a draft, saves it section by section, then submits it scored and banded, all audited against the case', async () => {
    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(3), victimParticipated: true });
    assert.equal(draft.version, 1);
    let detail = await risk.findAssessment(db(), viewer(practitioner), draft.id);
    assert.deepEqual(
      [detail.status, detail.personId, detail.instrument.id, detail.instrument.version, detail.assessor.name, detail.assessor.agencyName],
      ['draft', victimId, 'dash-ric-24', 1, 'Nadia Sorensen', 'Children’s Social Care'],
    );

    const first = await risk.saveSection(db(), practitioner, draft.id, {
      version: 1,
      section: 'now',
      answers: { q1: { answer: 'yes', note: 'Cut lip, not treated' }, q2: 'yes', q3: 'not_known' },
    });
    assert.equal(first.version, 2);
    detail = await risk.findAssessment(db(), viewer(practitioner), draft.id);
    assert.deepEqual(detail.answers, { q1: { answer: 'yes', note: 'Cut lip, not treated' }, q2: { answer: 'yes' }, q3: { answer: 'not_known' } });
    // The page posted again with q3 cleared and q4, q5 answered: the section's answers are replaced.
    const again = await risk.saveSection(db(), practitioner, draft.id, {
      version: 2,
      section: 'now',
      answers: { q1: 'yes', q2: 'yes', q3: '', q4: 'no', q5: 'no' },
    });
    detail = await risk.findAssessment(db(), viewer(practitioner), draft.id);
    assert.deepEqual(Object.keys(detail.answers), ['q1', 'q2', 'q4', 'q5']);
    assert.equal(detail.answers.q1?.note, undefined);

    const version = await answerAll(practitioner, draft.id, again.version, dash([1, 2, 6, 8, 10, 11, 12, 13, 14, 15, 17, 23]));
    const submitted = await risk.submitAssessment(db(), practitioner, draft.id, { version, level: null, rationale: null });
    assert.deepEqual(submitted, { id: draft.id, score: 12, scoreBand: 'medium', level: 'medium', raisedByJudgement: false, triggered: ['s-dash', 'h-dash'] });

    detail = await risk.findAssessment(db(), viewer(idva), draft.id);
    assert.deepEqual([detail.status, detail.score, detail.scoreBand, detail.level, detail.raisedByJudgement], ['submitted', 12, 'medium', 'medium', false]);
    assert.deepEqual(detail.bands, DASH.scoring.bands, 'the bands it was banded with are kept with it');
    assert.ok(detail.submittedAt);

    const events = await db()
      .selectFrom('audit_events')
      .select(['action', 'subject_type', 'subject_id', 'details'])
      .where('action', 'like', 'risk.assessment.%')
      .where(sql<boolean>`details ->> 'assessmentId' = ${draft.id}`)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((e) => e.action),
      ['risk.assessment.start', 'risk.assessment.save', 'risk.assessment.save', ...DASH.sections.map(() => 'risk.assessment.save'), 'risk.assessment.submit'],
    );
    assert.ok(events.every((e) => e.subject_type === 'case' && e.subject_id === caseId));
    assert.deepEqual(events.at(-1)!.details, {
      assessmentId: draft.id,
      instrument: 'dash-ric-24',
      version: 1,
      score: 12,
      scoreBand: 'medium',
      level: 'medium',
      raisedByJudgement: false,
      triggered: ['s-dash', 'h-dash'],
      via: 'test',
    });
    assert.doesNotMatch(JSON.stringify(events), /Cut lip/, 'answers and notes stay out of the audit log');
    const history = await db()
      .selectFrom('record_history')
      .select('operation')
      .where('table_name', '=', 'risk_assessments')
      .where('record_id', '=', draft.id)
      .execute();
    assert.equal(history.length, 2 + DASH.sections.length + 1, 'each change keeps the row as it was');
  });

  it('lists every problem with an incomplete submission, and saves nothing', async () => {
    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(1), victimParticipated: null });
    const { version } = await risk.saveSection(db(), practitioner, draft.id, {
      version: 1,
      section: 'now',
      answers: { q1: 'yes', q2: 'no', q3: 'no', q4: 'no', q5: 'no' },
    });
    const error = await refused(risk.submitAssessment(db(), practitioner, draft.id, { version, level: null, rationale: null }), 'validation_failed');
    assert.deepEqual(
      error.fieldErrors.map((e) => e.field),
      [
        'victimParticipated',
        ...firstN(24)
          .slice(5)
          .map((n) => `answers.q${n}`),
      ],
    );
    assert.equal(error.fieldErrors[1]!.message, 'Question 6 is not answered: select yes, no or not known');
    await refused(
      risk.saveSection(db(), practitioner, draft.id, { version, section: 'now', answers: { q1: 'often', q9: 'yes', q77: 'no' } }),
      'validation_failed',
      ['answers.q1', 'answers.q9', 'answers.q77'],
    );
    await refused(risk.saveSection(db(), practitioner, draft.id, { version, section: 'later', answers: {} }), 'unknown_section', ['section']);
    const detail = await risk.findAssessment(db(), viewer(practitioner), draft.id);
    assert.deepEqual([detail.status, detail.version, Object.keys(detail.answers).length], ['draft', version, 5]);
  });

  it('refuses a stale version, and any change once submitted', async () => {
    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(2), victimParticipated: true });
    await risk.saveSection(db(), practitioner, draft.id, { version: 1, section: 'now', answers: { q1: 'no' } });
    await refused(risk.saveSection(db(), idva, draft.id, { version: 1, section: 'now', answers: { q1: 'yes' } }), 'edit_conflict', ['version']);
    await refused(risk.saveDraftDetails(db(), idva, draft.id, { version: 1, assessedOn: daysAgo(2), victimParticipated: false }), 'edit_conflict');
    const details = await risk.saveDraftDetails(db(), idva, draft.id, { version: 2, assessedOn: daysAgo(4), victimParticipated: false });
    assert.equal(details.version, 3, 'anyone sharing the case may carry on the draft at the current version');
    const detail = await risk.findAssessment(db(), viewer(idva), draft.id);
    assert.deepEqual([detail.assessedOn, detail.victimParticipated, detail.answers.q1?.answer], [daysAgo(4), false, 'no']);

    const version = await answerAll(practitioner, draft.id, 3, dash([]));
    await risk.submitAssessment(db(), practitioner, draft.id, { version, level: null, rationale: null });
    await refused(risk.submitAssessment(db(), practitioner, draft.id, { version: version + 1, level: null, rationale: null }), 'assessment_submitted');
    await refused(risk.saveSection(db(), practitioner, draft.id, { version: version + 1, section: 'now', answers: { q1: 'yes' } }), 'assessment_submitted');
  });

  it('raises a level by professional judgement with reasons, and refuses to lower a high, saving nothing', async () => {
    const raised = await submittedDash(practitioner, caseId, 11, daysAgo(5), { level: 'high', rationale: 'Threatened her with a knife last night.' });
    assert.deepEqual([raised.score, raised.scoreBand, raised.level, raised.raisedByJudgement], [11, 'medium', 'high', true]);
    const row = await db()
      .selectFrom('risk_assessments')
      .select(['raised_by_judgement', 'judgement_rationale'])
      .where('id', '=', raised.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { raised_by_judgement: true, judgement_rationale: 'Threatened her with a knife last night.' });

    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(5), victimParticipated: true });
    const version = await answerAll(practitioner, draft.id, 1, dash(firstN(16)));
    const error = await refused(
      risk.submitAssessment(db(), practitioner, draft.id, { version, level: 'medium', rationale: 'She feels safer now' }),
      'cannot_lower_high',
      ['level'],
    );
    assert.match(error.message, /A score of 16 is high risk\. Professional judgement can raise a level but never lower a high risk/);
    const still = await risk.findAssessment(db(), viewer(practitioner), draft.id);
    assert.deepEqual([still.status, still.version, still.level], ['draft', version, null], 'nothing was saved');

    const sdash = await risk.startDraft(db(), practitioner, caseId, { instrument: 's-dash', assessedOn: daysAgo(5), victimParticipated: true });
    const sVersion = await answerAll(
      practitioner,
      sdash.id,
      1,
      { q1: 'yes', q2: 'yes', q3: 'no', q4: 'no', q5: 'yes', q6: 'no', q7: 'no', q8: 'no', q9: 'no', q10: 'no', q11: 'no' },
      SHIPPED_INSTRUMENTS[1],
    );
    await refused(risk.submitAssessment(db(), practitioner, sdash.id, { version: sVersion, level: null, rationale: null }), 'level_required', ['level']);
    const stalking = await risk.submitAssessment(db(), practitioner, sdash.id, { version: sVersion, level: 'high', rationale: null });
    assert.deepEqual([stalking.score, stalking.scoreBand, stalking.level, stalking.raisedByJudgement], [3, null, 'high', false]);
  });

  it('answers "not found" for a case the user may not see, exactly as for a missing one', async () => {
    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(1), victimParticipated: true });
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const target of [otherCaseId, missing]) {
      await refused(risk.startDraft(db(), idva, target, { instrument: 'dash-ric-24', assessedOn: daysAgo(1), victimParticipated: true }), 'not_found');
      await refused(risk.listCaseAssessments(db(), viewer(idva), target), 'not_found');
      await refused(risk.latestSubmittedAssessment(db(), viewer(idva), target), 'not_found');
    }
    await refused(risk.findAssessment(db(), viewer(rep), draft.id), 'not_found');
    await refused(risk.saveSection(db(), rep, draft.id, { version: 1, section: 'now', answers: { q1: 'yes' } }), 'not_found');
    await refused(risk.listCaseAssessments(db(), viewer(rep), caseId), 'not_found');

    // The IDVA service shares the case; a "must not see" entry for the IDVA user hides it from her alone.
    assert.equal((await risk.findAssessment(db(), viewer(idva), draft.id)).id, draft.id);
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'case',
        subject_id: caseId,
        blocked_user_id: viewer(idva).userId,
        blocked_agency_id: null,
        reason: 'Test',
        created_by: null,
      })
      .execute();
    await refused(risk.findAssessment(db(), viewer(idva), draft.id), 'not_found');
    await refused(risk.saveSection(db(), idva, draft.id, { version: 1, section: 'now', answers: { q1: 'yes' } }), 'not_found');
    await refused(risk.listCaseAssessments(db(), viewer(idva), caseId), 'not_found');
    await db().deleteFrom('restrictions').where('subject_id', '=', caseId).execute();
  });

  it('gives the risk history newest first, and the latest submitted assessment, of an instrument if asked', async () => {
    const older = await submittedDash(practitioner, otherCaseId, 14, daysAgo(40));
    const newer = await submittedDash(practitioner, otherCaseId, 9, daysAgo(10));
    const draft = await risk.startDraft(db(), practitioner, otherCaseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(1), victimParticipated: true });
    const sdash = await risk.startDraft(db(), practitioner, otherCaseId, { instrument: 's-dash', assessedOn: daysAgo(5), victimParticipated: true });
    const sVersion = await answerAll(practitioner, sdash.id, 1, Object.fromEntries(firstN(11).map((n) => [`q${n}`, 'no'])), SHIPPED_INSTRUMENTS[1]);
    await risk.submitAssessment(db(), practitioner, sdash.id, { version: sVersion, level: 'medium', rationale: null });

    const history = await risk.listCaseAssessments(db(), viewer(practitioner), otherCaseId);
    assert.deepEqual(
      history.map((a) => [a.id, a.instrument.id, a.status, a.score, a.level]),
      [
        [draft.id, 'dash-ric-24', 'draft', null, null],
        [sdash.id, 's-dash', 'submitted', 0, 'medium'],
        [newer.id, 'dash-ric-24', 'submitted', 9, 'standard'],
        [older.id, 'dash-ric-24', 'submitted', 14, 'high'],
      ],
    );
    assert.equal((await risk.latestSubmittedAssessment(db(), viewer(practitioner), otherCaseId))?.id, sdash.id);
    const latestDash = await risk.latestSubmittedAssessment(db(), viewer(practitioner), otherCaseId, { instrumentId: 'dash-ric-24' });
    assert.deepEqual([latestDash?.id, latestDash?.score, latestDash?.scoreBand], [newer.id, 9, 'standard']);
  });

  it('keeps past assessments exactly as they were when a new version or new thresholds arrive', async () => {
    const past = await submittedDash(practitioner, caseId, 12, daysAgo(30));
    const before = await risk.findAssessment(db(), viewer(practitioner), past.id);
    assert.equal(before.definition.sections[0]!.questions[0]!.text, 'Were you hurt in what happened this time?');

    const licensed = structuredClone(DASH);
    licensed.version = 2;
    licensed.source = 'Official wording, under the partnership’s licence';
    licensed.sections[0]!.questions[0]!.text = 'Licensed wording of question 1';
    await refused(settings.importInstrument(db(), practitioner, licensed), 'forbidden');
    assert.deepEqual(await settings.importInstrument(db(), admin, licensed), { id: 'dash-ric-24', version: 2 });
    await refused(settings.importInstrument(db(), admin, licensed), 'instrument_version_not_newer', ['version']);
    await refused(
      settings.importInstrument(db(), admin, { ...licensed, version: 3, triggers: [{ question: 'q8', answer: 'yes', instrument: 'nope' }] }),
      'validation_failed',
      ['triggers.0.instrument'],
    );
    await refused(settings.setBandThresholds(db(), practitioner, 'dash-ric-24', { high: 12 }), 'forbidden');
    await refused(settings.setBandThresholds(db(), admin, 'dash-ric-24', { medium: 15 }), 'validation_failed', ['medium']);
    await refused(settings.setBandThresholds(db(), admin, 's-dash', { high: 5 }), 'validation_failed', ['thresholds']);
    await settings.setBandThresholds(db(), admin, 'dash-ric-24', { medium: 8, high: 12 });

    const after = await risk.findAssessment(db(), viewer(practitioner), past.id);
    assert.deepEqual(
      [after.instrument.version, after.score, after.scoreBand, after.level, after.bands, after.definition],
      [1, 12, 'medium', 'medium', before.bands, before.definition],
      'the past assessment keeps its version, wording, band and bands',
    );

    const now = await submittedDash(practitioner, caseId, 12, daysAgo(0));
    const current = await risk.findAssessment(db(), viewer(practitioner), now.id);
    assert.deepEqual([current.instrument.version, current.definition.sections[0]!.questions[0]!.text], [2, 'Licensed wording of question 1']);
    assert.deepEqual([current.scoreBand, current.level], ['high', 'high'], 'the partnership’s own threshold: 12 is high');
    assert.deepEqual(current.bands?.at(-1), { level: 'high', min: 12, max: 24 });

    assert.deepEqual(await risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-24', answers: dash(firstN(12)) }), {
      instrument: 'dash-ric-24',
      version: 2,
      score: 12,
      band: 'high',
    });
    await settings.setBandThresholds(db(), admin, 'dash-ric-24', null);
    const events = await db()
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('action', 'in', ['risk.instrument.import', 'risk.bands.update'])
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((e) => e.action),
      ['risk.instrument.import', 'risk.bands.update', 'risk.bands.update'],
    );
  });

  it('scores a set of answers without storing anything (the scoring API’s contract)', async () => {
    const count = async () =>
      (
        await db()
          .selectFrom('risk_assessments')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    assert.deepEqual(await risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-24', version: 1, answers: dash(firstN(14)) }), {
      instrument: 'dash-ric-24',
      version: 1,
      score: 14,
      band: 'high',
    });
    assert.deepEqual(await risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-24', version: 1, answers: dash(firstN(13)) }), {
      instrument: 'dash-ric-24',
      version: 1,
      score: 13,
      band: 'medium',
    });
    const { q2: _dropped, ...missingOne } = dash([1]);
    const error = await refused(
      risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-24', version: 1, answers: { ...missingOne, q3: 'sometimes', q25: 'yes' } }),
      'validation_failed',
      ['answers.q2', 'answers.q3', 'answers.q25'],
    );
    assert.equal(error.status, 400);
    await refused(risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-99', answers: {} }), 'unknown_instrument', ['instrument']);
    await refused(risk.scoreWithoutStoring(db(), t.partnershipId, { instrument: 'dash-ric-24', version: 7, answers: {} }), 'unknown_instrument');
    assert.equal(await count(), before);
  });

  it('refuses an assessment date in the future', async () => {
    const tomorrow = new Date(`${londonToday()}T12:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    const date = tomorrow.toISOString().slice(0, 10);
    await refused(
      risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: date, victimParticipated: true }),
      'assessed_in_future',
      ['assessedOn'],
    );
    await refused(
      risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: '1899-12-31', victimParticipated: true }),
      'assessed_too_early',
    );
  });

  it('has the database refuse what the services refuse', async () => {
    const code = async (statement: Promise<unknown>) => {
      try {
        await statement;
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    assert.equal(await code(sql`update risk_instruments set title = 'Changed'`.execute(db())), '42501', 'the app cannot edit an instrument version');
    assert.equal(await code(sql`delete from risk_instruments`.execute(db())), '42501');
    const high = await submittedDash(practitioner, caseId, 15, daysAgo(2));
    assert.equal(await code(sql`update risk_assessments set answers = '{}' where id = ${high.id}`.execute(db())), '23514', 'a submitted assessment is final');
    assert.equal(await code(sql`update risk_assessments set level = 'medium' where id = ${high.id}`.execute(db())), '23514');
    const draft = await risk.startDraft(db(), practitioner, caseId, { instrument: 'dash-ric-24', assessedOn: daysAgo(2), victimParticipated: true });
    const lowered = sql`update risk_assessments set status = 'submitted', score = 15, score_band = 'high', level = 'medium', submitted_at = now() where id = ${draft.id}`;
    assert.equal(await code(lowered.execute(db())), '23514', 'no level below the score’s band');
    const unexplained = sql`update risk_assessments set status = 'submitted', score = 3, score_band = 'standard', level = 'high', submitted_at = now() where id = ${draft.id}`;
    assert.equal(await code(unexplained.execute(db())), '23514', 'no raise without reasons');
  });
});
