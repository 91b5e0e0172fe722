// The DBSP recompute property for AggregateOperator: COUNT(*), COUNT(x),
// SUM, AVG, MIN and MAX, global and grouped, under random change batches
// (NULLs, duplicate rows, retractions, weights other than ±1, deletes of the
// current MIN/MAX, groups that vanish and come back). After every batch the
// accumulated output must equal a naive JS GROUP BY over the accumulated input.

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

// Input: k text (group key), x integer, y double (exact binary fractions, so
// sums are exact whatever the order), z double for MIN/MAX with NaN and ±Infinity.
const TYPES: SqlType[] = ['text', 'integer', 'double', 'double'];
const column = (index: number): BoundExpr => ({ kind: 'column', index, type: TYPES[index]! });

function aggCall(fn: AggregateCall['fn'], index: number | null, resultType: SqlType): AggregateCall {
  return {
    fn,
    arg: index === null ? null : compileExpr(column(index)),
    argType: index === null ? null : TYPES[index]!,
    resultType,
    label: `${fn}(${index ?? '*'})`,
    argKey: `#${index ?? '*'}`,
  };
}

const CALLS: AggregateCall[] = [
  aggCall('count_star', null, 'bigint'),
  aggCall('count', 1, 'bigint'),
  aggCall('sum', 1, 'bigint'),
  aggCall('avg', 1, 'double'),
  aggCall('min', 1, 'integer'),
  aggCall('max', 1, 'integer'),
  aggCall('sum', 2, 'double'),
  aggCall('min', 3, 'double'),
  aggCall('max', 3, 'double'),
  aggCall('min', 0, 'text'),
  aggCall('max', 0, 'text'),
];

/** PostgreSQL order for doubles: NaN above everything. */
const cmp = (a: Scalar, b: Scalar): number => {
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  const x = a as number;
  const y = b as number;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The naive aggregates of one group's rows (each row once per multiplicity). */
function naiveAggregates(rows: readonly Row[]): Scalar[] {
  const xs = rows.map((r) => r[1]).filter((v): v is number => v !== null);
  const ys = rows.map((r) => r[2]).filter((v): v is number => v !== null);
  const zs = rows.map((r) => r[3]).filter((v): v is number => v !== null);
  const ks = rows.map((r) => r[0]).filter((v): v is string => v !== null);
  const sum = (vs: number[]): number | null => (vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0));
  const ext = <T extends Scalar>(vs: T[], sign: number): T | null =>
    vs.length === 0 ? null : vs.reduce((best, v) => (cmp(v, best) * sign > 0 ? v : best));
  return [
    rows.length, xs.length, sum(xs), xs.length === 0 ? null : sum(xs)! / xs.length, ext(xs, -1), ext(xs, 1),
    sum(ys), ext(zs, -1), ext(zs, 1), ext(ks, -1), ext(ks, 1),
  ];
}

const naiveGroupBy = (input: Row[], grouped: boolean): Row[] => naiveGroupByFirst(input, grouped, naiveAggregates);

const makeOperator = (grouped: boolean): AggregateOperator => groupByFirstOperator(grouped, CALLS);

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.constantFrom('a', 'b', 'c', 'd', null),
  fc.oneof(fc.integer({ min: -5, max: 9 }), fc.constant(null)),
  fc.oneof(fc.constantFrom(0.5, -2.25, 4, 1024.125), fc.constant(null)),
  fc.oneof(fc.constantFrom(1.5, -3, 7, NaN, Infinity, -Infinity), fc.constant(null)),
);

const recomputeCase = { types: TYPES, rowArb, makeOperator: (grouped: boolean) => makeOperator(grouped), naive: naiveGroupBy };
const checkRecompute = (grouped: boolean, seed: number, numRuns: number, changesPerBatch: number): void =>
  checkAggregateRecompute(recomputeCase, grouped, seed, numRuns, changesPerBatch);

describe('AggregateOperator recompute property', () => {
  it('grouped by k (NULL keys form one group)', () => checkRecompute(true, 11, 150, 10));
  it('global (no GROUP BY): always exactly one row', () => checkRecompute(false, 12, 150, 10));
  it('grouped, few larger batches', () => checkRecompute(true, 13, 40, 40));
});

