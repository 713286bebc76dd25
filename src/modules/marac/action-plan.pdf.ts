import { translate } from '../../platform/i18n.js';
import { heading, paragraph, subheading, table, type Block } from '../../platform/pdf.js';
import type { ActionPlanView } from './documents.presenter.js';
import { meetingDocumentPdf } from './documents.pdf.js';

const t = (key: string) => translate('en', key);

/** The action plan as a PDF: each case's actions in agenda order, then each agency's actions together. */
export function actionPlanPdf(view: ActionPlanView): Promise<Buffer> {
  const columns = (first: 'agency' | 'case') => [
    t(`marac.actions.${first}`),
    t('marac.actions.action'),
    t('marac.actions.person'),
    t('marac.actions.due'),
    t('marac.actions.status'),
    t('marac.documents.actionPlan.update'),
  ];
  const widths = [110, '*', 95, 95, 70, 140];
  const byCase: Block[] = view.cases.flatMap((c) => [
    subheading(c.heading),
    table(
      columns('agency'),
      c.actions.map((a) => [a.agency, a.description, a.assigned, a.due, a.status, a.update]),
      { empty: t('marac.meeting.minutes.noActions'), widths },
    ),
  ]);
  const byAgency: Block[] = view.agencies.flatMap((group) => [
    subheading(group.agency),
    table(
      columns('case'),
      group.actions.map((a) => [a.caseReference, a.description, a.assigned, a.due, a.status, a.update]),
      { empty: '', widths },
    ),
  ]);
  return meetingDocumentPdf(
    view,
    [
      heading(t('marac.documents.actionPlan.byCase')),
      ...(view.cases.length ? byCase : [paragraph(t('marac.documents.noCases'))]),
      heading(t('marac.documents.actionPlan.byAgency')),
      ...(view.count ? byAgency : [paragraph(t('marac.documents.actionPlan.none'))]),
    ],
    'landscape',
  );
}
