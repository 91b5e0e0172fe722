// SortedMultiset (the MIN/MAX state) against a naive oracle: a plain list of
// (value, count) pairs, re-sorted on every read. Random interleavings of
// weighted adds, removals, transiently negative counts and bulk sorted runs;
// doubles order as PostgreSQL orders them (NaN above +Infinity, -0 = 0).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedMultiset } from '../../src/dataflow/sorted-multiset.js';

type V = number | string;

class NaiveMultiset {
  private readonly counts = new Map<string, { v: V; c: number }>();
  private key(v: V): string {
    return typeof v === 'number' ? (Number.isNaN(v) ? 'NaN' : String(v === 0 ? 0 : v)) : `s${v}`;
  }
  add(v: V, w: number): void {
    const k = this.key(v);
    const e = this.counts.get(k) ?? { v, c: 0 };
    e.c += w;
    if (e.c === 0) this.counts.delete(k);
    else this.counts.set(k, e);
  }
  private positive(): V[] {
    return [...this.counts.values()].filter((e) => e.c > 0).map((e) => e.v);
  }
  private static order(a: V, b: V): number {
    if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
    if (Number.isNaN(a)) return Number.isNaN(b as number) ? 0 : 1;
    if (Number.isNaN(b as number)) return -1;
    return a - (b as number) < 0 ? -1 : a === b ? 0 : 1;
  }
  min(): V | undefined {
    return this.positive().sort(NaiveMultiset.order)[0];
  }
  max(): V | undefined {
    return this.positive().sort(NaiveMultiset.order).at(-1);
  }
  get distinct(): number {
    return this.counts.size;
  }
}

const same = (a: V | undefined, b: V | undefined): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

type Op<T extends V> = { kind: 'add'; v: T; w: number } | { kind: 'run'; vs: T[] };

function check<T extends V>(numeric: boolean, valueArb: fc.Arbitrary<T>, sortRun: (vs: T[]) => T[] | Float64Array, seed: number): void {
  const op: fc.Arbitrary<Op<T>> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), v: valueArb, w: fc.integer({ min: -3, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), vs: fc.array(valueArb, { maxLength: 12 }) }) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const mine = new SortedMultiset(numeric);
      const naive = new NaiveMultiset();
      for (const o of ops) {
        if (o.kind === 'add') {
          mine.add(o.v, o.w);
          naive.add(o.v, o.w);
        } else {
          mine.addSortedRun(sortRun(o.vs) as Float64Array & string[]);
          for (const v of o.vs) naive.add(v, 1);
        }
        expect(same(mine.min(), naive.min()), `min ${String(mine.min())} vs ${String(naive.min())}`).toBe(true);
        expect(same(mine.max(), naive.max()), `max ${String(mine.max())} vs ${String(naive.max())}`).toBe(true);
        expect(mine.distinctSize).toBe(naive.distinct);
      }
    }),
    { seed, numRuns: 300 },
  );
}

describe('SortedMultiset against a naive oracle', () => {
  it('doubles, including NaN, ±Infinity and -0', () => {
    // Float64Array.prototype.sort puts NaN last, matching PostgreSQL's order.
    check(true, fc.constantFrom(-2, -0, 0, 1.5, 3, 1e300, NaN, Infinity, -Infinity), (vs) => Float64Array.from(vs).sort(), 21);
  });

  it('integers from a wide range', () => {
    check(true, fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), (vs) => Float64Array.from(vs).sort(), 22);
  });

  it('strings (code-unit order, as the C collation)', () => {
    check(false, fc.constantFrom('', 'a', 'B', 'ab', 'é', 'z', '😀', 'Z'), (vs) => [...vs].sort(), 23);
  });
});

describe('SortedMultiset cases', () => {
  it('deleting the minimum exposes the next; negative counts are not visible', () => {
    const s = new SortedMultiset(true);
    s.add(5, 1);
    s.add(1, 2);
    s.add(3, 1);
    expect([s.min(), s.max()]).toEqual([1, 5]);
    s.add(1, -2);
    expect(s.min()).toBe(3);
    s.add(0, -1); // retraction arriving before its insertion
    expect(s.min()).toBe(3);
    s.add(0, 1);
    expect(s.min()).toBe(3);
    expect(s.distinctSize).toBe(2);
    s.add(3, -1);
    s.add(5, -1);
    expect([s.min(), s.max(), s.distinctSize]).toEqual([undefined, undefined, 0]);
  });

  it('NaN is the maximum, and -0 and 0 are one value', () => {
    const s = new SortedMultiset(true);
    s.add(NaN, 1);
    s.add(Infinity, 1);
    s.add(-0, 1);
    s.add(0, 1);
    expect(s.max()).toBeNaN();
    expect(s.distinctSize).toBe(3);
    s.add(0, -2);
    expect(s.min()).toBe(Infinity);
  });

  it('a sorted run cancels held negative counts', () => {
    const s = new SortedMultiset(false);
    s.add('m', -1);
    s.addSortedRun(['a', 'm', 'z']);
    expect([s.min(), s.max(), s.distinctSize]).toEqual(['a', 'z', 2]);
  });
});
