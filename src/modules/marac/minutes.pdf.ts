import { translate } from '../../platform/i18n.js';
import { heading, label, paragraph, subheading, table, type Block } from '../../platform/pdf.js';
import type { MinutesView } from './documents.presenter.js';
import { meetingDocumentPdf } from './documents.pdf.js';

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

function minutesOf(c: MinutesView['cases'][number]): Block[] {
  return [
    subheading(c.heading),
    paragraph(c.about, 2),
    paragraph(`${t('marac.documents.minutes.status', { status: c.status })} ${c.statusNote}`),
    ...c.sections.flatMap((s) => [label(s.label), paragraph(s.text)]),
    ...(c.final ? [label(t('marac.meeting.minutes.amendmentsHeading'))] : []),
    ...(c.final && c.amendments.length === 0 ? [paragraph(t('marac.meeting.minutes.noAmendments'))] : []),
    ...c.amendments.flatMap((a) => [label(`${a.heading}. ${a.by}`, true), paragraph(a.text)]),
  ];
}

/** The minutes as a PDF: the register, then each case's minutes in agenda order, amendments after the original. */
export function minutesPdf(view: MinutesView): Promise<Buffer> {
  return meetingDocumentPdf(view, [
    heading(t('marac.meeting.attendance.heading')),
    table(
      [t('marac.meeting.attendance.name'), t('marac.meeting.attendance.agency'), t('marac.meeting.attendance.status')],
      view.attendance.map((a) => [a.name, a.agency, a.status]),
      { empty: t('marac.meeting.attendance.none') },
    ),
    heading(t('marac.documents.minutes.casesHeading')),
    ...(view.cases.length ? view.cases.flatMap(minutesOf) : [paragraph(t('marac.documents.noCases'))]),
  ]);
}
