// NumericExtremeState (MIN/MAX with cached extremes and chained changes)
// against a naive oracle: per group a map value -> count, where MIN/MAX are
// the smallest/largest value with a positive count (NaN greatest). Weights are
// arbitrary integers, so counts may go negative mid-stream, as Z-sets allow.
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/columnar/column.js';
import { NumericExtremeState } from '../../src/dataflow/numeric-extreme-state.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x1_0000_0000;
  };
}

/** a before b in PostgreSQL's order of doubles (NaN last). */
function before(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

class Oracle {
  readonly groups = new Map<number, Map<number, number>>();
  add(g: number, v: number, w: number): void {
    const m = this.groups.get(g) ?? new Map<number, number>();
    this.groups.set(g, m);
    const key = v !== v ? NaN : v === 0 ? 0 : v;
    m.set(key, (m.get(key) ?? 0) + w);
  }
  extreme(g: number, wantMax: boolean): number | null {
    let best: number | null = null;
    for (const [v, c] of this.groups.get(g) ?? []) {
      if (c <= 0) continue;
      if (best === null || (wantMax ? before(best, v) : before(v, best))) best = v;
    }
    return best;
  }
}

function column(values: number[]): Column {
  return { type: 'double', values: Float64Array.from(values), validity: null, length: values.length };
}

function readAll(state: NumericExtremeState, groups: number, wantMax: boolean): (number | null)[] {
  const slots = Int32Array.from({ length: groups }, (_, i) => i);
  const col = state.read(slots, wantMax, 'double');
  return Array.from({ length: groups }, (_, j) =>
    col.validity !== null && ((col.validity[j >>> 3]! >>> (j & 7)) & 1) === 0 ? null : (col.values[j] as number));
}

function normalize(xs: (number | null)[]): (number | string | null)[] {
  return xs.map((x) => (x === null ? null : x !== x ? 'NaN' : x === 0 ? 0 : x));
}

describe('NumericExtremeState', () => {
  for (const [name, pool, maxWeight, positiveBias] of [
    ['mostly inserts, long chains', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 0.8],
    ['arbitrary weights, negative counts mid-stream', [-1, 0, 1, 2, 3], 3, 0.5],
    ['NaN, infinities and signed zeros', [NaN, Infinity, -Infinity, -0, 0, 1.5], 2, 0.6],
  ] as const) {
    it(`matches the oracle: ${name}`, () => {
      const rand = lcg(name.length * 7919);
      for (let round = 0; round < 40; round++) {
        const groups = 1 + Math.floor(rand() * 6);
        const state = new NumericExtremeState();
        const oracle = new Oracle();
        for (let batch = 0; batch < 30; batch++) {
          const n = Math.floor(rand() * 25);
          const slots = new Int32Array(n);
          const values: number[] = [];
          const weights = new Int32Array(n);
          for (let i = 0; i < n; i++) {
            slots[i] = Math.floor(rand() * groups);
            values.push(pool[Math.floor(rand() * pool.length)]!);
            const magnitude = 1 + Math.floor(rand() * maxWeight);
            weights[i] = rand() < positiveBias ? magnitude : -magnitude;
            oracle.add(slots[i]!, values[i]!, weights[i]!);
          }
          state.update(slots, column(values), weights, n, groups);
          for (const wantMax of [false, true]) {
            const expected = Array.from({ length: groups }, (_, g) => oracle.extreme(g, wantMax));
            expect(normalize(readAll(state, groups, wantMax)), `round ${round} batch ${batch} ${wantMax ? 'max' : 'min'}`).toEqual(normalize(expected));
          }
        }
      }
    });
  }

  it('keeps each group through a remap (compaction) and drops the removed ones', () => {
    const state = new NumericExtremeState();
    const slots = Int32Array.from([0, 1, 2, 1, 2]);
    state.update(slots, column([5, 7, 9, 3, 11]), Int32Array.from([1, 1, 1, 1, 1]), 5, 3);
    state.remap(Int32Array.from([-1, 1, 0]), 2);
    expect(readAll(state, 2, false)).toEqual([9, 3]);
    expect(readAll(state, 2, true)).toEqual([11, 7]);
    // Removing group 1's minimum after the remap exposes its other value.
    state.update(Int32Array.from([1]), column([3]), Int32Array.from([-1]), 1, 2);
    expect(readAll(state, 2, false)).toEqual([9, 7]);
  });
});
