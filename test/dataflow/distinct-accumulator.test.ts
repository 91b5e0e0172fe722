// The DBSP recompute property for COUNT/SUM/AVG(DISTINCT x) in
// AggregateOperator (state in distinct-accumulator.ts): under random change
// batches (NULLs, duplicates, retractions, weights other than ±1, values that
// vanish and come back) the accumulated output must equal a naive JS GROUP BY
// that deduplicates each group's non-NULL values with a Set.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Scalar } from '../../src/columnar/column.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import type { AggregateCall } from '../../src/dataflow/aggregate.js';
import { AggregateOperator } from '../../src/dataflow/aggregate.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, checkAggregateRecompute, groupByFirstOperator, multisetOf, naiveGroupByFirst } from './zset-test-helpers.js';

// Input: k text (group key), x integer, s text, y double (exact binary fractions).
const TYPES: SqlType[] = ['text', 'integer', 'text', 'double'];
const column = (index: number): BoundExpr => ({ kind: 'column', index, type: TYPES[index]! });

function aggCall(fn: AggregateCall['fn'], index: number, resultType: SqlType, distinct: boolean): AggregateCall {
  return {
    fn,
    arg: compileExpr(column(index)),
    argType: TYPES[index]!,
    resultType,
    label: `${fn}(${distinct ? 'DISTINCT ' : ''}#${index})`,
    argKey: `#${index}`,
    distinct,
  };
}

const CALLS: AggregateCall[] = [
  aggCall('count', 1, 'bigint', true),
  aggCall('sum', 1, 'bigint', true),
  aggCall('avg', 1, 'double', true),
  aggCall('count', 1, 'bigint', false),
  aggCall('sum', 1, 'bigint', false),
  aggCall('count', 2, 'bigint', true),
  aggCall('sum', 3, 'double', true),
  aggCall('avg', 3, 'double', true),
];

function naiveAggregates(rows: readonly Row[]): Scalar[] {
  const nonNull = (c: number): number[] | string[] => rows.map((r) => r[c]).filter((v) => v !== null) as number[] | string[];
  const xs = nonNull(1) as number[];
  const dx = [...new Set(xs)];
  const ds = [...new Set(nonNull(2) as string[])];
  const dy = [...new Set(nonNull(3) as number[])];
  const sum = (vs: number[]): number | null => (vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0));
  const avg = (vs: number[]): number | null => (vs.length === 0 ? null : sum(vs)! / vs.length);
  return [dx.length, sum(dx), avg(dx), xs.length, sum(xs), ds.length, sum(dy), avg(dy)];
}

const naiveGroupBy = (input: Row[], grouped: boolean): Row[] => naiveGroupByFirst(input, grouped, naiveAggregates);

const makeOperator = (grouped: boolean, calls: readonly AggregateCall[] = CALLS): AggregateOperator => groupByFirstOperator(grouped, calls);

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.constantFrom('a', 'b', 'c', null),
  fc.oneof(fc.integer({ min: -3, max: 4 }), fc.constant(null)),
  fc.oneof(fc.constantFrom('p', 'q', 'r', ''), fc.constant(null)),
  fc.oneof(fc.constantFrom(0.5, -2.25, 4), fc.constant(null)),
);

const recomputeCase = { types: TYPES, rowArb, makeOperator: (grouped: boolean) => makeOperator(grouped), naive: naiveGroupBy };
const checkRecompute = (grouped: boolean, seed: number, numRuns: number, changesPerBatch: number): void =>
  checkAggregateRecompute(recomputeCase, grouped, seed, numRuns, changesPerBatch);

describe('aggregate DISTINCT recompute property', () => {
  it('grouped by k', () => checkRecompute(true, 21, 200, 10));
  it('global', () => checkRecompute(false, 22, 200, 10));
  it('grouped, few larger batches', () => checkRecompute(true, 23, 40, 40));
});

describe('aggregate DISTINCT targeted cases', () => {
  const run = (op: AggregateOperator, out: Multiset, rows: Row[], weights: number[]): void =>
    out.addBatch(op.step(batchOf(TYPES, rows, weights)));

  it('a retraction listed before the insert of the same value in one batch nets out', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    run(op, out, [['a', 1, 'p', 0.5]], [1]);
    // (a, 1) goes to 0 then back to 1; (a, 2) goes to -1 then 0 within the batch.
    run(op, out, [['a', 1, 'p', 0.5], ['a', 2, 'q', 4], ['a', 1, 'p', 0.5], ['a', 2, 'q', 4]], [-1, -1, 1, 1]);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy([['a', 1, 'p', 0.5]], true)).lines());
    // (a, 3) goes from 0 to -1 to +1 within one batch: it crosses into the group once.
    run(op, out, [['a', 3, 'r', -2.25], ['a', 3, 'r', -2.25]], [-1, 2]);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy([['a', 1, 'p', 0.5], ['a', 3, 'r', -2.25]], true)).lines());
  });

  it('a duplicate deleted leaves the distinct values; the last copy deleted removes the value', () => {
    const op = makeOperator(false);
    const out = new Multiset();
    out.addBatch(op.step(batchOf(TYPES, [], [])));
    run(op, out, [['a', 5, 'p', null], ['b', 7, 'p', null]], [3, 1]);
    run(op, out, [['a', 5, 'p', null]], [-2]);
    expect(out.items()[0]!.row.slice(0, 3)).toEqual([2, 12, 6]);
    run(op, out, [['a', 5, 'p', null]], [-1]);
    expect(out.items()[0]!.row.slice(0, 3)).toEqual([1, 7, 7]);
  });

  it('thousands of groups and values vanishing and reappearing (both stores compact)', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    const input = new Multiset();
    const rowsFor = (from: number, to: number, x: number): Row[] =>
      Array.from({ length: to - from }, (_, j): Row => {
        const i = from + j;
        return [`g${i % 2800}`, x + i, `s${i % 7}`, i % 3 === 0 ? null : 0.5 * (i % 5)];
      });
    const apply = (rows: Row[], w: number): void => {
      run(op, out, rows, rows.map(() => w));
      for (const r of rows) input.add(r, w);
    };
    apply(rowsFor(0, 3000, 1), 1);
    apply(rowsFor(0, 2600, 1), -1);
    apply(rowsFor(100, 2000, 50), 2);
    apply(rowsFor(2900, 3000, 1), -1);
    apply(rowsFor(100, 1500, 50), -1);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
  });

  it('EXPLAIN names the per (group, value) state', () => {
    expect(makeOperator(true).describe().state).toContain('per (group, value) multiplicity');
  });
});
