import type { FieldError } from '../../platform/errors.js';
import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { questionsOf, RISK_LEVELS } from './risk.instrument.js';
import { assessorName, levelTag, riskLabel } from './risk.presenter.js';
import type { AssessmentDetail, ScorePreview } from './risk.service.js';

/** An assessment's pages: its sections as a task list and as question pages, its answers to check, its outcome. */

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

export const assessmentUrl = (id: string) => `/risk/${id}`;
export const sectionUrl = (id: string, section: string, fromCheck = false) => `/risk/${id}/sections/${section}${fromCheck ? '?from=check' : ''}`;

/** The answer held to a question (an own property only: a question id such as "constructor" is just an id). */
const answerTo = (assessment: AssessmentDetail, questionId: string) =>
  Object.hasOwn(assessment.answers, questionId) ? assessment.answers[questionId] : undefined;

/** Each question's number in the whole checklist (question 8 is the eighth however the sections split them). */
function numbering(assessment: AssessmentDetail): Map<string, number> {
  return new Map(questionsOf(assessment.definition).map((q, i) => [q.id, i + 1]));
}

/** What every page of an assessment shows about it. */
export function presentAssessment(assessment: AssessmentDetail, caseReference: string) {
  const [year = '', month = '', day = ''] = assessment.assessedOn.split('-');
  const participated = assessment.victimParticipated === null ? null : assessment.victimParticipated ? 'yes' : 'no';
  return {
    id: assessment.id,
    caseId: assessment.caseId,
    caseReference,
    title: assessment.instrument.title,
    source: assessment.definition.source,
    purpose: assessment.definition.purpose,
    version: assessment.version,
    submitted: assessment.status === 'submitted',
    assessedOn: formatDate(assessment.assessedOn),
    assessedOnParts: { day: String(Number(day)), month: String(Number(month)), year },
    victimParticipated: participated ?? '',
    participation: t(`risk.participation.${participated ?? 'unknown'}`),
    assessor: assessorName(assessment.assessor),
  };
}

type SectionProgress = { id: string; title: string; answered: number; questions: number };

function progress(assessment: AssessmentDetail): SectionProgress[] {
  return assessment.definition.sections.map((s) => ({
    id: s.id,
    title: s.title,
    answered: s.questions.filter((q) => answerTo(assessment, q.id)).length,
    questions: s.questions.length,
  }));
}

/** The GOV.UK task list of a draft: a task per section, "Completed" once each of its questions is answered. */
export function presentTaskList(assessment: AssessmentDetail) {
  const sections = progress(assessment);
  const status = (s: SectionProgress) => {
    if (s.answered === s.questions) return { text: t('risk.task.completed') };
    if (s.answered > 0) return { tag: { text: t('risk.task.inProgress'), classes: 'govuk-tag--light-blue' } };
    return { tag: { text: t('risk.task.notStarted'), classes: 'govuk-tag--blue' } };
  };
  const items = sections.map((s) => ({
    title: { text: s.title },
    hint: { text: t('risk.task.answered', { answered: s.answered, questions: s.questions }) },
    href: sectionUrl(assessment.id, s.id),
    status: status(s),
  }));
  const completed = sections.filter((s) => s.answered === s.questions).length;
  return { items, completed, total: sections.length };
}

export type QuestionView = { id: string; number: number; text: string; help: string | null; answer: string; note: string };

/** One section's page: its questions with the answers and notes the draft holds; the sections before and after. */
export function presentSection(assessment: AssessmentDetail, sectionId: string) {
  const sections = assessment.definition.sections;
  const index = sections.findIndex((s) => s.id === sectionId);
  if (index < 0) return null;
  const section = sections[index]!;
  const numbers = numbering(assessment);
  const questions: QuestionView[] = section.questions.map((q) => ({
    id: q.id,
    number: numbers.get(q.id)!,
    text: q.text,
    help: q.help ?? null,
    answer: answerTo(assessment, q.id)?.answer ?? '',
    note: answerTo(assessment, q.id)?.note ?? '',
  }));
  return {
    id: section.id,
    title: section.title,
    position: t('risk.section.position', { number: index + 1, count: sections.length }),
    questions,
    next: sections[index + 1]?.id ?? null,
  };
}

export const answerItems = () => (['yes', 'no', 'not_known'] as const).map((value) => ({ value, text: riskLabel.answer(value) }));

