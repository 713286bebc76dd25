import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailKey, nameKey, phoneKey, postcodeKey } from './name-keys.js';

describe('matching keys', () => {
  it('folds names to letters only, without accents or case', () => {
    assert.equal(nameKey("O'Brien-Smyth"), 'obriensmyth');
    assert.equal(nameKey('Zoë  Łukasz'), 'zoelukasz');
    assert.equal(nameKey('Søren Æbelø'), 'sorenaebelo');
    assert.equal(nameKey('Renée'), 'renee');
  });

  it('normalises postcodes, phones and e-mail addresses', () => {
    assert.equal(postcodeKey(' sw1a 1aa '), 'SW1A1AA');
    assert.equal(phoneKey('+44 7700 900123'), '07700900123');
    assert.equal(phoneKey('07700-900-123'), '07700900123');
    assert.equal(emailKey('  Ann.Lee@Example.ORG '), 'ann.lee@example.org');
  });
});
