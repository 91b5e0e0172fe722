// Column building blocks: columnFromScalars, gatherColumn and concatColumns
// keep values and NULLs aligned for every storage layout (typed arrays and
// string arrays), and restore the no-NULL fast path when no NULL remains.

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Column, Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, concatColumns, constantColumn, gatherColumn, getScalar } from '../../src/columnar/column.js';

function scalars(col: Column): Scalar[] {
  return Array.from({ length: col.length }, (_, i) => getScalar(col, i));
}

const samples: { [T in SqlType]?: Scalar[] } = {
  boolean: [true, null, false, true, null, false, true, true, false, null],
  integer: [1, null, -2147483648, 2147483647, 0, null, 7, 8, 9, 10],
  bigint: [2 ** 53 - 1, null, -(2 ** 53) + 1, 0, 5, 6, null, 8, 9, 10],
  double: [1.5, null, -0, NaN, Infinity, -Infinity, 1e-300, null, 3, 4],
  text: ['a', null, '', 'é', '😀', 'long text value', null, 'x', 'y', 'z'],
  timestamp: [0, null, -1, 1_700_000_000_000_000, 5, 6, 7, 8, null, 10],
  date: [0, null, -719_528, 2_932_896, 4, 5, 6, 7, 8, null],
  timestamptz: [0, null, -1, 1_700_000_000_000_000, 5, 6, 7, 8, null, 10],
  // INTERVAL and JSONB scalars are their canonical text.
  interval: ['1 day', null, '-1 mons +02:00:00', '00:00:00', '1 year 2 mons 3 days 04:05:06.5', '-00:00:00.000001', null, '30 days', '100:00:00', '1 mon'],
  jsonb: ['{"a": 1}', null, '[]', '1.50', '"x"', 'null', 'true', '{}', null, '[1, {"b": 2}]'],
  // A NUMERIC scalar is its text at its display scale.
  numeric: ['1.50', null, '-0.001', '0', '0.00', '123456789012345678901234567890.5', '-7', 'NaN', null, '-Infinity'],
};

describe('columnFromScalars', () => {
  it.each(Object.keys(samples) as SqlType[])('%s round-trips values and NULLs', (type) => {
    const col = columnFromScalars(type, samples[type]!);
    expect(col.length).toBe(10);
    expect(scalars(col)).toEqual(samples[type]!);
  });

  it('no NULLs means validity null (the fast path)', () => {
    expect(columnFromScalars('integer', [1, 2, 3]).validity).toBeNull();
    expect(columnFromScalars('text', ['a', '']).validity).toBeNull();
  });

  it('constantColumn: a NULL constant is all-NULL, a value is NULL-free', () => {
    expect(scalars(constantColumn('text', null, 3))).toEqual([null, null, null]);
    const c = constantColumn('double', 2.5, 3);
    expect(c.validity).toBeNull();
    expect(scalars(c)).toEqual([2.5, 2.5, 2.5]);
  });
});

describe('gatherColumn', () => {
  it.each(Object.keys(samples) as SqlType[])('%s: picks rows in the given order, repeats allowed', (type) => {
    const src = samples[type]!;
    const col = columnFromScalars(type, src);
    const idx = Int32Array.from([9, 1, 1, 0, 4, 6, 3]);
    expect(scalars(gatherColumn(col, idx))).toEqual(Array.from(idx, (i) => src[i]));
  });

  it('respects an explicit count shorter than the index array', () => {
    const col = columnFromScalars('text', ['a', null, 'c']);
    const g = gatherColumn(col, Int32Array.from([2, 1, 0]), 2);
    expect(g.length).toBe(2);
    expect(scalars(g)).toEqual(['c', null]);
  });

  it('gathering only valid rows drops the bitmap', () => {
    const col = columnFromScalars('integer', [1, null, 3, null]);
    const g = gatherColumn(col, Int32Array.from([0, 2]));
    expect(g.validity).toBeNull();
    expect(scalars(g)).toEqual([1, 3]);
  });

  it('an empty gather', () => {
    const g = gatherColumn(columnFromScalars('text', ['a', null]), new Int32Array(0));
    expect(g.length).toBe(0);
    expect(scalars(g)).toEqual([]);
  });

  it('does not share storage with its source', () => {
    const col = columnFromScalars('double', [1, 2, 3]);
    const g = gatherColumn(col, Int32Array.from([0, 1, 2]));
    (g.values as Float64Array)[0] = 99;
    expect(getScalar(col, 0)).toBe(1);
  });
});

describe('concatColumns', () => {
  it.each(Object.keys(samples) as SqlType[])('%s: NULLs land at the right offsets', (type) => {
    const src = samples[type]!;
    const parts = [src.slice(0, 3), [], src.slice(3, 4), src.slice(4)];
    const cols = parts.map((p) => columnFromScalars(type, p));
    const out = concatColumns(type, cols);
    expect(out.length).toBe(src.length);
    expect(scalars(out)).toEqual(src);
  });

  it('NULL-free parts give a NULL-free result', () => {
    const out = concatColumns('text', [columnFromScalars('text', ['a']), columnFromScalars('text', ['b', 'c'])]);
    expect(out.validity).toBeNull();
    expect(scalars(out)).toEqual(['a', 'b', 'c']);
  });

  it('a NULL in a later part is placed past a 9-row first part (byte boundary)', () => {
    const first = columnFromScalars('integer', [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const second = columnFromScalars('integer', [null, 11]);
    expect(scalars(concatColumns('integer', [first, second]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, null, 11]);
  });

  it('reads only `length` rows of a part whose values array is longer', () => {
    // A view over growable storage: capacity 8, length 2.
    const wide: Column = { type: 'double', values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), validity: null, length: 2 };
    const wideText: Column = { type: 'text', values: ['a', 'b', 'c', 'd'], validity: null, length: 1 };
    expect(scalars(concatColumns('double', [wide, columnFromScalars('double', [9])]))).toEqual([1, 2, 9]);
    expect(scalars(concatColumns('text', [wideText, columnFromScalars('text', ['z'])]))).toEqual(['a', 'z']);
  });

  it('concatenating nothing gives an empty column', () => {
    expect(concatColumns('boolean', []).length).toBe(0);
  });
});
