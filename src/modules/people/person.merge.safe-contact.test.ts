import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSafeContact, type SafeContact } from './person.merge.safe-contact.js';

describe('safe-contact rules of two merged records', () => {
  const rules = (over: Partial<SafeContact>): SafeContact => ({
    voicemail_allowed: 'not_known',
    safe_times: null,
    do_not_write_home: false,
    code_word: null,
    ...over,
  });

  it('keeps the more protective rule from either record', () => {
    assert.deepEqual(
      mergeSafeContact(rules({ voicemail_allowed: 'yes' }), rules({ voicemail_allowed: 'no', do_not_write_home: true })),
      rules({ voicemail_allowed: 'no', do_not_write_home: true }),
    );
    assert.equal(mergeSafeContact(rules({ voicemail_allowed: 'yes' }), rules({ voicemail_allowed: 'yes' })).voicemail_allowed, 'yes');
    assert.equal(mergeSafeContact(rules({ voicemail_allowed: 'yes' }), rules({})).voicemail_allowed, 'not_known');
  });

  it('keeps safe times and code words from both, unless together they would not fit', () => {
    const merged = mergeSafeContact(rules({ safe_times: 'Weekdays 10–12', code_word: 'Bluebell' }), rules({ safe_times: 'After 7pm', code_word: 'Bluebell' }));
    assert.deepEqual([merged.safe_times, merged.code_word], ['Weekdays 10–12; After 7pm', 'Bluebell']);
    assert.equal(mergeSafeContact(rules({}), rules({ code_word: 'Kestrel' })).code_word, 'Kestrel');
    assert.equal(mergeSafeContact(rules({ safe_times: 'a'.repeat(400) }), rules({ safe_times: 'b'.repeat(200) })).safe_times, 'a'.repeat(400));
  });
});
