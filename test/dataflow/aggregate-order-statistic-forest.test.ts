// OrderStatisticForest: random weighted adds and removals over several groups
// (numeric keys with NaN, string keys, NULL keys with a secondary string), then
// every group's in-order walk (both directions), every rank lookup and the
// totals must match a naive sorted list kept here; remap moves and drops groups.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderStatisticForest } from '../../src/dataflow/order-statistic-forest.js';

type Key = number | string | null;

/** Naive order: NULL last (or first), NaN above every number, then the secondary string. */
function naiveCompare(a: [Key, string], b: [Key, string], nullsLow: boolean): number {
  const [x, xs] = a;
  const [y, ys] = b;
  let c: number;
  if (x === null || y === null) c = x === y ? 0 : (x === null) === nullsLow ? -1 : 1;
  else if (typeof x === 'number') {
    const yn = y as number;
    c = Number.isNaN(x) ? (Number.isNaN(yn) ? 0 : 1) : Number.isNaN(yn) ? -1 : x < yn ? -1 : x > yn ? 1 : 0;
  } else c = x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
  return c !== 0 ? c : xs < ys ? -1 : xs > ys ? 1 : 0;
}

function expand(entries: Map<string, { key: [Key, string]; count: number }>, nullsLow: boolean): [Key, string][] {
  const list = [...entries.values()].filter((e) => e.count > 0).sort((a, b) => naiveCompare(a.key, b.key, nullsLow));
  return list.flatMap((e) => Array.from({ length: e.count }, () => e.key));
}

function walk(f: OrderStatisticForest, slot: number, numeric: boolean, reverse: boolean): [Key, string][] {
  const out: [Key, string][] = [];
  f.forEachInOrder(slot, reverse, (node) => {
    const key: Key = f.keyIsNull(node) ? null : numeric ? f.numKey(node) : f.strKey(node);
    for (let c = 0; c < f.multiplicity(node); c++) out.push([key, f.second(node)]);
  });
  return out;
}

const GROUPS = 3;

function check(numeric: boolean, nullsLow: boolean, seed: number): void {
  const keyArb: fc.Arbitrary<Key> = numeric
    ? fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constantFrom(NaN, 0.5, -Infinity), fc.constant(null))
    : fc.oneof(fc.constantFrom('', 'a', 'ab', 'b', 'é', 'z'), fc.constant(null));
  const op = fc.record({ slot: fc.integer({ min: 0, max: GROUPS - 1 }), key: keyArb, second: fc.constantFrom('p', 'q'), w: fc.integer({ min: 1, max: 3 }), del: fc.boolean() });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const forest = new OrderStatisticForest(numeric, true, nullsLow);
      const naive = Array.from({ length: GROUPS }, () => new Map<string, { key: [Key, string]; count: number }>());
      for (const o of ops) {
        const id = `${String(o.key)}|${typeof o.key}|${o.second}`;
        const m = naive[o.slot]!;
        const e = m.get(id) ?? { key: [o.key, o.second] as [Key, string], count: 0 };
        m.set(id, e);
        // Deletes remove at most what is held, so the multiset stays valid.
        const w = o.del ? -Math.min(o.w, e.count) : o.w;
        e.count += w;
        forest.add(o.slot, o.key, o.second, w);
      }
      for (let s = 0; s < GROUPS; s++) {
        const want = expand(naive[s]!, nullsLow);
        expect(forest.totalOf(s)).toBe(want.length);
        expect(walk(forest, s, numeric, false)).toEqual(want);
        expect(walk(forest, s, numeric, true)).toEqual([...want].reverse());
        want.forEach(([key, second], k) => {
          const node = forest.nodeAtRank(s, k);
          expect(forest.keyIsNull(node) ? null : numeric ? forest.numKey(node) : forest.strKey(node)).toEqual(key);
          expect(forest.second(node)).toBe(second);
        });
        expect(forest.nodeAtRank(s, want.length)).toBe(0);
      }
      expect(forest.size).toBe(naive.reduce((n, m) => n + [...m.values()].filter((e) => e.count !== 0).length, 0));
      // Remap: group 0 is dropped, 1 -> 0, 2 -> 1; the dropped group's nodes are freed.
      const kept = [expand(naive[1]!, nullsLow), expand(naive[2]!, nullsLow)];
      forest.remap(Int32Array.of(-1, 0, 1), 2);
      expect(walk(forest, 0, numeric, false)).toEqual(kept[0]);
      expect(walk(forest, 1, numeric, false)).toEqual(kept[1]);
      expect(forest.totalOf(2)).toBe(0);
      expect(forest.size).toBe([naive[1]!, naive[2]!].reduce((n, m) => n + [...m.values()].filter((e) => e.count !== 0).length, 0));
    }),
    { seed, numRuns: 300 },
  );
}

describe('OrderStatisticForest', () => {
  it('numeric keys (NaN greatest), NULLs high', () => check(true, false, 41));
  it('numeric keys, NULLs low', () => check(true, true, 42));
  it('string keys', () => check(false, false, 43));
  it('stays shallow: 100k ascending inserts then rank lookups', () => {
    const forest = new OrderStatisticForest(true, false);
    for (let i = 0; i < 100_000; i++) forest.add(0, i, '', 1);
    expect(forest.totalOf(0)).toBe(100_000);
    expect(forest.numKey(forest.nodeAtRank(0, 54_321))).toBe(54_321);
    for (let i = 0; i < 100_000; i += 2) forest.add(0, i, '', -1);
    expect(forest.numKey(forest.nodeAtRank(0, 0))).toBe(1);
    expect(forest.size).toBe(50_000);
  });
});
