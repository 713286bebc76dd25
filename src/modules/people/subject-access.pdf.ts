import { formatDate, formatDateTime } from '../../platform/format.js';
import { heading, paragraph, renderDocument, table } from '../../platform/pdf.js';
import type { SubjectAccessExport } from './subject-access.service.js';

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
const NONE = { empty: 'None held.' };

/** The export as a PDF a person can read: the same content as the JSON, in plain sections. */
export function subjectAccessPdf(data: SubjectAccessExport): Promise<Buffer> {
  const person = data.person;
  return renderDocument(
    {
      title: `Subject access export ${data.requestReference}`,
      lines: [`Information Harbour holds about you. Prepared ${formatDateTime(data.generatedAt)} by ${data.generatedBy}.`],
      subject: 'Subject access export',
      author: data.generatedBy,
      distribution:
        'This document holds personal data. It is for the person it is about, or someone they have authorised, only: send it by a secure route and keep it somewhere safe.',
    },
    [
      paragraph(data.note),
      heading('Names'),
      table(
        ['Name', 'Kind'],
        data.names.map((n) => [n.name, n.kind]),
        NONE,
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
        NONE,
      ),
      heading('Addresses'),
      table(
        ['Address', 'Current', 'Safe', 'Refuge', 'Recorded by'],
        data.addresses.map((a) => [a.address, yesNo(a.current), yesNo(a.safe), yesNo(a.refuge), a.recordedBy]),
        NONE,
      ),
      heading('Phone numbers and email addresses'),
      table(
        ['Kind', 'Value', 'Safe to use', 'Note'],
        data.contacts.map((c) => [c.kind, c.value, yesNo(c.safe), c.note ?? '']),
        NONE,
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
        NONE,
      ),
      heading('Cases'),
      table(
        ['Reference', 'Your role', 'Status', 'Opened', 'Held by', 'Other people'],
        data.cases.map((c) => [c.reference, c.role, c.status, formatDate(c.openedOn), c.heldBy, c.otherPeople.join('; ')]),
        NONE,
      ),
      heading('Who has looked at or changed your record'),
      table(
        ['When', 'Agency', 'What'],
        data.accessLog.map((e) => [formatDateTime(e.when), e.agency, e.action]),
        NONE,
      ),
    ],
  );
}
