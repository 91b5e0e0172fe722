// Builders for query ASTs in node-sql-parser's own format, and their rendering
// to SQL text by node-sql-parser's `sqlify` (postgresql dialect): the text the
// fuzzer runs comes from an implementation independent of Freshet's parser.
// Promises: every compound expression node is built with `parentheses: true`,
// because sqlify prints binary operators without regard to precedence, and
// string literals are escaped here, because sqlify prints their value verbatim.

import nodeSqlParser from 'node-sql-parser';

/** A node of node-sql-parser's AST. Nodes are plain data, never mutated after construction. */
export interface AstNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

const parser = new nodeSqlParser.Parser();
const dialect = { database: 'postgresql' } as const;

/** Renders a SELECT statement AST as PostgreSQL text. */
export function sqlifyQuery(ast: AstNode): string {
  return parser.sqlify(ast as unknown as nodeSqlParser.AST, dialect);
}

/** Renders one expression AST as PostgreSQL text (for DML predicates and messages). */
export function sqlifyExpr(ast: AstNode): string {
  return parser.exprToSQL(ast, dialect);
}

export function colRef(column: string, table: string | null = null): AstNode {
  return { type: 'column_ref', table, column: { expr: { type: 'default', value: column } } };
}

/** A non-negative number literal; negative values are wrapped as `(-n)` so `- (-n)` never prints `--n` (a comment). */
export function numLit(value: number | string): AstNode {
  const negative = typeof value === 'number' ? value < 0 : value.startsWith('-');
  return negative ? { type: 'number', value, parentheses: true } : { type: 'number', value };
}

export function strLit(value: string): AstNode {
  return { type: 'single_quote_string', value: value.replaceAll("'", "''") };
}

export function boolLit(value: boolean): AstNode {
  return { type: 'bool', value };
}

export function nullLit(): AstNode {
  return { type: 'null', value: null };
}

/** `DATE '...'` or `TIMESTAMP '...'`. */
export function typedLit(kind: 'date' | 'timestamp', text: string): AstNode {
  return { type: kind, value: text };
}

export function binary(operator: string, left: AstNode, right: AstNode): AstNode {
  return { type: 'binary_expr', operator, left, right, parentheses: true };
}

/** AND/OR chains of several conditions; a single condition is returned as is. */
export function conjunction(operator: 'AND' | 'OR', parts: readonly AstNode[]): AstNode {
  const [first, ...rest] = parts;
  if (first === undefined) throw new Error('conjunction of nothing');
  return rest.reduce((acc, p) => binary(operator, acc, p), first);
}

export function unary(operator: '-' | 'NOT', expr: AstNode): AstNode {
  return { type: 'unary_expr', operator, expr, parentheses: true };
}

export function exprList(items: readonly AstNode[]): AstNode {
  return { type: 'expr_list', value: items };
}

export function call(name: string, args: readonly AstNode[]): AstNode {
  return { type: 'function', name: { name: [{ type: 'default', value: name }] }, args: exprList(args) };
}

export function cast(expr: AstNode, dataType: string, symbol: 'as' | '::' = 'as'): AstNode {
  return { type: 'cast', keyword: 'cast', symbol, expr, target: [{ dataType }], parentheses: symbol === '::' };
}

/** `CASE [operand] WHEN c THEN r ... [ELSE e] END`. */
export function caseExpr(operand: AstNode | null, whens: readonly (readonly [AstNode, AstNode])[], otherwise: AstNode | null): AstNode {
  const args: AstNode[] = whens.map(([cond, result]) => ({ type: 'when', cond, result }));
  if (otherwise !== null) args.push({ type: 'else', result: otherwise });
  return { type: 'case', expr: operand, args, parentheses: true };
}

export function extract(field: string, source: AstNode): AstNode {
  return { type: 'extract', args: { field, source } };
}

export type AggName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export function aggregate(name: AggName, arg: AstNode | null, distinct = false, over: AstNode | null = null): AstNode {
  const expr = arg ?? { type: 'star', value: '*' };
  return { type: 'aggr_func', name, args: distinct ? { expr, distinct: 'DISTINCT' } : { expr }, over };
}

