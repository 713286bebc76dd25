/**
 * Property 1: whatever is POSTed to /sign-in, Harbour answers 303 (back to the form with a clear GOV.UK error
 * summary, or on to the code step for a real user's right password) or a 4xx, never a 5xx; a missing or wrong CSRF
 * token is always a 403; and only the user whose email was typed can have their failure count or lock changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/modules/admin/admin.demo.js';
import { anyString, extraFields, field, jsonValue, malformedUrlEncoding, nastyString } from './arbitraries.js';
import { assertClearErrorSummary, assertNot5xx, createFuzzApp, formSession, runs, show, urlEncode, type FormFields, type FuzzApp } from './support.js';

const demoEmail = fc
  .tuple(fc.mixedCase(fc.constantFrom(...DEMO_USERS.map((u) => u.email))), fc.constantFrom('', ' ', '\t', '\u00a0'), fc.constantFrom('', ' ', 'x'))
  .map(([email, pad, suffix]) => `${pad}${email}${suffix}${pad}`);
const email = fc.oneof({ weight: 3, arbitrary: nastyString }, { weight: 2, arbitrary: demoEmail }, { weight: 1, arbitrary: fc.emailAddress() });
const password = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom(DEMO_PASSWORD, ` ${DEMO_PASSWORD}`, DEMO_PASSWORD.toUpperCase()) },
);
const next = fc.oneof(fc.constantFrom('/', '/admin/users', '//evil.example', 'https://evil.example/', '/a?b=c&d=e', '/\\evil', 'x'.repeat(501)), anyString);

const signInFields: fc.Arbitrary<FormFields> = fc
  .tuple(field(email), field(password), fc.option(field(next), { nil: undefined }), extraFields)
  .map(([e, p, n, extra]) => ({ ...extra, email: e, password: p, next: n }));

type Encoding = 'form' | 'form-charset' | 'json' | 'json-typed' | 'json-broken' | 'malformed-form' | 'multipart' | 'text' | 'none';
const encoding = fc.constantFrom<Encoding>(
  'form',
  'form',
  'form',
  'form-charset',
  'json',
  'json-typed',
  'json-broken',
  'malformed-form',
  'multipart',
  'text',
  'none',
);

function encode(
  kind: Encoding,
  fields: FormFields,
  csrf: string | string[] | undefined,
  typed: Record<string, unknown>,
): { contentType?: string; payload?: string } {
  const withCsrf = { ...fields, _csrf: csrf };
  switch (kind) {
    case 'form':
      return { contentType: 'application/x-www-form-urlencoded', payload: urlEncode(withCsrf) };
    case 'form-charset':
      return { contentType: 'application/x-www-form-urlencoded; charset=ISO-8859-1', payload: urlEncode(withCsrf) };
    case 'json':
      return { contentType: 'application/json', payload: JSON.stringify(withCsrf) };
    case 'json-typed':
      return { contentType: 'application/json; charset=utf-8', payload: JSON.stringify({ ...typed, _csrf: csrf }) };
    case 'json-broken':
      return { contentType: 'application/json', payload: `{"_csrf":${JSON.stringify(csrf ?? '')},"email":` };
    case 'malformed-form':
      return { contentType: 'application/x-www-form-urlencoded', payload: `${urlEncode({ _csrf: csrf })}&${String(fields.email ?? '%')}&${urlEncode(fields)}` };
    case 'multipart': {
      const parts = Object.entries(withCsrf).flatMap(([k, v]) =>
        v === undefined ? [] : [v].flat().map((item) => `--XyZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${item}\r\n`),
      );
      return { contentType: 'multipart/form-data; boundary=XyZ', payload: `${parts.join('')}--XyZ--\r\n` };
    }
    case 'text':
      return { contentType: 'text/plain', payload: urlEncode(withCsrf) };
    case 'none':
      return {};
  }
}

type UserState = { id: string; email: string; failed: number; locked: string | null };
async function userStates(t: FuzzApp): Promise<UserState[]> {
  const r = await sql<UserState>`select id, lower(email) as email, failed_sign_ins as failed, locked_until::text as locked from users order by id`.execute(
    t.database.db,
  );
  return r.rows;
}

/** Users whose failure count or lock changed, other than the one whose email was typed. */
function unexpectedChanges(before: UserState[], after: UserState[], typed: unknown): string[] {
  const typedEmail = typeof typed === 'string' ? typed.trim().toLowerCase() : null;
  return after
    .filter((u, i) => u.email !== typedEmail && (u.failed !== before[i]!.failed || u.locked !== before[i]!.locked))
    .map((u) => `${u.email}: failed ${before.find((b) => b.id === u.id)!.failed}→${u.failed}, locked ${u.locked}`);
}

