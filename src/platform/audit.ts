import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/database.js';

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 72_617_001; // advisory lock key: one writer extends the chain at a time

export type AuditOutcome = 'success' | 'failure' | 'denied';

export type AuditEvent = {
  action: string;
  outcome: AuditOutcome;
  partnershipId?: string | null;
  userId?: string | null;
  agencyId?: string | null;
  apiTokenId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
};

export type ChainedFields = {
  seq: number;
  occurredAt: string;
  partnershipId: string | null;
  userId: string | null;
  agencyId: string | null;
  apiTokenId: string | null;
  action: string;
  outcome: AuditOutcome;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  ip: string | null;
  details: unknown;
};

/** JSON with object keys sorted at every depth, so the same row always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(fields: ChainedFields, prevHash: string): string {
  return createHash('sha256').update(canonicalJson(fields)).update(prevHash).digest('hex');
}

/**
 * Appends one event. Call it inside the transaction that makes the change, as its last statement,
 * so the change and its audit commit together; the advisory lock serialises the chain.
 */
export async function recordAudit(db: DbOrTx, event: AuditEvent): Promise<void> {
  const write = async (trx: DbOrTx) => {
    await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
    const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const occurredAt = new Date();
    const fields: ChainedFields = {
      seq: Number(last?.seq ?? 0) + 1,
      occurredAt: occurredAt.toISOString(),
      partnershipId: event.partnershipId ?? null,
      userId: event.userId ?? null,
      agencyId: event.agencyId ?? null,
      apiTokenId: event.apiTokenId ?? null,
      action: event.action,
      outcome: event.outcome,
      subjectType: event.subjectType ?? null,
      subjectId: event.subjectId ?? null,
      requestId: event.requestId ?? null,
      ip: event.ip ?? null,
      details: JSON.parse(canonicalJson(event.details ?? {})),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    await trx
      .insertInto('audit_events')
      .values({
        seq: fields.seq,
        occurred_at: occurredAt,
        partnership_id: fields.partnershipId,
        user_id: fields.userId,
        agency_id: fields.agencyId,
        api_token_id: fields.apiTokenId,
        action: fields.action,
        outcome: fields.outcome,
        subject_type: fields.subjectType,
        subject_id: fields.subjectId,
        request_id: fields.requestId,
        ip: fields.ip,
        details: JSON.stringify(fields.details),
        prev_hash: prevHash,
        hash: chainHash(fields, prevHash),
      })
      .execute();
  };
  if (db.isTransaction) await write(db);
  else await (db as Db).transaction().execute(write);
}

export type VerifyResult = { ok: true; checked: number } | { ok: false; checked: number; brokenAt: number; reason: string };

/** Walks the chain in order, in pages; reports the first row whose link or hash does not match. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, checked, brokenAt: expectedSeq, reason: `row ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash) return { ok: false, checked, brokenAt: seq, reason: 'prev_hash does not match the previous row' };
      const fields: ChainedFields = {
        seq,
        occurredAt: row.occurred_at.toISOString(),
        partnershipId: row.partnership_id,
        userId: row.user_id,
        agencyId: row.agency_id,
        apiTokenId: row.api_token_id,
        action: row.action,
        outcome: row.outcome,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        requestId: row.request_id,
        ip: row.ip,
        details: row.details,
      };
      if (chainHash(fields, prevHash) !== row.hash) return { ok: false, checked, brokenAt: seq, reason: 'hash does not match the row contents' };
      prevHash = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
  }
}
