// Event time: a table's WATERMARK, its allowed lateness, and what happens to
// late rows. The watermark of a table with `WATERMARK FOR ts AS ts - d` is
// the largest ts it has accepted minus d; it never goes back. A row is late
// when its ts is below the watermark minus the table's allowed lateness (the
// table's *close point*): a late insert is not applied but goes to the
// `freshet_quarantine` system table with reason 'late' and is counted; an
// update or delete that would change such a row fails (that time range is
// final: EMIT ON WINDOW CLOSE views have published it). `freshet_watermarks`
// shows each table's watermark. Both system tables change in the same commit
// as the statement that moved them, so views over them stay consistent.

import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { columnFromScalars, concatColumns, gatherColumn } from '../columnar/column.js';
import { formatInterval, parseInterval } from '../columnar/interval-text.js';
import { isValid } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch } from '../columnar/z-batch.js';
import { MICROS_PER_DAY, formatTimestamp } from '../expr/datetime.js';
import { rowToJsonText } from '../expr/functions/json-functions.js';
import type { ExprContext } from '../plan/bind-expr.js';
import { bindExpr } from '../plan/bind-expr.js';
import type { CatalogColumn, TableEntry, TableEventTime } from '../plan/catalog.js';
import type { CreateTableStmt, Expr } from '../sql/ast.js';
import type { SourcePosition } from '../common/errors.js';
import type { Circuit } from '../dataflow/circuit.js';
import type { TemporalBound } from '../dataflow/temporal-filter.js';
import { TemporalFilterOperator } from '../dataflow/temporal-filter.js';
import { compileExpr } from '../expr/compile-expr.js';
import type { Catalog } from '../plan/catalog.js';
import { closeColumnOf } from '../plan/emit-on-close.js';
import type { QueryPlan } from '../plan/logical-plan.js';

export const QUARANTINE_TABLE = 'freshet_quarantine';
export const WATERMARKS_TABLE = 'freshet_watermarks';

/** The system tables' columns (created with every engine; users read them, only Freshet writes them). */
export const SYSTEM_TABLES: readonly { readonly name: string; readonly columns: readonly CatalogColumn[]; readonly primaryKey: readonly number[] }[] = [
  {
    name: QUARANTINE_TABLE,
    columns: [
      { name: 'table_name', type: 'text', notNull: true },
      { name: 'reason', type: 'text', notNull: true },
      { name: 'event_time', type: 'timestamp', notNull: false },
      // The table's close point when the row came: watermark minus allowed_lateness.
      { name: 'closed_before', type: 'timestamp', notNull: false },
      { name: 'row_data', type: 'jsonb', notNull: true },
      { name: 'lsn', type: 'bigint', notNull: true },
    ],
    primaryKey: [],
  },
  {
    name: WATERMARKS_TABLE,
    columns: [
      { name: 'table_name', type: 'text', notNull: true },
      { name: 'column_name', type: 'text', notNull: true },
      { name: 'watermark', type: 'timestamp', notNull: false },
      { name: 'delay', type: 'interval', notNull: true },
      { name: 'allowed_lateness', type: 'interval', notNull: true },
      { name: 'late_rows', type: 'bigint', notNull: true },
    ],
    primaryKey: [0],
  },
];

const TABLE_OPTIONS = ['allowed_lateness', 'retention'];

/** An interval of days and time in µs; months are refused (they have no fixed length). */
function fixedMicros(text: string, what: string, pos: Expr['pos']): number {
  const p = parseInterval(text);
  if (p.months !== 0) throw new EngineError(SqlState.featureNotSupported, `${what} must be days or shorter units, not months (${text})`, pos);
  const micros = p.days * MICROS_PER_DAY + p.micros;
  if (micros < 0) throw new EngineError(SqlState.invalidParameterValue, `${what} must not be negative (${text})`, pos);
  return micros;
}

