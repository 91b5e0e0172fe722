// NUMERIC(precision, scale) type modifiers: validated here, applied by the
// numeric_typmod kernel (expr/functions/numeric-functions.ts) on casts and on
// every value stored into a NUMERIC(p, s) column.

import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { TypeName } from '../sql/ast.js';

export interface NumericTypmod {
  readonly precision: number;
  readonly scale: number;
}

/** The modifier of a NUMERIC/DECIMAL type name; null without one (or for other types). */
export function numericTypmod(t: TypeName, resolved: SqlType): NumericTypmod | null {
  if (resolved !== 'numeric' || t.args.length === 0) return null;
  if (t.args.length > 2) throw new EngineError(SqlState.syntaxError, `NUMERIC takes at most two modifiers (precision, scale), got ${t.args.length}`, t.pos);
  const precision = t.args[0]!;
  const scale = t.args[1] ?? 0;
  if (!Number.isInteger(precision) || precision < 1 || precision > 1000) {
    throw new EngineError(SqlState.invalidParameterValue, `NUMERIC precision ${precision} must be between 1 and 1000`, t.pos);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new EngineError(SqlState.invalidParameterValue, `NUMERIC scale ${scale} must be between 0 and precision ${precision}`, t.pos);
  }
  return { precision, scale };
}
