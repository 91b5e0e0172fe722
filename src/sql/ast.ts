// The abstract syntax tree of Freshet's SQL dialect: readonly, `kind`-tagged
// nodes produced by the parser (parser.ts) and consumed by the binder
// (plan/binder.ts). The tree covers more syntax than the engine executes (joins,
// subqueries, set operations, window calls): the parser accepts them so the
// binder can reject them with SQLSTATE 0A000 naming the construct and where it
// is, rather than a bare syntax error.
//
// Conventions:
// - Unquoted identifiers are lower-cased by the parser; quoted ones keep case.
// - Every node carries `pos`: where its first token starts in the request text.
// - Function-like special forms are normalized to `call` nodes:
//     EXTRACT(field FROM x)            -> call 'extract'   [string literal field, x]
//     SUBSTRING(x FROM a [FOR b])      -> call 'substring' [x, a, b?]
//     POSITION(a IN b)                 -> call 'position'  [a, b]
//     TRIM([LEADING|TRAILING|BOTH] [c] FROM s) -> call 'btrim'|'ltrim'|'rtrim' [s, c?]
//     ARRAY[e1, e2, ...]               -> call 'array'     [e1, e2, ...]
//     a[lo:hi]                         -> call 'array_slice' [a, lo (1 when left out), hi?]
// - Array syntax that is not a call is a binary node: `a[i]` is op '[]',
//   `x = ANY (arr)` is op '= ANY' (SOME reads as ANY), `x <> ALL (arr)` '<> ALL';
//   `x = ANY (SELECT ...)` is an IN subquery and `x <> ALL (SELECT ...)` a NOT IN.
// - An array type name ends in '[]' (`int[]`, `int ARRAY`): TypeName.name 'int[]'.

import type { SourcePosition } from '../common/errors.js';

// ---------------------------------------------------------------------------
// Statements

export type Statement =
  | CreateTableStmt
  | CreateViewStmt
  | CreateIndexStmt
  | DropIndexStmt
  | CreateSinkStmt
  | DropSinkStmt
  | InsertStmt
  | DeleteStmt
  | UpdateStmt
  | DropStmt
  | ShowStmt
  | ExplainStmt
  | ReplayStmt
  | QueryStmt;

interface StatementBase {
  readonly pos: SourcePosition;
  /** The statement's own text, without the trailing `;`. */
  readonly text: string;
}

export interface TypeName {
  /**
   * Lower-cased, multi-word names joined by one space, e.g. 'integer', 'int',
   * 'double precision', 'varchar', 'timestamp', 'timestamp with time zone'.
   * The binder decides which names are supported.
   */
  readonly name: string;
  /** Modifiers such as varchar(20) or numeric(10, 2). */
  readonly args: readonly number[];
  readonly pos: SourcePosition;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: TypeName;
  readonly notNull: boolean;
  /** `col TYPE PRIMARY KEY` written inline. */
  readonly primaryKey: boolean;
  readonly pos: SourcePosition;
}

export interface CreateTableStmt extends StatementBase {
  readonly kind: 'createTable';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  /** Table-level PRIMARY KEY (a, b); null when absent. */
  readonly primaryKey: readonly string[] | null;
  /** `CONSTRAINT name PRIMARY KEY ...` (inline or table-level); absent when unnamed. */
  readonly primaryKeyName?: string;
  /**
   * UNIQUE constraints, inline (`a INT UNIQUE`) and table-level, in the order
   * written; absent when there are none.
   */
  readonly unique?: readonly UniqueConstraintDef[];
  /** `WATERMARK FOR col AS expr`: the table's event-time column and its watermark; absent when none. */
  readonly watermark?: WatermarkDef;
  /** `) APPEND ONLY`: rows can be inserted, never updated or deleted. */
  readonly appendOnly?: boolean;
  /** `) WITH (key = value, ...)`: table options (allowed_lateness); absent when none. */
  readonly options?: readonly TableOption[];
}

export interface WatermarkDef {
  readonly column: string;
  /** The watermark as an expression of the column, e.g. `ts - INTERVAL '5 seconds'`. */
  readonly expr: Expr;
  readonly pos: SourcePosition;
}

export interface TableOption {
  readonly key: string;
  /** The option's value as written: a string literal's text or a number's digits. */
  readonly value: string;
  readonly pos: SourcePosition;
}

