import { details, renderDocument, type Block } from '../../platform/pdf.js';
import type { DocumentView } from './documents.presenter.js';

/** A meeting's document in Harbour's PDF shell: the meeting's details first, then the document's own content. */
export function meetingDocumentPdf(view: DocumentView, content: Block[], orientation: 'portrait' | 'landscape' = 'portrait'): Promise<Buffer> {
  return renderDocument(
    { title: view.title, lines: [view.prepared], subject: view.subject, author: view.author, distribution: view.distribution, orientation },
    [details(view.details), ...content],
  );
}
