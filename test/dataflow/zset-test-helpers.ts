// Helpers for the dataflow property tests: Z-set batches built from row
// arrays, a multiset that accumulates weighted rows under SQL grouping
// equality (NULL = NULL, NaN = NaN, -0 = 0), and fast-check generators of
// change batches that only retract rows the accumulated input holds.

import fc from 'fast-check';
import { expect } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, getScalar } from '../../src/columnar/column.js';
import type { ZBatch } from '../../src/columnar/z-batch.js';
import type { AggregateCall } from '../../src/dataflow/aggregate.js';
import { AggregateOperator } from '../../src/dataflow/aggregate.js';
import { compileExpr } from '../../src/expr/compile-expr.js';

export type Row = readonly Scalar[];

export function batchOf(types: readonly SqlType[], rows: readonly Row[], weights: readonly number[]): ZBatch {
  return {
    columns: types.map((t, c) => columnFromScalars(t, rows.map((r) => r[c]!))),
    weights: Int32Array.from(weights),
    length: rows.length,
  };
}

export function rowsOf(batch: ZBatch): { rows: Row[]; weights: number[] } {
  const rows: Row[] = [];
  for (let i = 0; i < batch.length; i++) rows.push(batch.columns.map((c) => getScalar(c, i)));
  return { rows, weights: Array.from(batch.weights) };
}

function canonValue(v: Scalar): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v === 0 ? 0 : v);
  return JSON.stringify(v);
}
export const canonRow = (r: Row): string => r.map(canonValue).join(' | ');

/** A multiset of rows with integer multiplicities (a Z-set); zero entries vanish. */
export class Multiset {
  private readonly entries = new Map<string, { row: Row; weight: number }>();

  add(row: Row, weight: number): void {
    if (weight === 0) return;
    const k = canonRow(row);
    const e = this.entries.get(k);
    if (e === undefined) this.entries.set(k, { row, weight });
    else if (e.weight + weight === 0) this.entries.delete(k);
    else e.weight += weight;
  }

  addBatch(batch: ZBatch): void {
    const { rows, weights } = rowsOf(batch);
    rows.forEach((r, i) => this.add(r, weights[i]!));
  }

  /** Each distinct row with its multiplicity. */
  items(): { row: Row; weight: number }[] {
    return [...this.entries.values()];
  }

  /** Every row repeated by its (positive) multiplicity. */
  expand(): Row[] {
    const out: Row[] = [];
    for (const { row, weight } of this.entries.values()) for (let i = 0; i < weight; i++) out.push(row);
    return out;
  }

  /** Sorted 'row x weight' lines: a readable, order-free comparison form. */
  lines(): string[] {
    return this.items().map((e) => `${canonRow(e.row)}  x${e.weight}`).sort();
  }

  get size(): number {
    return this.entries.size;
  }
}

export function multisetOf(rows: readonly Row[]): Multiset {
  const m = new Multiset();
  for (const r of rows) m.add(r, 1);
  return m;
}

/** One change in a generated batch; indexes and picks resolve against the state at run time. */
export type Change =
  | { readonly kind: 'insert'; readonly row: Row; readonly weight: number }
  | { readonly kind: 'delete'; readonly pick: number; readonly weight: number }
  | { readonly kind: 'churn'; readonly row: Row; readonly weight: number };

export function changeArb(rowArb: fc.Arbitrary<Row>): fc.Arbitrary<Change> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), row: rowArb, weight: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), weight: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('churn' as const), row: rowArb, weight: fc.integer({ min: 1, max: 2 }) }) },
  );
}

/**
 * Turns generated changes into one unconsolidated batch against `state` (the
 * accumulated input, updated in place): deletes retract at most what is held,
 * churn adds and removes the same row within the batch (the retraction first
 * half the time), inserts may carry weight 0.
 */
export function resolveBatch(changes: readonly Change[], state: Multiset): { rows: Row[]; weights: number[] } {
  const rows: Row[] = [];
  const weights: number[] = [];
  for (const c of changes) {
    if (c.kind === 'insert') {
      rows.push(c.row);
      weights.push(c.weight);
      state.add(c.row, c.weight);
    } else if (c.kind === 'churn') {
      const first = c.weight === 1 ? -1 : 1;
      rows.push(c.row, c.row);
      weights.push(first * c.weight, -first * c.weight);
    } else {
      const items = state.items();
      if (items.length === 0) continue;
      const e = items[c.pick % items.length]!;
      const w = Math.min(c.weight, e.weight);
      rows.push(e.row);
      weights.push(-w);
      state.add(e.row, -w);
    }
  }
  return { rows, weights };
}

/** What checkAggregateRecompute needs to know about one aggregate under test. */
export interface AggregateRecomputeCase {
  readonly types: readonly SqlType[];
  readonly rowArb: fc.Arbitrary<Row>;
  readonly makeOperator: (grouped: boolean) => { step(batch: ZBatch): ZBatch };
  /** The independent oracle: the aggregate computed from scratch over the accumulated input. */
  readonly naive: (input: Row[], grouped: boolean) => Row[];
}

/**
 * The DBSP recompute property: after every random delta batch, the operator's
 * accumulated outputs equal the naive aggregate over the accumulated input.
 * A global aggregate answers before any input, so its first (empty) step counts.
 */
export function checkAggregateRecompute(c: AggregateRecomputeCase, grouped: boolean, seed: number, numRuns: number, changesPerBatch: number): void {
  const batches = fc.array(fc.array(changeArb(c.rowArb), { maxLength: changesPerBatch }), { minLength: 1, maxLength: 15 });
  fc.assert(
    fc.property(batches, (bs) => {
      const op = c.makeOperator(grouped);
      const input = new Multiset();
      const output = new Multiset();
      if (!grouped) output.addBatch(op.step(batchOf(c.types, [], [])));
      bs.forEach((changes, step) => {
        const { rows, weights } = resolveBatch(changes, input);
        output.addBatch(op.step(batchOf(c.types, rows, weights)));
        expect(output.lines(), `after batch ${step}`).toEqual(multisetOf(c.naive(input.expand(), grouped)).lines());
      });
    }),
    { seed, numRuns },
  );
}

/**
 * The oracle side of a GROUP BY on a text column 0 (NULLs form one group):
 * `aggregates` over each group's rows, the key first; one global row when
 * not grouped.
 */
export function naiveGroupByFirst(input: Row[], grouped: boolean, aggregates: (rows: Row[]) => Row): Row[] {
  if (!grouped) return [aggregates(input)];
  const groups = new Map<string, Row[]>();
  for (const r of input) {
    const k = r[0] === null ? '\u0000NULL' : (r[0] as string);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  return [...groups.values()].map((rows) => [rows[0]![0]!, ...aggregates(rows)]);
}

/** The AggregateOperator under test: grouped by the text column 0, or global. */
export function groupByFirstOperator(grouped: boolean, calls: readonly AggregateCall[]): AggregateOperator {
  return grouped
    ? new AggregateOperator([compileExpr({ kind: 'column', index: 0, type: 'text' })], ['text'], calls, ['k'])
    : new AggregateOperator([], [], calls, []);
}
