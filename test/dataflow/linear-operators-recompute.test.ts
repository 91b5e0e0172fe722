// The DBSP recompute property for the linear operators: for any sequence of
// change batches (repeated rows, weights other than ±1 and 0, retractions,
// rows added and removed within one batch), the accumulated outputs of
// FilterOperator and ProjectOperator equal a naive JS filter/map of the
// accumulated input, after every batch.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import { FilterOperator } from '../../src/dataflow/filter.js';
import { ProjectOperator } from '../../src/dataflow/project.js';
import type { Operator } from '../../src/dataflow/operator.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, changeArb, multisetOf, resolveBatch } from './zset-test-helpers.js';

const TYPES: SqlType[] = ['text', 'integer', 'double'];
const K: BoundExpr = { kind: 'column', index: 0, type: 'text' };
const X: BoundExpr = { kind: 'column', index: 1, type: 'integer' };
const Y: BoundExpr = { kind: 'column', index: 2, type: 'double' };
const int = (v: number): BoundExpr => ({ kind: 'const', value: v, type: 'integer' });
const fn = (name: string, args: BoundExpr[], type: SqlType): BoundExpr => ({ kind: 'call', fn: name, args, type });

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.constantFrom('a', 'b', 'c', null),
  fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constant(null)),
  fc.constantFrom(0.5, -1.25, 3, null),
);
const batchesArb = fc.array(fc.array(changeArb(rowArb), { maxLength: 12 }), { minLength: 1, maxLength: 12 });

/** Runs the property: `naive` maps the accumulated input to the expected output. */
function checkRecompute(makeOp: () => Operator, naive: (input: Row[]) => Row[], seed: number): void {
  fc.assert(
    fc.property(batchesArb, (batches) => {
      const op = makeOp();
      const input = new Multiset();
      const output = new Multiset();
      for (const changes of batches) {
        const { rows, weights } = resolveBatch(changes, input);
        output.addBatch(op.step(batchOf(TYPES, rows, weights)));
        expect(output.lines()).toEqual(multisetOf(naive(input.expand())).lines());
      }
    }),
    { seed, numRuns: 150 },
  );
}

describe('FilterOperator', () => {
  it('x > 2: NULL and FALSE rows are dropped', () => {
    const pred = compileExpr(fn('gt', [X, int(2)], 'boolean'));
    checkRecompute(
      () => new FilterOperator(TYPES, pred, 'x > 2'),
      (rows) => rows.filter((r) => r[1] !== null && (r[1] as number) > 2),
      1,
    );
  });

  it("x % 2 = 0 OR k = 'a': three-valued OR keeps TRUE only", () => {
    const pred = compileExpr(fn('or', [
      fn('eq', [fn('mod', [X, int(2)], 'integer'), int(0)], 'boolean'),
      fn('eq', [K, { kind: 'const', value: 'a', type: 'text' }], 'boolean'),
    ], 'boolean'));
    checkRecompute(
      () => new FilterOperator(TYPES, pred, 'x % 2 = 0 OR k = a'),
      (rows) => rows.filter((r) => (r[1] !== null && (r[1] as number) % 2 === 0) || r[0] === 'a'),
      2,
    );
  });

  it('keeps weights (including 0 and >1) of the rows that pass, unchanged', () => {
    const op = new FilterOperator(TYPES, compileExpr(fn('gt', [X, int(0)], 'boolean')), 'x > 0');
    const out = op.step(batchOf(TYPES, [['a', 1, null], ['b', -1, null], ['c', 2, 1], ['d', 3, 0]], [5, 7, 0, -2]));
    expect(out.length).toBe(3);
    expect(Array.from(out.weights)).toEqual([5, 0, -2]);
  });
});

describe('ProjectOperator', () => {
  it('(k, x % 3, y IS NULL): distinct inputs collapse onto equal outputs', () => {
    const kernels = [K, fn('mod', [X, int(3)], 'integer'), fn('is_null', [Y], 'boolean')].map(compileExpr);
    checkRecompute(
      () => new ProjectOperator(['text', 'integer', 'boolean'], kernels, 'k, x % 3, y IS NULL'),
      (rows) => rows.map((r) => [r[0]!, r[1] === null ? null : (r[1] as number) % 3 === 0 ? 0 : (r[1] as number) % 3, r[2] === null]),
      3,
    );
  });

  it('(y * 2 + x, upper(k)) with NULL propagation', () => {
    const kernels = [
      fn('add', [fn('mul', [Y, { kind: 'const', value: 2, type: 'double' }], 'double'), { kind: 'call', fn: 'cast', args: [X], type: 'double' }], 'double'),
      fn('upper', [K], 'text'),
    ].map(compileExpr);
    checkRecompute(
      () => new ProjectOperator(['double', 'text'], kernels, 'y * 2 + x, upper(k)'),
      (rows) => rows.map((r) => [
        r[1] === null || r[2] === null ? null : (r[2] as number) * 2 + (r[1] as number),
        r[0] === null ? null : (r[0] as string).toUpperCase(),
      ]),
      4,
    );
  });
});
