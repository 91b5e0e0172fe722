// The decoded-segment cache keeps the most recently used segments within its
// byte budget. Expected evictions are derived by hand from the entry sizes.

import { describe, expect, test } from 'vitest';
import { SegmentCache } from '../../src/storage/segment-cache.js';
import type { ZBatch } from '../../src/columnar/z-batch.js';

/** A batch of one INTEGER column: 4 bytes per value plus 4 per weight = 8 bytes a row. */
function rows(n: number): ZBatch {
  return { columns: [{ type: 'integer', values: new Int32Array(n), validity: null, length: n }], weights: new Int32Array(n).fill(1), length: n };
}

describe('SegmentCache', () => {
  test('evicts the least recently used entries once over budget', () => {
    const cache = new SegmentCache(8 * 300); // room for 300 rows
    cache.put('a', rows(100));
    cache.put('b', rows(100));
    cache.put('c', rows(100));
    expect(cache.bytes).toBe(2400);
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.put('d', rows(100)); // over budget: b (least recent) goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
    expect(cache.bytes).toBe(2400);
    expect(cache.hits).toBe(4);
    expect(cache.misses).toBe(1);
  });

  test('an entry larger than half the budget is not kept (it would flush the rest)', () => {
    const cache = new SegmentCache(8 * 300);
    cache.put('small', rows(100));
    cache.put('big', rows(200));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('small')).toBeDefined();
  });
});
