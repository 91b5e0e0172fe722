// CREATE INDEX, DROP INDEX, SHOW INDEXES, and the indexes behind CREATE
// TABLE's PRIMARY KEY and UNIQUE constraints. A plain index is recorded in the
// catalog and changes no result or plan (views keep their own arrangements and
// one-shot reads scan): it is accepted for compatibility. A unique index, or a
// UNIQUE constraint, is enforced: its table keeps a UniqueIndex in step.
// Names follow PostgreSQL: `<table>_<cols>_idx`, `<table>_<cols>_key`,
// `<table>_pkey`, with a number appended when the name is taken.

import { assert } from '../common/assert.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { bindExpr, requireBoolean } from '../plan/bind-expr.js';
import type { Catalog, CatalogColumn, IndexEntry } from '../plan/catalog.js';
import { renderExpr } from '../plan/render-expr.js';
import type { QueryResult } from '../query-result.js';
import type { CreateIndexStmt, DropIndexStmt, Expr, OrderItem, UniqueConstraintDef } from '../sql/ast.js';
import type { TableStore } from '../storage/table-store.js';
import { UniqueIndex } from '../storage/unique-index.js';
import type { UniqueKey } from '../storage/unique-index.js';
import { tableContext } from './dml.js';
import { commandResult, valuesResult } from './format-result.js';

export interface IndexDdlContext {
  readonly catalog: Catalog;
  readonly tables: ReadonlyMap<string, TableStore>;
}

/** PostgreSQL's built-in access methods; only btree can be unique. */
const ACCESS_METHODS = new Set(['btree', 'hash', 'gist', 'spgist', 'gin', 'brin']);

/** A key element bound against the relation: a column index, or an expression over its columns. */
type BoundElement =
  | { readonly kind: 'column'; readonly index: number; readonly name: string; readonly type: SqlType }
  | { readonly kind: 'expr'; readonly kernel: ReturnType<typeof compileExpr>; readonly label: string; readonly type: SqlType };

export function createIndex(ctx: IndexDdlContext, stmt: CreateIndexStmt): QueryResult {
  const relation = ctx.catalog.get(stmt.table);
  if (relation === undefined) {
    const what = ctx.catalog.index(stmt.table) !== undefined ? `"${stmt.table}" is an index, not a table` : `relation "${stmt.table}" does not exist`;
    throw new EngineError(ctx.catalog.index(stmt.table) !== undefined ? SqlState.wrongObjectType : SqlState.undefinedTable, what, stmt.pos);
  }
  if (stmt.name !== null && ctx.catalog.nameTaken(stmt.name)) {
    // PostgreSQL only notes that it skipped the statement.
    if (stmt.ifNotExists) return commandResult('CREATE INDEX');
    throw new EngineError(SqlState.duplicateTable, `relation "${stmt.name}" already exists`, stmt.pos);
  }
  const method = stmt.method ?? 'btree';
  if (!ACCESS_METHODS.has(method)) throw new EngineError(SqlState.undefinedObjectType, `access method "${method}" does not exist`, stmt.pos);
  if (stmt.unique && method !== 'btree') throw unsupportedAs(`access method "${method}" does not support unique indexes`, stmt);
  const elements = stmt.elements.map((e) => bindElement(relation, e));
  for (const name of stmt.include) columnIndex(relation, name, stmt);
  const covers = stmt.where === null ? null : compileExpr(requireBoolean(bindExpr(stmt.where, tableContext(relation, [], 'index predicates')), 'WHERE', stmt.where.pos));
  const name = stmt.name ?? freeName(ctx.catalog, stmt.table, stmt.elements.map(elementName), 'idx');
  const entry: IndexEntry = {
    name,
    relation: relation.name,
    unique: stmt.unique,
    origin: 'createIndex',
    definition: indexDefinition(name, stmt.unique, relation.name, method, stmt.elements, stmt.where),
  };
  if (stmt.unique) {
    if (relation.kind !== 'table') throw unsupported('a unique index on a materialized view (its rows change only through its inputs)', stmt.pos);
    const key: UniqueKey = {
      name,
      labels: elements.map((e) => (e.kind === 'column' ? e.name : e.label)),
      types: elements.map((e) => e.type),
      keyColumns: keyReader(elements),
      covers: covers === null ? null : (batch) => covers(new BatchInput(batch.columns, batch.length)),
      nullsNotDistinct: stmt.nullsNotDistinct,
    };
    const store = ctx.tables.get(relation.name)!;
    // Built before the catalog changes: duplicates already in the table fail the statement with nothing recorded.
    const index = UniqueIndex.build(key, store.rowsSnapshot());
    ctx.catalog.addIndex(entry);
    store.addUniqueIndex(index);
  } else {
    ctx.catalog.addIndex(entry);
  }
  return commandResult('CREATE INDEX');
}

