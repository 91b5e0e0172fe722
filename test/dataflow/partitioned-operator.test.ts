// The operator contract of an operator in parts (--state-memory), here a
// grouped aggregate:
// when the step of one part fails, the parts stepped before it are restored,
// so a failed commit leaves the state as it was. The aggregate's argument
// here is a kernel that fails on a poison value, so the error comes from
// inside one part's aggregate; the accumulated output is checked against a
// recomputation of max(x) per key from the rows accepted so far.

import { afterAll, describe, expect, test } from 'vitest';
import { EngineError, SqlState } from '../../src/common/errors.js';
import type { Column } from '../../src/columnar/column.js';
import { AggregateOperator } from '../../src/dataflow/aggregate.js';
import { PartitionedOperator } from '../../src/dataflow/partitioned-operator.js';
import type { Kernel } from '../../src/expr/compile-expr.js';
import { StateBudget } from '../../src/storage/state-spill.js';
import { Multiset, batchOf } from './zset-test-helpers.js';

const POISON = 99_999;

const key: Kernel = (input) => input.column(0);
/** x itself, failing (like a division by zero) when any row holds POISON. */
const checkedX: Kernel = (input) => {
  const col: Column = input.column(1);
  const values = col.values as Int32Array;
  for (let i = 0; i < col.length; i++) if (values[i] === POISON) throw new EngineError(SqlState.divisionByZero, 'poison value');
  return col;
};

const budget = new StateBudget(2048, null);
afterAll(() => budget.close());

function makeAggregate(): AggregateOperator {
  return new AggregateOperator([key], ['integer'], [{ fn: 'max', arg: checkedX, argType: 'integer', resultType: 'integer', label: 'max(x)', argKey: 'x', distinct: false }], ['k']);
}

describe('PartitionedOperator', () => {
  test('a failure in one part restores the parts stepped before it', () => {
    const op = new PartitionedOperator(makeAggregate, [key], budget);
    const output = new Multiset();
    const accepted: [number, number][] = [];
    const insert = (rows: [number, number][]): void => {
      output.addBatch(op.step(batchOf(['integer', 'integer'], rows, rows.map(() => 1))));
      accepted.push(...rows);
    };
    for (let round = 0; round < 5; round++) insert(Array.from({ length: 300 }, (_, k) => [k, round * 10 + (k % 7)] as [number, number]));
    expect(op.stateMemory().coldParts).toBeGreaterThan(2);

    // Every key gets a row, two of them poison: parts step before the failing one (undo or not, the check below tells).
    const rows = Array.from({ length: 300 }, (_, k) => [k, 1000 + k] as [number, number]);
    rows[299] = [299, POISON];
    rows[0] = [0, POISON];
    expect(() => op.step(batchOf(['integer', 'integer'], rows, rows.map(() => 1)))).toThrow(EngineError);

    // Rows over every key again: a part that kept the failed rows would report their larger x.
    insert(Array.from({ length: 300 }, (_, k) => [k, 500 + k] as [number, number]));
    const expected = new Map<number, number>();
    for (const [k, x] of accepted) expected.set(k, Math.max(expected.get(k) ?? -Infinity, x));
    expect(output.lines()).toEqual([...expected].map(([k, x]) => `${k} | ${x}  x1`).sort());
    expect(budget.status().spills).toBeGreaterThan(0);
    expect(budget.status().loads).toBeGreaterThan(0);
  });
});
