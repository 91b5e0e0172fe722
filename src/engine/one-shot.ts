// A one-shot SELECT: the query's circuit run once over a consistent
// snapshot of its inputs, then ORDER BY / OFFSET / LIMIT on the result rows.
// Sorting uses PostgreSQL's order: NULLs last ascending, first descending
// (unless NULLS FIRST/LAST says otherwise), NaN above every number.

import type { Column } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import type { QueryPlan, SortKey } from '../plan/logical-plan.js';
import { lowerPlan } from './lower-plan.js';
import { scanBounds, segmentMayMatch } from '../plan/scan-bounds.js';
import type { SegmentMeta } from '../storage/cold-tier.js';
import type { TableStore } from '../storage/table-store.js';
import { EngineError } from '../common/errors.js';
import { chunkable } from './chunkable.js';
import { consolidateBatch } from '../columnar/consolidate.js';
import { concatBatches } from '../columnar/z-batch.js';

/** The single FROM-less input row (no columns). */
export const SINGLE_ROW: ZBatch = { columns: [], weights: Int32Array.of(1), length: 1 };

export interface QueryOutput {
  /** All root columns (visible first, then hidden sort columns). */
  readonly columns: readonly Column[];
  /** Output rows in order, as indexes into `columns` (repeated for multiplicity). */
  readonly rows: Int32Array;
}

/**
 * Runs `plan` over `snapshot`. With `chunks`, a relation it gives pieces for
 * (a table with cold segments) is fed through the circuit one piece at a
 * time, so its rows are never all in memory at once: the circuit is
 * incremental, and the sum of its outputs is the result. Plans whose result
 * depends on arrival (recursion) read whole snapshots.
 */
export function runOneShot(plan: QueryPlan, snapshot: (relation: string) => ZBatch, chunks?: (relation: string) => Iterable<ZBatch> | null): QueryOutput {
  const circuit = lowerPlan(plan.root);
  const streamed = new Map<string, Iterable<ZBatch>>();
  if (chunks !== undefined && chunkable(plan.root, false, false)) {
    for (const r of circuit.relations()) {
      const c = chunks(r);
      if (c !== null) streamed.set(r, c);
    }
  }
  let out: ZBatch | null = null;
  if (streamed.size > 0) {
    try {
      const parts = [circuit.step((r) => (r === null ? SINGLE_ROW : streamed.has(r) ? undefined : snapshot(r)))];
      for (const [relation, pieces] of streamed) for (const piece of pieces) parts.push(circuit.step((r) => (r === relation ? piece : undefined)));
      out = consolidateBatch(concatBatches(circuit.outputTypes, parts));
    } catch (err) {
      // A piece can give a state the whole input never has (count(*) - 10 = 0 partway); only the whole answers.
      if (!(err instanceof EngineError)) throw err;
    }
  }
  out ??= lowerPlan(plan.root).step((r) => (r === null ? SINGLE_ROW : snapshot(r)));
  // Expand multiplicities; the result of a snapshot holds no retractions.
  let total = 0;
  for (let i = 0; i < out.length; i++) total += Math.max(out.weights[i]!, 0);
  let rows: Int32Array = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < out.length; i++) for (let k = 0; k < out.weights[i]!; k++) rows[at++] = i;
  if (plan.orderBy.length > 0) rows = sortRows(rows, out.columns, plan.orderBy);
  const start = Math.min(plan.offset, rows.length);
  const end = plan.limit === null ? rows.length : Math.min(rows.length, start + plan.limit);
  return { columns: out.columns, rows: rows.subarray(start, end) };
}

/**
 * A one-shot query over tables that may have cold segments: each table with
 * some is read a segment at a time, and only the segments whose min/max can
 * satisfy the filters the query puts on that table (plan/scan-bounds.ts).
 * `others` gives other relations' pieces (a view's parts), `snapshot`
 * everything else (views in one part, tables in memory only).
 */
export function runOverTables(
  plan: QueryPlan,
  tables: ReadonlyMap<string, TableStore>,
  snapshot: (relation: string) => ZBatch,
  /** Pieces of other relations (a view's rows in parts), when it has them. */
  others: (relation: string) => Iterable<ZBatch> | null = () => null,
): QueryOutput {
  const bounds = scanBounds(plan.root);
  const mayMatch = (r: string): ((meta: SegmentMeta) => boolean) | undefined => {
    const b = bounds.get(r) ?? [];
    return b.length === 0 ? undefined : (meta) => segmentMayMatch(b, meta.min, meta.max, meta.nonNull);
  };
  const coldOf = (r: string): TableStore | null => {
    const table = tables.get(r);
    return table === undefined || table.cold === null || table.cold.segmentCount === 0 ? null : table;
  };
  return runOneShot(
    plan,
    (r) => coldOf(r)?.rowsSnapshot(mayMatch(r)) ?? snapshot(r),
    (r) => coldOf(r)?.rowChunks(mayMatch(r)) ?? others(r),
  );
}

function compareAt(col: Column, a: number, b: number, key: SortKey): number {
  const av = isValid(col.validity, a);
  const bv = isValid(col.validity, b);
  if (!av || !bv) {
    if (av === bv) return 0;
    // Here "first" is in output order, independent of the direction.
    return !av === key.nullsFirst ? -1 : 1;
  }
  const x = col.values[a]!;
  const y = col.values[b]!;
  const c = typeof x === 'number' ? compareDoubles(x, y as number) : compareText(x, y as string);
  return key.descending ? -c : c;
}

function sortRows(rows: Int32Array, columns: readonly Column[], keys: readonly SortKey[]): Int32Array {
  const arr = Array.from(rows);
  arr.sort((a, b) => {
    for (const key of keys) {
      const c = compareAt(columns[key.column]!, a, b, key);
      if (c !== 0) return c;
    }
    return a - b;
  });
  return Int32Array.from(arr);
}
