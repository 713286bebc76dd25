import { formatDateTime } from '../../platform/format.js';

type AuditRow = {
  seq: string | number;
  occurred_at: Date;
  action: string;
  outcome: string;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  user_email: string | null;
  user_name: string | null;
  agency_code: string | null;
};

const OUTCOME_COLOURS: Record<string, string> = { success: 'green', failure: 'red', denied: 'orange' };

export function presentAuditEvent(row: AuditRow) {
  return {
    seq: String(row.seq),
    when: formatDateTime(row.occurred_at),
    who: row.user_name ? `${row.user_name} (${row.agency_code ?? 'no agency'})` : 'Not signed in',
    email: row.user_email ?? '',
    action: row.action,
    outcome: { text: row.outcome, colour: OUTCOME_COLOURS[row.outcome] ?? 'grey' },
    subject: row.subject_type ? `${row.subject_type} ${row.subject_id ?? ''}`.trim() : '',
    ip: row.ip ?? '',
    details: Object.keys(row.details ?? {}).length ? JSON.stringify(row.details) : '',
  };
}
