// The DBSP recompute property for JoinOperator: for random delta sequences on
// both inputs (duplicates, weights 0 and >1, rows added and removed within a
// batch, NULL keys), the accumulated output equals a naive nested-loop join of
// the accumulated inputs, written here from the SQL definition: inner pairs
// where the keys are equal (NULL never equal, unless the key is IS NOT
// DISTINCT FROM) and the residual is TRUE, plus each outer row that has no
// such pair, extended with NULLs. Self-joins feed one delta to both sides.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import type { JoinKind } from '../../src/dataflow/join.js';
import { JoinOperator } from '../../src/dataflow/join.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, changeArb, multisetOf, resolveBatch } from './zset-test-helpers.js';

// Left (k integer, a text), right (k integer, b double).
const LT: SqlType[] = ['integer', 'text'];
const RT: SqlType[] = ['integer', 'double'];
const col = (index: number, type: SqlType): BoundExpr => ({ kind: 'column', index, type });

const leftArb: fc.Arbitrary<Row> = fc.tuple(fc.constantFrom(1, 2, 3, null), fc.constantFrom('x', 'y', null));
const rightArb: fc.Arbitrary<Row> = fc.tuple(fc.constantFrom(1, 2, 4, null), fc.constantFrom(0.5, 2, -1, null));

interface Variant {
  readonly kind: JoinKind;
  /** Equality keys, or none (a cross join, possibly with a residual). */
  readonly keyed: boolean;
  readonly nullSafe: boolean;
  /** Residual `b > 0` (over the concatenated row: b is column 3). */
  readonly residual: boolean;
}

function makeJoin(v: Variant): JoinOperator {
  const residual: BoundExpr = { kind: 'call', fn: 'gt', args: [col(3, 'double'), { kind: 'const', value: 0, type: 'double' }], type: 'boolean' };
  return new JoinOperator({
    kind: v.kind,
    leftTypes: LT,
    rightTypes: RT,
    leftKeys: v.keyed ? [compileExpr(col(0, 'integer'))] : [],
    rightKeys: v.keyed ? [compileExpr(col(0, 'integer'))] : [],
    keyTypes: v.keyed ? ['integer'] : [],
    nullSafe: v.keyed ? [v.nullSafe] : [],
    residual: v.residual ? compileExpr(residual) : null,
    detail: 'test',
  });
}

/** The join from its definition, over expanded (multiplicity-repeated) rows. */
function naiveJoin(v: Variant, left: Row[], right: Row[]): Row[] {
  const keysMatch = (l: Row, r: Row): boolean => {
    if (!v.keyed) return true;
    if (l[0] === null || r[0] === null) return v.nullSafe && l[0] === null && r[0] === null;
    return l[0] === r[0];
  };
  const residualTrue = (r: Row): boolean => !v.residual || (r[1] !== null && (r[1] as number) > 0);
  const matches = (l: Row, r: Row): boolean => keysMatch(l, r) && residualTrue(r);
  const out: Row[] = [];
  for (const l of left) for (const r of right) if (matches(l, r)) out.push([...l, ...r]);
  if (v.kind === 'left' || v.kind === 'full') {
    for (const l of left) if (!right.some((r) => matches(l, r))) out.push([...l, null, null]);
  }
  if (v.kind === 'right' || v.kind === 'full') {
    for (const r of right) if (!left.some((l) => matches(l, r))) out.push([null, null, ...r]);
  }
  return out;
}

const variants: Variant[] = [];
for (const kind of ['inner', 'left', 'right', 'full'] as const) {
  for (const residual of [false, true]) {
    variants.push({ kind, keyed: true, nullSafe: false, residual });
  }
  variants.push({ kind, keyed: true, nullSafe: true, residual: false });
  variants.push({ kind, keyed: false, nullSafe: false, residual: true });
}

const sideBatches = (arb: fc.Arbitrary<Row>) => fc.array(changeArb(arb), { maxLength: 6 });

