// The DBSP recompute property for the newer aggregates in AggregateOperator:
// bool_and/bool_or, string_agg (by value, by another key DESC with NULL keys,
// DISTINCT), percentile_cont/disc (ASC and DESC, integer and text) and FILTER
// (WHERE ...) on count(*), sum and string_agg, grouped and global, under random
// change batches with retractions and weights other than ±1. The oracle is a
// naive from-scratch GROUP BY written here from PostgreSQL's definitions.

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

// Input: k text (group key), x integer, b boolean, s text, o integer (a sort key with NULLs).
const TYPES: SqlType[] = ['text', 'integer', 'boolean', 'text', 'integer'];
const column = (index: number): BoundExpr => ({ kind: 'column', index, type: TYPES[index]! });
/** x > 2 */
const X_GT_2: BoundExpr = { kind: 'call', fn: 'gt', args: [column(1), { kind: 'const', value: 2, type: 'integer' }], type: 'boolean' };

function call(fn: AggregateCall['fn'], index: number | null, resultType: SqlType, extra: Partial<AggregateCall> = {}): AggregateCall {
  return {
    fn,
    arg: index === null ? null : compileExpr(column(index)),
    argType: index === null ? null : TYPES[index]!,
    resultType,
    label: `${fn}(${index ?? '*'})`,
    argKey: `#${index ?? '*'}${extra.filter === undefined ? '' : ' filtered'}`,
    ...extra,
  };
}

const CALLS: AggregateCall[] = [
  call('bool_and', 2, 'boolean'),
  call('bool_or', 2, 'boolean'),
  call('string_agg', 3, 'text', { param: ',' }),
  call('string_agg', 3, 'text', { param: '|', orderKey: compileExpr(column(4)), orderKeyType: 'integer', descending: true, nullsFirst: true }),
  call('string_agg', 3, 'text', { param: '', distinct: true }),
  call('percentile_cont', 1, 'double', { param: 0.5 }),
  call('percentile_cont', 1, 'double', { param: 0.25, descending: true }),
  call('percentile_disc', 1, 'integer', { param: 0.7 }),
  call('percentile_disc', 3, 'text', { param: 0, descending: true }),
  call('percentile_disc', 1, 'integer', { param: 1 }),
  call('count_star', null, 'bigint', { filter: compileExpr(X_GT_2) }),
  call('sum', 1, 'bigint', { filter: compileExpr(X_GT_2) }),
  call('string_agg', 3, 'text', { param: ',', filter: compileExpr(column(2)) }),
];

const byValue = (a: Scalar, b: Scalar): number =>
  typeof a === 'string' ? (a < (b as string) ? -1 : a > (b as string) ? 1 : 0) : (a as number) - (b as number);

function percentileCont(values: number[], f: number, desc: boolean): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (desc ? b - a : a - b));
  const pos = f * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function percentileDisc<T extends Scalar>(values: T[], f: number, desc: boolean): T | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => byValue(a, b) * (desc ? -1 : 1));
  return sorted[Math.max(Math.ceil(f * sorted.length), 1) - 1]!;
}

