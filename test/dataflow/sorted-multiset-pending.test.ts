// Runs handed over unsorted (the backfill path: one per chunk) plus later
// changes logged beside them must answer MIN/MAX exactly like a plain
// multiset, and hold the same values once settled: checked against a naive
// count map after every change, for numbers (with NaN) and strings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SortedMultiset } from '../../src/dataflow/sorted-multiset.js';

function naiveExtremes(counts: Map<number | string, number>, numeric: boolean): [unknown, unknown] {
  const present = [...counts.entries()].filter(([, c]) => c > 0).map(([v]) => v);
  if (present.length === 0) return [undefined, undefined];
  const order = (a: number | string, b: number | string): number => {
    if (!numeric) return a < b ? -1 : a > b ? 1 : 0;
    const x = a as number;
    const y = b as number;
    if (x !== x) return y !== y ? 0 : 1;
    if (y !== y) return -1;
    return x - y;
  };
  present.sort(order);
  return [present[0], present[present.length - 1]];
}

function key(v: number | string): number | string {
  return typeof v === 'number' && v !== v ? 'NaN' : v;
}

function check(numeric: boolean, values: fc.Arbitrary<number | string>) {
  // A change is a value with a weight, or a further unsorted run (a backfill's next chunk).
  const change = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(values, fc.constantFrom(1, -1, 2)) },
    { weight: 1, arbitrary: fc.record({ run: fc.array(values, { minLength: 1, maxLength: 12 }) }) },
  );
  fc.assert(
    fc.property(
      fc.array(values, { minLength: 1, maxLength: 60 }),
      fc.array(change, { maxLength: 120 }),
      (run, changes) => {
        const set = new SortedMultiset(numeric);
        const counts = new Map<number | string, number>();
        const original = new Map<number | string, number | string>();
        const bump = (v: number | string, w: number): void => {
          counts.set(key(v), (counts.get(key(v)) ?? 0) + w);
          original.set(key(v), v);
        };
        const addRun = (r: readonly (number | string)[]): void => {
          set.addUnsortedRun(numeric ? Float64Array.from(r as number[]) : [...(r as string[])]);
          r.forEach((v) => bump(v, 1));
        };
        addRun(run);
        for (const c of changes) {
          if ('run' in c) addRun(c.run);
          else {
            const [v, w] = c;
            // Only retract what is present, as a consistent Z-set does.
            if (w < 0 && (counts.get(key(v)) ?? 0) + w < 0) continue;
            set.add(v, w);
            bump(v, w);
          }
          const view = new Map([...counts.entries()].map(([k, n]) => [original.get(k)!, n]));
          const [lo, hi] = naiveExtremes(view, numeric);
          const same = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b);
          expect(same(set.min(), lo)).toBe(true);
          expect(same(set.max(), hi)).toBe(true);
        }
        // Settled at last, the set holds exactly the values with non-zero counts.
        const n = set.distinctSize;
        const held = numeric ? new Float64Array(n) : new Array<string>(n);
        const heldCounts = new Int32Array(n);
        set.copyEntries(held, heldCounts, 0);
        const got = new Map(Array.from(held as ArrayLike<number | string>, (v, i) => [key(v), heldCounts[i]!] as const));
        const expected = new Map([...counts.entries()].filter(([, c]) => c !== 0));
        expect(got).toEqual(expected);
      },
    ),
    { numRuns: 300, seed: 7 },
  );
}

describe('SortedMultiset with a pending unsorted run', () => {
  it('matches a naive multiset for numbers, NaN included', () => {
    check(true, fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constant(Number.NaN), fc.constant(0.5)));
  });
  it('matches a naive multiset for strings', () => {
    check(false, fc.constantFrom('a', 'b', 'c', 'ab', '', 'z', 'B'));
  });
});

describe('SortedMultiset pending run and out-of-range retractions', () => {
  it('a retraction below the minimum followed by its insertion leaves the minimum alone', () => {
    for (const numeric of [true, false]) {
      const set = new SortedMultiset(numeric);
      set.addUnsortedRun(numeric ? Float64Array.of(5, 7) : ['m', 'n']);
      const low = numeric ? 1 : 'a';
      set.add(low, -1); // an unconsolidated batch may retract before it inserts
      set.add(low, 1);
      expect(set.min()).toBe(numeric ? 5 : 'm');
      expect(set.max()).toBe(numeric ? 7 : 'n');
    }
  });
});