describe('AggregateOperator targeted cases', () => {
  const run = (op: AggregateOperator, out: Multiset, rows: Row[], weights: number[]): void => out.addBatch(op.step(batchOf(TYPES, rows, weights)));

  it('deleting the current MIN and MAX exposes the next values; weight 3 then -2 leaves one copy', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    run(op, out, [['a', 1, null, 1.5], ['a', 5, null, 7], ['a', 3, null, -3]], [1, 3, 1]);
    run(op, out, [['a', 1, null, 1.5], ['a', 5, null, 7]], [-1, -2]);
    const input = multisetOf([['a', 5, null, 7], ['a', 3, null, -3]]);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
  });

  it('a group that vanishes is retracted and can come back with fresh state', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    run(op, out, [['g', 4, 0.5, 1.5]], [2]);
    run(op, out, [['g', 4, 0.5, 1.5]], [-2]);
    expect(out.size).toBe(0);
    run(op, out, [['g', 9, null, null]], [1]);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy([['g', 9, null, null]], true)).lines());
  });

  it('thousands of groups vanishing and reappearing (store compaction) keep the right state', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    const input = new Multiset();
    const rowsFor = (from: number, to: number, x: number): Row[] =>
      Array.from({ length: to - from }, (_, j): Row => {
        const i = from + j;
        return [`g${i}`, x + i, 0.5, i % 5 === 0 ? NaN : i];
      });
    const apply = (rows: Row[], w: number): void => {
      run(op, out, rows, rows.map(() => w));
      for (const r of rows) input.add(r, w);
    };
    apply(rowsFor(0, 3000, 1), 1);
    apply(rowsFor(0, 2600, 1), -1); // 2600 dead groups, 400 live: compaction is due
    apply(rowsFor(100, 2000, 50), 2); // some revive, with new values
    apply(rowsFor(2900, 3000, 1), -1);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
  });

  it('a bulk batch (4096+ rows, all weight 1: the sort-and-merge path) then deletes', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    const input = new Multiset();
    const rows: Row[] = Array.from({ length: 5000 }, (_, i): Row => [
      i % 7 === 0 ? null : `g${i % 13}`, i % 11 === 0 ? null : (i * 37) % 101 - 50, null, [NaN, 2.5, -Infinity, i % 17][i % 4]!,
    ]);
    run(op, out, rows, rows.map(() => 1));
    for (const r of rows) input.add(r, 1);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
    // Delete every row holding a current extreme of x, in ordinary-sized batches.
    const victims = rows.filter((r) => r[1] === -50 || r[1] === 50 || r[1] === null || r[3] === -Infinity);
    run(op, out, victims, victims.map(() => -1));
    for (const r of victims) input.add(r, -1);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
  });

  it('SUM and AVG recover after a retracted NaN or Infinity (PostgreSQL recomputes from the rows left)', () => {
    // y is the SUM(double) column; only finite values remain after the deletes.
    const op = makeOperator(false);
    const out = new Multiset();
    out.addBatch(op.step(batchOf(TYPES, [], [])));
    run(op, out, [['a', 1, 2, null], ['a', 1, Infinity, null], ['a', 1, NaN, null]], [1, 1, 1]);
    run(op, out, [['a', 1, Infinity, null], ['a', 1, NaN, null]], [-1, -1]);
    const items = out.items();
    expect(items.length).toBe(1);
    expect(items[0]!.row[6]).toBe(2); // sum(y)
  });

  it('SUM of bigint-sized integers stays exact under churn', () => {
    const op = new AggregateOperator([], [], [aggCall('sum', 1, 'bigint')], []);
    const out = new Multiset();
    out.addBatch(op.step(batchOf(TYPES, [], [])));
    const big = 2147483647;
    run(op, out, [['a', big, null, null], ['a', 1, null, null]], [1000, 1]);
    run(op, out, [['a', big, null, null]], [-999]);
    expect(out.lines()).toEqual([`${big + 1}  x1`]);
  });
});
