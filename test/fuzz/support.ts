/**
 * Shared set-up for the property-based robustness tests: a real app whose unhandled errors are captured (so a
 * failing property says which exception caused a 5xx), raw-request helpers and database snapshots.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { seedAdminDemo } from '../../src/modules/admin/admin.demo.js';
import type { Config } from '../../src/config.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

export type Response = Awaited<ReturnType<FastifyInstance['inject']>>;
export type FuzzApp = { app: FastifyInstance; database: TestDatabase; config: Config; partnershipId: string; takeErrors(): string[]; close(): Promise<void> };

/** createTestApp() with a logger that keeps what the error handler logs as "unhandled error". */
export async function createFuzzApp(env: Record<string, string> = {}): Promise<FuzzApp> {
  const logged: string[] = [];
  const stream = {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; code?: string; stack?: string } };
        const where =
          entry.err?.stack
            ?.split('\n')
            .find((l) => l.includes('/src/'))
            ?.trim() ?? '';
        logged.push(`${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.code ?? ''} ${entry.err?.message ?? ''} ${where}`.slice(0, 600));
      } catch {
        logged.push(line.slice(0, 600));
      }
    },
  };
  const database = await createTestDatabase();
  // The per-IP sign-in limit would turn most runs into 429s and hide the code behind it; it is not under test here.
  const config = testConfig({ HARBOUR_LOGIN_RATE_PER_IP: '1000000', ...env });
  const partnershipId = await seedAdminDemo(database.db, config.partnershipName);
  const app = await buildApp({ config, db: database.db, logger: { level: 'error', stream } });
  await app.ready();
  return {
    app,
    database,
    config,
    partnershipId,
    takeErrors: () => logged.splice(0),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Fails with the request, the response and the server-side exception when the app answers 5xx. */
export function assertNot5xx(t: FuzzApp, response: { statusCode: number; headers: Record<string, unknown> }, what: string): void {
  const errors = t.takeErrors();
  if (response.statusCode < 500) return;
  assert.fail(`${what}\n→ ${response.statusCode} ${String(response.headers['content-type'] ?? '')}\n  server logged: ${errors.join(' | ') || '(nothing)'}`);
}

/** A form value as it can be stored: PostgreSQL holds no U+0000, so an accepted value can only have lost it. */
export function stored(value: unknown): string {
  return String(value ?? '').replace(/\u0000/g, '');
}

/** A short, printable description of a value for assertion messages. */
export function show(value: unknown, max = 300): string {
  const text =
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v)) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The GOV.UK error summary's items: message and the id it links to (null for a message shown as plain text). */
export function summaryLinks(html: string): { text: string; target: string | null }[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<li>\s*(?:<a href="#([^"]*)">([^<]+)<\/a>|([^<]+))\s*<\/li>/g)].map((m) => ({
    target: m[1] ?? null,
    text: (m[2] ?? m[3]!).trim(),
  }));
}

/**
 * After an invalid form the page must explain what is wrong: an error summary with at least one message, each a
 * sentence written for people, not a library's default text ("Invalid input: expected string, received array").
 */
export function assertClearErrorSummary(html: string, what: string): void {
  const links = summaryLinks(html);
  assert.ok(links.length > 0, `${what}: no GOV.UK error summary on the page it redirected back to`);
  for (const { text, target } of links) {
    assert.ok(/^[A-Z]/.test(text) && text.length >= 10 && text.length <= 300, `${what}: unclear error message "${text}"`);
    assert.doesNotMatch(
      text,
      /invalid input|expected|received|too (big|small)|undefined|null|NaN|\[object/i,
      `${what}: library default or leaked message "${text}" (field ${target})`,
    );
  }
}

/** Error-summary links whose #target is not an element on the page (the GOV.UK pattern links each to its field). */
export function brokenSummaryLinks(html: string): string[] {
  return summaryLinks(html)
    .filter(({ target }) => target !== null && !html.includes(`id="${target}"`))
    .map(({ text, target }) => `#${target} ("${text}")`);
}

/** A session's cookie and CSRF token, read straight from a form page. */
export async function formSession(app: FastifyInstance, formUrl: string, cookie?: string): Promise<{ cookie: string; csrf: string }> {
  const page = await app.inject({ method: 'GET', url: formUrl, headers: cookie ? { cookie } : {} });
  assert.equal(page.statusCode, 200, `GET ${formUrl}`);
  const set = page.headers['set-cookie'];
  const fresh = (Array.isArray(set) ? set : set ? [set] : []).map((c) => /^harbour_session=([^;]+)/.exec(c)?.[1]).find(Boolean);
  const csrf = /name="_csrf" value="([^"]+)"/
    .exec(page.body)?.[1]
    ?.replace(/&#x2F;/g, '/')
    .replace(/&#x2B;/g, '+')
    .replace(/&amp;/g, '&');
  assert.ok(csrf, `no CSRF token on ${formUrl}`);
  return { cookie: fresh ? `harbour_session=${fresh}` : (cookie ?? ''), csrf };
}

/** Form fields as a browser sends them: repeated keys for arrays, absent when undefined. */
export type FormFields = Record<string, string | string[] | undefined>;

export function urlEncode(fields: FormFields): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  }
  return body.toString();
}

/** POSTs a URL-encoded form with a session cookie. */
export function postForm(app: FastifyInstance, url: string, cookie: string, fields: FormFields, ip = '127.0.0.1'): Promise<Response> {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: urlEncode(fields),
    remoteAddress: ip,
  });
}

/** A digest of whole tables, to prove an invalid request wrote nothing (not just that counts match). */
export async function tableDigest(t: FuzzApp, ...tables: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const table of tables) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t order by 1`.execute(t.database.db);
    hash.update(`${table}:${rows.rows.length}:`);
    for (const r of rows.rows) hash.update(r.row).update('\n');
  }
  return hash.digest('hex');
}

export async function rowCount(t: FuzzApp, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.database.db);
  return r.rows[0]!.n;
}

/**
 * fc.assert settings: a bounded number of runs; a property still running (or shrinking) after 30 seconds stops
 * and reports what it has. A failure prints its seed and path: add them here to replay it.
 */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, plugins: [fc.interruptAfterTimeLimit(30_000)] };
}
