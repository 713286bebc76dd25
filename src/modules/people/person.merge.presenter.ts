import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { codeLabel } from './person.codes.js';
import type { MergedRecord, MergePreview } from './person.merge.service.js';
import { ageText, presentPerson, primaryName } from './person.presenter.js';

type Name = { given_name: string; family_name: string };
type CaseRole = { reference: string; role: string };

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const fullName = (n: Name) => [n.given_name, n.family_name].filter(Boolean).join(' ');
const caseText = (c: CaseRole) => `${c.reference} (${t(`case.role.${c.role}`)})`;

/** One record, as a column of the side-by-side comparison. */
function side(record: MergePreview['survivor']['record'], cases: CaseRole[]) {
  const p = presentPerson(record);
  return {
    id: p.id,
    version: p.version,
    name: p.name,
    names: [`${p.name} (${t('person.nameKind.legal')})`, ...p.otherNames.map((n) => `${n.name} (${n.kind})`)],
    age: [ageText(record.person)],
    agency: [record.person.agency_name],
    addresses: p.addresses.map((a) => (a.current ? t('merge.current', { address: a.text }) : a.text)),
    contacts: p.contacts.map((c) => `${c.kindLabel}: ${c.value}`),
    cases: cases.map(caseText),
  };
}

/** The preview: both records side by side, then what the merge will move and what it will not. */
export function presentPreview(preview: MergePreview) {
  const survivor = side(preview.survivor.record, preview.survivor.cases);
  const merged = side(preview.merged.record, preview.merged.cases);
  const row = (label: string, field: 'names' | 'age' | 'agency' | 'addresses' | 'contacts' | 'cases') => ({
    label,
    survivor: survivor[field],
    merged: merged[field],
  });
  return {
    survivor: { id: survivor.id, version: survivor.version, name: survivor.name },
    merged: { id: merged.id, version: merged.version, name: merged.name },
    rows: [
      row(t('person.label.names'), 'names'),
      row(t('person.label.age'), 'age'),
      row(t('person.label.agency'), 'agency'),
      row(t('person.addresses.heading'), 'addresses'),
      row(t('person.contacts.heading'), 'contacts'),
      row(t('merge.cases'), 'cases'),
    ],
    moves: {
      names: preview.names.move.map((n) =>
        n.kind === 'legal' ? t('merge.move.legalName', { name: fullName(n) }) : `${fullName(n)} (${codeLabel('nameKind', n.kind)})`,
      ),
      namesKept: preview.names.keep.map(fullName),
      addresses: merged.addresses.length,
      contacts: merged.contacts.length,
      cases: merged.cases,
      currentAddressKept: !preview.keepsCurrentAddress && preview.merged.record.addresses.some((a) => a.is_current),
    },
    differing: preview.differing.join(', '),
    refusal: preview.refusal,
  };
}

/** The page a merged record's address shows: where the record went, and whether the merge can be undone. */
export function presentMergedRecord(merged: MergedRecord) {
  return {
    id: merged.mergedId,
    name: merged.mergedName ? fullName(merged.mergedName) : t('person.unnamed'),
    survivor: { id: merged.survivorId, name: primaryName(merged.survivorNames) },
    mergedOn: formatDateTime(merged.mergedAt),
    mergedBy: merged.mergedByName ?? t('person.history.system'),
    undoUntil: formatDate(merged.undoUntil),
    undo: merged.undo,
  };
}

/** Records merged into this one that can still be undone, for the person page. */
export function presentMergesInto(merges: { mergedId: string; mergedAt: Date; name: Name | null }[]) {
  return merges.map((m) => ({ id: m.mergedId, name: m.name ? fullName(m.name) : t('person.unnamed'), mergedOn: formatDate(m.mergedAt) }));
}
