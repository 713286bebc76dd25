import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { buildApp } from '../app.js';
import { createTestApp, testConfig, WebClient, type TestApp } from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import { assertDeclared, page } from './routes.js';
import { z } from 'zod';

describe('security headers and cookies', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('sends a strict CSP whose nonce is on every script, and forbids framing', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const csp = String(response.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = [...response.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 2);
    for (const attributes of scripts) assert.match(attributes, new RegExp(`nonce="${nonce!.replace(/[+/=]/g, '\\$&')}"`));
    assert.doesNotMatch(response.body, /\sstyle="/, 'no inline style attributes, which the CSP would block');
    const again = await t.app.inject({ method: 'GET', url: '/sign-in' });
    assert.notEqual(/'nonce-([^']+)'/.exec(String(again.headers['content-security-policy']))?.[1], nonce, 'a new nonce per request');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('sets the session cookie Secure, HttpOnly and SameSite', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^harbour_session=/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.doesNotMatch(cookie, /Max-Age|Expires/, 'a browser-session cookie');
  });

  it('marks authenticated pages no-store and labels personal-data pages OFFICIAL-SENSITIVE', async () => {
    const admin = new WebClient(t.app);
    await admin.signIn('admin@demo.harbour.example');
    const users = await admin.get('/admin/users');
    assert.equal(users.headers['cache-control'], 'no-store');
    const audit = await admin.get('/admin/audit');
    assert.match(audit.body, /OFFICIAL-SENSITIVE/);
    const css = await t.app.inject({ method: 'GET', url: '/assets/harbour.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['cache-control']), /public/);
    assert.doesNotMatch(css.body, /GDS Transport/, 'Harbour does not use the GOV.UK typeface');
  });

  it('does not serve files outside the asset folders', async () => {
    for (const url of ['/assets/harbour/../../../package.json', '/assets/govuk/..%2F..%2F..%2Fpackage.json', '/assets/harbour/%2e%2e/%2e%2e/config.ts']) {
      const response = await t.app.inject({ method: 'GET', url });
      assert.ok([400, 404].includes(response.statusCode), `${url} → ${response.statusCode}`);
    }
  });

  it('shows a 500 page without details, with a reference', async () => {
    const database = await createTestDatabase();
    try {
      const app = await buildApp({ config: testConfig(), db: database.db, logger: false });
      page(app, {
        method: 'GET',
        url: '/boom',
        access: 'public',
        audit: 'test.boom',
        handler: async () => {
          throw new Error('secret internal detail');
        },
      });
      const response = await app.inject({ method: 'GET', url: '/boom' });
      assert.equal(response.statusCode, 500);
      assert.match(response.body, /Sorry, there is a problem with Harbour/);
      assert.doesNotMatch(response.body, /secret internal detail/);
      assert.match(response.body, /give them this reference: [0-9a-f-]{36}/);
      await app.close();
    } finally {
      await database.drop();
    }
  });
});

describe('route registration', () => {
  it('refuses a route that does not declare its access and audit event', async () => {
    const app = Fastify();
    app.addHook('onRoute', assertDeclared);
    assert.throws(() => app.get('/naked', async () => 'hi'), /must be registered with page\(\) or api\(\)/);
  });

  it('refuses a POST page without a validation schema', () => {
    const app = Fastify();
    assert.throws(() => page(app, { method: 'POST', url: '/form', access: 'public', audit: 'x', handler: async () => 'ok' }), /no validation schema/);
    assert.doesNotThrow(() => page(app, { method: 'POST', url: '/form2', access: 'public', audit: 'x', body: z.object({}), handler: async () => 'ok' }));
  });
});

describe('health', () => {
  it('reports the database and migrations', async () => {
    const t = await createTestApp();
    try {
      const response = await t.app.inject({ method: 'GET', url: '/health' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { status: 'ok', database: 'ok', migrations: 'current', pending: [] });
    } finally {
      await t.close();
    }
  });
});
