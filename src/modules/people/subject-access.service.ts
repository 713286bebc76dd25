import type { Db } from '../../db/database.js';
import { SYSTEM_VIEWER, withViewer } from '../../db/viewer.js';
import { errors } from '../../platform/errors.js';
import type { Actor } from '../../platform/request-context.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { codeLabel, type CodedField } from './person.codes.js';
import * as repo from './subject-access.repository.js';

export type SubjectAccessExport = {
  requestReference: string;
  generatedAt: string;
  generatedBy: string;
  note: string;
  person: { id: string; recordedBy: string; dateOfBirth: string | null; estimatedAge: number | null; details: { label: string; value: string }[] };
  names: { name: string; kind: string; primary: boolean }[];
  addresses: { address: string; current: boolean; safe: boolean; refuge: boolean; recordedBy: string; from: string | null; to: string | null }[];
  contacts: { kind: string; value: string; safe: boolean; note: string | null }[];
  safeContact: { voicemailAllowed: string; safeTimes: string | null; doNotWriteHome: boolean; codeWord: string | null };
  cases: {
    reference: string;
    role: string;
    relationship: string | null;
    status: string;
    flags: string[];
    openedOn: string;
    closedOn: string | null;
    heldBy: string;
    otherPeople: string[];
  }[];
  accessLog: { when: string; agency: string; action: string }[];
};

type PersonRow = NonNullable<Awaited<ReturnType<typeof repo.findPerson>>>;

const CODED_FIELDS: [CodedField, keyof PersonRow, string][] = [
  ['gender', 'gender', 'Gender'],
  ['sex', 'sex', 'Sex'],
  ['genderIdentity', 'gender_identity', 'Gender identity the same as sex registered at birth'],
  ['ethnicity', 'ethnicity', 'Ethnic group'],
  ['disability', 'disability', 'Disability'],
  ['religion', 'religion', 'Religion or belief'],
  ['sexualOrientation', 'sexual_orientation', 'Sexual orientation'],
  ['pregnancy', 'pregnancy', 'Pregnancy or maternity'],
  ['maritalStatus', 'marital_status', 'Marital or civil partnership status'],
  ['immigrationStatus', 'immigration_status', 'Immigration status'],
  ['nrpf', 'nrpf', 'No recourse to public funds'],
];

const REDACTED = 'another person (details withheld: third-party data)';

/**
 * Everything Harbour holds about one person, for a subject access request (UK GDPR Art 15). Other people are
 * reduced to their role, staff to their agency; anything the requesting administrator is on a "must not see" list
 * for is left out, and the export says so. The person themselves being hidden from the administrator answers 404.
 */
export function buildExport(...args: Parameters<typeof collectExport>): Promise<SubjectAccessExport> {
  // The administrator reads across agencies (minus their own "must not see" entries), so the database is told so.
  const admin = args[2];
  const viewer = { kind: 'partnership', partnershipId: admin.partnershipId, agencyId: admin.agencyId, userId: admin.userId } as const;
  return withViewer(viewer, () => collectExport(...args));
}

async function collectExport(
  db: Db,
  actor: Actor,
  admin: UserPrincipal,
  personId: string,
  requestReference: string,
  format: 'page' | 'json' | 'pdf',
): Promise<SubjectAccessExport> {
  const { partnershipId } = admin;
  const person = await repo.findPerson(db, partnershipId, personId);
  if (!person || (await repo.isBlocked(db, partnershipId, 'person', personId, admin.userId, admin.agencyId))) throw errors.notFound('Person');
  const [names, addresses, contacts, allCases, accessLog] = await Promise.all([
    repo.names(db, partnershipId, personId),
    repo.addresses(db, partnershipId, personId),
    repo.contacts(db, partnershipId, personId),
    repo.cases(db, partnershipId, personId),
    repo.accessLog(db, partnershipId, personId),
  ]);
  const blocked = await Promise.all(allCases.map((c) => repo.isBlocked(db, partnershipId, 'case', c.id, admin.userId, admin.agencyId)));
  const cases = allCases.filter((_, i) => !blocked[i]);
  // The database hides cases the administrator must not see; only their number is read past that, so the export
  // can say honestly that it is incomplete and another administrator can complete it.
  const caseTotal = await withViewer(SYSTEM_VIEWER, () => repo.caseCount(db, partnershipId, personId));
  const result: SubjectAccessExport = {
    requestReference,
    generatedAt: new Date().toISOString(),
    generatedBy: `${admin.displayName}, ${admin.agencyName}`,
    note:
      'Names of other people and of staff are withheld as third-party data. Each item shows the agency that recorded it, which answers for it.' +
      (cases.length < caseTotal ? ' Some cases are withheld because the administrator preparing this export may not see them.' : ''),
    person: {
      id: person.id,
      recordedBy: person.agency_name,
      dateOfBirth: person.date_of_birth,
      estimatedAge: person.estimated_age,
      details: [
        ...CODED_FIELDS.flatMap(([field, column, label]) => {
          const code = person[column] as string | null;
          return code ? [{ label, value: codeLabel(field, code) }] : [];
        }),
        ...(person.disability_types.length
          ? [{ label: 'Type of disability', value: person.disability_types.map((t) => codeLabel('disabilityType', t)).join(', ') }]
          : []),
        ...(person.preferred_language ? [{ label: 'Preferred language', value: person.preferred_language }] : []),
        { label: 'Interpreter needed', value: person.interpreter_needed ? 'Yes' : 'No' },
        ...(person.gp_practice ? [{ label: 'GP practice', value: person.gp_practice }] : []),
      ],
    },
    names: names.map((n) => ({
      name: `${n.given_name} ${n.family_name}`,
      kind: n.is_primary ? 'Legal name' : codeLabel('nameKind', n.kind),
      primary: n.is_primary,
    })),
    addresses: addresses.map((a) => ({
      address: [a.line1, a.line2, a.town, a.postcode].filter(Boolean).join(', '),
      current: a.is_current,
      safe: a.is_safe,
      refuge: a.confidential_refuge,
      recordedBy: a.agency_name,
      from: a.from_date,
      to: a.to_date,
    })),
    contacts: contacts.map((c) => ({ kind: c.kind === 'phone' ? 'Phone' : 'Email', value: c.value, safe: c.is_safe, note: c.note })),
    safeContact: {
      voicemailAllowed: codeLabel('voicemail', person.voicemail_allowed),
      safeTimes: person.safe_times,
      doNotWriteHome: person.do_not_write_home,
      codeWord: person.code_word,
    },
    cases: cases.map((c) => ({
      reference: c.reference,
      role: c.role,
      relationship: c.role === 'child' ? null : c.relationship,
      status: c.status,
      flags: c.flags,
      openedOn: c.opened_on,
      closedOn: c.closed_on,
      heldBy: c.agency_name,
      otherPeople: c.others.map((o) => `${o.role}: ${REDACTED}`),
    })),
    accessLog: accessLog.map((e) => ({ when: e.occurred_at.toISOString(), agency: e.agency_name ?? 'Harbour', action: e.action })),
  };
  await actor.record(db, {
    action: 'subject-access.export',
    outcome: 'success',
    subjectType: 'person',
    subjectId: personId,
    details: { requestReference, format, cases: cases.length, casesWithheld: allCases.length - cases.length },
  });
  return result;
}
