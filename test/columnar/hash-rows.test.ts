// hashRows: one 32-bit hash per row over several columns. Equal values must
// hash equally wherever they come from (another batch, a NULL slot holding
// leftover data, -0 vs 0, any NaN payload); distinct keys should rarely collide.

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Column, Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, makeColumn } from '../../src/columnar/column.js';
import { hashFloat64, hashRows } from '../../src/columnar/hash-rows.js';

const h = (cols: Column[]): number[] => Array.from(hashRows(cols, cols[0]!.length));
const col = (type: SqlType, xs: Scalar[]): Column => columnFromScalars(type, xs);

/** A NaN with a non-default payload (same class of value, other bits). */
function oddNaN(): number {
  const buf = new ArrayBuffer(8);
  new Uint32Array(buf)[0] = 0x1234_5678;
  new Uint32Array(buf)[1] = 0xfff4_0000; // sign set, quiet bit, payload
  const x = new Float64Array(buf)[0]!;
  expect(Number.isNaN(x)).toBe(true);
  return x;
}

describe('equal values hash equally', () => {
  it.each([
    ['integer', [5, -1, 0, 2147483647]],
    ['bigint', [5, -1, 0, 2 ** 53 - 1]],
    ['double', [5, -1.5, 1e308, Infinity]],
    ['text', ['a', '', 'ab', 'ü😀']],
    ['date', [0, -1, 19000, 2_932_896]],
    ['timestamp', [0, -1, 1.7e15, 123_456_789]],
    ['boolean', [true, false, true, false]],
  ] as [SqlType, Scalar[]][])('%s: the same value in two batches, at different positions', (type, xs) => {
    const a = h([col(type, xs)]);
    const b = h([col(type, [...xs].reverse())]);
    expect(b).toEqual([...a].reverse());
  });

  it('-0 hashes as 0', () => {
    expect(hashFloat64(-0)).toBe(hashFloat64(0));
    const [p, q] = h([col('double', [0, -0])]);
    expect(p).toBe(q);
  });

  it('every NaN hashes alike', () => {
    expect(hashFloat64(oddNaN())).toBe(hashFloat64(NaN));
    const [p, q] = h([col('double', [NaN, oddNaN()])]);
    expect(p).toBe(q);
  });

  it('NULL hashes alike whatever value the NULL slot holds', () => {
    const validity = Uint8Array.from([0b0000_0000]);
    for (const [type, values] of [
      ['integer', Int32Array.from([0, 42, -7])],
      ['double', Float64Array.from([0, 3.5, NaN])],
      ['text', ['', 'junk', 'x']],
      ['boolean', Uint8Array.from([0, 1, 1])],
    ] as [SqlType, Column['values']][]) {
      const hashes = h([makeColumn(type, values, validity, 3)]);
      expect(new Set(hashes).size, type).toBe(1);
    }
  });

  it('NULL and a value of the same column differ; position of NULL in a multi-column key matters', () => {
    const [nullRow, zeroRow] = h([col('integer', [null, 0])]);
    expect(nullRow).not.toBe(zeroRow);
    const [x, y] = h([col('integer', [null, 1]), col('integer', [1, null])]);
    expect(x).not.toBe(y);
  });

  it('multi-column rows hash by all their columns', () => {
    const a = col('text', ['k', 'k', 'k']);
    const b = col('integer', [1, 2, 1]);
    const [r0, r1, r2] = h([a, b]);
    expect(r0).toBe(r2);
    expect(r0).not.toBe(r1);
  });
});

describe('spread', () => {
  it('10k consecutive integers hardly collide, nor do their low bits cluster', () => {
    const n = 10_000;
    const hashes = hashRows([col('integer', Array.from({ length: n }, (_, i) => i))], n);
    expect(new Set(hashes).size).toBeGreaterThan(n - 5);
    // Open addressing indexes by the low bits: each of 256 buckets should get ~39.
    const buckets = new Int32Array(256);
    for (const x of hashes) buckets[x & 255]!++;
    expect(Math.max(...buckets)).toBeLessThan(80);
  });

  it('short strings that differ in one character do not collide', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    expect(new Set(hashRows([col('text', xs)], xs.length)).size).toBe(xs.length);
  });

  it('doubles that differ only in the low mantissa bits do not collide', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1 + i * Number.EPSILON);
    expect(new Set(hashRows([col('double', xs)], xs.length)).size).toBe(xs.length);
  });
});
