/**
 * Property 2: the agency forms. Any input → never 5xx. Either 303 to /admin/agencies, and the agency then holds
 * exactly the normalised values, or 303 back to the form with a clear error summary and no write at all. Editing
 * with any `version` never 5xxs, and only the version the editor saw may overwrite (optimistic locking).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { AGENCY_TYPES } from '../../src/modules/admin/admin.schemas.js';
import { WebClient } from '../support/app.js';
import { anyString, extraFields, field, nastyString, uuid } from './arbitraries.js';
import {
  assertClearErrorSummary,
  assertNot5xx,
  createFuzzApp,
  formSession,
  postForm,
  runs,
  show,
  stored,
  tableDigest,
  type FormFields,
  type FuzzApp,
} from './support.js';

const ADMIN = 'admin@demo.harbour.example';
type AgencyRow = {
  id: string;
  code: string;
  name: string;
  type: string;
  area_id: string | null;
  isa_signed_on: string | null;
  isa_expires_on: string | null;
  version: number;
};

const pad = fc.constantFrom('', ' ', '  ', '\t');
const validCode = fc.tuple(pad, fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{1,19}$/), pad).map(([a, c, b]) => a + c + b);
const code = fc.oneof(
  { weight: 3, arbitrary: validCode },
  { weight: 1, arbitrary: fc.constantFrom('POLICE', ' csc ', 'Housing', 'ǅX', 'straße', 'ﬀ1') },
  { weight: 2, arbitrary: nastyString },
);
const name = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(200), ` ${'y'.repeat(200)} `, 'z'.repeat(201)) },
  { weight: 2, arbitrary: nastyString },
);
const type = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...AGENCY_TYPES) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...AGENCY_TYPES)) },
  { weight: 1, arbitrary: nastyString },
);
/** Date parts: a real date (maybe padded or zero-prefixed), all blank, part blank, or junk. */
const dateParts = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.date({ min: new Date('1985-01-01'), max: new Date('2105-12-31'), noInvalidDate: true }), fc.boolean(), pad).map(([d, zeros, p]) => {
      const n = (v: number) => p + (zeros ? String(v).padStart(2, '0') : String(v)) + p;
      return { day: n(d.getUTCDate()), month: n(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) };
    }),
  },
  { weight: 2, arbitrary: fc.constant({ day: '', month: '', year: '' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { day: '31', month: '2', year: '2024' },
      { day: '29', month: '2', year: '2023' },
      { day: '1', month: '', year: '2024' },
      { day: '1', month: '13', year: '2024' },
      { day: '1', month: '1', year: '24' },
      { day: '-1', month: '1', year: '2024' },
      { day: '1.5', month: '1', year: '2024' },
      { day: '１', month: '1', year: '2024' },
    ),
  },
  { weight: 2, arbitrary: fc.record({ day: anyString, month: anyString, year: anyString }) },
);

/** Agency fields as the form posts them; `area` picks a real area, a random UUID or junk when the test knows the ids. */
function agencyForm(areaIds: string[]): fc.Arbitrary<FormFields> {
  const area = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.constantFrom(...areaIds) },
    { weight: 1, arbitrary: uuid },
    { weight: 1, arbitrary: nastyString },
  );
  const date = (prefix: string) =>
    dateParts.chain((d) =>
      fc.record({
        [`${prefix}-day`]: field(fc.constant(d.day)),
        [`${prefix}-month`]: field(fc.constant(d.month)),
        [`${prefix}-year`]: field(fc.constant(d.year)),
      }),
    );
  return fc
    .tuple(field(code), field(name), field(type), field(area), date('isaSigned'), date('isaExpires'), fc.option(extraFields, { freq: 4, nil: {} }))
    .map(([c, n, ty, a, signed, expires, extra]) => ({ ...extra, code: c, name: n, type: ty, areaId: a, ...signed, ...expires }));
}

/** A form a person might fill in: almost always valid, so saves happen. */
function plausibleForm(areaIds: string[]): fc.Arbitrary<FormFields> {
  const signed = fc.constantFrom<string[]>(['', '', ''], ['1', '6', '2024'], ['15', '06', '2019']);
  return fc
    .record({
      code: validCode,
      name: fc.string({ minLength: 1, maxLength: 60 }),
      type: fc.constantFrom(...AGENCY_TYPES),
      areaId: fc.constantFrom('', ...areaIds),
      signed,
    })
    .map(({ signed: [day, month, year], ...rest }) => ({ ...rest, 'isaSigned-day': day, 'isaSigned-month': month, 'isaSigned-year': year }));
}