/** `col` or `col - INTERVAL '...'`: the watermark delay in µs. */
function watermarkDelay(expr: Expr, column: string, params: readonly unknown[]): number {
  const isColumn = (e: Expr): boolean => e.kind === 'column' && e.table === null && e.name === column;
  if (isColumn(expr)) return 0;
  if (expr.kind === 'binary' && expr.op === '-' && isColumn(expr.left)) {
    const ctx: ExprContext = {
      params,
      column(ref) {
        throw new EngineError(SqlState.featureNotSupported, `a WATERMARK's delay must be a constant interval, not column "${ref.name}"`, ref.pos);
      },
      aggregate(call) {
        throw new EngineError(SqlState.groupingError, 'aggregate functions are not allowed in WATERMARK', call.pos);
      },
    };
    const delay = bindExpr(expr.right, ctx);
    if (delay.kind === 'const' && delay.value !== null && (delay.type === 'interval' || delay.untyped === true)) {
      return fixedMicros(String(delay.value), 'a WATERMARK delay', expr.right.pos);
    }
  }
  throw new EngineError(
    SqlState.featureNotSupported,
    `WATERMARK FOR ${column} AS <expression>: only "${column}" or "${column} - INTERVAL '...'" is supported`,
    expr.pos,
  );
}

/**
 * The event-time settings of a CREATE TABLE: the watermark column (which
 * becomes NOT NULL: a row without event time cannot be placed), its delay, the
 * allowed lateness. Null when the table has no WATERMARK.
 */
export function planEventTime(stmt: CreateTableStmt, columns: readonly { name: string; type: SqlType }[], params: readonly unknown[]): TableEventTime | null {
  let lateness: number | null = null;
  let retention: number | null = null;
  for (const option of stmt.options ?? []) {
    if (!TABLE_OPTIONS.includes(option.key)) {
      throw new EngineError(SqlState.invalidParameterValue, `unrecognized table option "${option.key}"; valid options: ${TABLE_OPTIONS.join(', ')}`, option.pos);
    }
    if (option.key === 'retention') retention = fixedMicros(option.value, 'retention', option.pos);
    else lateness = fixedMicros(option.value, 'allowed_lateness', option.pos);
  }
  const wm = stmt.watermark;
  if (wm === undefined) {
    if (lateness !== null || retention !== null) {
      const key = stmt.options![0]!.key;
      throw new EngineError(SqlState.invalidParameterValue, `${key} needs a WATERMARK FOR <column> AS ... in table "${stmt.name}" (time is measured on the event-time column)`, stmt.options![0]!.pos);
    }
    return null;
  }
  if (retention !== null && retention < (lateness ?? 0)) {
    // Rows still open to late changes must stay in the table, or a later retraction would miss them.
    throw new EngineError(SqlState.invalidParameterValue, `retention must be at least allowed_lateness in table "${stmt.name}"`, stmt.pos);
  }
  const column = columns.findIndex((c) => c.name === wm.column);
  if (column < 0) throw new EngineError(SqlState.undefinedColumn, `column "${wm.column}" named in WATERMARK does not exist`, wm.pos);
  const type = columns[column]!.type;
  if (type !== 'timestamp' && type !== 'timestamptz') {
    throw new EngineError(SqlState.datatypeMismatch, `WATERMARK FOR ${wm.column}: the event-time column must be TIMESTAMP or TIMESTAMPTZ, not ${type}`, wm.pos);
  }
  return { column, delay: watermarkDelay(wm.expr, wm.column, params), lateness: lateness ?? 0, ...(retention === null ? {} : { retention }) };
}

interface WatermarkState {
  /** µs; -Infinity until the table accepts its first row. */
  value: number;
  lateRows: number;
}

/** What a commit on a table with event time becomes. */
export interface Admitted {
  /** The rows that apply to the table. */
  readonly accepted: ZBatch;
  /** Rows for freshet_quarantine, or null. */
  readonly quarantine: ZBatch | null;
  /** The table's new freshet_watermarks row (an upsert), or null when nothing changed. */
  readonly watermarkRow: ZBatch | null;
  /** Call after the commit failed: restores the watermark and the late count. */
  readonly undo: () => void;
}

function micros(col: Column, i: number): number {
  return (col.values as Float64Array)[i]!;
}

export class EventTime {
  private readonly state = new Map<string, WatermarkState>();

  /** The current watermark of `table` in µs (-Infinity before its first row), or undefined without one. */
  watermark(table: string): number | undefined {
    return this.state.get(table)?.value;
  }

