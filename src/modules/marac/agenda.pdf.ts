import { translate } from '../../platform/i18n.js';
import { heading, table } from '../../platform/pdf.js';
import type { AgendaView } from './documents.presenter.js';
import { meetingDocumentPdf } from './documents.pdf.js';

const t = (key: string) => translate('en', key);

/** The agenda as a PDF: the cases in the order they will be heard, as the meeting page lists them. */
export function agendaPdf(view: AgendaView): Promise<Buffer> {
  return meetingDocumentPdf(
    view,
    [
      heading(t('marac.documents.agenda.casesHeading')),
      table(
        ['position', 'caseReference', 'initials', 'dateOfBirth', 'area', 'kind', 'risk'].map((column) => t(`marac.agenda.${column}`)),
        view.cases.map((c) => [String(c.position), { text: c.caseReference, bold: true }, c.initials, c.dateOfBirth, c.area, c.kind, c.risk]),
        { empty: t('marac.documents.noCases'), widths: [30, 110, 70, 95, '*', 75, 95] },
      ),
    ],
    'landscape',
  );
}