/** "Check your answers": a summary card per section, each question with its answer (or a link to answer it) and note. */
export function presentAnswers(assessment: AssessmentDetail) {
  const numbers = numbering(assessment);
  return assessment.definition.sections.map((section) => ({
    id: section.id,
    title: section.title,
    changeHref: sectionUrl(assessment.id, section.id, true),
    rows: section.questions.map((q) => {
      const entry = answerTo(assessment, q.id);
      return {
        question: `${numbers.get(q.id)}. ${q.text}`,
        answer: entry ? riskLabel.answer(entry.answer) : null,
        note: entry?.note ?? null,
        answerHref: `${sectionUrl(assessment.id, section.id, true)}#answers-${q.id}`,
        answerText: t('risk.check.answerQuestion', { number: numbers.get(q.id)! }),
      };
    }),
  }));
}

/** The checklists the answers call for, with the questions that call for them and a link to start each. */
export function presentTriggered(assessment: AssessmentDetail, titles: Map<string, string>) {
  const numbers = numbering(assessment);
  return assessment.triggered.map((instrument) => {
    const questions = assessment.definition.triggers
      .filter((trigger) => trigger.instrument === instrument && answerTo(assessment, trigger.question)?.answer === trigger.answer)
      .map((trigger) => numbers.get(trigger.question)!);
    const title = titles.get(instrument) ?? instrument;
    return {
      title,
      because: t('risk.triggered.because', { questions: questions.join(', '), title, count: questions.length }),
      href: `/cases/${assessment.caseId}/risk/new?instrument=${encodeURIComponent(instrument)}`,
      start: t('risk.triggered.start', { title }),
    };
  });
}

/** The score and band so far, and the level radios (by default at the band the score gives). */
export function presentJudgement(preview: ScorePreview) {
  const complete = preview.answered === preview.questions;
  return {
    complete,
    score: complete
      ? t('risk.check.scoreOf', { score: preview.score, questions: preview.questions })
      : t('risk.check.scoreSoFar', { score: preview.score, count: preview.questions - preview.answered }),
    band: !preview.hasCutOff ? null : preview.scoreBand ? levelTag(preview.scoreBand) : null,
    hasCutOff: preview.hasCutOff,
    defaultLevel: preview.scoreBand ?? '',
    levelItems: RISK_LEVELS.map((level) => ({
      value: level,
      text: riskLabel.level(level),
      hint: level === preview.scoreBand ? { text: t('risk.check.levelIsBand') } : undefined,
    })),
  };
}

/** A submitted assessment's outcome: its score, band and level, and any professional judgement with its reasons. */
export function presentOutcome(assessment: AssessmentDetail) {
  const questions = questionsOf(assessment.definition).length;
  return {
    score: t('risk.check.scoreOf', { score: assessment.score ?? 0, questions }),
    band: assessment.scoreBand ? riskLabel.level(assessment.scoreBand) : t('risk.history.noCutOff'),
    level: assessment.level ? levelTag(assessment.level) : null,
    raised:
      assessment.raisedByJudgement && assessment.scoreBand ? t('risk.history.raised', { from: riskLabel.level(assessment.scoreBand).toLowerCase() }) : null,
    rationale: assessment.rationale,
    high: assessment.level === 'high',
    panel: assessment.level ? t('risk.confirmation.body', { score: assessment.score ?? 0, level: riskLabel.level(assessment.level).toLowerCase() }) : '',
  };
}

/**
 * Where each problem from submitting is put right: an unanswered question on its section's page, the victim's part
 * on the details page, the level and reasons on "check your answers" itself. A form-wide message has no link.
 */
export function checkErrorList(assessment: AssessmentDetail, problems: FieldError[]) {
  const sectionOf = new Map(assessment.definition.sections.flatMap((s) => s.questions.map((q) => [q.id, s.id] as const)));
  return problems.map(({ field, message }) => {
    const question = /^answers\.([^.]+)/.exec(field)?.[1];
    const section = question ? sectionOf.get(question) : undefined;
    let href: string | undefined;
    if (section) href = `${sectionUrl(assessment.id, section, true)}#${field.replace(/\./g, '-')}`;
    else if (field === 'victimParticipated' || field === 'assessedOn') href = `/risk/${assessment.id}/details?from=check#${field}`;
    else if (field === 'level' || field === 'rationale') href = `#${field}`;
    return { text: message, href };
  });
}
