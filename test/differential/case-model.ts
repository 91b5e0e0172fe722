// The data model of one differential case (tables, views, change batches) and
// its rendering to SQL. Cases are data, not text, so the shrinker can drop
// steps, rows and view clauses and re-render. Freshet and DuckDB get the same
// text except for INSERT into a keyed table, which DuckDB runs as INSERT OR
// REPLACE to mirror Freshet's upsert semantics.

/** Column types a generated table can have. */
export type ColType = 'integer' | 'bigint' | 'double' | 'text' | 'boolean' | 'timestamp' | 'date';

/**
 * Types the expression generator reasons about. `numeric` is what PostgreSQL
 * returns for sum(bigint) and extract(): a number whose `/` is not integer
 * division, so the generator never divides, takes `%` of, or casts it.
 */
export type GenType = ColType | 'numeric';

/** A column (or expression) the generators can reference, with what they know of its values. */
export interface ColumnInfo {
  /** The SQL text that references it: a column name, or an expression. */
  readonly sql: string;
  readonly type: GenType;
  /** An upper bound of |value| for number types: keeps int32/int64 arithmetic from overflowing. */
  readonly bound: number;
  /** For doubles: no value can end in exactly .5, so round() and ::integer agree everywhere. */
  readonly halfSafe: boolean;
  /**
   * For doubles: every value is exact (a multiple of 1/64 within range, no
   * division), so sums are the same in any order and comparing them with
   * literals cannot flip on rounding noise. Always true for integer types.
   */
  readonly exact: boolean;
}

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColType;
  readonly notNull: boolean;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** The single primary-key column, or null for a table without a key. */
  readonly primaryKey: string | null;
}

export interface ViewItem {
  /** `*` for SELECT *, else an expression. */
  readonly expr: string;
  readonly alias: string;
  readonly info: ColumnInfo;
}

export interface ViewSpec {
  readonly name: string;
  /** A table or an earlier view. */
  readonly source: string;
  readonly star: boolean;
  readonly items: readonly ViewItem[];
  readonly where: string | null;
  readonly groupBy: readonly string[];
  readonly having: string | null;
}

export interface InsertStmt {
  readonly kind: 'insert';
  readonly table: string;
  /** SQL literal text per column, in table column order. */
  readonly rows: readonly (readonly string[])[];
}

export interface DeleteStmt {
  readonly kind: 'delete';
  readonly table: string;
  readonly where: string | null;
}

export interface UpdateStmt {
  readonly kind: 'update';
  readonly table: string;
  readonly sets: readonly { readonly column: string; readonly expr: string }[];
  readonly where: string | null;
}

export type ChangeStmt = InsertStmt | DeleteStmt | UpdateStmt;

export type Step =
  | { readonly kind: 'createView'; readonly view: ViewSpec }
  /** Statements sent to Freshet in one `engine.sql` call; the views are checked after it. */
  | { readonly kind: 'batch'; readonly statements: readonly ChangeStmt[] };

export interface DiffCase {
  readonly seed: number;
  readonly tables: readonly TableSpec[];
  readonly steps: readonly Step[];
}

export type Dialect = 'freshet' | 'duckdb';

const typeSql: Readonly<Record<ColType, string>> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE PRECISION',
  text: 'TEXT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

export function colTypeSql(t: ColType): string {
  return typeSql[t];
}

export function renderCreateTable(t: TableSpec): string {
  const cols = t.columns.map((c) => {
    let s = `${c.name} ${typeSql[c.type]}`;
    if (c.name === t.primaryKey) s += ' PRIMARY KEY';
    else if (c.notNull) s += ' NOT NULL';
    return s;
  });
  return `CREATE TABLE ${t.name} (${cols.join(', ')})`;
}

/** The view's defining SELECT (the same text for both engines). */
export function renderViewQuery(v: ViewSpec): string {
  const items = v.star ? '*' : v.items.map((i) => `${i.expr} AS ${i.alias}`).join(', ');
  let s = `SELECT ${items} FROM ${v.source}`;
  if (v.where !== null) s += ` WHERE ${v.where}`;
  if (v.groupBy.length > 0) s += ` GROUP BY ${v.groupBy.join(', ')}`;
  if (v.having !== null) s += ` HAVING ${v.having}`;
  return s;
}

/** Freshet keeps a materialized view; DuckDB's plain view recomputes from scratch on every read. */
export function renderCreateView(v: ViewSpec, dialect: Dialect): string {
  const kw = dialect === 'freshet' ? 'CREATE MATERIALIZED VIEW' : 'CREATE VIEW';
  return `${kw} ${v.name} AS ${renderViewQuery(v)}`;
}

export function renderChange(s: ChangeStmt, dialect: Dialect, tables: readonly TableSpec[]): string {
  switch (s.kind) {
    case 'insert': {
      const keyed = tables.find((t) => t.name === s.table)?.primaryKey != null;
      const verb = keyed && dialect === 'duckdb' ? 'INSERT OR REPLACE INTO' : 'INSERT INTO';
      const rows = s.rows.map((r) => `(${r.join(', ')})`).join(', ');
      return `${verb} ${s.table} VALUES ${rows}`;
    }
    case 'delete':
      return s.where === null ? `DELETE FROM ${s.table}` : `DELETE FROM ${s.table} WHERE ${s.where}`;
    case 'update': {
      const sets = s.sets.map((a) => `${a.column} = ${a.expr}`).join(', ');
      return s.where === null
        ? `UPDATE ${s.table} SET ${sets}`
        : `UPDATE ${s.table} SET ${sets} WHERE ${s.where}`;
    }
  }
}

/** The names of the views a case has created up to and including step `upTo`. */
export function viewsCreated(c: DiffCase, upTo: number): ViewSpec[] {
  const out: ViewSpec[] = [];
  for (let i = 0; i <= upTo && i < c.steps.length; i++) {
    const s = c.steps[i];
    if (s?.kind === 'createView') out.push(s.view);
  }
  return out;
}
