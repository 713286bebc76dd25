/**
 * Property 5: any URL a browser, a crawler or an attacker might ask for — "../", %00, encoded slashes, raw
 * Unicode, very long paths, odd query strings — fetched by a signed-in admin never gets a 5xx. Requests go over a
 * real socket with the request target exactly as generated, since app.inject would normalise "../" away.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { WebClient } from '../support/app.js';
import { anyString, nastyString } from './arbitraries.js';
import { assertNot5xx, createFuzzApp, runs, show, type FuzzApp } from './support.js';

const ADMIN = 'admin@demo.harbour.example';

type RawResponse = { statusCode: number; headers: Record<string, string> };

/** One GET over its own connection, with the request target sent byte for byte (as UTF-8). */
function rawGet(port: number, target: string, cookie: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) return reject(new Error(`no HTTP response (got ${JSON.stringify(text.slice(0, 80))})`));
      const head = text.slice(0, Math.max(0, text.indexOf('\r\n\r\n')));
      const headers = Object.fromEntries(
        head
          .split('\r\n')
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ statusCode: Number(status[1]), headers });
    });
    socket.write(
      Buffer.concat([
        Buffer.from('GET '),
        Buffer.from(target, 'utf8'),
        Buffer.from(` HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`),
      ]),
    );
  });
}

function pagePaths(ids: { agency: string; user: string }): fc.Arbitrary<string> {
  const known = fc.constantFrom(
    '/',
    '/account',
    '/admin/agencies',
    '/admin/agencies/new',
    `/admin/agencies/${ids.agency}/edit`,
    '/admin/users',
    '/admin/users/new',
    `/admin/users/${ids.user}`,
    '/admin/audit',
    '/sign-in',
    '/sign-in/code',
    '/sign-in/set-up-code',
    '/signed-out',
    '/invitations/abcdefghijklmnop',
    '/health',
    '/assets/harbour.css',
    '/assets/harbour/init.js',
    '/assets/govuk/govuk-frontend.min.js',
    '/assets/govuk/images/favicon.ico',
    '/api/v1/openapi.json',
  );
  const segment = fc.oneof(
    fc.webSegment(),
    anyString.map(encodeURIComponent),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
    fc.constantFrom(
      '..',
      '.',
      '../..',
      '..%2f..%2f..%2fetc%2fpasswd',
      '%2e%2e',
      '%00',
      'x%00.css',
      '%2F',
      '%5c',
      '..\\..',
      '%',
      '%zz',
      '%C0%AE%C0%AE',
      'etc/passwd',
      'new',
      'edit',
      '00000000-0000-0000-0000-000000000000',
      'ＡＤＭＩＮ',
      '😀',
      'a'.repeat(300),
    ),
  );
  return fc.oneof(
    { weight: 2, arbitrary: known },
    { weight: 2, arbitrary: fc.constantFrom('/admin/audit', '/admin/users', '/sign-in') }, // the pages that read a query
    {
      weight: 4,
      arbitrary: fc
        .tuple(known, fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '/'))
        .map(([base, parts, end]) => `${base.replace(/\/$/, '')}/${parts.join('/')}${end}`),
    },
    { weight: 1, arbitrary: fc.tuple(known, fc.constantFrom('//', '/./', '/../', '%2f', ';x', '/.', '~')).map(([base, odd]) => base + odd) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`/${'a'.repeat(8_000)}`, `/admin/users/${'1'.repeat(250)}`, `/assets/govuk/${'a/'.repeat(150)}`, '//evil.example/', '/\\evil'),
    },
  );
}

const queryValue = fc.oneof(
  nastyString,
  fc.constantFrom(
    '1',
    '0',
    '-1',
    '2',
    '99999999',
    '1e309',
    'NaN',
    '00000000-0000-0000-0000-000000000000',
    '/admin/users',
    '//evil',
    'user.create',
    'admin@demo.harbour.example',
  ),
);
const query = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom('page', 'agency', 'action', 'user', 'subject', 'next', 'x', '__proto__', 'page[]'), queryValue), {
        minLength: 1,
        maxLength: 4,
      })
      .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('?', '?page=%zz', '?page=%00', '?user=%00', '?next=%2F%2Fevil', '?page=1&page=2', '?next=' + 'a'.repeat(600), '?a=😀', '?&&=='),
  },
);

describe('pages survive hostile URLs (property-based)', () => {
  let t: FuzzApp;
  let cookie: string;
  let port: number;
  let ids: { agency: string; user: string };

  before(async () => {
    t = await createFuzzApp();
    const client = new WebClient(t.app);
    assert.equal((await client.signIn(ADMIN)).headers.location, '/');
    cookie = `harbour_session=${client.sessionCookie()}`;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
    const agency = await t.database.db.selectFrom('agencies').select('id').where('code', '=', 'POLICE').executeTakeFirstOrThrow();
    const user = await t.database.db.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirstOrThrow();
    ids = { agency: agency.id, user: user.id };
  });
  after(async () => {
    await t.close();
  });

  it('GET any path and query as a signed-in admin: never 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(pagePaths(ids), query, async (path, q) => {
        const target = path + q;
        const what = `GET ${show(target, 300)}`;
        const response = await rawGet(port, target, cookie);
        assertNot5xx(t, response, what);
        seen.set(response.statusCode, (seen.get(response.statusCode) ?? 0) + 1);
      }),
      runs(80),
    );
    assert.ok(seen.has(200) && seen.has(404), `statuses seen: ${show(Object.fromEntries(seen))}`);
    // The session survived every request: still signed in.
    assert.equal((await rawGet(port, '/account', cookie)).statusCode, 200);
  });
});
