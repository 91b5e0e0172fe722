// Lowers an Aggregate plan node (GROUP BY, aggregate calls, DISTINCT) to the
// AggregateOperator: compiles the group keys and each call's argument, FILTER
// and ORDER BY key.

import { assert } from '../common/assert.js';
import { compileExpr } from '../expr/compile-expr.js';
import { exprKey, referencedColumns } from '../expr/bound-expr.js';
import type { Operator } from '../dataflow/operator.js';
import type { AggregateCall } from '../dataflow/aggregate.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { AggregateNode } from '../plan/logical-plan.js';
import type { SqlType } from '../common/sql-type.js';

/**
 * Types whose equal values have one spelling. NUMERIC (1.5 = 1.50), INTERVAL
 * ('1 day' = '24 hours'), DOUBLE (-0 = 0), JSONB and arrays have several:
 * a store keyed by SQL equality keeps one of them, and which one depends on
 * arrival order.
 */
const ONE_SPELLING: ReadonlySet<SqlType> = new Set<SqlType>(['boolean', 'integer', 'bigint', 'date', 'timestamp', 'timestamptz', 'text', 'bytea']);

/**
 * True when a grouped aggregate's state may move to disk in parts
 * (dataflow/partitioned-operator.ts), which keeps a copy of each part's
 * input rows (distinct by SQL equality) and rebuilds a part from them. Two
 * conditions:
 * - its state already grows with the input, so the copy costs about as much
 *   again, not orders of magnitude more: SELECT DISTINCT, or some MIN/MAX
 *   (value multisets), DISTINCT argument or percentile;
 * - its output is a function of that copy, bit for bit, whatever order the
 *   rows came in, so a rebuilt part retracts exactly what the old one
 *   emitted. The input columns its expressions read, the group keys and
 *   every MIN/MAX/percentile argument must have one spelling per value
 *   (ONE_SPELLING); the calls must
 *   be counts, boolean aggregates, MIN/MAX, percentiles, or sums and averages
 *   of INTEGER (whole numbers in doubles, exact in any order below 2^53).
 *   Compensated double sums, NUMERIC and INTERVAL sums (their display scale
 *   and parts follow the rows), variances and the ordered
 *   string_agg/array_agg are not.
 */
export function spillableAggregate(plan: AggregateNode): boolean {
  if (plan.groupBy.length === 0) return false;
  const oneSpelling = (t: SqlType): boolean => ONE_SPELLING.has(t);
  // Columns no expression reads may have any type: rows the copy merges by them feed the aggregate alike.
  const read = new Set<number>();
  for (const g of plan.groupBy) referencedColumns(g, read);
  for (const a of plan.aggregates) for (const e of [a.arg, a.filter, a.orderKey]) if (e !== null && e !== undefined) referencedColumns(e, read);
  if (![...read].every((c) => oneSpelling(plan.input.columns[c]!.type)) || !plan.groupBy.every((g) => oneSpelling(g.type))) return false;
  const perValue = plan.aggregates.length === 0 || plan.aggregates.some((a) => a.fn === 'min' || a.fn === 'max' || a.distinct || a.fn === 'percentile_cont' || a.fn === 'percentile_disc');
  return perValue && plan.aggregates.every((a) => {
    switch (a.fn) {
      case 'count_star':
      case 'count':
      case 'bool_and':
      case 'bool_or':
        return true;
      case 'min':
      case 'max':
      case 'percentile_cont':
      case 'percentile_disc':
        return a.arg !== null && oneSpelling(a.arg.type);
      case 'sum':
      case 'avg':
        return a.arg?.type === 'integer';
      default:
        return false;
    }
  });
}

export function lowerAggregate(plan: AggregateNode): Operator {
  const calls = plan.aggregates.map((a): AggregateCall => ({
    fn: a.fn,
    arg: a.arg === null ? null : compileExpr(a.arg),
    argType: a.arg === null ? null : a.arg.type,
    resultType: a.resultType,
    label: a.label,
    // Calls share state only when both their argument and their FILTER agree.
    argKey: `${a.arg === null ? '*' : exprKey(a.arg)}${a.filter === undefined ? '' : ` filter ${exprKey(a.filter)}`}`,
    distinct: a.distinct,
    ...(a.filter === undefined ? {} : { filter: compileExpr(a.filter) }),
    ...(a.param === undefined ? {} : { param: a.param }),
    ...(a.orderKey === undefined ? {} : { orderKey: compileExpr(a.orderKey), orderKeyType: a.orderKey.type }),
    ...(a.descending === undefined ? {} : { descending: a.descending }),
    ...(a.nullsFirst === undefined ? {} : { nullsFirst: a.nullsFirst }),
  }));
  assert(calls.length + plan.groupBy.length === plan.columns.length, 'aggregate column count mismatch');
  return new AggregateOperator(plan.groupBy.map(compileExpr), plan.groupBy.map((g) => g.type), calls, plan.groupLabels);
}
