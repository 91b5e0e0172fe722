// The shape of a scalar function: how it resolves argument types (PostgreSQL's
// implicit-cast rules, simplified) and the column kernel that computes it.
// Kernels take whole columns and return a new column: one call per batch, a
// tight loop per row, no per-row objects.

import type { SqlType } from '../common/sql-type.js';
import { isNumeric, widerNumeric } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';

/** An argument's type at bind time; 'unknown' is an untyped string or NULL literal. */
export type ArgType = SqlType | 'unknown';

export type FunctionImpl = (args: readonly Column[], length: number, resultType: SqlType) => Column;

export interface ResolvedFunction {
  /** The types the binder casts each argument to. */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  readonly impl: FunctionImpl;
}

export interface FunctionDef {
  /** Registry name; several SQL spellings may map to one def. */
  readonly name: string;
  /** SQL-facing names ('char_length', 'substring', ...) that reach this def. */
  readonly aliases?: readonly string[];
  readonly minArgs: number;
  readonly maxArgs: number;
  /** null when no signature fits the argument types. */
  resolve(argTypes: readonly ArgType[]): ResolvedFunction | null;
}

/**
 * The type that a list of values unifies to (CASE, COALESCE, IN, comparison):
 * unknowns follow the known types; numerics widen; DATE < TIMESTAMP < TIMESTAMPTZ;
 * all unknown means TEXT. null when the types cannot unify.
 */
/** DATE widens to TIMESTAMP, both to TIMESTAMPTZ (PostgreSQL's preferred datetime type). */
const datetimeRank: Partial<Record<SqlType, number>> = { date: 0, timestamp: 1, timestamptz: 2 };

export function commonType(types: readonly ArgType[]): SqlType | null {
  let result: SqlType | null = null;
  for (const t of types) {
    if (t === 'unknown') continue;
    if (result === null || result === t) {
      result = t;
    } else if (isNumeric(result) && isNumeric(t)) {
      result = widerNumeric(result, t);
    } else if (datetimeRank[result] !== undefined && datetimeRank[t] !== undefined) {
      result = datetimeRank[result]! >= datetimeRank[t]! ? result : t;
    } else {
      return null;
    }
  }
  return result ?? 'text';
}

export function fixed(argTypes: readonly SqlType[], resultType: SqlType, impl: FunctionImpl): ResolvedFunction {
  return { argTypes, resultType, impl };
}