/** What a saved agency must hold for an accepted form: trimmed, code upper-cased, dates as ISO, blank area as none. */
function normalised(form: FormFields): Omit<AgencyRow, 'id' | 'version'> {
  const one = (key: string) => stored(form[key]);
  const iso = (prefix: string) => {
    const [d, m, y] = ['day', 'month', 'year'].map((part) => one(`${prefix}-${part}`).trim());
    return d || m || y ? `${y!.padStart(4, '0')}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}` : null;
  };
  return {
    code: one('code').trim().toUpperCase(),
    name: one('name').trim(),
    type: one('type'),
    area_id: one('areaId').toLowerCase() || null,
    isa_signed_on: iso('isaSigned'),
    isa_expires_on: iso('isaExpires'),
  };
}

describe('agency forms survive hostile input (property-based)', () => {
  let t: FuzzApp;
  let cookie: string;
  let csrf: string;
  let areaIds: string[];
  const agencies = () =>
    t.database.db.selectFrom('agencies').select(['id', 'code', 'name', 'type', 'area_id', 'isa_signed_on', 'isa_expires_on', 'version']).execute() as Promise<
      AgencyRow[]
    >;

  before(async () => {
    t = await createFuzzApp();
    const client = new WebClient(t.app);
    assert.equal((await client.signIn(ADMIN)).headers.location, '/');
    ({ cookie, csrf } = await formSession(t.app, '/admin/agencies/new', `harbour_session=${client.sessionCookie()}`));
    areaIds = (await t.database.db.selectFrom('areas').select('id').execute()).map((a) => a.id);
  });
  after(async () => {
    await t.close();
  });

  it('create: never 5xx; saved exactly as normalised, or back to the form with clear errors and no write', async () => {
    const seen = { saved: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(agencyForm(areaIds), plausibleForm(areaIds)), async (form) => {
        const what = `POST /admin/agencies ${show(form, 600)}`;
        const before = await agencies();
        const digest = await tableDigest(t, 'agencies');
        const response = await postForm(t.app, '/admin/agencies', cookie, { ...form, _csrf: csrf });
        assertNot5xx(t, response, what);
        if (response.statusCode === 413) return; // a huge body is refused whole: nothing to check
        assert.equal(response.statusCode, 303, what);
        if (response.headers.location === '/admin/agencies') {
          seen.saved++;
          const now = await agencies();
          assert.equal(now.length, before.length + 1, `${what}: saved, but the agency count went ${before.length} → ${now.length}`);
          const added = now.find((a) => !before.some((b) => b.id === a.id))!;
          const { id: _id, version, ...saved } = added;
          assert.deepEqual(saved, normalised(form), `${what}: saved values differ from the normalised input`);
          assert.equal(version, 1);
          assert.match(saved.code, /^[A-Z][A-Z0-9_]{1,19}$/);
          assert.ok(saved.name.length >= 1 && saved.name.length <= 200 && (AGENCY_TYPES as readonly string[]).includes(saved.type), what);
          assert.ok(saved.area_id === null || areaIds.includes(saved.area_id), what);
        } else {
          seen.refused++;
          assert.equal(response.headers.location, '/admin/agencies/new', what);
          assert.equal(await tableDigest(t, 'agencies'), digest, `${what}: refused, but the agencies table changed (partial write)`);
          const page = await t.app.inject({ method: 'GET', url: '/admin/agencies/new', headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET the form`);
          assertClearErrorSummary(page.body, what);
        }
      }),
      runs(80),
    );
    assert.ok(seen.saved > 0 && seen.refused > 0, `both outcomes should be exercised: ${show(seen)}`);
  });

  it('edit with any version: never 5xx; only the version the editor saw overwrites, and a refusal writes nothing', async () => {
    const target = (await agencies()).find((a) => a.code === 'SUBSTANCE')!;
    const version = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('current', 'current', 'stale', 'future') },
      { weight: 2, arbitrary: fc.constantFrom('0', '-1', '2147483647', '2147483648', '9007199254740993', '1e3', '0x1', ' 1 ', '1.0', '1.5', '', 'abc', '١') },
      { weight: 1, arbitrary: fc.array(fc.constantFrom('current', 'stale', '1'), { minLength: 2, maxLength: 3 }) },
      { weight: 1, arbitrary: nastyString },
    );
    const id = fc.oneof(
      { weight: 6, arbitrary: fc.constant(target.id) },
      { weight: 1, arbitrary: uuid },
      { weight: 1, arbitrary: anyString.map(encodeURIComponent) },
    );
    const seen = { saved: 0, refused: 0, conflict: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(agencyForm(areaIds), plausibleForm(areaIds)), version, id, async (form, versionChoice, agencyId) => {
        const current = (await agencies()).find((a) => a.id === target.id)!;
        const resolve = (v: string) => ({ current: String(current.version), stale: String(current.version - 1), future: String(current.version + 1) })[v] ?? v;
        const sent = Array.isArray(versionChoice) ? versionChoice.map(resolve) : resolve(versionChoice);
        const what = `POST /admin/agencies/${agencyId} (version ${show(sent)} while ${current.version}) ${show(form, 600)}`;
        const digest = await tableDigest(t, 'agencies');
        const response = await postForm(t.app, `/admin/agencies/${agencyId}`, cookie, { ...form, version: sent, _csrf: csrf });
        assertNot5xx(t, response, what);
        if (response.statusCode !== 303) {
          assert.ok([400, 404, 413].includes(response.statusCode), `${what} → ${response.statusCode}`);
          assert.equal(await tableDigest(t, 'agencies'), digest, `${what}: refused, but the agencies table changed`);
          return;
        }
        if (response.headers.location === '/admin/agencies') {
          seen.saved++;
          assert.equal(agencyId, target.id, what);
          assert.ok(typeof sent === 'string' && Number(sent) === current.version, `${what}: saved over version ${current.version} with version ${show(sent)}`);
          const { id: _id, version: after, ...saved } = (await agencies()).find((a) => a.id === target.id)!;
          assert.deepEqual(saved, normalised(form), `${what}: saved values differ from the normalised input`);
          assert.equal(after, current.version + 1, `${what}: version not incremented`);
        } else {
          seen.refused++;
          assert.equal(response.headers.location, `/admin/agencies/${agencyId}/edit`, what);
          assert.equal(await tableDigest(t, 'agencies'), digest, `${what}: refused, but the agencies table changed (partial write or stale overwrite)`);
          const page = await t.app.inject({ method: 'GET', url: `/admin/agencies/${agencyId}/edit`, headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET the form`);
          if (agencyId !== target.id) return;
          assertClearErrorSummary(page.body, what);
          if (/Someone else changed this record/.test(page.body)) seen.conflict++;
        }
      }),
      runs(80),
    );
    assert.ok(seen.saved > 0 && seen.refused > 0 && seen.conflict > 0, `saved, refused and conflict should all be exercised: ${show(seen)}`);
  });

  it('two editors on the same version: the second save is refused as a conflict and the first one’s values stay', async () => {
    const target = (await agencies()).find((a) => a.code === 'MH')!;
    const valid = plausibleForm(areaIds); // this property is about the race, not about hostile values
    let raced = 0;
    await fc.assert(
      fc.asyncProperty(valid, valid, async (first, second) => {
        const seenVersion = String((await agencies()).find((a) => a.id === target.id)!.version);
        const one = await postForm(t.app, `/admin/agencies/${target.id}`, cookie, { ...first, version: seenVersion, _csrf: csrf });
        assertNot5xx(t, one, `first editor ${show(first)}`);
        if (one.headers.location !== '/admin/agencies') return; // the first edit was invalid: nothing to race against
        const saved = await tableDigest(t, 'agencies');
        const two = await postForm(t.app, `/admin/agencies/${target.id}`, cookie, { ...second, version: seenVersion, _csrf: csrf });
        assertNot5xx(t, two, `second editor ${show(second)}`);
        assert.equal(two.headers.location, `/admin/agencies/${target.id}/edit`, `second editor with stale version ${seenVersion} was not refused`);
        assert.equal(await tableDigest(t, 'agencies'), saved, 'the stale edit changed the table');
        await t.app.inject({ method: 'GET', url: `/admin/agencies/${target.id}/edit`, headers: { cookie } }); // clears the flash
        raced++;
      }),
      runs(30),
    );
    assert.ok(raced > 0, 'no race was exercised');
  });
});
