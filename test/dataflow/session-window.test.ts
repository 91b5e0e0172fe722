// SessionWindowOperator against a naive recompute: after every random change
// batch (consistent retractions, or raw weights of any sign, repeats and 0),
// the accumulated output equals the sessions of the accumulated input computed
// from scratch (sort each partition's distinct live timestamps, cut where
// neighbours are gap or more apart). Steps are undone at random by replaying
// the negated input, as the scheduler does. Plus cost checks: a change touches
// its sessions' rows, not the partition's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { ZBatch } from '../../src/columnar/z-batch.js';
import { negateBatch } from '../../src/columnar/z-batch.js';
import { SessionWindowOperator } from '../../src/dataflow/session-window.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, canonRow, changeArb, resolveBatch, rowsOf } from './zset-test-helpers.js';

// Columns: partition key k, event time ts (µs), payload v.
const TYPES: readonly SqlType[] = ['integer', 'timestamp', 'integer'];
const MINUTE = 60_000_000;
const GAP = 5 * MINUTE;

// ---- The oracle: written independently of the operator. ----

/** Sessions of the accumulated input: every live row with a ts, extended by its session's [start, end]. */
function naiveSessions(input: Multiset, partitionBy: readonly number[], gap: number): Multiset {
  const groups = new Map<string, { row: Row; weight: number }[]>();
  for (const e of input.items()) {
    if (e.row[1] === null) continue;
    const key = canonRow(partitionBy.map((c) => e.row[c]!));
    const g = groups.get(key) ?? [];
    g.push(e);
    groups.set(key, g);
  }
  const out = new Multiset();
  for (const g of groups.values()) {
    const times = [...new Set(g.map((e) => e.row[1] as number))].sort((a, b) => a - b);
    // session id per distinct time, then each session's first and last time.
    const sessionOf = new Map<number, number>();
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (i === 0 || t - times[i - 1]! >= gap) {
        firsts.push(t);
        lasts.push(t);
      }
      lasts[lasts.length - 1] = t;
      sessionOf.set(t, firsts.length - 1);
    }
    for (const e of g) {
      const id = sessionOf.get(e.row[1] as number)!;
      out.add([...e.row, firsts[id]!, lasts[id]! + gap], e.weight);
    }
  }
  return out;
}

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }).map((m) => m * MINUTE) }),
  fc.integer({ min: 0, max: 2 }),
);

interface Run {
  readonly partitioned: boolean;
  readonly batches: readonly { readonly batch: ZBatch; readonly undo: boolean }[];
}

/** Feeds the batches in order, accumulating the input as it goes, and checks the output after each. */
function checkIncremental(run: Run): void {
  const partitionBy = run.partitioned ? [0] : [];
  const op = new SessionWindowOperator(TYPES, { tsColumn: 1, partitionBy, gap: GAP }, 'test');
  const input = new Multiset();
  const output = new Multiset();
  for (const { batch, undo } of run.batches) {
    const { rows, weights } = rowsOf(batch);
    rows.forEach((r, i) => input.add(r, weights[i]!));
    const before = output.lines();
    output.addBatch(op.step(batch));
    if (undo) {
      // A failed commit: the negated input must take the output back exactly.
      output.addBatch(op.step(negateBatch(batch)));
      expect(output.lines()).toEqual(before);
      rows.forEach((r, i) => input.add(r, -weights[i]!));
    }
    expect(output.lines()).toEqual(naiveSessions(input, partitionBy, GAP).lines());
  }
}

describe('SessionWindowOperator equals sessions recomputed from scratch', () => {
  it('consistent changes (retractions of held rows, churn within a batch)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.array(changeArb(rowArb), { maxLength: 12 }), fc.nat(9)), { minLength: 1, maxLength: 12 }), (partitioned, plan) => {
        // resolveBatch resolves deletes against the input so far; an undone batch is
        // resolved again as if it had not happened.
        const state = new Multiset();
        const batches = plan.map(([changes, roll]) => {
          const { rows, weights } = resolveBatch(changes, state);
          const undo = roll === 0;
          if (undo) rows.forEach((r, i) => state.add(r, -weights[i]!));
          return { batch: batchOf(TYPES, rows, weights), undo };
        });
        checkIncremental({ partitioned, batches });
      }),
      { seed: 4_2024, numRuns: 300 },
    );
  });

  it('raw weights of any sign, zero weights and repeats', () => {
    const entryArb = fc.tuple(rowArb, fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.array(entryArb, { maxLength: 10 }), fc.nat(9)), { minLength: 1, maxLength: 12 }), (partitioned, plan) => {
        const batches = plan.map(([entries, roll]) => ({
          batch: batchOf(TYPES, entries.map((e) => e[0]), entries.map((e) => e[1])),
          undo: roll === 0,
        }));
        checkIncremental({ partitioned, batches });
      }),
      { seed: 7_2024, numRuns: 300 },
    );
  });
});

