// EMIT ON WINDOW CLOSE: which output column of a view says when a row is
// final. A row of such a view appears once its time range has closed — when
// the source table's close point (watermark minus allowed lateness) passes it
// — and never changes after. The binder finds the column by lineage through
// the plan: an output column that is, unchanged, a TUMBLE/HOP/CUMULATE
// window_end (final when window_end <= close point), a window_start (final
// when window_start + size <= close point), a SESSION window_end (final when
// window_end <= close point: every later row is at least gap after the
// session's last one) or the event-time column of a table with a WATERMARK
// (final when ts < close point). Every table the view reads
// must have a WATERMARK, and it reads no views: a change from anywhere else
// could alter a row already emitted. The lineage passes top-N and window
// functions only when they partition by the column, and a window over a
// window_start adds the inner window's size (the inner window closes later).

import { EngineError, SqlState } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';
import type { Catalog, TableEntry } from './catalog.js';
import type { LogicalPlan } from './logical-plan.js';
import { planInputs } from './logical-plan.js';

export interface CloseColumn {
  /** The view's output column that decides. */
  readonly column: number;
  /** The table whose close point drives the view. */
  readonly table: string;
  /** µs added to the column's value before comparing (a window's size, for window_start). */
  readonly offset: number;
  /** True: final when value + offset < close point (an event time); false: when <= (a window bound). */
  readonly strict: boolean;
}

interface Lineage {
  readonly table: string;
  readonly offset: number;
  readonly strict: boolean;
}

/** Where output column `col` of `plan` comes from, when it is a time bound carried unchanged. */
function lineage(plan: LogicalPlan, col: number, catalog: Catalog): Lineage | null {
  switch (plan.kind) {
    case 'scan': {
      const entry = catalog.get(plan.relation);
      if (entry?.kind !== 'table' || entry.eventTime?.column !== col) return null;
      return { table: entry.name, offset: 0, strict: true };
    }
    case 'timeWindow': {
      const width = plan.input.columns.length;
      if (col < width) return lineage(plan.input, col, catalog);
      // The window's bounds follow its timestamp, whose table closes them.
      const source = lineage(plan.input, plan.spec.tsColumn, catalog);
      if (source === null) return null;
      // Future source values v have v + source.offset >= close (> when not strict), and a
      // window holds only v < window_end: it is final once window_end + source.offset <= close.
      // (The source's offset is not 0 when it is itself a window_start, e.g. a rollup of a rollup.)
      return { table: source.table, offset: (col === width ? plan.spec.size : 0) + source.offset, strict: false };
    }
    case 'sessionWindow': {
      // Only window_end decides: a row's session (and so every column of the
      // row) may still grow until the close point passes the session's end.
      if (col !== plan.input.columns.length + 1) return null;
      const source = lineage(plan.input, plan.spec.tsColumn, catalog);
      // As for the aligned windows: a future row joins the session only if v < window_end.
      return source === null ? null : { table: source.table, offset: source.offset, strict: false };
    }
    case 'project': {
      const e = plan.exprs[col];
      return e?.kind === 'column' ? lineage(plan.input, e.index, catalog) : null;
    }
    case 'filter':
    case 'assertSingle':
      return lineage(plan.input, col, catalog);
    case 'topN':
    case 'window':
      // Only when partitioned by the column: a ranking or window function across
      // partitions lets a row of an open window change (or push out) an emitted one.
      return plan.partitionBy.includes(col) ? lineage(plan.input, col, catalog) : null;
    case 'unnest':
      // The columns beside the unnested arrays are the input row's, repeated.
      return plan.arrayColumns.includes(col) ? null : lineage(plan.input, col, catalog);
    case 'aggregate': {
      const key = plan.groupBy[col];
      return key?.kind === 'column' ? lineage(plan.input, key.index, catalog) : null;
    }
    case 'join':
      // Not through joins: a row of the other side may still arrive (its own
      // table's time not closed) and change an emitted row of this side.
      return null;
    default:
      return null;
  }
}

/** The deciding column of an EMIT ON WINDOW CLOSE view (the first output column with a time lineage). */
export function closeColumnOf(plan: LogicalPlan, visible: number, catalog: Catalog, pos: SourcePosition): CloseColumn {
  for (const relation of new Set(planInputs(plan))) {
    const entry = catalog.get(relation);
    if (entry?.kind !== 'table' || (entry as TableEntry).eventTime === undefined) {
      throw new EngineError(
        SqlState.featureNotSupported,
        `EMIT ON WINDOW CLOSE needs every relation the view reads to be a table with a WATERMARK; "${relation}" ${entry?.kind === 'view' ? 'is a materialized view' : 'has none'}`,
        pos,
      );
    }
  }
  for (let c = 0; c < visible; c++) {
    const l = lineage(plan, c, catalog);
    if (l !== null) return { column: c, ...l };
  }
  throw new EngineError(
    SqlState.featureNotSupported,
    'EMIT ON WINDOW CLOSE needs a column in the view that says when a row is final: window_start or window_end of TUMBLE/HOP/CUMULATE, window_end of SESSION, or the WATERMARK column of the table, selected unchanged (in GROUP BY when the view aggregates, and in PARTITION BY of its window functions or per-group top-N)',
    pos,
  );
}
