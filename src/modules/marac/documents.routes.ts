import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor, type Actor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { actionPlanPdf } from './action-plan.pdf.js';
import { agendaPdf } from './agenda.pdf.js';
import { presentActionPlanDocument, presentAgendaDocument, presentMinutesDocument, type DocumentView } from './documents.presenter.js';
import {
  actionPlanDocument,
  agendaDocument,
  DOCUMENT_KINDS,
  documentAuditAction,
  minutesDocument,
  type DocumentFormat,
  type DocumentKind,
} from './documents.service.js';
import { idParams } from './marac.schemas.js';
import { minutesPdf } from './minutes.pdf.js';

type Prepared = { view: DocumentView; pdf: () => Promise<Buffer> };

/** Each document: its view, gathered with the access check and audit, and how it is laid out as a PDF. */
const DOCUMENTS: Record<DocumentKind, (db: Db, actor: Actor, meetingId: string, format: DocumentFormat) => Promise<Prepared>> = {
  agenda: async (...args) => {
    const view = presentAgendaDocument(await agendaDocument(...args));
    return { view, pdf: () => agendaPdf(view) };
  },
  minutes: async (...args) => {
    const view = presentMinutesDocument(await minutesDocument(...args));
    return { view, pdf: () => minutesPdf(view) };
  },
  'action-plan': async (...args) => {
    const view = presentActionPlanDocument(await actionPlanDocument(...args));
    return { view, pdf: () => actionPlanPdf(view) };
  },
};

/**
 * A meeting's agenda, minutes and action plan as PDFs (attachments) and print-friendly pages (issue 5), for exactly
 * those who see them on the meeting's pages (documents.service.ts); anyone else gets a 404.
 */
export function registerDocumentRoutes(app: FastifyInstance): void {
  const db = app.db;

  for (const kind of DOCUMENT_KINDS) {
    const prepare = DOCUMENTS[kind];

    page(app, {
      method: 'GET',
      url: `/marac/meetings/:id/${kind}.pdf`,
      subjectType: 'marac_meeting',
      access: 'personal-data:read',
      audit: documentAuditAction('pdf'),
      personalData: true,
      params: idParams,
      handler: async ({ request, reply, params }) => {
        const { view, pdf } = await prepare(db, actorFor(request), params.id, 'pdf');
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${view.filename}.pdf"`)
          .send(await pdf());
      },
    });

    page(app, {
      method: 'GET',
      url: `/marac/meetings/:id/${kind}/print`,
      subjectType: 'marac_meeting',
      access: 'personal-data:read',
      audit: documentAuditAction('print'),
      personalData: true,
      params: idParams,
      handler: async ({ request, reply, params }) => {
        const { view } = await prepare(db, actorFor(request), params.id, 'print');
        return renderPage(request, reply, `marac/views/document-${kind}.njk`, { document: view });
      },
    });
  }
}