describe('SessionWindowOperator, by hand', () => {
  const at = (minutes: number): number => minutes * MINUTE;
  const lines = (batch: ZBatch): string[] => {
    const { rows, weights } = rowsOf(batch);
    return rows.map((r, i) => `${r[2]} [${(r[3] as number) / MINUTE}, ${(r[4] as number) / MINUTE}) x${weights[i]}`).sort();
  };

  it('merges two sessions when a row closes the gap, splits them when it goes, and cuts at exactly gap', () => {
    const op = new SessionWindowOperator(TYPES, { tsColumn: 1, partitionBy: [], gap: GAP }, 'test');
    // v doubles as a row label. 0 and 3 are 3 apart (one session), 10 is 7 after 3.
    expect(lines(op.step(batchOf(TYPES, [[1, at(0), 0], [1, at(3), 1], [1, at(10), 2]], [1, 1, 1])))).toEqual(
      ['0 [0, 8) x1', '1 [0, 8) x1', '2 [10, 15) x1'],
    );
    // 7 is within 5 of both 3 and 10: everything is one session now.
    expect(lines(op.step(batchOf(TYPES, [[1, at(7), 0]], [1])))).toEqual(
      ['0 [0, 15) x1', '0 [0, 8) x-1', '0 [0, 15) x1', '1 [0, 15) x1', '1 [0, 8) x-1', '2 [0, 15) x1', '2 [10, 15) x-1'].sort(),
    );
    // Removing it splits the session again.
    expect(lines(op.step(batchOf(TYPES, [[1, at(7), 0]], [-1])))).toEqual(
      ['0 [0, 15) x-1', '0 [0, 15) x-1', '0 [0, 8) x1', '1 [0, 15) x-1', '1 [0, 8) x1', '2 [0, 15) x-1', '2 [10, 15) x1'].sort(),
    );
    // 15 is exactly gap after 10: a session of its own, and 10's session keeps its end.
    expect(lines(op.step(batchOf(TYPES, [[1, at(15), 3]], [1])))).toEqual(['3 [15, 20) x1']);
    // A second copy of an inner row moves no bounds: only its own weight changes.
    expect(lines(op.step(batchOf(TYPES, [[1, at(3), 1]], [2])))).toEqual(['1 [0, 8) x2']);
  });

  it('drops rows without a timestamp and keeps partitions apart (NULL keys form one partition)', () => {
    const op = new SessionWindowOperator(TYPES, { tsColumn: 1, partitionBy: [0], gap: GAP }, 'test');
    const out = op.step(batchOf(TYPES, [[1, at(0), 0], [2, at(2), 1], [null, at(4), 2], [null, at(6), 3], [1, null, 4]], [1, 1, 1, 1, 1]));
    expect(lines(out)).toEqual(['0 [0, 5) x1', '1 [2, 7) x1', '2 [4, 11) x1', '3 [4, 11) x1']);
    expect(op.stateSize()).toBe(4);
  });
});

describe('SessionWindowOperator cost', () => {
  // 10,000 sessions of three rows each, 10 minutes apart, in one partition.
  const SESSIONS = 10_000;
  const build = (): SessionWindowOperator => {
    const op = new SessionWindowOperator(TYPES, { tsColumn: 1, partitionBy: [], gap: GAP }, 'test');
    const rows: Row[] = [];
    for (let i = 0; i < SESSIONS; i++) for (let j = 0; j < 3; j++) rows.push([1, (i * 10 + j) * MINUTE, j]);
    const out = op.step(batchOf(TYPES, rows, rows.map(() => 1)));
    expect(out.length).toBe(3 * SESSIONS);
    return op;
  };

  it('a change touches the rows of its sessions, not the partition', () => {
    const op = build();
    const mid = SESSIONS / 2;
    let work = op.work;
    // A row inside a session: no bounds move.
    const inner = op.step(batchOf(TYPES, [[1, (mid * 10 + 1) * MINUTE, 9]], [1]));
    expect(inner.length).toBe(1);
    expect(op.work - work).toBeLessThan(200);
    work = op.work;
    // A row 4 minutes after one session's last row and 4 before the next one's first: they merge.
    const merge = op.step(batchOf(TYPES, [[1, (mid * 10 + 6) * MINUTE, 9]], [1]));
    expect(merge.length).toBe(7 + 8); // 4 + 3 rows retracted, 8 emitted in one session
    expect(op.work - work).toBeLessThan(200);
    work = op.work;
    const split = op.step(batchOf(TYPES, [[1, (mid * 10 + 6) * MINUTE, 9]], [-1]));
    expect(split.length).toBe(8 + 7);
    expect(op.work - work).toBeLessThan(200);
  });
});
