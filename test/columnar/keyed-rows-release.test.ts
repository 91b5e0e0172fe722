// Releasing dead slots (backward-shift deletion + slot reuse) must keep every
// live key findable: checked against a Map after each random operation batch.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyedRows } from '../../src/columnar/keyed-rows.js';
import { columnFromScalars } from '../../src/columnar/column.js';

function keyBatch(keys: readonly number[]) {
  return [columnFromScalars('integer', keys)];
}

describe('KeyedRows.release', () => {
  it('keeps the index consistent with a Map under random adds and releases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.constantFrom(1, -1, 2)), { maxLength: 40 }), { maxLength: 60 }),
        (batches) => {
          const rows = new KeyedRows(['integer'], [0]);
          const oracle = new Map<number, number>();
          for (const batch of batches) {
            // Keep counts non-negative, as real stores do.
            const ops = batch.filter(([k, w]) => (oracle.get(k) ?? 0) + w >= 0 || w > 0);
            const applied: [number, number][] = [];
            for (const [k, w] of ops) {
              const next = (oracle.get(k) ?? 0) + w;
              if (next < 0) continue;
              oracle.set(k, next);
              applied.push([k, w]);
            }
            const cols = keyBatch(applied.map(([k]) => k));
            const slots = rows.findOrAdd(cols, rows.hashKeys(cols, applied.length), applied.length);
            applied.forEach(([, w], i) => rows.addCount(slots[i]!, w));
            rows.release(slots);
            const keys = [...oracle.keys()];
            const probe = keyBatch(keys);
            const found = rows.find(probe, rows.hashKeys(probe, keys.length), keys.length);
            keys.forEach((k, i) => {
              const want = oracle.get(k)!;
              if (want === 0) expect(found[i] === -1 || rows.counts[found[i]!] === 0).toBe(true);
              else {
                expect(found[i]).toBeGreaterThanOrEqual(0);
                expect(rows.counts[found[i]!]).toBe(want);
              }
            });
            expect(rows.live).toBe([...oracle.values()].filter((c) => c !== 0).length);
          }
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
