// MomentsAccumulator (var/stddev, sample and population) under random
// insert/delete streams, against a naive two-pass variance of the accumulated
// multiset computed here. Tolerance: relative 1e-9 (the bound the engine tests
// use against DuckDB too); the churn cases check that deleting large values
// leaves no error behind.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeColumn } from '../../src/columnar/column.js';
import { allValid, setNull } from '../../src/columnar/validity.js';
import type { MomentFunction } from '../../src/dataflow/moments-accumulator.js';
import { MomentsAccumulator, MomentFunctions } from '../../src/dataflow/moments-accumulator.js';

const REL_TOL = 1e-9;

function naive(values: number[], fn: MomentFunction): number | null {
  const n = values.length;
  const sample = fn.endsWith('_samp');
  if (n === 0 || (sample && n < 2)) return null;
  if (values.some((v) => !Number.isFinite(v))) return NaN;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const m2 = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  const variance = m2 / (sample ? n - 1 : n);
  return fn.startsWith('stddev') ? Math.sqrt(variance) : variance;
}

function close(actual: number | null, expected: number | null, scale: number): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= REL_TOL * Math.max(Math.abs(expected), scale);
}

/** Feeds (slot, value|null, weight) rows to one accumulator per function. */
function feed(accs: MomentsAccumulator[], rows: readonly (readonly [number, number | null, number])[], slotCount: number): void {
  const n = rows.length;
  const slots = Int32Array.from(rows.map((r) => r[0]));
  const values = Float64Array.from(rows.map((r) => r[1] ?? 0));
  const weights = Int32Array.from(rows.map((r) => r[2]));
  let validity: Uint8Array | null = null;
  rows.forEach((r, i) => {
    if (r[1] !== null) return;
    validity ??= allValid(n);
    setNull(validity, i);
  });
  const col = makeColumn('double', values, validity, n);
  for (const acc of accs) acc.update(slots, col, weights, n, slotCount);
}

function read(acc: MomentsAccumulator, slot: number): number | null {
  const col = acc.read(Int32Array.of(slot));
  return col.validity !== null && (col.validity[0]! & 1) === 0 ? null : (col.values as Float64Array)[0]!;
}

describe('MomentsAccumulator', () => {
  it('random insert/delete streams match a naive recompute (4 groups, all four functions)', () => {
    const valueArb = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((v) => v / 8) },
      // Near 1e-150 and below, x² and its low part underflow (as in PostgreSQL's float8 arithmetic): out of scope here.
      { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Math.abs(v) < 1e-30 ? 0 : v)) },
      { weight: 1, arbitrary: fc.constantFrom(1e9 + 0.5, 1e9 + 1.5, NaN, Infinity, -Infinity) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    const op = fc.record({ slot: fc.integer({ min: 0, max: 3 }), value: valueArb, weight: fc.integer({ min: 1, max: 3 }), del: fc.nat() });
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 20 }), (batches) => {
        const accs = MomentFunctions.map((fn) => new MomentsAccumulator(fn));
        const held: (number | null)[][] = [[], [], [], []];
        for (const batch of batches) {
          const rows: [number, number | null, number][] = [];
          for (const o of batch) {
            const group = held[o.slot]!;
            if (o.del % 3 === 0 && group.length > 0) {
              // Delete one held copy (the multiset stays valid).
              const v = group.splice(o.del % group.length, 1)[0]!;
              rows.push([o.slot, v, -1]);
            } else {
              for (let c = 0; c < o.weight; c++) group.push(o.value);
              rows.push([o.slot, o.value, o.weight]);
            }
          }
          feed(accs, rows, 4);
          for (let s = 0; s < 4; s++) {
            const vs = held[s]!.filter((v): v is number => v !== null);
            const scale = vs.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0) ** 2 * 1e-6;
            MomentFunctions.forEach((fn, i) => {
              const got = read(accs[i]!, s);
              const want = naive(vs, fn);
              expect(close(got, want, fn.startsWith('stddev') ? Math.sqrt(scale) : scale), `${fn} group ${s}: got ${got}, want ${want} over ${vs.length} values`).toBe(true);
            });
          }
        }
      }),
      { seed: 31, numRuns: 200 },
    );
  });

  it('churn: a huge outlier and a large offset inserted then deleted leave the small variance exact', () => {
    const acc = new MomentsAccumulator('var_samp');
    feed([acc], [[0, 1, 1], [0, 2, 1], [0, 4, 1]], 1);
    for (let round = 0; round < 1000; round++) {
      const big = 1e15 + round * 12345.678;
      feed([acc], [[0, big, 1], [0, -3e12, 2]], 1);
      feed([acc], [[0, big, -1], [0, -3e12, -2]], 1);
    }
    // var_samp(1, 2, 4) = 7/3 exactly as in two-pass arithmetic.
    expect(Math.abs(read(acc, 0)! - 7 / 3)).toBeLessThan(1e-15);
  });

  it('values clustered around a large offset keep their spread (no catastrophic cancellation)', () => {
    const acc = new MomentsAccumulator('var_pop');
    const xs = [1e12 + 0.25, 1e12 + 0.5, 1e12 + 0.75, 1e12 + 1];
    feed([acc], xs.map((x) => [0, x, 1] as const), 1);
    expect(read(acc, 0)).toBeCloseTo(naive(xs, 'var_pop')!, 12);
  });

  it('NULL for an empty group and for the sample forms with one value; NaN clears when the NaN is deleted', () => {
    const samp = new MomentsAccumulator('stddev_samp');
    const pop = new MomentsAccumulator('stddev_pop');
    expect(read(samp, 0)).toBeNull();
    expect(read(pop, 0)).toBeNull();
    feed([samp, pop], [[0, 5, 1]], 1);
    expect(read(samp, 0)).toBeNull();
    expect(read(pop, 0)).toBe(0);
    feed([samp, pop], [[0, NaN, 1], [0, 7, 1]], 1);
    expect(read(samp, 0)).toBeNaN();
    feed([samp, pop], [[0, NaN, -1]], 1);
    expect(read(samp, 0)).toBeCloseTo(Math.SQRT2, 15);
    expect(read(pop, 0)).toBeCloseTo(1, 15);
  });
});
