// Shared helpers for the expression tests: run a one-shot SELECT through the
// public Engine and read its single row or its error, and evaluate a
// hand-built BoundExpr over columns through compileExpr.

import { expect } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { EngineError } from '../../src/common/errors.js';
import type { Column, Scalar } from '../../src/columnar/column.js';
import { getScalar } from '../../src/columnar/column.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import { BatchInput } from '../../src/expr/eval-input.js';
import { Engine } from '../../src/engine.js';
import type { ResultValue } from '../../src/query-result.js';

const engine = new Engine();

/** The values of the single row a one-shot query returns. */
export async function row(sql: string, params: readonly unknown[] = []): Promise<readonly ResultValue[]> {
  const r = await engine.sql(sql, params);
  expect(r.rows.length, sql).toBe(1);
  return r.rows[0]!;
}

/** The one value of a one-row, one-column query. */
export async function value(sql: string, params: readonly unknown[] = []): Promise<ResultValue> {
  const r = await row(sql, params);
  expect(r.length, sql).toBe(1);
  return r[0]!;
}

/** The SQLSTATE of the error a statement raises (fails the test if it succeeds). */
export async function errorCode(sql: string, params: readonly unknown[] = [], on: Engine = engine): Promise<string> {
  try {
    const r = await on.sql(sql, params);
    return `no error; got ${JSON.stringify(r.rows)}`;
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return err.code;
  }
}

/** Evaluates a bound expression over columns, one Scalar per row. */
export function evaluate(expr: BoundExpr, columns: readonly Column[], length = columns[0]?.length ?? 1): Scalar[] {
  const out = compileExpr(expr)(new BatchInput(columns, length));
  expect(out.length).toBe(length);
  return Array.from({ length }, (_, i) => getScalar(out, i));
}

export const col = (index: number, type: SqlType): BoundExpr => ({ kind: 'column', index, type });
export const lit = (v: Scalar, type: SqlType): BoundExpr => ({ kind: 'const', value: v, type });
export const call = (fn: string, args: readonly BoundExpr[], type: SqlType): BoundExpr => ({ kind: 'call', fn, args, type });
