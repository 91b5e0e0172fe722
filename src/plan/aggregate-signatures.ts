// The aggregate functions the binder knows and the result type of each over
// its argument type (PostgreSQL's rules, within Freshet's types).

import type { SqlType } from '../common/sql-type.js';
import { isNumeric } from '../common/sql-type.js';

export const AGGREGATE_NAMES: ReadonlySet<string> = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** The result type of an aggregate over an argument type; null if none exists. */
export function aggregateResultType(fn: string, arg: SqlType | null): SqlType | null {
  switch (fn) {
    case 'count':
      return 'bigint';
    case 'sum':
      return arg === 'integer' || arg === 'bigint' ? 'bigint' : arg === 'double' ? 'double' : null;
    case 'avg':
      return arg !== null && isNumeric(arg) ? 'double' : null;
    case 'min':
    case 'max':
      return arg === 'boolean' ? null : arg;
    default:
      return null;
  }
}