  /** Where `table`'s time is final: its watermark minus its allowed lateness. */
  closePoint(entry: TableEntry): number {
    const s = this.state.get(entry.name);
    return s === undefined || entry.eventTime === undefined ? -Infinity : s.value - entry.eventTime.lateness;
  }

  /** Every table's watermark and late count, for a checkpoint. */
  exportState(): { table: string; value: number; lateRows: number }[] {
    return [...this.state].map(([table, s]) => ({ table, value: s.value, lateRows: s.lateRows }));
  }

  /** Restores what exportState saved (after the tables were recreated). */
  importState(saved: readonly { table: string; value: number; lateRows: number }[]): void {
    for (const s of saved) this.state.set(s.table, { value: s.value, lateRows: s.lateRows });
  }

  register(entry: TableEntry): ZBatch {
    this.state.set(entry.name, { value: -Infinity, lateRows: 0 });
    return this.watermarkRow(entry, 1);
  }

  /** The table's freshet_watermarks row with `weight` (retract the old one before changing it). */
  watermarkRow(entry: TableEntry, weight: number): ZBatch {
    const et = entry.eventTime!;
    const s = this.state.get(entry.name)!;
    const show = (us: number): string => formatInterval(0, Math.trunc(us / MICROS_PER_DAY), us % MICROS_PER_DAY);
    const columns = [
      columnFromScalars('text', [entry.name]),
      columnFromScalars('text', [entry.columns[et.column]!.name]),
      columnFromScalars('timestamp', [s.value === -Infinity ? null : s.value]),
      columnFromScalars('interval', [show(et.delay)]),
      columnFromScalars('interval', [show(et.lateness)]),
      columnFromScalars('bigint', [s.lateRows]),
    ];
    return { columns, weights: Int32Array.of(weight), length: 1 };
  }

  unregister(entry: TableEntry): ZBatch | null {
    if (!this.state.has(entry.name)) return null;
    const row = this.watermarkRow(entry, -1);
    this.state.delete(entry.name);
    return row;
  }

  /**
   * Splits a table delta: late inserts to quarantine, everything else applies;
   * advances the watermark past the accepted inserts. Throws (changing
   * nothing) when a retraction touches a closed time range, or when an update
   * or upsert would be split. `lsn` is the commit's LSN, for quarantine rows.
   */
  admit(entry: TableEntry, delta: ZBatch, lsn: number): Admitted {
    const et = entry.eventTime!;
    const s = this.state.get(entry.name)!;
    const ts = delta.columns[et.column]!;
    const close = s.value - et.lateness;
    const late: number[] = [];
    let retracts = false;
    let maxTs = -Infinity;
    for (let i = 0; i < delta.length; i++) {
      const w = delta.weights[i]!;
      if (w === 0 || !isValid(ts.validity, i)) continue;
      const t = micros(ts, i);
      if (w < 0) {
        retracts = true;
        if (t < close) throw closedRange(entry, t, close);
      } else if (t < close) late.push(i);
      else if (t > maxTs) maxTs = t;
    }
    if (late.length > 0 && retracts) {
      // An update or upsert whose new row is late: applying only half would lose a row.
      throw closedRange(entry, micros(ts, late[0]!), close);
    }
    const before = { value: s.value, lateRows: s.lateRows };
    let accepted = delta;
    let quarantine: ZBatch | null = null;
    if (late.length > 0) {
      const lateSet = new Set(late);
      const keep: number[] = [];
      for (let i = 0; i < delta.length; i++) if (!lateSet.has(i)) keep.push(i);
      accepted = gatherBatch(delta, Int32Array.from(keep), keep.length);
      quarantine = this.quarantineRows(entry, delta, Int32Array.from(late), close, lsn);
      for (const i of late) s.lateRows += delta.weights[i]!;
    }
    const advanced = maxTs - et.delay > s.value;
    let watermarkRow: ZBatch | null = null;
    if (advanced || late.length > 0) {
      const old = this.snapshotRow(entry, before);
      if (advanced) s.value = maxTs - et.delay;
      const fresh = this.watermarkRow(entry, 1);
      watermarkRow = { columns: old.columns.map((c, k) => concatColumns(c.type, [c, fresh.columns[k]!])), weights: Int32Array.of(-1, 1), length: 2 };
    }
    return {
      accepted,
      quarantine,
      watermarkRow,
      undo: () => {
        s.value = before.value;
        s.lateRows = before.lateRows;
      },
    };
  }