export interface UniqueConstraintDef {
  /** From `CONSTRAINT name`; null means PostgreSQL's default `<table>_<cols>_key`. */
  readonly name: string | null;
  readonly columns: readonly string[];
  /** `UNIQUE NULLS NOT DISTINCT`: rows whose keys are NULL collide too. */
  readonly nullsNotDistinct: boolean;
  readonly pos: SourcePosition;
}

/**
 * CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON table
 * [USING method] (element, ...) [INCLUDE (cols)] [NULLS [NOT] DISTINCT] [WHERE predicate]
 */
export interface CreateIndexStmt extends StatementBase {
  readonly kind: 'createIndex';
  /** Null when omitted (PostgreSQL then picks `<table>_<cols>_idx`). */
  readonly name: string | null;
  readonly table: string;
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  readonly concurrently: boolean;
  /** Lower-cased access method from USING; null when omitted (btree). */
  readonly method: string | null;
  /** Key elements: a column, or an expression, with its sort order. */
  readonly elements: readonly OrderItem[];
  readonly include: readonly string[];
  readonly nullsNotDistinct: boolean;
  /** The predicate of a partial index. */
  readonly where: Expr | null;
}

export interface DropIndexStmt extends StatementBase {
  readonly kind: 'dropIndex';
  readonly names: readonly string[];
  readonly ifExists: boolean;
  readonly concurrently: boolean;
  readonly cascade: boolean;
}

export interface CreateViewStmt extends StatementBase {
  readonly kind: 'createView';
  readonly name: string;
  /** `CREATE MATERIALIZED VIEW v (a, b) AS ...`: names for the first columns; null when absent. */
  readonly columns: readonly string[] | null;
  readonly ifNotExists: boolean;
  readonly orReplace: boolean;
  /** False for a plain CREATE VIEW (the binder rejects it with a hint). */
  readonly materialized: boolean;
  readonly query: Query;
  /** The text of the query alone, as the user wrote it. */
  readonly queryText: string;
  /** `EMIT ON WINDOW CLOSE` after the query; absent for the default, EMIT ON UPDATE. */
  readonly emitOnWindowClose?: boolean;
}

export interface InsertStmt extends StatementBase {
  readonly kind: 'insert';
  readonly table: string;
  readonly columns: readonly string[] | null;
  readonly source: ValuesSource | Query;
  /** `RETURNING items`: absent when not written. */
  readonly returning?: readonly SelectItem[];
}

export interface ValuesSource {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
  readonly pos: SourcePosition;
}

export interface DeleteStmt extends StatementBase {
  readonly kind: 'delete';
  readonly table: string;
  readonly where: Expr | null;
  readonly returning?: readonly SelectItem[];
}

export interface Assignment {
  readonly column: string;
  readonly value: Expr;
  readonly pos: SourcePosition;
}

export interface UpdateStmt extends StatementBase {
  readonly kind: 'update';
  readonly table: string;
  readonly assignments: readonly Assignment[];
  readonly where: Expr | null;
  readonly returning?: readonly SelectItem[];
}