export interface OrderItem {
  readonly expr: AstNode;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** ORDER BY items always say ASC/DESC and NULLS FIRST/LAST: PostgreSQL and DuckDB default NULL placement differently. */
export function orderBy(items: readonly OrderItem[]): AstNode[] {
  return items.map((o) => ({ type: o.desc ? 'DESC' : 'ASC', expr: o.expr, nulls: o.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST' }));
}

/** `OVER (PARTITION BY ... ORDER BY ...)`. */
export function windowSpec(partitionBy: readonly AstNode[], order: readonly OrderItem[]): AstNode {
  return {
    type: 'window',
    as_window_specification: {
      window_specification: {
        name: null,
        partitionby: partitionBy.length === 0 ? null : partitionBy.map((expr) => ({ type: 'expr', expr })),
        orderby: order.length === 0 ? null : orderBy(order),
        window_frame_clause: null,
      },
      parentheses: true,
    },
  };
}

/** A ranking window function: row_number(), rank(), dense_rank(). */
export function windowCall(name: 'row_number' | 'rank' | 'dense_rank', over: AstNode): AstNode {
  return { type: 'window_func', name, over };
}

/** One select-list item, always aliased so both engines name the column the same way. */
export interface SelectItem {
  readonly expr: AstNode;
  readonly alias: string;
}

/** A FROM item: a table or view, or a parenthesized subquery, with an alias; joined to the previous item unless first. */
export interface FromItem {
  readonly source: { readonly kind: 'relation'; readonly name: string } | { readonly kind: 'subquery'; readonly query: AstNode };
  readonly alias: string;
  readonly join: null | {
    readonly kind: 'INNER JOIN' | 'LEFT JOIN' | 'RIGHT JOIN' | 'FULL JOIN' | 'CROSS JOIN';
    readonly on: AstNode | null;
    readonly using: readonly string[] | null;
  };
}

export interface SelectParts {
  readonly with?: readonly { readonly name: string; readonly query: AstNode }[];
  readonly distinct?: boolean;
  readonly items: readonly SelectItem[];
  readonly from: readonly FromItem[];
  readonly where?: AstNode | null;
  readonly groupBy?: readonly AstNode[];
  readonly having?: AstNode | null;
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: number | null;
}

function fromNode(f: FromItem): Record<string, unknown> {
  const base: Record<string, unknown> =
    f.source.kind === 'relation'
      ? { db: null, table: f.source.name, as: f.alias }
      : { expr: { ast: f.source.query, parentheses: true }, as: f.alias };
  if (f.join === null) return base;
  if (f.join.using !== null) return { ...base, join: f.join.kind, using: f.join.using.map((value) => ({ type: 'default', value })) };
  return { ...base, join: f.join.kind, on: f.join.on };
}

export function select(p: SelectParts): AstNode {
  const withs = p.with ?? [];
  return {
    with: withs.length === 0 ? null : withs.map((w) => ({ name: { type: 'default', value: w.name }, stmt: w.query, columns: null })),
    type: 'select',
    options: null,
    distinct: { type: p.distinct === true ? 'DISTINCT' : null },
    columns: p.items.map((i) => ({ type: 'expr', expr: i.expr, as: i.alias })),
    into: { position: null },
    from: p.from.map(fromNode),
    where: p.where ?? null,
    groupby: p.groupBy !== undefined && p.groupBy.length > 0 ? { columns: p.groupBy } : null,
    having: p.having ?? null,
    orderby: p.orderBy !== undefined && p.orderBy.length > 0 ? orderBy(p.orderBy) : null,
    limit: { seperator: '', value: p.limit == null ? [] : [numLit(p.limit)] },
    window: null,
  };
}

export type SetOp = 'union' | 'union all' | 'intersect' | 'intersect all' | 'except' | 'except all';

/** `left <op> right`: node-sql-parser chains set operations through `_next` and `set_op` on the left operand. */
export function setOperation(left: AstNode, op: SetOp, right: AstNode): AstNode {
  return { ...left, _next: right, set_op: op };
}
