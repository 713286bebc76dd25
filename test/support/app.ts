import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { DEMO_PASSWORD, demoTotpSecret, seedAdminDemo } from '../../src/modules/admin/admin.demo.js';
import { currentTotp } from '../../src/platform/totp.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', HARBOUR_LOG_LEVEL: 'silent', HARBOUR_BASE_URL: 'http://localhost:3000', ...env });
}

export type TestApp = {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  partnershipId: string;
  /** Forgets which TOTP steps a demo user has used, so a test can sign them in again at once. */
  allowCodeReuse(email: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * A real app on a fresh copy of the migrated database, with the demo partnership's agencies and users.
 * `extraRoutes` registers test-only routes (declared with page() or api() like any other) before the app starts.
 */
export async function createTestApp(env: Record<string, string> = {}, extraRoutes?: (app: FastifyInstance) => void): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(env);
  const partnershipId = await seedAdminDemo(database.db, config.partnershipName);
  const app = await buildApp({ config, db: database.db, logger: false });
  extraRoutes?.(app);
  await app.ready();
  return {
    app,
    database,
    config,
    partnershipId,
    async allowCodeReuse(email: string) {
      lastStep.delete(demoTotpSecret(email));
      await database.db.updateTable('users').set({ totp_last_step: null }).where('email', '=', email).execute();
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export { DEMO_PASSWORD };

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** A cookie-keeping client over app.inject: forms are fetched first, so CSRF tokens are real. */
export class WebClient {
  private cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response): Response {
    const header = response.headers['set-cookie'];
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return response;
  }

  sessionCookie(): string | undefined {
    return this.cookies.get('harbour_session');
  }

  setSessionCookie(value: string): void {
    this.cookies.set('harbour_session', value);
  }

  async get(url: string): Promise<Response> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.ip }));
  }

  /** Posts a form as a browser would (URL-encoded); _csrf is added from the given page unless supplied. */
  async post(url: string, form: Record<string, string | string[]>, csrfFrom?: string): Promise<Response> {
    const fields = { ...form };
    if (csrfFrom !== undefined && fields._csrf === undefined) fields._csrf = csrfToken(csrfFrom);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
        remoteAddress: this.ip,
      }),
    );
  }

  /** GET a form page, then POST it with its CSRF token. */
  async submit(formUrl: string, actionUrl: string, form: Record<string, string | string[]>): Promise<Response> {
    const page = await this.get(formUrl);
    return this.post(actionUrl, form, page.body);
  }

  /** The whole sign-in: password, then a fresh TOTP code for a demo user. */
  async signIn(email: string, password = DEMO_PASSWORD): Promise<Response> {
    const afterPassword = await this.submit('/sign-in', '/sign-in', { email, password });
    if (afterPassword.headers.location !== '/sign-in/code') return afterPassword;
    return this.submit('/sign-in/code', '/sign-in/code', { code: await unusedCode(demoTotpSecret(email)) });
  }
}

const lastStep = new Map<string, number>();

/**
 * Harbour refuses a code whose 30-second step was already used, so a test that signs the same user in twice
 * uses the next step's code (accepted for clock drift), waiting for the clock only when both are spent.
 */
export async function unusedCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    const current = Math.floor(now / 30_000);
    const step = Math.max(current, (lastStep.get(secret) ?? -1) + 1);
    if (step <= current + 1) {
      lastStep.set(secret, step);
      return currentTotp(secret, step * 30_000 + 1000);
    }
    await new Promise((resolve) => setTimeout(resolve, (current + 1) * 30_000 - now + 50));
  }
}

export function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1]!
    .replace(/&#x2F;/g, '/')
    .replace(/&#x2B;/g, '+')
    .replace(/&amp;/g, '&');
}

/** The GOV.UK error summary's messages on a page. */
export function errorSummary(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<li>\s*(?:<a href="#[^"]*">)?([^<]+)/g)].map((m) => m[1]!.trim());
}
