// INSERT, UPDATE and DELETE turned into table deltas. Nothing here changes a
// table: each function returns the Z-set delta (and the affected row count)
// that the engine then commits to the table and all its views at once.

import type { SqlType } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column, ColumnValues, Scalar } from '../columnar/column.js';
import { allocValues, columnFromScalars, constantColumn, gatherColumn, makeColumn, storeScalar as storeScalarAt } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, gatherBatch } from '../columnar/z-batch.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { castColumn } from '../expr/cast.js';
import { applyNumericTypmod } from '../expr/functions/numeric-functions.js';
import { NumericValues, parseNumeric } from '../columnar/numeric-values.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { assignTo, bindExpr, requireBoolean } from '../plan/bind-expr.js';
import type { ExprContext } from '../plan/bind-expr.js';
import type { CatalogColumn, TableEntry } from '../plan/catalog.js';
import type { DeleteStmt, Expr, InsertStmt, UpdateStmt, ValuesSource } from '../sql/ast.js';
import type { TableStore } from '../storage/table-store.js';
import type { SegmentMeta } from '../storage/cold-tier.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { scanBounds, segmentMayMatch } from '../plan/scan-bounds.js';

export interface DmlResult {
  readonly delta: ZBatch;
  readonly rowCount: number;
}

/** Names resolve to the columns of one relation (a table, or a view for CREATE INDEX); aggregates are refused. */
export function tableContext(table: Pick<TableEntry, 'name' | 'columns'>, params: readonly unknown[], clause: string): ExprContext {
  return {
    params,
    column(ref) {
      if (ref.table !== null && ref.table !== table.name) {
        throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${ref.table}"`, ref.pos);
      }
      const index = table.columns.findIndex((c) => c.name === ref.name);
      if (index < 0) {
        throw new EngineError(SqlState.undefinedColumn, `column "${ref.name}" of relation "${table.name}" does not exist`, ref.pos);
      }
      return { kind: 'column', index, type: table.columns[index]!.type };
    },
    aggregate(call) {
      throw new EngineError(SqlState.groupingError, `aggregate functions are not allowed in ${clause}`, call.pos);
    },
  };
}

