import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import { translate } from './i18n.js';

/**
 * Harbour's PDF documents (DESIGN.md exports): one shell for every document that holds personal data, so each is
 * marked the same way. Every page carries the protective marking at its top and bottom and "Page x of y"; under the
 * title a box says who the document is for and how to handle it, and the document ends with it again. The PDF's
 * metadata names the document and the marking, never a person.
 *
 * The font is Roboto, shipped inside pdfmake: PDFKit's built-in Helvetica knows only Windows-1252 and garbles a
 * name such as "Łukasz". Nothing else may be read from disk or fetched.
 */

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts/Roboto');
const ROBOTO = {
  normal: path.join(fontDir, 'Roboto-Regular.ttf'),
  bold: path.join(fontDir, 'Roboto-Medium.ttf'),
  italics: path.join(fontDir, 'Roboto-Italic.ttf'),
  bolditalics: path.join(fontDir, 'Roboto-MediumItalic.ttf'),
};
const FONT_FILES = new Set(Object.values(ROBOTO));
pdfmake.setFonts({ Roboto: ROBOTO });
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((file) => FONT_FILES.has(file));

/** A piece of pdfmake content: text, or one of its block objects (table, stack, columns…). */
export type Block = string | { [key: string]: unknown };

export type DocumentShell = {
  /** The first heading, and the PDF's title: no personal data (file managers and viewers show it). */
  title: string;
  /** Lines under the title, e.g. when and by whom the document was prepared. */
  lines?: string[];
  /** What kind of document it is, for the PDF's subject. */
  subject: string;
  /** Who prepared it, for the PDF's author. */
  author: string;
  /** Who the document is for and how to handle it: under the title, and again at the end. */
  distribution: string;
  /** The protective marking on every page; OFFICIAL-SENSITIVE unless said otherwise. */
  marking?: string;
  /** Wide tables (the agenda, the action plan) read better across the page. */
  orientation?: 'portrait' | 'landscape';
};

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

export const OFFICIAL_SENSITIVE = 'OFFICIAL-SENSITIVE';

/** The styles of what every page carries (marking, page number), which is no part of the content. */
const FURNITURE = { marking: 'pageMarking', page: 'pageNumber', footer: 'pageFooter' } as const;
const FURNITURE_STYLES = new Set<unknown>(Object.values(FURNITURE));

function handling(distribution: string): Block {
  return {
    table: {
      widths: ['*'],
      body: [[{ stack: [{ text: t('pdf.handling'), bold: true, margin: [0, 0, 0, 2] }, distribution], margin: [4, 4, 4, 4] }]],
    },
    layout: { hLineWidth: () => 1.5, vLineWidth: () => 1.5 },
    margin: [0, 6, 0, 12],
  };
}

/**
 * Lays the content out in the shell and returns the PDF. pdfmake compresses page content; `compress: false` is only
 * for looking inside a document by hand.
 */
export function renderDocument(shell: DocumentShell, content: Block[], options: { compress?: boolean } = {}): Promise<Buffer> {
  const marking = shell.marking ?? OFFICIAL_SENSITIVE;
  const definition = {
    info: { title: shell.title, subject: shell.subject, author: shell.author, creator: 'Harbour', keywords: marking },
    compress: options.compress ?? true,
    pageSize: 'A4',
    pageOrientation: shell.orientation ?? 'portrait',
    pageMargins: [40, 48, 40, 56],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 18, bold: true, margin: [0, 0, 0, 4] },
      heading: { fontSize: 13, bold: true, margin: [0, 12, 0, 4] },
      subheading: { fontSize: 11, bold: true, margin: [0, 8, 0, 2] },
      tableHeader: { bold: true },
      muted: { color: '#505a5f' },
      [FURNITURE.marking]: { bold: true, fontSize: 11, alignment: 'center' },
      [FURNITURE.page]: { fontSize: 9, alignment: 'center' },
    },
    header: () => ({ text: marking, style: FURNITURE.marking, margin: [0, 18, 0, 0] }),
    footer: (page: number, pages: number) => ({
      stack: [
        { text: marking, style: FURNITURE.marking },
        { text: t('pdf.page', { page, pages }), style: FURNITURE.page },
      ],
      style: FURNITURE.footer,
      margin: [0, 12, 0, 0],
    }),
    // A heading or label left last on a page goes over to the next, with what it introduces. pdfmake counts the
    // page's header and footer among what follows, so they are told apart by their styles.
    pageBreakBefore: (node: { headlineLevel?: number }, nodes: { getFollowingNodesOnPage(): { style?: unknown }[] }) =>
      node.headlineLevel === 1 && nodes.getFollowingNodesOnPage().every((following) => FURNITURE_STYLES.has(following.style)),
    content: [
      { text: shell.title, style: 'title' },
      ...(shell.lines ?? []).map((line) => ({ text: line, style: 'muted' })),
      handling(shell.distribution),
      ...content,
      handling(shell.distribution),
    ],
  };
  return pdfmake.createPdf(definition).getBuffer();
}

export const heading = (text: string): Block => ({ text, style: 'heading', headlineLevel: 1 });
export const subheading = (text: string): Block => ({ text, style: 'subheading', headlineLevel: 1 });
/** A bold line introducing the text under it, kept on its page. */
export const label = (text: string, italics = false): Block => ({ text, bold: !italics, italics, headlineLevel: 1 });
export const paragraph = (text: string, margin = 6): Block => ({ text, margin: [0, 0, 0, margin] });

export type Cell = string | { text: string; bold?: boolean };

/**
 * A table with a header row that repeats on every page and rows that do not break across pages; with no rows, the
 * sentence given instead (a table with nothing in it says nothing).
 */
export function table(headers: string[], rows: Cell[][], options: { empty: string; widths?: (number | string)[] }): Block {
  if (rows.length === 0) return paragraph(options.empty, 12);
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: options.widths ?? headers.map(() => '*'),
      body: [headers.map((h) => ({ text: h, style: 'tableHeader' })), ...rows],
    },
    layout: 'lightHorizontalLines',
    margin: [0, 0, 0, 12],
  };
}

/** Label and value pairs, one to a row, labels in bold. */
export function details(rows: [string, string][]): Block {
  return {
    table: { widths: [150, '*'], body: rows.map(([label, value]) => [{ text: label, bold: true }, value]) },
    layout: 'noBorders',
    margin: [0, 0, 0, 8],
  };
}