export function dropIndex(ctx: IndexDdlContext, stmt: DropIndexStmt): QueryResult {
  // Validate every name before dropping any, so a failing DROP changes nothing.
  const targets: IndexEntry[] = [];
  for (const name of stmt.names) {
    const entry = ctx.catalog.index(name);
    if (entry === undefined) {
      if (ctx.catalog.get(name) !== undefined) throw new EngineError(SqlState.wrongObjectType, `"${name}" is not an index`, stmt.pos);
      if (stmt.ifExists) continue;
      throw new EngineError(SqlState.undefinedObjectType, `index "${name}" does not exist`, stmt.pos);
    }
    if (entry.origin !== 'createIndex') {
      throw new EngineError(
        SqlState.dependentObjectsStillExist,
        `cannot drop index ${name} because constraint ${name} on table ${entry.relation} requires it; drop the table, or recreate it without the constraint`,
        stmt.pos,
      );
    }
    targets.push(entry);
  }
  for (const entry of targets) {
    ctx.catalog.removeIndex(entry.name);
    if (entry.unique) ctx.tables.get(entry.relation)?.removeUniqueIndex(entry.name);
  }
  return commandResult('DROP INDEX');
}

/** SHOW INDEXES: every index in creation order, with the statement that would create it. */
export function showIndexes(catalog: Catalog): QueryResult {
  return valuesResult(
    'SHOW',
    [
      { name: 'name', type: 'text' },
      { name: 'table', type: 'text' },
      { name: 'unique', type: 'boolean' },
      { name: 'definition', type: 'text' },
    ],
    catalog.indexes().map((i) => [i.name, i.relation, i.unique, i.definition]),
  );
}

export interface TableConstraints {
  /** The primary key's constraint (and index) name, when the table has a primary key. */
  readonly primaryKeyName: string | null;
  readonly unique: readonly { readonly name: string; readonly columns: readonly number[]; readonly nullsNotDistinct: boolean }[];
}

/**
 * Names and column indexes of a new table's PRIMARY KEY and UNIQUE
 * constraints. As in PostgreSQL, a constraint repeating the primary key's or
 * an earlier constraint's columns adds no second index (an unnamed one takes
 * the later name). Checks everything, registers nothing.
 */
export function planTableConstraints(
  catalog: Catalog,
  table: string,
  columns: readonly CatalogColumn[],
  primaryKey: readonly number[],
  primaryKeyName: string | null,
  unique: readonly UniqueConstraintDef[],
): TableConstraints {
  type Planned = { name: string | null; columns: number[]; nullsNotDistinct: boolean; primary: boolean };
  const planned: Planned[] = [];
  if (primaryKey.length > 0) planned.push({ name: primaryKeyName, columns: [...primaryKey], nullsNotDistinct: false, primary: true });
  for (const u of unique) {
    const indexes = u.columns.map((name) => {
      const i = columns.findIndex((c) => c.name === name);
      if (i < 0) throw new EngineError(SqlState.undefinedColumn, `column "${name}" named in key does not exist`, u.pos);
      return i;
    });
    const twice = indexes.find((c, k) => indexes.indexOf(c) !== k);
    if (twice !== undefined) throw new EngineError(SqlState.duplicateColumn, `column "${columns[twice]!.name}" appears twice in unique constraint`, u.pos);
    const same = planned.find((p) => p.columns.length === indexes.length && p.columns.every((c, k) => c === indexes[k]) && p.nullsNotDistinct === u.nullsNotDistinct);
    if (same !== undefined) {
      same.name ??= u.name;
      continue;
    }
    planned.push({ name: u.name, columns: indexes, nullsNotDistinct: u.nullsNotDistinct, primary: false });
  }
  // Explicit names first, then defaults around them, all distinct from each other and from existing relations.
  const taken = new Set<string>([table]);
  for (const p of planned) {
    if (p.name === null) continue;
    if (taken.has(p.name) || catalog.nameTaken(p.name)) throw new EngineError(SqlState.duplicateTable, `relation "${p.name}" already exists`);
    taken.add(p.name);
  }
  for (const p of planned) {
    if (p.name !== null) continue;
    const parts = p.primary ? [] : p.columns.map((c) => columns[c]!.name);
    p.name = freeName(catalog, table, parts, p.primary ? 'pkey' : 'key', taken);
    taken.add(p.name);
  }
  const primary = planned.find((p) => p.primary);
  return {
    primaryKeyName: primary?.name ?? null,
    unique: planned.filter((p) => !p.primary).map((p) => ({ name: p.name!, columns: p.columns, nullsNotDistinct: p.nullsNotDistinct })),
  };
}