/** Target column indexes of an INSERT, checked for existence and repeats. */
function insertTargets(table: TableEntry, stmt: InsertStmt): number[] {
  if (stmt.columns === null) return table.columns.map((_, i) => i);
  const seen = new Set<number>();
  return stmt.columns.map((name) => {
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new EngineError(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`, stmt.pos);
    if (seen.has(i)) throw new EngineError(SqlState.duplicateColumn, `column "${name}" specified more than once`, stmt.pos);
    seen.add(i);
    return i;
  });
}

/** A NUMERIC(p, s) column rounds and range-checks what is stored into it. */
function withColumnTypmod(c: CatalogColumn, col: Column): Column {
  return c.typmod === undefined ? col : applyNumericTypmod(col, c.typmod.precision, c.typmod.scale);
}

/** Builds a full-width insert batch from the target columns' data (others NULL). */
export function widenToTable(table: TableEntry, targets: readonly number[], data: readonly Column[], length: number): ZBatch {
  const columns = table.columns.map((c, i) => {
    const t = targets.indexOf(i);
    if (t < 0) return constantColumn(c.type, null, length);
    return withColumnTypmod(c, castColumn(data[t]!, c.type));
  });
  return { columns, weights: new Int32Array(length).fill(1), length };
}

/**
 * One column per target, built from the VALUES rows. For performance (a
 * 1,000-row INSERT is thousands of literals): common literals are written
 * straight into the typed arrays, with no Scalar[] per column and no boxed
 * doubles; anything else is bound as a constant expression.
 */
function valuesColumns(table: TableEntry, targets: readonly number[], source: ValuesSource, params: readonly unknown[]): Column[] {
  const ctx: ExprContext = {
    params,
    column(ref) {
      throw new EngineError(SqlState.undefinedColumn, `column "${ref.name}" does not exist (VALUES cannot refer to columns)`, ref.pos);
    },
    aggregate(call) {
      throw new EngineError(SqlState.groupingError, 'aggregate functions are not allowed in VALUES', call.pos);
    },
  };
  const n = source.rows.length;
  const types = targets.map((t) => table.columns[t]!.type);
  const values = types.map((type) => allocValues(type, n));
  const validity: (Uint8Array | null)[] = types.map(() => null);
  for (let i = 0; i < n; i++) {
    const row = source.rows[i]!;
    if (row.length !== targets.length) {
      const more = row.length > targets.length;
      throw new EngineError(
        SqlState.syntaxError,
        `INSERT has ${more ? 'more' : 'fewer'} expressions than target columns (${row.length} values for ${targets.length} columns)`,
        (row[Math.min(row.length, targets.length) - 1] ?? row[0])?.pos ?? source.pos,
      );
    }
    for (let k = 0; k < row.length; k++) {
      const e = row[k]!;
      const type = types[k]!;
      const out = values[k]!;
      let stored = storeLiteral(e, type, out, i);
      if (stored === NOT_LITERAL) {
        const bound = assignTo(bindExpr(e, ctx), type, table.columns[targets[k]!]!.name, e.pos);
        if (bound.kind !== 'const') throw new EngineError(SqlState.featureNotSupported, 'VALUES entries must be constant expressions', e.pos);
        stored = storeScalar(bound.value, out, i);
      }
      if (stored === NULL_STORED) setNull((validity[k] ??= allValid(n)), i);
    }
  }
  return types.map((type, k) => makeColumn(type, values[k]!, validity[k]!, n));
}

const STORED = 0;
const NULL_STORED = 1;
const NOT_LITERAL = 2;
type StoreOutcome = typeof STORED | typeof NULL_STORED | typeof NOT_LITERAL;

function storeScalar(v: Scalar, out: ColumnValues, i: number): StoreOutcome {
  if (v === null) return NULL_STORED;
  storeScalarAt(out, i, v);
  return STORED;
}

/** Digits only, at most 15 of them (so exactly representable as a double). */
function isPlainInteger(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * For performance: stores the common literals of a VALUES list (numbers into
 * numeric columns, strings into text columns, NULL) without binding an
 * expression. Returns NOT_LITERAL for anything else, which takes the general path.
 */
function storeLiteral(e: Expr, type: SqlType, out: ColumnValues, i: number): StoreOutcome {
  if (e.kind === 'null') return NULL_STORED;
  if (e.kind === 'string') {
    if (type !== 'text') return NOT_LITERAL;
    (out as string[])[i] = e.value;
    return STORED;
  }
  let text: string;
  let sign = 1;
  if (e.kind === 'number') text = e.text;
  else if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') {
    text = e.operand.text;
    sign = -1;
  } else return NOT_LITERAL;
  if (type === 'double') {
    (out as Float64Array)[i] = sign * Number(text);
    return STORED;
  }
  if (type === 'numeric' && out instanceof NumericValues) {
    // Exact: the literal's digits and scale go straight into the key (no double in between).
    const p = parseNumeric(sign < 0 ? '-' + text : text);
    if (p === null) return NOT_LITERAL;
    out[i] = p.key;
    out.scales[i] = p.scale;
    return STORED;
  }
  if ((type === 'integer' || type === 'bigint') && isPlainInteger(text)) {
    const v = sign * Number(text);
    if (type === 'integer' && (v < -2147483648 || v > 2147483647)) return NOT_LITERAL;
    (out as Int32Array | Float64Array)[i] = v;
    return STORED;
  }
  return NOT_LITERAL;
}

export function insertDelta(
  table: TableEntry,
  store: TableStore,
  stmt: InsertStmt,
  params: readonly unknown[],
  runSelect: (stmt: InsertStmt) => { columns: readonly Column[]; types: readonly SqlType[]; rows: Int32Array },
): DmlResult {
  const targets = insertTargets(table, stmt);
  let batch: ZBatch;
  if (stmt.source.kind === 'values') {
    const data = valuesColumns(table, targets, stmt.source, params);
    batch = widenToTable(table, targets, data, stmt.source.rows.length);
  } else {
    const result = runSelect(stmt);
    if (result.types.length !== targets.length) {
      throw new EngineError(SqlState.syntaxError, `INSERT has ${result.types.length > targets.length ? 'more' : 'fewer'} expressions than target columns`, stmt.pos);
    }
    const data = result.columns.slice(0, targets.length).map((c) => gatherColumn(c, result.rows));
    batch = widenToTable(table, targets, data, result.rows.length);
  }
  return { delta: store.insertDelta(batch), rowCount: batch.length };
}

/** Rows a DELETE or UPDATE changes: hot slots, and copies of cold rows (weight 1 each). */
interface MatchedRows {
  readonly slots: Int32Array;
  readonly cold: ZBatch | null;
}

/**
 * Rows of the table matching WHERE. A predicate `pk = const` or `pk IN
 * (consts)` on a one-column primary key is answered from the key index
 * instead of scanning, so keyed deletes and updates cost O(changed rows).
 * Rows in the cold tier are read segment by segment.
 */
function matchingRows(table: TableEntry, store: TableStore, where: Expr | null, params: readonly unknown[], clause: string): MatchedRows {
  if (where === null) {
    const cold = store.cold === null ? [] : store.cold.scan();
    return { slots: store.snapshot().slots, cold: cold.length === 0 ? null : concatBatches(store.types, cold) };
  }
  const literalKeys = keyLiterals(table, where);
  if (literalKeys !== null) return { slots: slotsOfKeys(store, literalKeys), cold: store.coldRowsForKeys([literalKeys], literalKeys.length)?.rows ?? null };
  const predicate = requireBoolean(bindExpr(where, tableContext(table, params, clause)), clause, where.pos);
  const keys = keyLookup(table, predicate);
  if (keys !== null) return { slots: slotsOfKeys(store, keys), cold: store.coldRowsForKeys([keys], keys.length)?.rows ?? null };
  const condition = compileExpr(predicate);
  const { batch, slots } = store.snapshot();
  const hot = rowsWhere(condition, batch);
  const cold = (store.cold?.scan(coldFilter(table, predicate)) ?? []).map((b) => gatherBatch(b, rowsWhere(condition, b))).filter((b) => b.length > 0);
  return { slots: Int32Array.from(hot, (i) => slots[i]!), cold: cold.length === 0 ? null : concatBatches(store.types, cold) };
}

/** Which cold segments can hold rows matching `predicate`, by their min/max (plan/scan-bounds.ts, as one-shot queries prune). */
function coldFilter(table: TableEntry, predicate: BoundExpr): (meta: SegmentMeta) => boolean {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  const scan: LogicalPlan = { kind: 'scan', relation: table.name, relationKind: 'table', columns };
  const bounds = scanBounds({ kind: 'filter', input: scan, predicate, label: '', columns }).get(table.name) ?? [];
  return (meta) => segmentMayMatch(bounds, meta.min, meta.max, meta.nonNull);
}

/** Indexes of the rows of `batch` for which `condition` is true. */
function rowsWhere(condition: ReturnType<typeof compileExpr>, batch: ZBatch): Int32Array {
  const cond = condition(new BatchInput(batch.columns, batch.length));
  const keep: number[] = [];
  const v = cond.values as Uint8Array;
  for (let i = 0; i < batch.length; i++) {
    if (v[i] === 1 && (cond.validity === null || ((cond.validity[i >>> 3]! >>> (i & 7)) & 1) === 1)) keep.push(i);
  }
  return Int32Array.from(keep);
}

/** Live slots holding the given primary-key values (each once). */
function slotsOfKeys(store: TableStore, keys: Column): Int32Array {
  const found = store.findKeys([keys], keys.length);
  return Int32Array.from(new Set(found.filter((s) => s >= 0)));
}

/**
 * For performance: `pk IN (integer literals)` or `pk = literal` on an INTEGER or
 * BIGINT primary key, read off the syntax tree without binding (binding a long
 * IN list costs more than the lookup). Anything else — other types, literals
 * out of the key's range, qualifiers naming another table — returns null and
 * takes the general path, which gives the same answer.
 */
function keyLiterals(table: TableEntry, where: Expr): Column | null {
  if (table.primaryKey.length !== 1) return null;
  const pk = table.primaryKey[0]!;
  const type = table.columns[pk]!.type;
  if (type !== 'integer' && type !== 'bigint') return null;
  let operand: Expr;
  let list: readonly Expr[];
  if (where.kind === 'inList' && !where.negated) {
    operand = where.operand;
    list = where.list;
  } else if (where.kind === 'binary' && where.op === '=') {
    const leftIsColumn = where.left.kind === 'column';
    operand = leftIsColumn ? where.left : where.right;
    list = [leftIsColumn ? where.right : where.left];
  } else return null;
  if (operand.kind !== 'column' || operand.name !== table.columns[pk]!.name) return null;
  if (operand.table !== null && operand.table !== table.name) return null;
  const values = allocValues(type, list.length);
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.kind !== 'number' && !(e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number')) return null;
    if (storeLiteral(e, type, values, i) !== STORED) return null;
  }
  return makeColumn(type, values, null, list.length);
}

function keyLookup(table: TableEntry, predicate: BoundExpr): Column | null {
  if (table.primaryKey.length !== 1 || predicate.kind !== 'call') return null;
  const pk = table.primaryKey[0]!;
  const [first, ...rest] = predicate.args;
  if ((predicate.fn !== 'eq' && predicate.fn !== 'in') || first === undefined) return null;
  let column = first;
  let values = rest;
  if (predicate.fn === 'eq' && rest[0]?.kind === 'column') {
    column = rest[0];
    values = [first];
  }
  if (column.kind !== 'column' || column.index !== pk || !values.every((x) => x.kind === 'const')) return null;
  const type = table.columns[pk]!.type;
  const scalars = values.map((x) => (x.kind === 'const' ? x.value : null)).filter((x) => x !== null);
  if (values.some((x) => x.type !== type)) return null;
  return columnFromScalars(type, scalars);
}

export function deleteDelta(table: TableEntry, store: TableStore, stmt: DeleteStmt, params: readonly unknown[]): DmlResult {
  const matched = matchingRows(table, store, stmt.where, params, 'WHERE');
  const delta = store.deleteDelta(matched.slots, matched.cold);
  let rowCount = 0;
  for (let i = 0; i < delta.length; i++) rowCount -= delta.weights[i]!;
  return { delta, rowCount };
}

export function updateDelta(table: TableEntry, store: TableStore, stmt: UpdateStmt, params: readonly unknown[]): DmlResult {
  const ctx = tableContext(table, params, 'UPDATE');
  const assignments = new Map<number, BoundExpr>();
  for (const a of stmt.assignments) {
    const index = table.columns.findIndex((c) => c.name === a.column);
    if (index < 0) throw new EngineError(SqlState.undefinedColumn, `column "${a.column}" of relation "${table.name}" does not exist`, a.pos);
    if (assignments.has(index)) throw new EngineError(SqlState.syntaxError, `multiple assignments to same column "${a.column}"`, a.pos);
    assignments.set(index, assignTo(bindExpr(a.value, ctx), table.columns[index]!.type, a.column, a.value.pos));
  }
  const matched = matchingRows(table, store, stmt.where, params, 'WHERE');
  const old = store.deleteDelta(matched.slots, matched.cold);
  const source = new BatchInput(old.columns, old.length);
  const columns = table.columns.map((c, i) => {
    const e = assignments.get(i);
    return e === undefined ? old.columns[i]! : withColumnTypmod(c, compileExpr(e)(source));
  });
  const weights = new Int32Array(old.length);
  for (let i = 0; i < old.length; i++) weights[i] = -old.weights[i]!;
  const fresh: ZBatch = { columns, weights, length: old.length };
  store.checkNotNull(fresh);
  const delta = concatBatches(store.types, [old, fresh]);
  store.checkUnique(delta);
  let rowCount = 0;
  for (let i = 0; i < fresh.length; i++) rowCount += fresh.weights[i]!;
  return { delta, rowCount };
}
