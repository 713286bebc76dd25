import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pagination } from './pagination.js';

describe('pagination', () => {
  it('is absent for a single page', () => {
    assert.equal(pagination('/people', {}, 1, 50, 50), null);
  });

  it('keeps filters, and shows the ends and neighbours with ellipses between', () => {
    const result = pagination('/cases', { status: 'open', empty: undefined }, 10, 1000, 50)!;
    assert.equal(result.previous?.href, '/cases?status=open&page=9');
    assert.equal(result.next?.href, '/cases?status=open&page=11');
    assert.deepEqual(
      result.items.map((i) => ('ellipsis' in i ? '…' : i.current ? `[${i.number}]` : String(i.number))),
      ['1', '…', '9', '[10]', '11', '…', '20'],
    );
  });
});
