// Bound scalar expressions: what the binder (plan/) hands to the expression
// compiler. Names are resolved to column indexes, every node has its SQL type,
// implicit casts are explicit, and all operators and functions are `call`
// nodes naming an entry of function-registry.ts. Readonly, never mutated.

import type { SqlType } from '../common/sql-type.js';
import type { Scalar } from '../columnar/column.js';
import type { SourcePosition } from '../common/errors.js';

export type BoundExpr = ColumnExpr | ConstExpr | CallExpr | CaseExpr;

export interface ColumnExpr {
  readonly kind: 'column';
  readonly index: number;
  readonly type: SqlType;
}

export interface ConstExpr {
  readonly kind: 'const';
  /** In Freshet's internal representation (see columnar/column.ts Scalar). */
  readonly value: Scalar;
  readonly type: SqlType;
  /** An untyped literal ('text' or NULL) whose type the context may still choose. */
  readonly untyped?: boolean;
}

export interface CallExpr {
  readonly kind: 'call';
  /** A function-registry name ('add', 'eq', 'and', 'cast', 'lower', ...). */
  readonly fn: string;
  readonly args: readonly BoundExpr[];
  readonly type: SqlType;
  /** Where the call was written, so a runtime error (division by zero, a bad
   *  cast) can point at it. Not part of the expression's identity. */
  readonly pos?: SourcePosition;
}

/** Searched CASE; evaluated lazily so a branch only sees the rows it takes. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
  readonly else: BoundExpr;
  readonly type: SqlType;
}

export const BoundExpr = {
  column(index: number, type: SqlType): ColumnExpr {
    return { kind: 'column', index, type };
  },
  const(value: Scalar, type: SqlType): ConstExpr {
    return { kind: 'const', value, type };
  },
  call(fn: string, args: readonly BoundExpr[], type: SqlType): CallExpr {
    return { kind: 'call', fn, args, type };
  },
};

/**
 * A structural key for an expression: equal for equal expressions wherever
 * they were written (positions are left out). Bind time only, never per row.
 */
export function exprKey(e: BoundExpr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : v));
}

/** Columns an expression reads (for pruning and EXPLAIN). */
export function referencedColumns(expr: BoundExpr, into = new Set<number>()): Set<number> {
  switch (expr.kind) {
    case 'column':
      into.add(expr.index);
      break;
    case 'const':
      break;
    case 'call':
      for (const a of expr.args) referencedColumns(a, into);
      break;
    case 'case':
      for (const w of expr.whens) {
        referencedColumns(w.when, into);
        referencedColumns(w.then, into);
      }
      referencedColumns(expr.else, into);
      break;
  }
  return into;
}

/** The same expression reading column `map(i)` wherever it read column i. */
export function remapColumns(expr: BoundExpr, map: (index: number) => number): BoundExpr {
  switch (expr.kind) {
    case 'column':
      return { kind: 'column', index: map(expr.index), type: expr.type };
    case 'const':
      return expr;
    case 'call':
      return { ...expr, args: expr.args.map((a) => remapColumns(a, map)) };
    case 'case':
      return {
        ...expr,
        whens: expr.whens.map((w) => ({ when: remapColumns(w.when, map), then: remapColumns(w.then, map) })),
        else: remapColumns(expr.else, map),
      };
  }
}
