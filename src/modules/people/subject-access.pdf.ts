import pdfmake from 'pdfmake';
import { formatDate, formatDateTime } from '../../platform/format.js';
import type { SubjectAccessExport } from './subject-access.service.js';

// PDFKit's built-in Helvetica: no font files to ship. Nothing else may be read from disk or fetched.
const HELVETICA = { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' };
const STANDARD_FONTS = new Set(Object.values(HELVETICA));
pdfmake.setFonts({ Helvetica: HELVETICA });
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => STANDARD_FONTS.has(path));

type Cell = string | { text: string; bold?: boolean };

function table(headers: string[], rows: Cell[][]) {
  if (rows.length === 0) return { text: 'None held.', margin: [0, 0, 0, 12] };
  return {
    table: { headerRows: 1, widths: headers.map(() => '*'), body: [headers.map((h) => ({ text: h, bold: true })), ...rows] },
    layout: 'lightHorizontalLines',
    margin: [0, 0, 0, 12],
  };
}

const heading = (text: string) => ({ text, style: 'heading' });
const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** The export as a PDF a person can read: the same content as the JSON, in plain sections. */
export function subjectAccessPdf(data: SubjectAccessExport): Promise<Buffer> {
  const person = data.person;
  const definition = {
    info: { title: `Subject access export ${data.requestReference}` },
    defaultStyle: { font: 'Helvetica', fontSize: 10 },
    styles: { title: { fontSize: 18, bold: true, margin: [0, 0, 0, 6] }, heading: { fontSize: 13, bold: true, margin: [0, 10, 0, 4] } },
    header: { text: 'OFFICIAL-SENSITIVE: personal data', alignment: 'center', margin: [0, 12, 0, 0], bold: true },
    content: [
      { text: 'Information Harbour holds about you', style: 'title' },
      { text: `Request ${data.requestReference}. Prepared ${formatDateTime(data.generatedAt)} by ${data.generatedBy}.`, margin: [0, 0, 0, 6] },
      { text: data.note, italics: true, margin: [0, 0, 0, 6] },
      heading('Names'),
      table(
        ['Name', 'Kind'],
        data.names.map((n) => [n.name, n.kind]),
      ),
      heading('About you'),
      table(
        ['Detail', 'Recorded'],
        [
          [
            'Date of birth',
            person.dateOfBirth ? formatDate(person.dateOfBirth) : person.estimatedAge !== null ? `Estimated age ${person.estimatedAge}` : 'Not recorded',
          ],
          ['Recorded by', person.recordedBy],
          ...person.details.map((d) => [d.label, d.value]),
        ],
      ),
      heading('Addresses'),
      table(
        ['Address', 'Current', 'Safe', 'Refuge', 'Recorded by'],
        data.addresses.map((a) => [a.address, yesNo(a.current), yesNo(a.safe), yesNo(a.refuge), a.recordedBy]),
      ),
      heading('Phone numbers and email addresses'),
      table(
        ['Kind', 'Value', 'Safe to use', 'Note'],
        data.contacts.map((c) => [c.kind, c.value, yesNo(c.safe), c.note ?? '']),
      ),
      heading('How to contact you safely'),
      table(
        ['Instruction', 'Recorded'],
        [
          ['Voicemail allowed', data.safeContact.voicemailAllowed],
          ['Safe times', data.safeContact.safeTimes ?? 'Not recorded'],
          ['Do not write to home address', yesNo(data.safeContact.doNotWriteHome)],
          ['Code word', data.safeContact.codeWord ?? 'None'],
        ],
      ),
      heading('Cases'),
      table(
        ['Reference', 'Your role', 'Status', 'Opened', 'Held by', 'Other people'],
        data.cases.map((c) => [c.reference, c.role, c.status, formatDate(c.openedOn), c.heldBy, c.otherPeople.join('; ')]),
      ),
      heading('Who has looked at or changed your record'),
      table(
        ['When', 'Agency', 'What'],
        data.accessLog.map((e) => [formatDateTime(e.when), e.agency, e.action]),
      ),
    ],
  };
  return pdfmake.createPdf(definition).getBuffer();
}