  private snapshotRow(entry: TableEntry, at: WatermarkState): ZBatch {
    const s = this.state.get(entry.name)!;
    const now = { value: s.value, lateRows: s.lateRows };
    s.value = at.value;
    s.lateRows = at.lateRows;
    const row = this.watermarkRow(entry, -1);
    s.value = now.value;
    s.lateRows = now.lateRows;
    return row;
  }

  private quarantineRows(entry: TableEntry, delta: ZBatch, rows: Int32Array, close: number, lsn: number): ZBatch {
    const n = rows.length;
    const cols = delta.columns.map((c) => gatherColumn(c, rows, n));
    const names = entry.columns.map((c) => c.name);
    const ts = cols[entry.eventTime!.column]!;
    const data: string[] = [];
    const times: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      data.push(rowToJsonText(names, cols, i));
      times.push(isValid(ts.validity, i) ? micros(ts, i) : null);
    }
    const weights = new Int32Array(n);
    for (let i = 0; i < n; i++) weights[i] = delta.weights[rows[i]!]!;
    const columns = [
      columnFromScalars('text', new Array<string>(n).fill(entry.name)),
      columnFromScalars('text', new Array<string>(n).fill('late')),
      columnFromScalars('timestamp', times),
      columnFromScalars('timestamp', new Array<number>(n).fill(close)),
      columnFromScalars('jsonb', data),
      columnFromScalars('bigint', new Array<number>(n).fill(lsn)),
    ];
    return { columns, weights, length: n };
  }
}

function closedRange(entry: TableEntry, ts: number, close: number): EngineError {
  return new EngineError(
    SqlState.objectNotInPrerequisiteState,
    `cannot change rows of "${entry.name}" at ${formatTimestamp(ts)}: event time before ${formatTimestamp(close)} (the watermark minus allowed_lateness) is final; new rows there go to ${QUARANTINE_TABLE} as late`,
  );
}

/** An APPEND ONLY table takes inserts only: no delete, update, or upsert over an existing key. */
export function checkAppendOnly(entry: TableEntry, delta: ZBatch): void {
  for (let i = 0; i < delta.length; i++) {
    if (delta.weights[i]! < 0) {
      throw new EngineError(
        SqlState.objectNotInPrerequisiteState,
        `cannot delete or update rows of "${entry.name}": it is APPEND ONLY (rows can only be inserted)`,
      );
    }
  }
}

/**
 * EMIT ON WINDOW CLOSE: appends to a view's circuit a temporal filter that
 * follows the source table's close point instead of the clock, so each row
 * appears once its time range is final (plan/emit-on-close.ts says which
 * column decides) and, since later changes to that range are refused or
 * quarantined, never changes after.
 */
export function addEmitOnClose(circuit: Circuit, plan: QueryPlan, catalog: Catalog, eventTime: EventTime, pos: SourcePosition): void {
  const close = closeColumnOf(plan.root, plan.visibleColumns, catalog, pos);
  const table = catalog.get(close.table) as TableEntry;
  const types = plan.root.columns.map((c) => c.type);
  const name = plan.root.columns[close.column]!.name;
  const type = types[close.column]!;
  const instant = compileExpr({ kind: 'column', index: close.column, type });
  // Final when value + offset <= close point (window bounds), or < (an event time).
  const bound: TemporalBound = { instant, op: close.strict ? 'lt' : 'le', offsetMicros: -close.offset };
  const show = (us: number): string => formatInterval(0, Math.trunc(us / MICROS_PER_DAY), us % MICROS_PER_DAY);
  const detail = `emit on window close: a row appears once ${name}${close.offset === 0 ? '' : ` + ${show(close.offset)}`} ${close.strict ? '<' : '<='} the close point of ${close.table} (watermark - allowed_lateness)`;
  const op = new TemporalFilterOperator(types, [bound], detail);
  circuit.add({ kind: 'temporal', op, input: circuit.nodes.length - 1, time: () => eventTime.closePoint(table) });
}
