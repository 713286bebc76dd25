/**
 * The cost of each part of the two Harbour requests, one call at a time with nothing else running:
 * database round trips (session and token lookups, the handlers' queries), Nunjucks rendering of the
 * home page through renderPage, the presenters, and the whole request in-process (app.inject, no socket).
 * Under load these costs queue behind one another; unloaded, they show what each one is.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { agreementStatus } from '../src/modules/admin/admin.presenter.js';
import { listAgencies } from '../src/modules/admin/admin.repository.js';
import { presentHome } from '../src/modules/home/home.presenter.js';
import { principalForToken } from '../src/platform/authentication.js';
import { londonToday } from '../src/platform/format.js';
import { renderPage } from '../src/platform/page-context.js';
import type { UserPrincipal } from '../src/platform/principal.js';

export type Component = { part: string; kind: 'database' | 'CPU' | 'whole request'; meanUs: number; p50Us: number; calls: number };

async function time(part: string, kind: Component['kind'], fn: () => unknown, budgetMs = 400, maxCalls = 5_000): Promise<Component> {
  for (let i = 0; i < 30; i++) await fn();
  const samples: number[] = [];
  const until = performance.now() + budgetMs;
  while (samples.length < maxCalls && performance.now() < until) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { part, kind, meanUs: Math.round(mean * 1000), p50Us: Math.round(samples[Math.floor(samples.length / 2)]! * 1000), calls: samples.length };
}

export async function measureBreakdown(app: FastifyInstance, sessionCookieValue: string, cookieHeader: string, token: string): Promise<Component[]> {
  const loaded = await app.sessions.load(sessionCookieValue);
  if (!loaded?.principal || loaded.principal.kind !== 'user') throw new Error('Breakdown: the benchmark session did not load');
  const user: UserPrincipal = loaded.principal;
  // renderPage needs only these parts of a request and a reply.
  const request = { session: loaded.session, principal: user, server: app, cspNonce: 'bench-nonce', url: '/' } as unknown as FastifyRequest;
  const reply = { type: () => reply, send: () => reply } as unknown as FastifyReply;
  const rows = await listAgencies(app.db, user.partnershipId);
  const mapAgencies = () =>
    rows.map((row) => ({
      id: row.id,
      code: row.code,
      name: row.name,
      type: row.type,
      area: row.area_name,
      active: row.active,
      informationSharingAgreement: {
        signedOn: row.isa_signed_on,
        expiresOn: row.isa_expires_on,
        inForce: agreementStatus(row.isa_signed_on, row.isa_expires_on).inForce,
      },
    }));

  const results: Component[] = [];
  results.push(await time('select 1 (one database round trip, the floor)', 'database', () => sql`select 1`.execute(app.db)));
  results.push(await time('Page: session lookup (SessionStore.load, 1 query)', 'database', () => app.sessions.load(sessionCookieValue)));
  results.push(await time('Page: presentHome (agreement status from the session row)', 'CPU', () => presentHome(user)));
  results.push(
    await time('Page: renderPage home.njk (Nunjucks + GOV.UK layout)', 'CPU', () => renderPage(request, reply, 'home/views/home.njk', presentHome(user))),
  );
  results.push(
    await time('Page: whole GET / in-process (app.inject)', 'whole request', () => app.inject({ method: 'GET', url: '/', headers: { cookie: cookieHeader } })),
  );
  results.push(await time('API: token lookup (principalForToken, 1 query)', 'database', () => principalForToken(app.db, token)));
  results.push(await time('API: listAgencies (1 query, 13 rows)', 'database', () => listAgencies(app.db, user.partnershipId)));
  results.push(await time('API: map 13 agencies (13 × agreementStatus → londonToday)', 'CPU', mapAgencies));
  results.push(
    await time('API: whole GET /api/v1/agencies in-process (app.inject)', 'whole request', () =>
      app.inject({ method: 'GET', url: '/api/v1/agencies', headers: { authorization: `Bearer ${token}` } }),
    ),
  );
  results.push(await time('londonToday() (one formatter, made once)', 'CPU', () => londonToday()));
  return results;
}

export function printBreakdown(components: Component[]): void {
  const width = Math.max(...components.map((c) => c.part.length));
  console.log(`  ${'Part'.padEnd(width)}  ${'mean µs'.padStart(8)}  ${'p50 µs'.padStart(8)}`);
  for (const c of components) console.log(`  ${c.part.padEnd(width)}  ${String(c.meanUs).padStart(8)}  ${String(c.p50Us).padStart(8)}`);
}
