import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { label as caseLabel } from '../people/case.presenter.js';
import { referralLabel } from '../referrals/referral.presenter.js';
import type { TransferPayload } from './transfer.packet.js';
import type { TransferRow } from './transfer.repository.js';

/** Transfers → view models: coded values in words, dates in London time, no snake_case. */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const orNone = (value: string | null | undefined) => (value && value.trim() ? value : t('marac.transfers.notRecorded'));

type Person = {
  givenName: string;
  familyName: string;
  otherNames: { givenName: string; familyName: string }[];
  dateOfBirth: string | null;
  estimatedAge: number | null;
};

const fullName = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`.trim();

function personLine(p: Person): string {
  const born = p.dateOfBirth
    ? t('marac.transfers.born', { date: formatDate(p.dateOfBirth) })
    : p.estimatedAge !== null
      ? t('marac.transfers.aboutAge', { age: p.estimatedAge })
      : '';
  const aka = p.otherNames.length ? t('marac.transfers.alsoKnownAs', { names: p.otherNames.map(fullName).join(', ') }) : '';
  return [fullName(p), born, aka].filter(Boolean).join(', ');
}

export function presentTransferRow(row: TransferRow) {
  return {
    href: `/marac/transfers/${row.id}`,
    direction: t(`marac.transfers.direction.${row.direction}`),
    when: formatDateTime(row.created_at),
    counterpart: row.counterpart,
    caseReference: row.case_reference,
    caseHref: `/cases/${row.case_id}`,
    by: row.created_by_name ?? t('marac.transfers.byApi'),
  };
}

/** What a packet says, as the export page previews it and the transfer page shows an import. */
export function presentContents(c: Omit<TransferPayload, 'format' | 'version' | 'packetId' | 'createdAt' | 'from' | 'to' | 'reason' | 'consent'>) {
  const safe = c.victim.safeContact;
  return {
    caseReference: c.case.reference,
    openedOn: formatDate(c.case.openedOn),
    flags: c.case.flags.length ? c.case.flags.map(caseLabel.flag).join(', ') : t('marac.transfers.none'),
    victim: personLine(c.victim),
    safeContact: {
      phones: safe.phones.length ? safe.phones.join(', ') : t('marac.transfers.none'),
      emails: safe.emails.length ? safe.emails.join(', ') : t('marac.transfers.none'),
      safeTimes: orNone(safe.safeTimes),
      voicemail: t(`person.voicemail.${safe.voicemailAllowed}`),
      doNotWriteHome: safe.doNotWriteHome ? t('marac.yes') : t('marac.no'),
    },
    perpetrators: c.perpetrators.map((p) => ({
      name: personLine(p),
      relationship: p.relationship ? caseLabel.relationship(p.relationship) : t('marac.transfers.notRecorded'),
    })),
    children: c.children.map((p) => ({ name: personLine(p), livesWith: p.livesWith ? caseLabel.livesWith(p.livesWith) : t('marac.transfers.notRecorded') })),
    riskHistory: c.riskHistory.map((a) => ({
      date: formatDate(a.assessedOn),
      instrument: t('marac.transfers.instrument', { title: a.title, version: a.instrumentVersion }),
      score: a.score === null ? t('marac.transfers.noScore') : String(a.score),
      band: a.band ? t(`marac.band.${a.band}`) : t('marac.transfers.noScore'),
      level: a.level ? t(`marac.band.${a.level}`) : t('marac.transfers.notRecorded'),
      judgement: a.raisedByJudgement ? (a.rationale ?? '') : '',
    })),
    referrals: c.referrals.map((r) => ({
      reference: r.reference,
      date: formatDate(r.referredOn),
      criterion: referralLabel.criterion(r.criterion),
      repeat: r.repeat ? t('marac.yes') : t('marac.no'),
    })),
    minutes: c.minutes.map((m) => ({
      meetingDate: formatDate(m.meetingDate),
      idvaView: orNone(m.idvaView),
      summary: orNone(m.summary),
      risks: orNone(m.risks),
      finalisedAt: formatDateTime(m.finalisedAt),
      amendments: m.amendments.map((a) => ({ text: a.text, by: t('marac.transfers.amendedBy', { agency: a.agency, when: formatDateTime(a.madeAt) }) })),
    })),
    openActions: c.openActions.map((a) => ({ agency: a.agency, description: a.description, due: formatDate(a.dueOn), meetingDate: formatDate(a.meetingDate) })),
  };
}

export function presentReceived(p: TransferPayload) {
  return {
    from: p.from.partnership,
    contact: `${p.from.contact.name}, ${p.from.contact.agency} (${p.from.contact.email})`,
    sentAt: formatDateTime(p.createdAt),
    to: p.to,
    reason: p.reason,
    consent: referralLabel.consent(p.consent.status),
    lawfulBasis: p.consent.lawfulBasis ? referralLabel.lawfulBasis(p.consent.lawfulBasis) : null,
    consentReason: p.consent.reason,
    contents: presentContents(p),
  };
}
