import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedFields, changeList, changedSince } from './person.history.js';
import type { HistoryRow } from './person.repository.js';

const at = new Date('2026-03-01T10:00:00Z');
const later = new Date('2026-03-02T09:30:00Z');
const row = (fields: Partial<HistoryRow>): HistoryRow => ({
  id: 1,
  table_name: 'people',
  operation: 'UPDATE',
  changed_at: at,
  changed_by: 'u1',
  old_row: {},
  display_name: 'Nadia Sorensen',
  agency_name: 'Children’s Social Care',
  ...fields,
});

describe('person history', () => {
  it('names changed fields once each, in page order, ignoring bookkeeping', () => {
    const before = { version: 1, updated_at: 'x', ethnicity: null, date_of_birth: '1990-01-01', estimated_age: null, estimated_age_on: null };
    const after = { version: 2, updated_at: 'y', ethnicity: 'white_irish', date_of_birth: null, estimated_age: 30, estimated_age_on: '2026-01-01' };
    assert.deepEqual(changedFields(before, after), ['Date of birth', 'Estimated age', 'Ethnic group']);
    assert.deepEqual(changedFields(before, { ...before, new_column: 'z' }), ['Other details'], 'an unlabelled column still shows');
  });

  it('groups a transaction’s rows into one change, newest first', () => {
    const rows = [
      row({ id: 1, old_row: { version: 1, code_word: null } }),
      row({
        id: 2,
        old_row: { version: 2, code_word: 'Pebble' },
        changed_at: later,
        changed_by: 'u2',
        display_name: 'Callum Fairweather',
        agency_name: 'Housing Options',
      }),
      row({
        id: 3,
        table_name: 'person_addresses',
        operation: 'UPDATE',
        changed_at: later,
        changed_by: 'u2',
        display_name: 'Callum Fairweather',
        agency_name: 'Housing Options',
      }),
      row({
        id: 4,
        old_row: { version: 3, code_word: 'Pebble' },
        changed_at: new Date('2026-03-03T12:00:00Z'),
        changed_by: null,
        display_name: null,
        agency_name: null,
      }),
    ];
    const changes = changeList(rows, { version: 4, code_word: 'Pebble' });
    assert.deepEqual(
      changes.map((c) => [c.who, c.what]),
      [
        ['Harbour (system)', ['Address, phone number or email address added']],
        ['Callum Fairweather (Housing Options)', ['Addresses']],
        ['Nadia Sorensen (Children’s Social Care)', ['Code word']],
      ],
    );
    assert.deepEqual(changedSince({ version: 1, code_word: null }, { version: 4, code_word: 'Pebble' }, rows.slice(1)), ['Code word', 'Addresses']);
  });
});
