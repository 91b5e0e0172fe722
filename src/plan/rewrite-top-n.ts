// Per-group top-N: `WHERE rn <= n` over `row_number() OVER (PARTITION BY g
// ORDER BY x) AS rn` puts a TopN (n rows per g, ordered like the window) under
// the Window, so a change at a partition's top moves one row in or out of the
// TopN and the Window renumbers at most n rows, instead of every row of the
// partition. The Filter and the Window stay: the result is the same plan's result.

import type { BoundExpr } from '../expr/bound-expr.js';
import type { LogicalPlan, WindowNode } from './logical-plan.js';

/**
 * The largest row_number a predicate on column `column` can accept, if it
 * bounds it by a constant (`rn <= n`, `rn < n`, `rn = n`, mirrored, or any
 * conjunct of an AND); null when it does not.
 */
function rowNumberLimit(p: BoundExpr, column: number): number | null {
  if (p.kind !== 'call') return null;
  if (p.fn === 'and') {
    let best: number | null = null;
    for (const a of p.args) {
      const l = rowNumberLimit(a, column);
      if (l !== null && (best === null || l < best)) best = l;
    }
    return best;
  }
  const [a, b] = p.args;
  if (a === undefined || b === undefined || p.args.length !== 2) return null;
  let op = p.fn;
  let bound: BoundExpr = b;
  if (!(a.kind === 'column' && a.index === column)) {
    if (!(b.kind === 'column' && b.index === column)) return null;
    bound = a;
    // `n >= rn` is `rn <= n`.
    op = ({ ge: 'le', gt: 'lt', eq: 'eq' } as Record<string, string>)[op] ?? '';
  }
  if (bound.kind !== 'const' || typeof bound.value !== 'number' || !Number.isInteger(bound.value)) return null;
  const n = bound.value;
  switch (op) {
    case 'le':
    case 'eq':
      return Math.max(0, n);
    case 'lt':
      return Math.max(0, n - 1);
    default:
      return null;
  }
}

function sameKeys(w: WindowNode, input: LogicalPlan): boolean {
  if (input.kind !== 'topN') return false;
  return (
    input.partitionBy.join() === w.partitionBy.join() &&
    input.sortKeys.length === w.orderBy.length &&
    input.sortKeys.every((k, i) => {
      const o = w.orderBy[i]!;
      return k.column === o.column && k.descending === o.descending && k.nullsFirst === o.nullsFirst;
    })
  );
}

/**
 * Follows output column `column` of `plan` down through Projects (plain
 * column references only) and Filters to a Window whose calls are all
 * row_number, and returns `plan` with a TopN of `limit` rows per partition
 * under that Window; null when the column does not come from one.
 */
function withTopN(plan: LogicalPlan, column: number, limit: number): LogicalPlan | null {
  switch (plan.kind) {
    case 'project': {
      const e = plan.exprs[column];
      if (e === undefined || e.kind !== 'column') return null;
      const input = withTopN(plan.input, e.index, limit);
      return input === null ? null : { ...plan, input };
    }
    case 'filter': {
      const input = withTopN(plan.input, column, limit);
      return input === null ? null : { ...plan, input };
    }
    case 'window': {
      const width = plan.input.columns.length;
      // Any other function would see only the top rows: only ROW_NUMBER is unaffected.
      if (column < width || !plan.calls.every((c) => c.fn === 'row_number')) return null;
      if (sameKeys(plan, plan.input)) return null;
      // TopN breaks ties like the Window (remaining columns ascending, NULLs
      // last), so it keeps exactly the rows numbered 1..limit.
      const topN: LogicalPlan = {
        kind: 'topN',
        input: plan.input,
        partitionBy: plan.partitionBy,
        sortKeys: plan.orderBy.map((k) => ({ column: k.column, descending: k.descending, nullsFirst: k.nullsFirst })),
        limit,
        offset: 0,
        columns: plan.input.columns,
      };
      return { ...plan, input: topN };
    }
    default:
      return null;
  }
}

/** Rewrites every per-group top-N pattern in `plan` (bottom-up); returns `plan` itself when there is none. */
export function rewritePerGroupTopN(plan: LogicalPlan): LogicalPlan {
  let node: LogicalPlan;
  switch (plan.kind) {
    case 'scan':
    case 'singleRow':
    // A recursive CTE node is shared by identity between its references: left as is.
    case 'recursiveCte':
    case 'recursiveRef':
      return plan;
    case 'join':
    case 'setOp': {
      const left = rewritePerGroupTopN(plan.left);
      const right = rewritePerGroupTopN(plan.right);
      node = left === plan.left && right === plan.right ? plan : { ...plan, left, right };
      break;
    }
    default: {
      const input = rewritePerGroupTopN(plan.input);
      node = input === plan.input ? plan : { ...plan, input } as LogicalPlan;
    }
  }
  if (node.kind !== 'filter') return node;
  const columns = new Set<number>();
  collectColumns(node.predicate, columns);
  for (const c of columns) {
    const limit = rowNumberLimit(node.predicate, c);
    if (limit === null) continue;
    const input = withTopN(node.input, c, limit);
    if (input !== null) return { ...node, input };
  }
  return node;
}

function collectColumns(p: BoundExpr, into: Set<number>): void {
  if (p.kind === 'column') into.add(p.index);
  else if (p.kind === 'call') for (const a of p.args) collectColumns(a, into);
}