export interface DropStmt extends StatementBase {
  readonly kind: 'drop';
  readonly objectKind: 'table' | 'view';
  /** False for DROP VIEW without MATERIALIZED (accepted as a synonym). */
  readonly materialized: boolean;
  readonly names: readonly string[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
}

/**
 * `REPLAY [MATERIALIZED] VIEW view INTO name`: a new view `name` by the
 * defining statement of `view` (its query, column names and EMIT mode), built
 * over the history the tables retain (engine/replay-view.ts).
 */
export interface ReplayStmt extends StatementBase {
  readonly kind: 'replay';
  readonly view: string;
  readonly into: string;
  /** Where the replayed view's name starts (errors about it, and errors in its definition, point there). */
  readonly viewPos: SourcePosition;
  /** Where the name after INTO starts (for errors about it). */
  readonly intoPos: SourcePosition;
}

export interface ShowStmt extends StatementBase {
  readonly kind: 'show';
  readonly what: 'tables' | 'views' | 'indexes' | 'sinks';
}

/**
 * CREATE SINK [IF NOT EXISTS] name FROM relation
 *   INTO (WEBHOOK 'url' | TABLE name) [WITH (key = value, ...)]
 */
export interface CreateSinkStmt extends StatementBase {
  readonly kind: 'createSink';
  readonly name: string;
  readonly ifNotExists: boolean;
  /** The view (or table) whose changes the sink carries. */
  readonly from: string;
  readonly target: SinkTarget;
  /** WITH options in the order written; checked by the engine (src/sinks/sink-options.ts). */
  readonly options: readonly SinkOption[];
}

export type SinkTarget =
  | { readonly kind: 'webhook'; readonly url: string; readonly pos: SourcePosition }
  | { readonly kind: 'table'; readonly table: string; readonly pos: SourcePosition };

export interface SinkOption {
  /** Lower-cased unless quoted. */
  readonly key: string;
  /** As written: a string literal's text or a number's digits. */
  readonly value: string;
  readonly pos: SourcePosition;
}

/** DROP SINK [IF EXISTS] name [, ...] */
export interface DropSinkStmt extends StatementBase {
  readonly kind: 'dropSink';
  readonly names: readonly string[];
  readonly ifExists: boolean;
}

export interface ExplainStmt extends StatementBase {
  readonly kind: 'explain';
  /** EXPLAIN SELECT ..., EXPLAIN CREATE MATERIALIZED VIEW ..., or EXPLAIN [MATERIALIZED] VIEW name. */
  readonly target: Query | CreateViewStmt | ExplainViewTarget;
}

export interface ExplainViewTarget {
  readonly kind: 'viewName';
  readonly name: string;
  readonly pos: SourcePosition;
}

export interface QueryStmt extends StatementBase {
  readonly kind: 'query';
  readonly query: Query;
}

// ---------------------------------------------------------------------------
// Queries

export type Query = Select | SetOperation;

export interface CommonTableExpr {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly query: Query;
  readonly pos: SourcePosition;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'asc' | 'desc';
  /** Explicit NULLS FIRST / NULLS LAST; null means PostgreSQL's default. */
  readonly nulls: 'first' | 'last' | null;
  readonly pos: SourcePosition;
}

interface QueryTail {
  readonly with: readonly CommonTableExpr[];
  readonly withRecursive: boolean;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
  readonly pos: SourcePosition;
}

export interface Select extends QueryTail {
  readonly kind: 'select';
  /** false: no DISTINCT; true: DISTINCT; Expr[]: DISTINCT ON (...). */
  readonly distinct: boolean | readonly Expr[];
  readonly items: readonly SelectItem[];
  /** Comma-separated FROM items; empty for SELECT without FROM. */
  readonly from: readonly FromItem[];
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
}

export interface SetOperation extends QueryTail {
  readonly kind: 'setOp';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
}

export type SelectItem = StarItem | ExprItem;

export interface StarItem {
  readonly kind: 'star';
  /** `t.*`; null for a bare `*`. */
  readonly table: string | null;
  readonly pos: SourcePosition;
}

export interface ExprItem {
  readonly kind: 'exprItem';
  readonly expr: Expr;
  readonly alias: string | null;
  readonly pos: SourcePosition;
}

export type FromItem = TableRef | SubqueryRef | JoinRef | TableFunctionRef;

export interface TableRef {
  readonly kind: 'tableRef';
  readonly name: string;
  readonly alias: string | null;
  readonly pos: SourcePosition;
}

export interface SubqueryRef {
  readonly kind: 'subqueryRef';
  readonly query: Query;
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
  readonly pos: SourcePosition;
}

export interface TableFunctionRef {
  readonly kind: 'tableFunctionRef';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly alias: string | null;
  readonly pos: SourcePosition;
}

export interface JoinRef {
  readonly kind: 'joinRef';
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly natural: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | null;
  readonly using: readonly string[] | null;
  readonly pos: SourcePosition;
}

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypedLiteral
  | ColumnRef
  | Param
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | IsBoolExpr
  | IsDistinctExpr
  | BetweenExpr
  | InListExpr
  | InSubqueryExpr
  | ExistsExpr
  | ScalarSubquery
  | LikeExpr
  | CaseExpr
  | CastExpr
  | CallExpr;

export interface NumberLiteral {
  readonly kind: 'number';
  /** The literal as written (digits, optional '.', optional exponent). */
  readonly text: string;
  readonly pos: SourcePosition;
}

export interface StringLiteral {
  readonly kind: 'string';
  /** The value with quotes removed and '' unescaped. */
  readonly value: string;
  readonly pos: SourcePosition;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly pos: SourcePosition;
}

export interface NullLiteral {
  readonly kind: 'null';
  readonly pos: SourcePosition;
}

/** `DATE '2024-01-01'`, `TIMESTAMP '...'`, `INTERVAL '5 minutes'`. */
export interface TypedLiteral {
  readonly kind: 'typedLiteral';
  readonly type: TypeName;
  readonly value: string;
  readonly pos: SourcePosition;
}

export interface ColumnRef {
  readonly kind: 'column';
  /** The qualifier in `t.col`; null when unqualified. */
  readonly table: string | null;
  readonly name: string;
  readonly pos: SourcePosition;
}

/** `$1`, `$2`, ...: 1-based. */
export interface Param {
  readonly kind: 'param';
  readonly index: number;
  readonly pos: SourcePosition;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'not';
  readonly operand: Expr;
  readonly pos: SourcePosition;
}

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** `x op ANY (array)` / `x op ALL (array)` (SOME is ANY). */
export type QuantifiedOp = `${ComparisonOp} ${'ANY' | 'ALL'}`;

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '->' | '->>' | '#>' | '#>>' | '@>' | '<@' | '&&'
  | '~' | '~*' | '!~' | '!~*'
  | ComparisonOp
  | QuantifiedOp
  /** Array subscript `a[i]`: left is the array, right the 1-based index. */
  | '[]'
  | 'and' | 'or';

export interface BinaryExpr {
  readonly kind: 'binary';
  /** `!=` is normalized to `<>`. */
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: SourcePosition;
}

export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly operand: Expr;
  readonly negated: boolean;
  readonly pos: SourcePosition;
}

