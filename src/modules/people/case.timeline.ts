import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { label } from './case.presenter.js';
import type { CaseRow, listCaseEvents, listCaseHistory } from './case.repository.js';
import type { TimelineType } from './case.schemas.js';

type EventRow = Awaited<ReturnType<typeof listCaseEvents>>[number];
type HistoryRow = Awaited<ReturnType<typeof listCaseHistory>>[number];
type Entry = { type: TimelineType; at: Date; who: string; text: string };

export type TimelineInput = {
  events: EventRow[];
  history: HistoryRow[];
  current: CaseRow;
  /** Names of the people (on the case or ever named by its events), agencies and "must not see" entries this viewer may see, by id. */
  names: { people: Map<string, string>; agencies: Map<string, string>; restrictions: Map<string, string> };
  /** The "must not see" list is need-to-know: only the owning agency's staff see its entries here too. */
  showRestrictions: boolean;
};

const who = (row: { user_name: string | null; agency_name: string | null }) =>
  row.user_name ? `${row.user_name}${row.agency_name ? ` (${row.agency_name})` : ''}` : translate('en', 'case.timeline.system');

/** An audit event in words, or null when this viewer should not learn of it (a hidden person, the restriction list). */
function fromEvent(row: EventRow, input: TimelineInput): Entry | null {
  const details = row.details as Record<string, string | undefined>;
  const base = { at: row.occurred_at, who: who(row) };
  switch (row.action) {
    case 'case.create':
      return { ...base, type: 'opened', text: translate('en', 'case.timeline.opened') };
    case 'case.person.add':
    case 'case.person.remove': {
      const name = input.names.people.get(details.personId ?? '');
      const key = row.action === 'case.person.add' ? 'case.timeline.personAdded' : 'case.timeline.personRemoved';
      return name ? { ...base, type: 'people', text: translate('en', key, { role: label.role(details.role ?? ''), name }) } : null;
    }
    case 'case.agency.assign':
      return {
        ...base,
        type: 'agencies',
        text: translate('en', 'case.timeline.agencyAssigned', { agency: input.names.agencies.get(details.agencyId ?? '') ?? '' }),
      };
    case 'restriction.add':
    case 'restriction.remove': {
      if (!input.showRestrictions) return null;
      const key = row.action === 'restriction.add' ? 'case.timeline.restrictionAdded' : 'case.timeline.restrictionRemoved';
      return { ...base, type: 'restrictions', text: translate('en', key, { who: input.names.restrictions.get(details.restrictionId ?? '') ?? '' }) };
    }
    default:
      return null;
  }
}

type CaseState = { status: string; closed_on: string | null; flags: string[] };

/** What one edit changed, from the row before it (record_history) and the row after it (the next history row or the case now). */
function fromChange(before: CaseState, after: CaseState, row: HistoryRow): Entry[] {
  const base = { type: 'changes' as const, at: row.changed_at, who: who(row) };
  const entries: Entry[] = [];
  if (before.status !== after.status) {
    entries.push({
      ...base,
      text:
        after.status === 'closed' ? translate('en', 'case.timeline.closed', { date: formatDate(after.closed_on) }) : translate('en', 'case.timeline.reopened'),
    });
  } else if (after.status === 'closed' && before.closed_on !== after.closed_on) {
    entries.push({ ...base, text: translate('en', 'case.timeline.closedOnChanged', { date: formatDate(after.closed_on) }) });
  }
  const added = after.flags.filter((f) => !before.flags.includes(f));
  const removed = before.flags.filter((f) => !after.flags.includes(f));
  if (added.length) entries.push({ ...base, text: translate('en', 'case.timeline.flagsAdded', { flags: added.map(label.flag).join(', ') }) });
  if (removed.length) entries.push({ ...base, text: translate('en', 'case.timeline.flagsRemoved', { flags: removed.map(label.flag).join(', ') }) });
  return entries;
}

/** The case's story, newest first, optionally of one type only. */
export function buildTimeline(input: TimelineInput, type?: TimelineType) {
  const entries = input.events.map((row) => fromEvent(row, input)).filter((entry): entry is Entry => entry !== null);
  input.history.forEach((row, i) => {
    const after = (input.history[i + 1]?.old_row as CaseState | undefined) ?? input.current;
    entries.push(...fromChange(row.old_row as CaseState, after, row));
  });
  return entries
    .filter((entry) => !type || entry.type === type)
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map((entry) => ({ when: formatDateTime(entry.at), who: entry.who, text: entry.text, type: entry.type }));
}
