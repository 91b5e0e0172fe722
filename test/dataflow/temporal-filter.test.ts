// TemporalFilterOperator against a naive recompute: after random input
// batches (any weights, churn within a batch) and random clock moves (forward
// by any amount, not at all, or backwards, which must not undo time), the
// accumulated output equals the accumulated input filtered by the SQL
// comparisons evaluated directly at the current time. Steps are also undone
// at random (as a failed commit does) and the run continues as if they never
// happened. Plus: state stays bounded by the rows inside the horizon.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { TemporalBound, TimeComparison } from '../../src/dataflow/temporal-filter.js';
import { TemporalFilterOperator } from '../../src/dataflow/temporal-filter.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, changeArb, resolveBatch, rowsOf } from './zset-test-helpers.js';

const TYPES: readonly SqlType[] = ['integer', 'timestamptz', 'timestamptz'];
const instant = (column: number): TemporalBound['instant'] => compileExpr({ kind: 'column', index: column, type: 'timestamptz' });

interface BoundCase {
  readonly column: number;
  readonly op: TimeComparison;
  readonly offset: number;
}

/** The SQL comparison `row[column] op now + offset`, evaluated as written (NULL: not kept). */
function holds(row: Row, b: BoundCase, now: number): boolean {
  const v = row[b.column];
  if (v === null || v === undefined) return false;
  const x = v as number;
  const rhs = now + b.offset;
  switch (b.op) {
    case 'gt':
      return x > rhs;
    case 'ge':
      return x >= rhs;
    case 'lt':
      return x < rhs;
    case 'le':
      return x <= rhs;
  }
}

function naive(input: Multiset, bounds: readonly BoundCase[], now: number): Multiset {
  const out = new Multiset();
  for (const { row, weight } of input.items()) if (bounds.every((b) => holds(row, b, now))) out.add(row, weight);
  return out;
}

// Small integer instants so rows land exactly on the boundaries often.
const tsArb = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 9, arbitrary: fc.integer({ min: 0, max: 60 }) });
const rowArb: fc.Arbitrary<Row> = fc.tuple(fc.integer({ min: 0, max: 4 }), tsArb, tsArb);
const boundArb: fc.Arbitrary<BoundCase> = fc.record({
  column: fc.constantFrom(1, 2),
  op: fc.constantFrom<TimeComparison>('gt', 'ge', 'lt', 'le'),
  offset: fc.integer({ min: -15, max: 15 }),
});
const stepArb = fc.record({
  changes: fc.array(changeArb(rowArb), { maxLength: 8 }),
  // Mostly forward, sometimes not at all, sometimes backwards (ignored).
  move: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: -10, max: -1 }) }),
  undo: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

describe('TemporalFilterOperator', () => {
  it('accumulated output equals the naive filter at the current time, with undone steps', () => {
    fc.assert(
      fc.property(fc.array(boundArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: -20, max: 40 }), fc.array(stepArb, { minLength: 1, maxLength: 25 }), (bounds, startAt, steps) => {
        const op = new TemporalFilterOperator(TYPES, bounds.map((b) => ({ instant: instant(b.column), op: b.op, offsetMicros: b.offset })), 'test');
        const input = new Multiset();
        const output = new Multiset();
        let clock = startAt;
        let time = -Infinity;
        for (const s of steps) {
          clock += s.move;
          const { rows, weights } = resolveBatch(s.changes, input);
          const batch = batchOf(TYPES, rows, weights);
          const { output: delta, undo } = op.stepAt(batch, clock);
          if (s.undo) {
            undo();
            rows.forEach((r, i) => input.add(r, -weights[i]!));
            clock -= s.move;
            continue;
          }
          time = Math.max(time, clock);
          output.addBatch(delta);
          expect(output.lines()).toEqual(naive(input, bounds, time).lines());
        }
        // A final move far ahead: everything with an end leaves, everything with a start enters.
        output.addBatch(op.stepAt(batchOf(TYPES, [], []), time + 1000).output);
        expect(output.lines()).toEqual(naive(input, bounds, time + 1000).lines());
      }),
      { seed: 4242, numRuns: 400 },
    );
  });

  it('emits nothing and changes nothing when the clock moves but no row flips', () => {
    const op = new TemporalFilterOperator(TYPES, [{ instant: instant(1), op: 'gt', offsetMicros: -100 }], 'ts > now() - 100');
    const first = op.stepAt(batchOf(TYPES, [[1, 1000, null], [2, 1050, null]], [1, 1]), 1000);
    expect(rowsOf(first.output).rows).toHaveLength(2);
    expect(op.nextChange()).toBe(1100);
    expect(op.stepAt(batchOf(TYPES, [], []), 1099).output.length).toBe(0);
    // At 1100, ts = 1000 is no longer > 1100 - 100.
    const out = rowsOf(op.stepAt(batchOf(TYPES, [], []), 1100).output);
    expect(out).toEqual({ rows: [[1, 1000, null]], weights: [-1] });
    expect(op.stateSize()).toBe(1);
  });

  it('keeps state bounded by the rows inside the horizon over 100k rows', () => {
    // ts > now() - 5 minutes, rows arriving 1 per 10 ms of event time while
    // the clock follows the stream: at most 5 min / 10 ms rows are inside.
    const horizon = 5 * 60_000_000;
    const spacing = 10_000;
    const op = new TemporalFilterOperator(TYPES, [{ instant: instant(1), op: 'gt', offsetMicros: -horizon }], 'ts > now() - 00:05:00');
    const batchSize = 1000;
    const bound = horizon / spacing + batchSize;
    const live = new Multiset();
    let maxState = 0;
    let id = 0;
    for (let b = 0; b < 100; b++) {
      const rows: Row[] = [];
      for (let i = 0; i < batchSize; i++, id++) rows.push([id, id * spacing, null]);
      const now = (id - 1) * spacing;
      live.addBatch(op.stepAt(batchOf(TYPES, rows, rows.map(() => 1)), now).output);
      maxState = Math.max(maxState, op.stateSize());
      expect(op.stateSize()).toBeLessThanOrEqual(bound);
      expect(op.stateSize()).toBe(live.size);
    }
    expect(id).toBe(100_000);
    expect(maxState).toBeGreaterThan(horizon / spacing / 2);
    // Rows inside the horizon at the end are exactly those with ts > now - 5 min.
    const now = (id - 1) * spacing;
    expect(live.size).toBe(horizon / spacing);
    for (const { row } of live.items()) expect(row[1] as number).toBeGreaterThan(now - horizon);
  });

  it('keeps no state for rows that are visible forever or never visible again', () => {
    // last_seen < now() - 60: absence. A row past its threshold is emitted and forgotten.
    const op = new TemporalFilterOperator(TYPES, [{ instant: instant(1), op: 'lt', offsetMicros: -60 }], 'last_seen < now() - 60');
    const out = rowsOf(op.stepAt(batchOf(TYPES, [[1, 0, null], [2, 100, null], [3, null, null]], [1, 1, 1]), 100).output);
    expect(out.rows).toEqual([[1, 0, null]]);
    expect(op.stateSize()).toBe(1); // row 2 enters at 161
    expect(op.nextChange()).toBe(161);
    expect(rowsOf(op.stepAt(batchOf(TYPES, [], []), 161).output).rows).toEqual([[2, 100, null]]);
    expect(op.stateSize()).toBe(0);
    // Deleting a forgotten row still retracts it: visibility is a function of the row and the time.
    expect(rowsOf(op.stepAt(batchOf(TYPES, [[1, 0, null]], [-1]), 170).output)).toEqual({ rows: [[1, 0, null]], weights: [-1] });
  });
});