/** `x IS [NOT] TRUE | FALSE | UNKNOWN`; UNKNOWN is value null. */
export interface IsBoolExpr {
  readonly kind: 'isBool';
  readonly operand: Expr;
  readonly value: boolean | null;
  readonly negated: boolean;
  readonly pos: SourcePosition;
}

export interface IsDistinctExpr {
  readonly kind: 'isDistinct';
  readonly left: Expr;
  readonly right: Expr;
  /** true for IS NOT DISTINCT FROM. */
  readonly negated: boolean;
  readonly pos: SourcePosition;
}

export interface BetweenExpr {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly symmetric: boolean;
  readonly pos: SourcePosition;
}

export interface InListExpr {
  readonly kind: 'inList';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly pos: SourcePosition;
}

export interface InSubqueryExpr {
  readonly kind: 'inSubquery';
  readonly operand: Expr;
  readonly query: Query;
  readonly negated: boolean;
  readonly pos: SourcePosition;
}

export interface ExistsExpr {
  readonly kind: 'exists';
  readonly query: Query;
  readonly pos: SourcePosition;
}

export interface ScalarSubquery {
  readonly kind: 'scalarSubquery';
  readonly query: Query;
  readonly pos: SourcePosition;
}

export interface LikeExpr {
  readonly kind: 'like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly negated: boolean;
  /** ILIKE. */
  readonly caseInsensitive: boolean;
  readonly pos: SourcePosition;
}

export interface CaseWhen {
  readonly when: Expr;
  readonly then: Expr;
}

export interface CaseExpr {
  readonly kind: 'case';
  /** `CASE x WHEN ...` (simple form); null for the searched form. */
  readonly operand: Expr | null;
  readonly whens: readonly CaseWhen[];
  readonly else: Expr | null;
  readonly pos: SourcePosition;
}

/** `CAST(x AS t)` and `x::t`. */
export interface CastExpr {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: TypeName;
  readonly pos: SourcePosition;
}

export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** The frame clause as written (e.g. 'ROWS BETWEEN 1 PRECEDING AND CURRENT ROW'); null if absent. */
  readonly frameText: string | null;
  readonly pos: SourcePosition;
}

export interface CallExpr {
  readonly kind: 'call';
  /** Lower-cased function name. */
  readonly name: string;
  readonly args: readonly Expr[];
  /** `count(*)`. */
  readonly star: boolean;
  /** `count(DISTINCT x)`. */
  readonly distinct: boolean;
  /** `agg(x) FILTER (WHERE ...)`. */
  readonly filter: Expr | null;
  /** `string_agg(x, ',' ORDER BY y)`: ORDER BY inside the argument list; absent when not written. */
  readonly orderBy?: readonly OrderItem[];
  /** `percentile_cont(f) WITHIN GROUP (ORDER BY x)`; absent when not written. */
  readonly withinGroup?: readonly OrderItem[];
  /** `fn(...) OVER (...)`. */
  readonly over: WindowSpec | null;
  readonly pos: SourcePosition;
}
