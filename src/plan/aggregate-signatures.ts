// The aggregate functions the binder knows, their aliases, and the result type
// of each over its argument type (PostgreSQL's rules, within Freshet's types).

import type { SqlType } from '../common/sql-type.js';
import { arrayOf, isArrayType, isNumeric } from '../common/sql-type.js';
import { unsupported } from '../common/errors.js';

/** Aggregates PostgreSQL has that Freshet rejects with 0A000, and why. */
export const UNSUPPORTED_AGGREGATES: ReadonlyMap<string, string> = new Map([
  ['json_agg', 'there is no json type yet'],
  ['jsonb_agg', 'there is no json type yet'],
  ['json_object_agg', 'there is no json type yet'],
  ['jsonb_object_agg', 'there is no json type yet'],
  ['mode', 'only percentile_cont and percentile_disc are ordered-set aggregates yet'],
]);

/** Other names of the same aggregate, mapped to the canonical one. */
export const AGGREGATE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['every', 'bool_and'],
  ['stddev', 'stddev_samp'],
  ['variance', 'var_samp'],
]);

/** Ordered-set aggregates: `fn(fraction) WITHIN GROUP (ORDER BY x)`. */
export const ORDERED_SET_AGGREGATES: ReadonlySet<string> = new Set(['percentile_cont', 'percentile_disc']);

export const AGGREGATE_NAMES: ReadonlySet<string> = new Set([
  'count', 'sum', 'avg', 'min', 'max',
  'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg',
  'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop',
  'percentile_cont', 'percentile_disc',
  ...UNSUPPORTED_AGGREGATES.keys(),
]);

/** Aggregates that compute in doubles: a NUMERIC argument is cast to DOUBLE PRECISION for them. */
export const DOUBLE_AGGREGATES: ReadonlySet<string> = new Set(['stddev_samp', 'stddev_pop', 'var_samp', 'var_pop', 'percentile_cont']);

/**
 * The result type of an aggregate (canonical name) over an argument type (for
 * percentile_cont/disc, the WITHIN GROUP key's; for string_agg, the value's);
 * null if no such function exists.
 */
export function aggregateResultType(fn: string, arg: SqlType | null): SqlType | null {
  switch (fn) {
    case 'count':
      return 'bigint';
    case 'sum':
      return arg === 'integer' || arg === 'bigint' ? 'bigint' : arg === 'double' || arg === 'numeric' || arg === 'interval' ? arg : null;
    case 'avg':
      return arg === 'numeric' || arg === 'interval' ? arg : arg !== null && isNumeric(arg) ? 'double' : null;
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
    case 'percentile_cont':
      return arg !== null && isNumeric(arg) ? 'double' : null;
    case 'min':
    case 'max':
      // Arrays would order by their text here, not element by element as PostgreSQL does.
      if (arg !== null && isArrayType(arg)) throw unsupported(`${fn.toUpperCase()} over arrays (${arg})`);
      // PostgreSQL has no MIN/MAX over boolean or jsonb.
      return arg === 'boolean' || arg === 'jsonb' ? null : arg;
    case 'bool_and':
    case 'bool_or':
      return arg === 'boolean' ? 'boolean' : null;
    case 'string_agg':
      return arg === 'text' ? 'text' : null;
    case 'array_agg':
      if (arg !== null && isArrayType(arg)) throw unsupported(`array_agg over arrays (${arg}: multidimensional arrays)`);
      return arg === null ? null : arrayOf(arg);
    case 'percentile_disc':
      // Over bytea and arrays, percentile_disc's state would order numbers, not their strings.
      return arg === 'interval' || arg === 'jsonb' || arg === 'numeric' || arg === 'bytea' || (arg !== null && isArrayType(arg)) ? null : arg;
    default:
      return null;
  }
}