describe('JoinOperator: accumulated output equals the join of the accumulated inputs', () => {
  for (const v of variants) {
    const name = `${v.kind}${v.keyed ? (v.nullSafe ? ' on k IS NOT DISTINCT FROM k' : ' on k = k') : ' (no key)'}${v.residual ? ' and b > 0' : ''}`;
    it(name, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(sideBatches(leftArb), sideBatches(rightArb)), { minLength: 1, maxLength: 10 }), (steps) => {
          const op = makeJoin(v);
          const left = new Multiset();
          const right = new Multiset();
          const output = new Multiset();
          steps.forEach(([lc, rc], i) => {
            const l = resolveBatch(lc, left);
            const r = resolveBatch(rc, right);
            output.addBatch(op.stepBinary(batchOf(LT, l.rows, l.weights), batchOf(RT, r.rows, r.weights)));
            expect(output.lines(), `after step ${i}`).toEqual(multisetOf(naiveJoin(v, left.expand(), right.expand())).lines());
          });
        }),
        { seed: 7, numRuns: 120 },
      );
    });
  }

  it('self-join: one relation on both sides, its delta arriving on both at once', () => {
    // Same-typed sides: (k integer, b double) joined with itself on k, residual b > 0 on the right copy.
    const v: Variant = { kind: 'full', keyed: true, nullSafe: false, residual: true };
    fc.assert(
      fc.property(fc.array(sideBatches(rightArb), { minLength: 1, maxLength: 10 }), (steps) => {
        const op = new JoinOperator({
          kind: 'full',
          leftTypes: RT,
          rightTypes: RT,
          leftKeys: [compileExpr(col(0, 'integer'))],
          rightKeys: [compileExpr(col(0, 'integer'))],
          keyTypes: ['integer'],
          nullSafe: [false],
          residual: compileExpr({ kind: 'call', fn: 'gt', args: [col(3, 'double'), { kind: 'const', value: 0, type: 'double' }], type: 'boolean' }),
          detail: 'self',
        });
        const state = new Multiset();
        const output = new Multiset();
        steps.forEach((changes, i) => {
          const d = resolveBatch(changes, state);
          const batch = batchOf(RT, d.rows, d.weights);
          output.addBatch(op.stepBinary(batch, batch));
          const rows = state.expand();
          expect(output.lines(), `after step ${i}`).toEqual(multisetOf(naiveJoin(v, rows, rows)).lines());
        });
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it('a residual that fails leaves the state untouched', () => {
    // 1 / (b - 2) fails with division by zero for b = 2 (integer division on an integer column).
    const types: SqlType[] = ['integer', 'integer'];
    const div: BoundExpr = {
      kind: 'call',
      fn: 'gt',
      args: [{ kind: 'call', fn: 'div', args: [{ kind: 'const', value: 1, type: 'integer' }, { kind: 'call', fn: 'sub', args: [col(3, 'integer'), { kind: 'const', value: 2, type: 'integer' }], type: 'integer' }], type: 'integer' }, { kind: 'const', value: -5, type: 'integer' }],
      type: 'boolean',
    };
    const op = new JoinOperator({
      kind: 'left', leftTypes: types, rightTypes: types,
      leftKeys: [compileExpr(col(0, 'integer'))], rightKeys: [compileExpr(col(0, 'integer'))], keyTypes: ['integer'], nullSafe: [false],
      residual: compileExpr(div), detail: 'div',
    });
    const out = new Multiset();
    out.addBatch(op.stepBinary(batchOf(types, [[1, 0]], [1]), batchOf(types, [[1, 5]], [1])));
    expect(() => op.stepBinary(batchOf(types, [[1, 1]], [1]), batchOf(types, [[1, 2]], [1]))).toThrow(/division by zero/);
    expect(op.stateSize()).toBe(2);
    // State unchanged: deleting the right row restores the null-extended left row.
    out.addBatch(op.stepBinary(batchOf(types, [], []), batchOf(types, [[1, 5]], [-1])));
    expect(out.lines()).toEqual(multisetOf([[1, 0, null, null]]).lines());
  });
});
