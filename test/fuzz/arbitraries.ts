/** Generators of hostile input shared by the robustness properties. */
import fc from 'fast-check';
import type { FormFields } from './support.js';

/** Strings people and scripts actually send: blanks, control characters, markup, injection, odd Unicode. */
export const awkward = fc.constantFrom(
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\u00a0',
  '\ufeff',
  '\u202e',
  '\u200b',
  '%',
  '%00',
  '%zz',
  '../',
  '..\\..\\',
  '<script>alert(1)</script>',
  "'; drop table users; --",
  '{{ 7*7 }}',
  '${7*7}',
  'null',
  'undefined',
  '[object Object]',
  '__proto__',
  'constructor',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '😀',
  '👩‍👩‍👧‍👦',
  'ǅ',
  'ß',
  'İ',
  'ı',
  'ﬀ',
  'Ａ',
  '\u0301',
);

/** Any string: printable ASCII, any code point (control characters and NUL included), graphemes, or known-awkward. */
export const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: awkward },
);

/** A long string: just over a limit, or huge (up to ~100k characters). */
export const hugeString = fc
  .tuple(fc.constantFrom(201, 255, 1025, 5_000, 100_000), fc.constantFrom('x', 'é', '😀', 'A1', ' '))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

export const nastyString = fc.oneof({ weight: 8, arbitrary: anyString }, { weight: 1, arbitrary: hugeString });

/** A form field: absent, one value, or the key repeated (email=a&email=b arrives as an array). */
export function field(value: fc.Arbitrary<string>): fc.Arbitrary<string | string[] | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: value },
    { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 4 }) },
  );
}

/** Extra fields a form does not expect (including prototype-polluting names). */
export const extraFields: fc.Arbitrary<FormFields> = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role', 'id', 'a[b]', 'a.b', ''), fc.string({ maxLength: 10 })),
  fc.oneof(anyString, fc.array(anyString, { maxLength: 3 })),
  { maxKeys: 3 },
);

/** A raw URL-encoded body that no browser would send: bad escapes, stray separators, bare keys. */
export const malformedUrlEncoding = fc
  .array(fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%C3', '%FF%FE', '%u0041', '&&', '==', '=', '+', 'email', 'password=', 'next=%', '%00=%00', '&=&'), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

/** A JSON value (for bodies sent as application/json), lone surrogates included. */
export const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('\ud800', 'a\udfffb', '\u0000', [], {}, null, 0, -1, 2 ** 53, 1e308, true));

export const uuid = fc.uuid();
