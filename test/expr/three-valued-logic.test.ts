// AND, OR, NOT and the IS tests under SQL's three-valued logic, checked as
// full truth tables over {TRUE, FALSE, NULL}, both as kernels over columns
// (with and without NULL bitmaps, NULL slots holding either bit) and as SQL.

import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, makeColumn } from '../../src/columnar/column.js';
import { call, col, evaluate, row } from './expr-test-helpers.js';

const T = true;
const F = false;
const N = null;
const vals = [T, F, N] as const;
const pairs = vals.flatMap((a) => vals.map((b) => [a, b] as const));

// The tables of the SQL standard, written out (not computed).
const AND: Record<string, Scalar> = { 'T,T': T, 'T,F': F, 'T,N': N, 'F,T': F, 'F,F': F, 'F,N': F, 'N,T': N, 'N,F': F, 'N,N': N };
const OR: Record<string, Scalar> = { 'T,T': T, 'T,F': T, 'T,N': T, 'F,T': T, 'F,F': F, 'F,N': N, 'N,T': T, 'N,F': N, 'N,N': N };
const name = (v: Scalar): string => (v === null ? 'N' : v ? 'T' : 'F');
const sqlLit = (v: Scalar): string => (v === null ? 'NULL::boolean' : v ? 'TRUE' : 'FALSE');

describe('AND / OR kernels', () => {
  const a = columnFromScalars('boolean', pairs.map((p) => p[0]));
  const b = columnFromScalars('boolean', pairs.map((p) => p[1]));

  it.each([['and', AND], ['or', OR]] as const)('%s: full truth table', (fn, table) => {
    expect(evaluate(call(fn, [col(0, 'boolean'), col(1, 'boolean')], 'boolean'), [a, b]))
      .toEqual(pairs.map(([x, y]) => table[`${name(x)},${name(y)}`]));
  });

  it('NULL slots decide nothing whatever bit they hold', () => {
    // Row 0: NULL holding 0 (would read as FALSE), row 1: NULL holding 1 (would read as TRUE).
    const nulls = makeColumn('boolean', Uint8Array.from([0, 1]), Uint8Array.from([0]), 2);
    const trues = columnFromScalars('boolean', [T, T]);
    const falses = columnFromScalars('boolean', [F, F]);
    expect(evaluate(call('and', [col(0, 'boolean'), col(1, 'boolean')], 'boolean'), [nulls, trues])).toEqual([N, N]);
    expect(evaluate(call('or', [col(0, 'boolean'), col(1, 'boolean')], 'boolean'), [nulls, falses])).toEqual([N, N]);
    expect(evaluate(call('not', [col(0, 'boolean')], 'boolean'), [nulls])).toEqual([N, N]);
  });

  it('no-NULL fast path', () => {
    const x = columnFromScalars('boolean', [T, T, F, F]);
    const y = columnFromScalars('boolean', [T, F, T, F]);
    expect(evaluate(call('and', [col(0, 'boolean'), col(1, 'boolean')], 'boolean'), [x, y])).toEqual([T, F, F, F]);
    expect(evaluate(call('or', [col(0, 'boolean'), col(1, 'boolean')], 'boolean'), [x, y])).toEqual([T, T, T, F]);
  });

  it('NOT and the IS tests', () => {
    const x = columnFromScalars('boolean', [T, F, N]);
    const one = (fn: string): Scalar[] => evaluate(call(fn, [col(0, 'boolean')], 'boolean'), [x]);
    expect(one('not')).toEqual([F, T, N]);
    expect(one('is_true')).toEqual([T, F, F]);
    expect(one('is_not_true')).toEqual([F, T, T]);
    expect(one('is_false')).toEqual([F, T, F]);
    expect(one('is_not_false')).toEqual([T, F, T]);
    expect(one('is_null')).toEqual([F, F, T]);
    expect(one('is_not_null')).toEqual([T, T, F]);
  });
});

describe('through SQL', () => {
  it.each(pairs)('%s AND/OR %s', async (x, y) => {
    const r = await row(`SELECT ${sqlLit(x)} AND ${sqlLit(y)}, ${sqlLit(x)} OR ${sqlLit(y)}, NOT ${sqlLit(x)}`);
    expect(r).toEqual([AND[`${name(x)},${name(y)}`], OR[`${name(x)},${name(y)}`], x === null ? null : !x]);
  });

  it('comparisons with NULL are NULL, so NOT (NULL = 1) is NULL too', async () => {
    expect(await row('SELECT NULL = 1, NOT (NULL::int = 1), NULL::int <> 1 OR TRUE, NULL::int < 1 AND FALSE')).toEqual([N, N, T, F]);
  });

  it('IS [NOT] DISTINCT FROM treats NULLs as equal values', async () => {
    expect(await row('SELECT NULL::int IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1, NULL::int IS NOT DISTINCT FROM 2'))
      .toEqual([F, T, T, F]);
  });

  it('x IS UNKNOWN / IS NOT UNKNOWN', async () => {
    expect(await row('SELECT NULL::boolean IS UNKNOWN, FALSE IS NOT UNKNOWN')).toEqual([T, T]);
  });
});
