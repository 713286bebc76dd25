import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Tx } from './database.js';

/**
 * Who the database sees as reading: the second wall around personal data (ADR 0003).
 *
 * Row-level security policies on the people and case tables (migration 2026-11-23T1500) read four settings of the
 * connection: harbour.viewer_kind and the viewer's partnership, agency and user. Every connection Harbour takes
 * from its pool is given the settings of the code that takes it, so a query that forgets the repository's
 * visibility rule still returns only what the viewer may see.
 *
 * - `none`: nothing (a request before sign-in, or by someone without personal-data access). The database's own
 *   default, so a connection nobody set up sees no one.
 * - `agency`: the access model for a member of an agency (DESIGN.md): records their agency owns or shares, minus
 *   "must not see" entries naming them or their agency.
 * - `partnership`: every record of the partnership minus "must not see" entries (a subject access export).
 * - `system`: everything (start-up, the demo seed, the command line, background jobs).
 *
 * Requests always run in a scope (opened by the first hook, before anything reads), starting at `none`; code
 * outside any request runs as `system`.
 */
export type DbViewer = { kind: 'none' } | { kind: 'system' } | { kind: 'agency' | 'partnership'; partnershipId: string; agencyId: string; userId: string };

export const NO_ONE: DbViewer = { kind: 'none' };
export const SYSTEM_VIEWER: DbViewer = { kind: 'system' };

type Scope = { viewer: DbViewer };
const scopes = new AsyncLocalStorage<Scope>();

/** Runs `work` (and everything it starts) in a scope of its own whose viewer can be changed with setViewer(). */
export function runInViewerScope<T>(work: () => T, viewer: DbViewer = NO_ONE): T {
  return scopes.run({ viewer }, work);
}

/** Sets the viewer of the current scope, e.g. once a request has been authenticated. */
export function setViewer(viewer: DbViewer): void {
  const scope = scopes.getStore();
  if (!scope) throw new Error('setViewer needs a viewer scope (runInViewerScope)');
  scope.viewer = viewer;
}

/** Runs `work` as another viewer, e.g. a subject access export across the partnership. */
export function withViewer<T>(viewer: DbViewer, work: () => Promise<T>): Promise<T> {
  return scopes.run({ viewer }, work);
}

export function currentViewer(): DbViewer {
  return scopes.getStore()?.viewer ?? SYSTEM_VIEWER;
}

function settingsOf(viewer: DbViewer): [string, string, string, string] {
  if (viewer.kind === 'none' || viewer.kind === 'system') return [viewer.kind, '', '', ''];
  return [viewer.kind, viewer.partnershipId, viewer.agencyId, viewer.userId];
}

function setLocally(trx: Tx, viewer: DbViewer) {
  const [kind, partnership, agency, user] = settingsOf(viewer);
  return sql`select set_config('harbour.viewer_kind', ${kind}, true), set_config('harbour.viewer_partnership_id', ${partnership}, true),
    set_config('harbour.viewer_agency_id', ${agency}, true), set_config('harbour.viewer_user_id', ${user}, true)`.execute(trx);
}

/**
 * Runs `work` inside an open transaction as another viewer, then gives the connection back its own viewer. For a
 * rule that must read past the current viewer's sight inside the transaction that stores its result (repeat
 * detection looks at every agency's MARAC referrals of a victim). The settings are local to the transaction.
 */
export async function withinTransactionAs<T>(trx: Tx, viewer: DbViewer, work: () => Promise<T>): Promise<T> {
  await setLocally(trx, viewer);
  try {
    return await work();
  } finally {
    await setLocally(trx, currentViewer());
  }
}

const APPLIED = Symbol('harbour.viewer');
type ViewedClient = pg.PoolClient & { [APPLIED]?: string };

const SET_VIEWER = `select set_config('harbour.viewer_kind', $1, false), set_config('harbour.viewer_partnership_id', $2, false),
  set_config('harbour.viewer_agency_id', $3, false), set_config('harbour.viewer_user_id', $4, false)`;

/**
 * The pool Kysely uses: each connection handed out carries the current viewer's settings. A connection remembers
 * what it was last given, so consecutive uses by one viewer cost nothing extra. Settings are session-level and
 * set only between transactions (Kysely takes a connection before BEGIN), so a rollback never undoes them.
 */
export function viewerPool(pool: pg.Pool): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  return {
    async connect() {
      const settings = settingsOf(currentViewer());
      const key = settings.join('/');
      const client: ViewedClient = await pool.connect();
      if (client[APPLIED] !== key) {
        try {
          await client.query({ name: 'harbour_set_viewer', text: SET_VIEWER, values: settings });
        } catch (error) {
          client.release(error as Error);
          throw error;
        }
        client[APPLIED] = key;
      }
      return client;
    },
    end: () => pool.end(),
  };
}
