import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { scoreChart, type ScoreChart } from './risk.chart.js';
import type { RiskLevel } from './risk.instrument.js';
import type { Assessment } from './risk.service.js';

/** Coded values → the words people see; the codes themselves never reach a template. */
export const riskLabel = {
  level: (level: RiskLevel) => translate('en', `risk.level.${level}`),
  status: (status: Assessment['status']) => translate('en', `risk.status.${status}`),
  answer: (answer: string) => translate('en', `risk.answer.${answer}`),
};

/** GOV.UK tag colours by level: the tag's text carries the meaning, the colour only repeats it. */
const LEVEL_COLOURS: Record<RiskLevel, string> = { standard: 'green', medium: 'yellow', high: 'red' };
export const levelTag = (level: RiskLevel) => ({ text: riskLabel.level(level), colour: LEVEL_COLOURS[level] });

/** "Ruth Okonkwo, Safer Futures IDVA Service"; an assessment made through the API names its agency only. */
export const assessorName = (assessor: Assessment['assessor']) => (assessor.name ? `${assessor.name}, ${assessor.agencyName}` : assessor.agencyName);

export type RiskHistoryRow = {
  id: string;
  assessedOn: string;
  instrument: string;
  status: string;
  score: string;
  scoreBand: string;
  level: ReturnType<typeof levelTag> | null;
  /** "Raised from medium by professional judgement", or null. */
  judgement: string | null;
  assessor: string;
};

/**
 * A case's risk history as a table (newest first, drafts included and marked) and as points for its chart: the
 * submitted assessments of scored instruments, oldest first, each with its score and the level it ended at.
 */
export function presentRiskHistory(assessments: Assessment[]): { rows: RiskHistoryRow[]; points: { date: string; score: number; level: RiskLevel }[] } {
  const rows = assessments.map((a) => ({
    id: a.id,
    assessedOn: formatDate(a.assessedOn),
    instrument: translate('en', 'risk.history.instrument', { title: a.instrument.title, version: a.instrument.version }),
    status: riskLabel.status(a.status),
    score: a.status === 'submitted' && a.score !== null ? String(a.score) : '',
    scoreBand: a.scoreBand ? riskLabel.level(a.scoreBand) : translate('en', a.status === 'submitted' ? 'risk.history.noCutOff' : 'risk.history.notYet'),
    level: a.level ? levelTag(a.level) : null,
    judgement: a.raisedByJudgement && a.scoreBand ? translate('en', 'risk.history.raised', { from: riskLabel.level(a.scoreBand).toLowerCase() }) : null,
    assessor: assessorName(a.assessor),
  }));
  const points = assessments
    .filter((a) => a.status === 'submitted' && a.scoreBand !== null && a.score !== null && a.level !== null)
    .map((a) => ({ date: a.assessedOn, score: a.score!, level: a.level! }))
    .reverse();
  return { rows, points };
}

export type RiskPanel = {
  caseId: string;
  /** Submitted assessments, newest first. */
  history: RiskHistoryRow[];
  /** Drafts, newest first; only their assessor is offered "Continue". */
  drafts: { id: string; assessedOn: string; instrument: string; assessor: string; mine: boolean }[];
  /** Scores over time; null when nothing scored has been submitted. */
  chart: ScoreChart | null;
};

/** The risk panel on the case page: the history table, its chart, and the drafts still open. */
export function presentRiskPanel(assessments: Assessment[], viewerUserId: string, caseId: string): RiskPanel {
  const { rows, points } = presentRiskHistory(assessments);
  const isDraft = (i: number) => assessments[i]!.status === 'draft';
  const describe = (p: (typeof points)[number]) =>
    translate('en', 'risk.chart.point', { date: formatDate(p.date), score: p.score, level: riskLabel.level(p.level).toLowerCase() });
  return {
    caseId,
    history: rows.filter((_, i) => !isDraft(i)),
    drafts: rows.flatMap((row, i) =>
      isDraft(i)
        ? [
            {
              id: row.id,
              assessedOn: row.assessedOn,
              instrument: row.instrument,
              assessor: row.assessor,
              mine: assessments[i]!.assessor.userId === viewerUserId,
            },
          ]
        : [],
    ),
    chart: scoreChart(points, describe),
  };
}