/** Records a new table's constraint indexes in the catalog and its store (the table is empty: nothing to check). */
export function registerTableConstraints(ctx: IndexDdlContext, table: string, constraints: TableConstraints): void {
  const entry = ctx.catalog.get(table);
  const store = ctx.tables.get(table);
  assert(entry !== undefined && entry.kind === 'table' && store !== undefined, `table ${table} must be registered first`);
  const names = (cols: readonly number[]): string[] => cols.map((c) => entry.columns[c]!.name);
  if (constraints.primaryKeyName !== null) {
    const name = constraints.primaryKeyName;
    const definition = `CREATE UNIQUE INDEX ${name} ON ${table} USING btree (${names(entry.primaryKey).join(', ')})`;
    ctx.catalog.addIndex({ name, relation: table, unique: true, origin: 'primaryKey', definition });
  }
  for (const u of constraints.unique) {
    const cols = names(u.columns);
    const nulls = u.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
    const definition = `CREATE UNIQUE INDEX ${u.name} ON ${table} USING btree (${cols.join(', ')})${nulls}`;
    ctx.catalog.addIndex({ name: u.name, relation: table, unique: true, origin: 'uniqueConstraint', definition });
    const columnIndexes = [...u.columns];
    store.addUniqueIndex(
      new UniqueIndex({
        name: u.name,
        labels: cols,
        types: u.columns.map((c) => entry.columns[c]!.type),
        keyColumns: (batch) => columnIndexes.map((c) => batch.columns[c]!),
        covers: null,
        nullsNotDistinct: u.nullsNotDistinct,
      }),
    );
  }
}

/**
 * PostgreSQL's choice of a default name: `<table>_<parts>_<suffix>`, with 1, 2, ...
 * appended to the suffix until no relation or index has it.
 */
function freeName(catalog: Catalog, table: string, parts: readonly string[], suffix: string, taken: ReadonlySet<string> = new Set()): string {
  const base = [table, ...parts, suffix].join('_');
  let name = base;
  for (let n = 1; catalog.nameTaken(name) || taken.has(name); n++) name = `${base}${n}`;
  return name;
}

/** The part of a default index name an element contributes: its column, its function, or `expr`. */
function elementName(e: OrderItem): string {
  if (e.expr.kind === 'column') return e.expr.name;
  if (e.expr.kind === 'call') return e.expr.name;
  return 'expr';
}

function bindElement(relation: { readonly name: string; readonly columns: readonly CatalogColumn[] }, e: OrderItem): BoundElement {
  const expr = e.expr;
  if (expr.kind === 'column' && (expr.table === null || expr.table === relation.name)) {
    const index = relation.columns.findIndex((c) => c.name === expr.name);
    if (index < 0) throw new EngineError(SqlState.undefinedColumn, `column "${expr.name}" does not exist`, expr.pos);
    return { kind: 'column', index, name: expr.name, type: relation.columns[index]!.type };
  }
  const bound = bindExpr(expr, tableContext(relation, [], 'index expressions'));
  const text = renderExpr(expr);
  const label = expr.kind === 'call' || text.startsWith('(') ? text : `(${text})`;
  return { kind: 'expr', kernel: compileExpr(bound), label, type: bound.type };
}

function columnIndex(relation: { readonly columns: readonly CatalogColumn[] }, name: string, stmt: CreateIndexStmt): number {
  const index = relation.columns.findIndex((c) => c.name === name);
  if (index < 0) throw new EngineError(SqlState.undefinedColumn, `column "${name}" does not exist`, stmt.pos);
  return index;
}

/** Reads a batch's key columns: plain columns as they are, expressions evaluated over the batch. */
function keyReader(elements: readonly BoundElement[]): (batch: ZBatch) => readonly Column[] {
  if (elements.every((e) => e.kind === 'column')) {
    const indexes = elements.map((e) => (e.kind === 'column' ? e.index : -1));
    return (batch) => indexes.map((i) => batch.columns[i]!);
  }
  return (batch) => {
    const input = new BatchInput(batch.columns, batch.length);
    return elements.map((e) => (e.kind === 'column' ? batch.columns[e.index]! : e.kernel(input)));
  };
}

function indexDefinition(name: string, unique: boolean, relation: string, method: string, elements: readonly OrderItem[], where: Expr | null): string {
  const parts = elements.map((e) => {
    const text = e.expr.kind === 'column' ? e.expr.name : e.expr.kind === 'call' ? renderExpr(e.expr) : `(${renderExpr(e.expr)})`;
    const direction = e.direction === 'desc' ? ' DESC' : '';
    const nulls = e.nulls === null ? '' : ` NULLS ${e.nulls.toUpperCase()}`;
    return `${text}${direction}${nulls}`;
  });
  const predicate = where === null ? '' : ` WHERE ${renderExpr(where)}`;
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${relation} USING ${method} (${parts.join(', ')})${predicate}`;
}

function unsupportedAs(message: string, stmt: CreateIndexStmt): EngineError {
  return new EngineError(SqlState.featureNotSupported, message, stmt.pos);
}
