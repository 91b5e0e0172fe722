// Shared helpers for the SQL parser tests: strip positions for structural
// comparisons, and small builders for hand-written expected expressions.

import { parseSql } from '../../src/sql/parse-sql.js';
import type { Expr, Query, Statement } from '../../src/sql/ast.js';

/** A deep copy without `pos` fields, so structure can be compared on its own. */
export function noPos<T>(value: T): T {
  if (Array.isArray(value)) return value.map(noPos) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (key !== 'pos') out[key] = noPos(inner);
    return out as T;
  }
  return value;
}

export function one(sql: string): Statement {
  const statements = parseSql(sql);
  if (statements.length !== 1) throw new Error(`expected one statement, got ${statements.length}`);
  return statements[0]!;
}

export function query(sql: string): Query {
  const statement = one(sql);
  if (statement.kind !== 'query') throw new Error(`not a query: ${statement.kind}`);
  return statement.query;
}

/** The expression of `SELECT <sql>`, without positions. */
export function expr(sql: string): unknown {
  const q = query(`SELECT ${sql}`);
  if (q.kind !== 'select') throw new Error('not a select');
  const item = q.items[0]!;
  if (item.kind !== 'exprItem') throw new Error('not an expression item');
  return noPos(item.expr);
}

type NoPos<T> = T extends object ? { [K in keyof T as K extends 'pos' ? never : K]: NoPos<T[K]> } : T;
export type E = NoPos<Expr>;

export const col = (name: string, table: string | null = null) => ({ kind: 'column', table, name });
export const num = (text: string) => ({ kind: 'number', text });
export const str = (value: string) => ({ kind: 'string', value });
export const bin = (op: string, left: unknown, right: unknown) => ({ kind: 'binary', op, left, right });
export const un = (op: string, operand: unknown) => ({ kind: 'unary', op, operand });
export const fn = (name: string, args: unknown[], extra: Record<string, unknown> = {}) => ({
  kind: 'call',
  name,
  args,
  star: false,
  distinct: false,
  filter: null,
  over: null,
  ...extra,
});
export const type = (name: string, args: number[] = []) => ({ name, args });