describe('POST /sign-in survives hostile input (property-based)', () => {
  let t: FuzzApp;
  before(async () => {
    t = await createFuzzApp();
  });
  after(async () => {
    await t.close();
  });

  it('any body, with a valid CSRF token: 303 back with a clear error summary (or on to the code step) or 4xx, never 5xx; no other user touched', async () => {
    const seen = { back: 0, refused: 0, realUserTried: 0 };
    await fc.assert(
      fc.asyncProperty(signInFields, encoding, fc.dictionary(fc.constantFrom('email', 'password', 'next', 'other'), jsonValue), async (fields, kind, typed) => {
        const nx = kind === 'json-typed' ? typed.next : fields.next;
        const { cookie, csrf } = await formSession(t.app, '/sign-in');
        const before = await userStates(t);
        const { contentType, payload } = encode(kind, fields, csrf, typed);
        const what = `POST /sign-in as ${kind}: ${show(kind === 'json-typed' ? typed : fields)}`;
        const response = await t.app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { cookie, ...(contentType ? { 'content-type': contentType } : {}) },
          ...(payload !== undefined ? { payload } : {}),
        });
        assertNot5xx(t, response, what);
        assert.ok(response.statusCode === 303 || (response.statusCode >= 400 && response.statusCode < 500), `${what} → ${response.statusCode}`);
        const sentEmail = kind === 'json-typed' ? typed.email : fields.email;
        if (response.statusCode !== 303) seen.refused++;
        if (typeof sentEmail === 'string' && DEMO_USERS.some((u) => u.email === sentEmail.trim().toLowerCase())) seen.realUserTried++;
        if (response.statusCode === 303) {
          const location = String(response.headers.location);
          if (location.startsWith('/sign-in/code')) {
            const real = DEMO_USERS.some((u) => typeof sentEmail === 'string' && u.email === sentEmail.trim().toLowerCase());
            const sentPassword = kind === 'json-typed' ? typed.password : fields.password;
            assert.ok(real && sentPassword === DEMO_PASSWORD, `${what}: signed in without a real email and password (→ ${location})`);
          } else {
            assert.match(location, /^\/sign-in(\?next=[^&]*)?$/, `${what}: redirected to ${location}`);
            const page = await t.app.inject({ method: 'GET', url: location, headers: { cookie } });
            assertNot5xx(t, page, `${what}, then GET ${location}`);
            assert.equal(page.statusCode, 200, `${what}, then GET ${location}`);
            assertClearErrorSummary(page.body, what);
            seen.back++;
          }
        }
        const changed = unexpectedChanges(before, await userStates(t), sentEmail);
        assert.deepEqual(changed, [], `${what}: changed users whose email was not typed`);
      }),
      runs(80),
    );
    assert.ok(seen.back > 0 && seen.refused > 0 && seen.realUserTried > 0, `outcomes seen: ${show(seen)}`);
  });

  it('a missing or wrong CSRF token, or no session: 403, never 5xx, and nobody’s failure count moves', async () => {
    const badToken = fc.oneof(
      fc.constant<(real: string) => string | string[] | undefined>(() => undefined),
      fc.constant((real: string) => [real, real]),
      fc.constant((real: string) => `${real}x`),
      fc.constant((real: string) => real.slice(0, -1)),
      fc.constant((real: string) => ` ${real}`),
      fc.constant((real: string) => (real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase())),
      nastyString.map((s) => () => s),
    );
    const cookieKind = fc.constantFrom('own', 'none', 'garbage', 'huge', 'other-session');
    await fc.assert(
      fc.asyncProperty(signInFields, badToken, cookieKind, fc.constantFrom<Encoding>('form', 'json'), async (fields, makeToken, cookieVariant, kind) => {
        const own = await formSession(t.app, '/sign-in');
        const other = await formSession(t.app, '/sign-in');
        // With its own session the token must be wrong; with another session even the real token is wrong for it.
        const token = cookieVariant === 'own' ? makeToken(own.csrf) : (makeToken(own.csrf) ?? own.csrf);
        if (cookieVariant === 'own' && token === own.csrf) return;
        const cookie = {
          own: own.cookie,
          none: '',
          garbage: 'harbour_session=nope',
          huge: `harbour_session=${'a'.repeat(5000)}`,
          'other-session': other.cookie,
        }[cookieVariant]!;
        const before = await userStates(t);
        const { contentType, payload } = encode(kind, fields, token, {});
        const what = `POST /sign-in (${kind}, cookie ${cookieVariant}, _csrf ${show(token, 80)}): ${show(fields)}`;
        const response = await t.app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { ...(cookie ? { cookie } : {}), 'content-type': contentType! },
          payload: payload!,
        });
        assertNot5xx(t, response, what);
        // Refused before anything reads it is fine too: a JSON prototype-poisoning key (400), a form over 256 KiB (413).
        const poisoned = kind === 'json' && /"__proto__":/.test(payload!);
        const tooLarge = kind === 'form' && Buffer.byteLength(payload!) > 262_144;
        assert.equal(response.statusCode, poisoned ? 400 : tooLarge ? 413 : 403, what);
        assert.match(String(response.headers['content-type']), /^text\/html/, what);
        assert.deepEqual(unexpectedChanges(before, await userStates(t), undefined), [], `${what}: changed a user`);
      }),
      runs(60),
    );
  });
});
