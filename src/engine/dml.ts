// INSERT, UPDATE and DELETE turned into table deltas. Nothing here changes a
// table: each function returns the Z-set delta (and the affected row count)
// that the engine then commits to the table and all its views at once.

import type { SqlType } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column, Scalar } from '../columnar/column.js';
import { columnFromScalars, constantColumn, gatherColumn } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches } from '../columnar/z-batch.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { castColumn } from '../expr/cast.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { bindExpr, castTo } from '../plan/bind-expr.js';
import type { ExprContext } from '../plan/bind-expr.js';
import type { TableEntry } from '../plan/catalog.js';
import type { DeleteStmt, Expr, InsertStmt, UpdateStmt, ValuesSource } from '../sql/ast.js';
import type { TableStore } from '../storage/table-store.js';

export interface DmlResult {
  readonly delta: ZBatch;
  readonly rowCount: number;
}

function tableContext(table: TableEntry, params: readonly unknown[], clause: string): ExprContext {
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

/** Builds a full-width insert batch from the target columns' data (others NULL). */
export function widenToTable(table: TableEntry, targets: readonly number[], data: readonly Column[], length: number): ZBatch {
  const columns = table.columns.map((c, i) => {
    const t = targets.indexOf(i);
    if (t < 0) return constantColumn(c.type, null, length);
    return castColumn(data[t]!, c.type);
  });
  return { columns, weights: new Int32Array(length).fill(1), length };
}

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
  const perColumn: Scalar[][] = targets.map(() => []);
  for (const row of source.rows) {
    if (row.length !== targets.length) {
      const more = row.length > targets.length;
      throw new EngineError(
        SqlState.syntaxError,
        `INSERT has ${more ? 'more' : 'fewer'} expressions than target columns (${row.length} values for ${targets.length} columns)`,
        (row[Math.min(row.length, targets.length) - 1] ?? row[0])?.pos ?? source.pos,
      );
    }
    row.forEach((e: Expr, k) => {
      const type = table.columns[targets[k]!]!.type;
      const literal = literalValue(e, type);
      if (literal !== undefined) {
        perColumn[k]!.push(literal);
        return;
      }
      const bound = castTo(bindExpr(e, ctx), type, e.pos);
      if (bound.kind !== 'const') throw new EngineError(SqlState.featureNotSupported, 'VALUES entries must be constant expressions', e.pos);
      perColumn[k]!.push(bound.value);
    });
  }
  return targets.map((t, k) => columnFromScalars(table.columns[t]!.type, perColumn[k]!));
}

const PLAIN_INTEGER = /^\d{1,15}$/;

/**
 * For performance: the common literals of a VALUES list (numbers into numeric
 * columns, strings into text columns, NULL) without binding an expression.
 * Returns undefined for anything else, which takes the general path.
 */
function literalValue(e: Expr, type: SqlType): Scalar | undefined {
  if (e.kind === 'null') return null;
  if (e.kind === 'string' && type === 'text') return e.value;
  let text: string | null = null;
  let sign = 1;
  if (e.kind === 'number') text = e.text;
  else if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') {
    text = e.operand.text;
    sign = -1;
  }
  if (text === null) return undefined;
  if (type === 'double') return sign * Number(text);
  if ((type === 'integer' || type === 'bigint') && PLAIN_INTEGER.test(text)) {
    const v = sign * Number(text);
    if (type === 'integer' && (v < -2147483648 || v > 2147483647)) return undefined;
    return v;
  }
  return undefined;
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

/**
 * Rows of the table matching WHERE, as slots. A predicate `pk = const` or
 * `pk IN (consts)` on a one-column primary key is answered from the key index
 * instead of scanning, so keyed deletes and updates cost O(changed rows).
 */
function matchingRows(table: TableEntry, store: TableStore, where: Expr | null, params: readonly unknown[], clause: string): Int32Array {
  if (where !== null) {
    const predicate = castTo(bindExpr(where, tableContext(table, params, clause)), 'boolean', where.pos);
    const keys = keyLookup(table, predicate);
    if (keys !== null) {
      const found = store.findKeys([keys], keys.length);
      return Int32Array.from(new Set(found.filter((s) => s >= 0)));
    }
    const { batch, slots } = store.snapshot();
    const cond = compileExpr(predicate)(new BatchInput(batch.columns, batch.length));
    const keep: number[] = [];
    const v = cond.values as Uint8Array;
    for (let i = 0; i < batch.length; i++) {
      if (v[i] === 1 && (cond.validity === null || ((cond.validity[i >>> 3]! >>> (i & 7)) & 1) === 1)) keep.push(i);
    }
    return Int32Array.from(keep, (i) => slots[i]!);
  }
  return store.snapshot().slots;
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
  const slots = matchingRows(table, store, stmt.where, params, 'WHERE');
  const delta = store.deleteDelta(slots);
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
    assignments.set(index, castTo(bindExpr(a.value, ctx), table.columns[index]!.type, a.value.pos));
  }
  const slots = matchingRows(table, store, stmt.where, params, 'WHERE');
  const old = store.deleteDelta(slots);
  const source = new BatchInput(old.columns, old.length);
  const columns = table.columns.map((_, i) => {
    const e = assignments.get(i);
    return e === undefined ? old.columns[i]! : compileExpr(e)(source);
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
