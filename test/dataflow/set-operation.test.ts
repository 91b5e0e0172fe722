// The DBSP recompute property for INTERSECT [ALL] / EXCEPT [ALL]: after every
// pair of random change batches (duplicates, NULLs, weight 0, retractions of
// rows held, rows added and removed within one batch, on both sides), the
// accumulated output equals a naive set operation over the accumulated inputs.
// The naive oracle is checked first against hand-derived cases.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { SetOperationOperator } from '../../src/dataflow/set-operation.js';
import type { SetOperationKind } from '../../src/dataflow/set-operation.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, canonRow, changeArb, multisetOf, resolveBatch } from './zset-test-helpers.js';

/** From scratch: count each side's rows by value, then apply the SQL rule per distinct row. */
function naiveSetOperation(kind: SetOperationKind, all: boolean, left: readonly Row[], right: readonly Row[]): Row[] {
  const counts = new Map<string, { row: Row; l: number; r: number }>();
  for (const row of left) {
    const e = counts.get(canonRow(row)) ?? { row, l: 0, r: 0 };
    e.l++;
    counts.set(canonRow(row), e);
  }
  for (const row of right) {
    const e = counts.get(canonRow(row)) ?? { row, l: 0, r: 0 };
    e.r++;
    counts.set(canonRow(row), e);
  }
  const out: Row[] = [];
  for (const { row, l, r } of counts.values()) {
    let times: number;
    if (kind === 'intersect') times = all ? Math.min(l, r) : l > 0 && r > 0 ? 1 : 0;
    else times = all ? Math.max(l - r, 0) : l > 0 && r === 0 ? 1 : 0;
    for (let i = 0; i < times; i++) out.push(row);
  }
  return out;
}

const one = (vs: (number | null)[]): Row[] => vs.map((v) => [v]);
const linesOf = (rows: Row[]): string[] => multisetOf(rows).lines();

describe('naive set operation oracle (hand-derived)', () => {
  it('{1,1,2,NULL} EXCEPT ALL {1,NULL} = {1,2}', () => {
    expect(linesOf(naiveSetOperation('except', true, one([1, 1, 2, null]), one([1, null])))).toEqual(linesOf(one([1, 2])));
  });
  it('{1,1,2,NULL} EXCEPT {1} = {2,NULL}', () => {
    expect(linesOf(naiveSetOperation('except', false, one([1, 1, 2, null]), one([1])))).toEqual(linesOf(one([2, null])));
  });
  it('{1,1,1,2,NULL,NULL} INTERSECT ALL {1,1,NULL,3} = {1,1,NULL}', () => {
    expect(linesOf(naiveSetOperation('intersect', true, one([1, 1, 1, 2, null, null]), one([1, 1, null, 3]))))
      .toEqual(linesOf(one([1, 1, null])));
  });
  it('{1,1,2,NULL} INTERSECT {1,NULL,NULL,3} = {1,NULL}', () => {
    expect(linesOf(naiveSetOperation('intersect', false, one([1, 1, 2, null]), one([1, null, null, 3])))).toEqual(linesOf(one([1, null])));
  });
});

const TYPES: SqlType[] = ['text', 'integer'];
// Few distinct values so both sides often hold the same rows.
const rowArb: fc.Arbitrary<Row> = fc.tuple(fc.constantFrom('a', 'b', null), fc.constantFrom(1, 2, null));
const stepsArb = fc.array(
  fc.tuple(fc.array(changeArb(rowArb), { maxLength: 8 }), fc.array(changeArb(rowArb), { maxLength: 8 })),
  { minLength: 1, maxLength: 15 },
);

function checkRecompute(kind: SetOperationKind, all: boolean, seed: number): void {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      const op = new SetOperationOperator(kind, all, TYPES);
      const left = new Multiset();
      const right = new Multiset();
      const output = new Multiset();
      steps.forEach(([l, r], step) => {
        const lb = resolveBatch(l, left);
        const rb = resolveBatch(r, right);
        output.addBatch(op.stepBinary(batchOf(TYPES, lb.rows, lb.weights), batchOf(TYPES, rb.rows, rb.weights)));
        const expected = naiveSetOperation(kind, all, left.expand(), right.expand());
        expect(output.lines(), `after step ${step}`).toEqual(multisetOf(expected).lines());
        // State stays proportional to the rows held on either side.
        const held = new Set([...left.items(), ...right.items()].map((e) => canonRow(e.row)));
        expect(op.stateSize()).toBe(held.size);
      });
    }),
    { seed, numRuns: 200 },
  );
}

describe('SetOperationOperator', () => {
  it('INTERSECT ALL: min(cL, cR)', () => checkRecompute('intersect', true, 11));
  it('INTERSECT: rows on both sides, once', () => checkRecompute('intersect', false, 12));
  it('EXCEPT ALL: max(cL - cR, 0)', () => checkRecompute('except', true, 13));
  it('EXCEPT: rows on the left only, once', () => checkRecompute('except', false, 14));

  it('emits only changes: a row added to the right of an EXCEPT ALL retracts one copy', () => {
    const op = new SetOperationOperator('except', true, ['integer']);
    const b = (vs: (number | null)[], ws: number[]) => batchOf(['integer'], one(vs), ws);
    const first = op.stepBinary(b([1, 1, 2, null], [1, 1, 1, 1]), b([1, null], [1, 1]));
    const acc = new Multiset();
    acc.addBatch(first);
    expect(acc.lines()).toEqual(linesOf(one([1, 2])));
    const second = op.stepBinary(b([], []), b([2], [1]));
    expect(second.length).toBe(1);
    expect(second.columns[0]!.values[0]).toBe(2);
    expect(second.weights[0]).toBe(-1);
    // Untouched rows produce nothing.
    expect(op.stepBinary(b([5], [0]), b([], [])).length).toBe(0);
  });

  it('releases rows whose counts both return to 0 and reuses their slots', () => {
    const op = new SetOperationOperator('intersect', true, ['integer']);
    for (let round = 0; round < 5; round++) {
      // New values every round: only recycled slots keep the store at 1000.
      const vs = Array.from({ length: 1000 }, (_, i) => round * 1000 + i);
      const b = (ws: number) => batchOf(['integer'], one(vs), vs.map(() => ws));
      op.stepBinary(b(1), b(1));
      expect(op.stateSize()).toBe(1000);
      op.stepBinary(b(-1), b(-1));
      expect(op.stateSize()).toBe(0);
    }
    expect((op as unknown as { rows: { size: number } }).rows.size).toBe(1000);
  });

  it('describe', () => {
    expect(new SetOperationOperator('except', false, ['integer']).describe()).toEqual({
      name: 'Except',
      detail: 'EXCEPT',
      state: 'per distinct row: left and right counts',
      cost: 'O(1) per changed row',
    });
  });
});