/** The naive aggregates of one group's rows (each row once per multiplicity). */
function naiveAggregates(rows: readonly Row[]): Scalar[] {
  const bs = rows.map((r) => r[2]).filter((v): v is boolean => v !== null);
  const withS = rows.filter((r) => r[3] !== null);
  const ss = withS.map((r) => r[3] as string);
  const xs = rows.map((r) => r[1]).filter((v): v is number => v !== null);
  // ORDER BY o DESC NULLS FIRST, ties by s descending (the operator's documented tie order).
  const byO = [...withS].sort((p, q) => {
    const a = p[4];
    const b = q[4];
    if (a !== b) {
      if (a === null) return -1;
      if (b === null) return 1;
      return (b as number) - (a as number);
    }
    return -byValue(p[3]!, q[3]!);
  });
  const filtered = rows.filter((r) => r[1] !== null && (r[1] as number) > 2);
  const onTrue = rows.filter((r) => r[2] === true && r[3] !== null).map((r) => r[3] as string);
  const join = (vs: string[], d: string): string | null => (vs.length === 0 ? null : vs.join(d));
  return [
    bs.length === 0 ? null : bs.every((b) => b),
    bs.length === 0 ? null : bs.some((b) => b),
    join([...ss].sort(byValue), ','),
    join(byO.map((r) => r[3] as string), '|'),
    join([...new Set(ss)].sort(byValue), ''),
    percentileCont(xs, 0.5, false),
    percentileCont(xs, 0.25, true),
    percentileDisc(xs, 0.7, false),
    percentileDisc(ss, 0, true),
    percentileDisc(xs, 1, false),
    filtered.length,
    filtered.length === 0 ? null : filtered.reduce((a, r) => a + (r[1] as number), 0),
    join(onTrue.sort(byValue), ','),
  ];
}

const naiveGroupBy = (input: Row[], grouped: boolean): Row[] => naiveGroupByFirst(input, grouped, naiveAggregates);

const makeOperator = (grouped: boolean): AggregateOperator => groupByFirstOperator(grouped, CALLS);

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.constantFrom('a', 'b', 'c', null),
  fc.oneof(fc.integer({ min: -4, max: 9 }), fc.constant(null)),
  fc.constantFrom(true, false, null),
  fc.oneof(fc.constantFrom('p', 'q', 'r', 'é', 'zz', ''), fc.constant(null)),
  fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null)),
);

const recomputeCase = { types: TYPES, rowArb, makeOperator, naive: naiveGroupBy };

describe('AggregateOperator recompute property: bool, string_agg, percentiles, FILTER', () => {
  it('grouped by k', () => checkAggregateRecompute(recomputeCase, true, 21, 150, 12));
  it('global: always exactly one row (count 0 and NULLs when empty)', () => checkAggregateRecompute(recomputeCase, false, 22, 150, 12));
  it('grouped, few larger batches', () => checkAggregateRecompute(recomputeCase, true, 23, 40, 40));
});

describe('targeted cases', () => {
  it('thousands of groups vanishing and reappearing (store compaction) keep the right percentile and string_agg state', () => {
    const op = makeOperator(true);
    const out = new Multiset();
    const input = new Multiset();
    const rowsFor = (from: number, to: number, x: number): Row[] =>
      Array.from({ length: to - from }, (_, j): Row => {
        const i = from + j;
        return [`g${i}`, x + (i % 9), i % 2 === 0, `s${i % 5}`, i % 3 === 0 ? null : i % 4];
      });
    const apply = (rows: Row[], w: number): void => {
      out.addBatch(op.step(batchOf(TYPES, rows, rows.map(() => w))));
      for (const r of rows) input.add(r, w);
    };
    apply(rowsFor(0, 3000, 1), 1);
    apply(rowsFor(0, 3000, 4), 1);
    apply(rowsFor(0, 2600, 1), -1);
    apply(rowsFor(0, 2600, 4), -1);
    apply(rowsFor(100, 2000, 50), 2);
    apply(rowsFor(2900, 3000, 1), -1);
    expect(out.lines()).toEqual(multisetOf(naiveGroupBy(input.expand(), true)).lines());
  });

  it('a FILTER that is NULL or FALSE keeps the row out; count(*) FILTER of an empty global group is 0', () => {
    const op = new AggregateOperator([], [], [call('count_star', null, 'bigint', { filter: compileExpr(column(2)) })], []);
    const out = new Multiset();
    out.addBatch(op.step(batchOf(TYPES, [], [])));
    expect(out.lines()).toEqual(['0  x1']);
    out.addBatch(op.step(batchOf(TYPES, [['a', 1, null, null, null], ['a', 1, false, null, null], ['a', 1, true, null, null]], [1, 1, 2])));
    expect(out.lines()).toEqual(['2  x1']);
  });
});
