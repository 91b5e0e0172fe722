// The window operator's cost claims, measured with its internal counters (rows
// recomputed, tree nodes touched), not a clock: on a 100k-row partition a LAG
// change recomputes O(1) rows in O(log n) tree work, a ROW_NUMBER change at the
// end of the partition recomputes one row, and balanced inserts and deletes
// recompute only the rows between them.

import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { WindowOperator } from '../../src/dataflow/window.js';
import type { WindowCall } from '../../src/dataflow/window-spec.js';
import { batchOf, rowsOf } from './zset-test-helpers.js';

// Input: k integer (order key, distinct), v integer.
const TYPES: SqlType[] = ['integer', 'integer'];
const N = 100_000;
const LOG_N = Math.log2(N);

function loaded(calls: WindowCall[]): WindowOperator {
  const op = new WindowOperator(TYPES, [], [{ column: 0, descending: false, nullsFirst: false }], calls);
  // Even keys 0, 2, ..., so odd keys insert between two rows.
  const rows = Array.from({ length: N }, (_, i) => [2 * i, i % 97]);
  op.step(batchOf(TYPES, rows, rows.map(() => 1)));
  return op;
}

/** Runs one change and reports the work it took and the output rows it emitted. */
function measure(op: WindowOperator, rows: number[][], weights: number[]): { evaluated: number; treeWork: number; out: number } {
  const e0 = op.rowsEvaluated;
  const w0 = op.treeWork;
  const out = op.step(batchOf(TYPES, rows, weights));
  return { evaluated: op.rowsEvaluated - e0, treeWork: op.treeWork - w0, out: out.length };
}

describe('WindowOperator work per change on a 100k-row partition', () => {
  describe('LAG', () => {
    let op: WindowOperator;
    beforeAll(() => {
      op = loaded([{ fn: 'lag', arg: 1 }]);
    });

    it('an insert in the middle recomputes the new row and its successor in O(log n) tree work', () => {
      const m = measure(op, [[50_001, 7]], [1]);
      expect(m.evaluated).toBe(2);
      // The new row's output, and -old +new for the row after it.
      expect(m.out).toBe(3);
      expect(m.treeWork).toBeLessThan(40 * LOG_N);
    });

    it('a delete recomputes only the successor', () => {
      const m = measure(op, [[50_001, 7]], [-1]);
      expect(m.evaluated).toBe(1);
      expect(m.out).toBe(3);
      expect(m.treeWork).toBeLessThan(40 * LOG_N);
    });

    it('an update of a value (-old +new) recomputes the row and its successor', () => {
      const m = measure(op, [[20_000, 10_000 % 97], [20_000, 5]], [-1, 1]);
      expect(m.evaluated).toBeLessThanOrEqual(2);
      expect(m.out).toBe(4);
      expect(m.treeWork).toBeLessThan(60 * LOG_N);
    });
  });

  describe('ROW_NUMBER', () => {
    let op: WindowOperator;
    beforeAll(() => {
      op = loaded([{ fn: 'row_number', arg: null }]);
    });

    it('an insert at the end of the partition recomputes one row', () => {
      const m = measure(op, [[2 * N + 1, 0]], [1]);
      expect(m.evaluated).toBe(1);
      expect(m.out).toBe(1);
      expect(m.treeWork).toBeLessThan(40 * LOG_N);
    });

    it('a delete at the end recomputes nothing and retracts one row', () => {
      const m = measure(op, [[2 * N + 1, 0]], [-1]);
      expect(m.evaluated).toBe(0);
      expect(m.out).toBe(1);
    });

    it('an insert and a delete 10 rows apart recompute only the rows between them', () => {
      const m = measure(op, [[1001, 0], [1020, 510 % 97]], [1, -1]);
      // The new row, then rows 1002..1018 (even keys) shifted by one; rows after 1020 keep their numbers.
      expect(m.evaluated).toBe(10);
      expect(m.out).toBe(1 + 1 + 2 * 9);
      const back = measure(op, [[1001, 0], [1020, 510 % 97]], [-1, 1]);
      expect(back.evaluated).toBe(10);
    });

    it('an insert at the start changes every row: that work is the output itself', () => {
      const m = measure(op, [[-1, 0]], [1]);
      expect(m.evaluated).toBe(N + 1);
      expect(m.out).toBe(1 + 2 * N);
    });
  });

  it('SUM over ROWS 2 PRECEDING recomputes the 3 rows whose frames hold the change', () => {
    const op = loaded([{ fn: 'sum', arg: 1, frame: { mode: 'rows', start: { kind: 'preceding', offset: 2 }, end: { kind: 'current_row' } } }]);
    const m = measure(op, [[60_001, 3]], [1]);
    expect(m.evaluated).toBe(3);
    expect(m.treeWork).toBeLessThan(60 * LOG_N);
    const { rows } = rowsOf(op.step(batchOf(TYPES, [[60_003, 1]], [1])));
    // The new row's frame: 60_001 (3), 60_002 (v = 30_001 % 97) and itself (1).
    expect(rows.find((r) => r[0] === 60_003)).toEqual([60_003, 1, (30_001 % 97) + 3 + 1]);
  });

  it('EXPLAIN names the state and the cost of each call', () => {
    const op = new WindowOperator(TYPES, [1], [{ column: 0, descending: true, nullsFirst: true }], [
      { fn: 'lag', arg: 1, label: 'lag(v)' },
      { fn: 'row_number', arg: null, label: 'row_number()' },
      { fn: 'sum', arg: 1, label: 'sum(v)', frame: { mode: 'rows', start: { kind: 'preceding', offset: 3 }, end: { kind: 'current_row' } } },
    ], ['k', 'v']);
    const info = op.describe();
    expect(info.name).toBe('Window');
    expect(info.detail).toBe('lag(v), row_number(), sum(v) ROWS BETWEEN 3 PRECEDING AND CURRENT ROW OVER (PARTITION BY v ORDER BY k DESC NULLS FIRST)');
    expect(info.state).toMatch(/order-statistic treap/);
    expect(info.cost).toMatch(/lag\(v\): O\(log n\) per changed row/);
    expect(info.cost).toMatch(/row_number\(\): O\(log n\) per change/);
    expect(info.cost).toMatch(/sum\(v\): .*at most the frame width/);
  });
});
