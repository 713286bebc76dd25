import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hasMessage, translate } from './i18n.js';

function files(dir: string, ext: string[]): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full, ext) : ext.some((x) => e.name.endsWith(x)) ? [full] : [];
  });
}

describe('i18n', () => {
  it('fills placeholders and flags a missing key visibly', () => {
    assert.equal(translate('en', 'home.welcome', { name: 'Ada' }), 'Welcome, Ada');
    assert.equal(translate('en', 'no.such.key'), '[missing text: no.such.key]');
  });

  it('uses the singular message for a count of one, where there is one', () => {
    assert.equal(translate('en', 'search.resultsHeading', { count: 1 }), '1 matching person');
    assert.equal(translate('en', 'search.resultsHeading', { count: 2 }), '2 matching people');
    assert.equal(translate('en', 'search.resultsHeading', { count: 0 }), '0 matching people');
  });

  it('has every message key that templates and code use', () => {
    const missing: string[] = [];
    for (const file of files('src', ['.njk', '.ts'])) {
      if (file.endsWith('.test.ts')) continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(?:t|translate)\((?:'en', )?'([a-zA-Z]\w*(?:\.\w+)+)'/g)) {
        if (!hasMessage('en', match[1]!)) missing.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
