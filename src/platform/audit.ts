import { createHash } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterCommit, type Db, type DbOrTx } from '../db/database.js';

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 72_617_001; // advisory lock key: one chainer extends the chain at a time

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

const PENDING_INSERT = 'insert into audit_pending';

/**
 * Records one event, in the transaction that makes the change, so that the change and its audit commit together
 * (without a transaction, in one of its own). It takes no lock: the event waits in audit_pending until its
 * transaction commits, and is chained then (chainPendingEvents, run by the connection right after the COMMIT).
 * A transaction that rolls back takes its events with it. ADR 0004.
 */
export async function recordAudit(db: DbOrTx, event: AuditEvent): Promise<void> {
  const write = async (trx: DbOrTx) => {
    await sql`insert into audit_pending (occurred_at, partnership_id, user_id, agency_id, api_token_id, action, outcome, subject_type, subject_id,
      request_id, ip, details) values (${new Date()}, ${event.partnershipId ?? null}, ${event.userId ?? null}, ${event.agencyId ?? null},
      ${event.apiTokenId ?? null}, ${event.action}, ${event.outcome}, ${event.subjectType ?? null}, ${event.subjectId ?? null},
      ${event.requestId ?? null}, ${event.ip ?? null}, ${canonicalJson(event.details ?? {})})`.execute(trx);
  };
  if (db.isTransaction) await write(db);
  else await (db as Db).transaction().execute(write);
}

/**
 * Runs statements in order on one connection and gives the rows of the last. They carry no parameters, so a pg client
 * sends them as one simple query (one round trip); a Kysely connection runs them one by one (see chainPendingAudit).
 */
export type Run = (statements: string[]) => Promise<Record<string, unknown>[]>;

type PendingRow = {
  id: string | number;
  occurred_at: Date;
  partnership_id: string | null;
  user_id: string | null;
  agency_id: string | null;
  api_token_id: string | null;
  action: string;
  outcome: AuditOutcome;
  subject_type: string | null;
  subject_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: unknown;
  last_seq: string | number | null;
  last_hash: string | null;
};

/**
 * Moves every committed event from audit_pending to the end of the chain, in the order they were recorded. The
 * advisory lock makes one chainer at a time; it is held for two round trips, not for anyone's transaction,
 * and one chainer takes every event committed so far, so concurrent requests share the work. The move commits
 * without waiting for the WAL flush (synchronous_commit off): the events themselves were flushed with their own
 * transactions, and a move lost in a crash leaves them in audit_pending, to be chained again.
 */
export async function chainPendingEvents(run: Run): Promise<number> {
  try {
    const pending = (await run([
      'begin',
      `select pg_advisory_xact_lock(${CHAIN_LOCK})`,
      'set local synchronous_commit = off',
      `with moved as (delete from audit_pending returning *), last as (select seq, hash from audit_events order by seq desc limit 1)
       select moved.*, last.seq as last_seq, last.hash as last_hash from moved left join last on true order by moved.id`,
    ])) as PendingRow[];
    if (pending.length === 0) {
      await run(['commit']);
      return 0;
    }
    let seq = Number(pending[0]!.last_seq ?? 0);
    let prevHash = pending[0]!.last_hash ?? GENESIS_HASH;
    const chained = pending.map((row) => {
      const fields = fieldsOf({ ...row, seq: ++seq });
      const hash = chainHash(fields, prevHash);
      const link = { ...row, seq, prev_hash: prevHash, hash };
      prevHash = hash;
      return link;
    });
    await run([
      `insert into audit_events (seq, occurred_at, partnership_id, user_id, agency_id, api_token_id, action, outcome, subject_type, subject_id,
         request_id, ip, details, prev_hash, hash)
       select seq, occurred_at, partnership_id, user_id, agency_id, api_token_id, action, outcome, subject_type, subject_id, request_id, ip,
         details, prev_hash, hash
       from jsonb_to_recordset(${pg.escapeLiteral(JSON.stringify(chained))}::jsonb) as r(seq bigint, occurred_at timestamptz,
         partnership_id uuid, user_id uuid, agency_id uuid, api_token_id uuid, action text, outcome text, subject_type text, subject_id text,
         request_id text, ip text, details jsonb, prev_hash text, hash text)`,
      'commit',
    ]);
    return pending.length;
  } catch (error) {
    await run(['rollback']).catch(() => undefined);
    throw error;
  }
}

/** chainPendingEvents on a pg client: each step one simple query, one round trip (pg answers a list of results). */
export function chainPendingEventsOn(client: pg.ClientBase): Promise<number> {
  return chainPendingEvents(async (statements) => {
    const result = (await client.query(statements.join(';\n'))) as pg.QueryResult | pg.QueryResult[];
    return (Array.isArray(result) ? result.at(-1)! : result).rows;
  });
}

/**
 * One chaining at a time in this process, shared by every commit that waits for one. A commit that arrives while a
 * chaining runs cannot count on it (it may have read audit_pending before the commit), so it waits for the next,
 * which starts when the running one ends and takes every event committed before it started: the next is shared by
 * all that arrive meanwhile. Under load a handful of chainings serve many requests, and requests do not queue on
 * the advisory lock one by one (it still orders chainers of other processes). Each runs on the connection of a
 * commit that waits for it. A failure loses nothing: the events stay in audit_pending for the next chaining (or
 * audit verify).
 */
const chainings = new Map<string, { running?: Promise<void>; next?: Promise<void> }>();

function chainAfterCommit(client: pg.ClientBase): Promise<void> {
  // Per database: a process may use several (the tests do).
  const { host, port, database } = client as pg.Client;
  const key = `${host}:${port}/${database}`;
  const state = chainings.get(key) ?? {};
  chainings.set(key, state);
  if (!state.running) {
    state.running = chainPendingEventsOn(client)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        state.running = undefined;
      });
    return state.running;
  }
  state.next ??= state.running.then(() => {
    state.next = undefined;
    return chainAfterCommit(client);
  });
  return state.next;
}

// Every connection Harbour opens (src/db/database.ts) chains the events of a transaction right after its COMMIT.
afterCommit((text) => text.startsWith(PENDING_INSERT), chainAfterCommit);

/** Chains any events left waiting (e.g. by a crash between a commit and its chaining). Returns how many. */
export async function chainPendingAudit(db: Db): Promise<number> {
  return db.connection().execute((connection) =>
    chainPendingEvents(async (statements) => {
      let rows: readonly Record<string, unknown>[] = [];
      for (const text of statements) rows = (await connection.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text))).rows;
      return [...rows];
    }),
  );
}

type StoredRow = Omit<PendingRow, 'id' | 'last_seq' | 'last_hash'> & { seq: number };

function fieldsOf(row: StoredRow): ChainedFields {
  return {
    seq: row.seq,
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
}

export type VerifyResult = { ok: true; checked: number } | { ok: false; checked: number; brokenAt: number; reason: string };

/**
 * Chains any events left waiting, then walks the chain in order, in pages; reports the first row whose link or hash
 * does not match.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  await chainPendingAudit(db);
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
      const fields = fieldsOf({ ...row, seq, outcome: row.outcome as AuditOutcome });
      if (chainHash(fields, prevHash) !== row.hash) return { ok: false, checked, brokenAt: seq, reason: 'hash does not match the row contents' };
      prevHash = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
  }
}
