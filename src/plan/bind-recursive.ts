// WITH RECURSIVE: binds `name AS (base UNION [ALL] step)` where `step` reads
// `name`, to a RecursiveCte node (maintained by dataflow/fixpoint.ts). The
// recursive term must be monotone — made of scans, filters, projections,
// inner joins and UNION ALL — so that iterating deltas reaches the fixed
// point PostgreSQL's iteration computes; anything else is 0A000 naming it.
// PostgreSQL's form errors (42P19) are reported as PostgreSQL words them.

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { isNumeric, typeInfo, widensTo } from '../common/sql-type.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CommonTableExpr, FromItem, Query } from '../sql/ast.js';
import { castTo } from './bind-expr.js';
import type { LogicalPlan, OutputColumn, QueryPlan, RecursiveCteNode, RecursiveRefNode } from './logical-plan.js';

let nextId = 1;

/** True when `query` reads `name` in a FROM clause (its own or a set operation branch's). */
export function readsName(query: Query, name: string): boolean {
  const fromReads = (item: FromItem): boolean => {
    switch (item.kind) {
      case 'tableRef':
        return item.name === name;
      case 'joinRef':
        return fromReads(item.left) || fromReads(item.right);
      case 'subqueryRef':
        return readsName(item.query, name);
      default:
        return false;
    }
  };
  if (query.kind === 'setOp') return readsName(query.left, name) || readsName(query.right, name);
  return query.from.some(fromReads);
}

/**
 * Binds a recursive CTE. `bind(query, selfRef)` binds a term with the CTE's
 * own name resolving to `selfRef` (null for the non-recursive term, where the
 * name must not appear).
 */
export function bindRecursiveCte(cte: CommonTableExpr, bind: (query: Query, selfRef: RecursiveRefNode | null) => QueryPlan): RecursiveCteNode {
  const q = cte.query;
  if (q.kind !== 'setOp' || q.op !== 'union') {
    throw new EngineError(SqlState.invalidRecursion, `recursive query "${cte.name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, cte.pos);
  }
  if (q.orderBy.length > 0 || q.limit !== null || q.offset !== null) {
    throw unsupported(`ORDER BY/LIMIT/OFFSET in recursive query "${cte.name}"`, q.pos);
  }
  if (readsName(q.left, cte.name)) {
    throw new EngineError(SqlState.invalidRecursion, `recursive reference to query "${cte.name}" must not appear within its non-recursive term`, q.left.pos);
  }
  const base = visible(bind(q.left, null));
  const names = cte.columns ?? base.columns.map((c) => c.name);
  if (names.length !== base.columns.length) {
    throw new EngineError(SqlState.invalidColumnReference, `WITH query "${cte.name}" has ${base.columns.length} columns available but ${names.length} columns specified`, cte.pos);
  }
  const columns: OutputColumn[] = base.columns.map((c, i) => ({ name: names[i]!, type: c.type }));
  const id = nextId++;
  const selfRef: RecursiveRefNode = { kind: 'recursiveRef', id, columns };
  let step = visible(bind(q.right, selfRef));
  if (step.columns.length !== columns.length) {
    throw new EngineError(SqlState.syntaxError, `each UNION query must have the same number of columns (recursive query "${cte.name}")`, q.right.pos);
  }
  step = castToTypes(step, columns, cte.name);
  checkMonotone(step, cte.name, q.right);
  return { kind: 'recursiveCte', id, name: cte.name, base: renamed(base, names), step, distinct: !q.all, columns };
}

function visible(sub: QueryPlan): LogicalPlan {
  if (sub.root.columns.length === sub.visibleColumns) return sub.root;
  const columns = sub.root.columns.slice(0, sub.visibleColumns);
  return project(sub.root, columns.map((c, i): BoundExpr => ({ kind: 'column', index: i, type: c.type })), columns);
}

function project(input: LogicalPlan, exprs: readonly BoundExpr[], columns: readonly OutputColumn[]): LogicalPlan {
  return { kind: 'project', input, exprs, labels: columns.map((c) => c.name), columns };
}

function renamed(plan: LogicalPlan, names: readonly string[]): LogicalPlan {
  const columns = plan.columns.map((c, i) => ({ name: names[i]!, type: c.type }));
  return project(plan, columns.map((c, i): BoundExpr => ({ kind: 'column', index: i, type: c.type })), columns);
}

/** The recursive term's columns cast to the non-recursive term's types (PostgreSQL requires them to agree). */
function castToTypes(step: LogicalPlan, columns: readonly OutputColumn[], name: string): LogicalPlan {
  if (step.columns.every((c, i) => c.type === columns[i]!.type)) return step;
  const exprs = step.columns.map((c, i): BoundExpr => {
    const to: SqlType = columns[i]!.type;
    const from: BoundExpr = { kind: 'column', index: i, type: c.type };
    if (c.type === to) return from;
    const widening = isNumeric(c.type) && isNumeric(to) && widensTo(c.type, to);
    const narrowing = (to === 'integer' && c.type === 'bigint') || (to === 'date' && c.type === 'timestamp');
    if (!widening && !narrowing && to !== 'text') {
      throw new EngineError(
        SqlState.datatypeMismatch,
        `recursive query "${name}" column ${i + 1} has type ${typeInfo[to].sqlName.toLowerCase()} in non-recursive term but type ${typeInfo[c.type].sqlName.toLowerCase()} overall`,
      );
    }
    return castTo(from, to);
  });
  return project(step, exprs, columns);
}

/** Rejects recursive terms whose operators are not monotone in the recursive relation. */
function checkMonotone(plan: LogicalPlan, name: string, at: Query): void {
  const bad = (what: string): never => {
    throw unsupported(`WITH RECURSIVE whose recursive term (of "${name}") uses ${what}`, at.pos);
  };
  switch (plan.kind) {
    case 'scan':
    case 'singleRow':
    case 'recursiveRef':
    case 'recursiveCte':
      return;
    case 'filter':
    case 'project':
    case 'timeWindow':
    case 'unnest':
      return checkMonotone(plan.input, name, at);
    case 'join':
      if (plan.joinType !== 'inner') bad(`an outer join (${plan.joinType.toUpperCase()} JOIN)`);
      checkMonotone(plan.left, name, at);
      return checkMonotone(plan.right, name, at);
    case 'setOp':
      if (plan.op !== 'unionAll') bad(plan.op.toUpperCase());
      checkMonotone(plan.left, name, at);
      return checkMonotone(plan.right, name, at);
    case 'aggregate':
      return bad(plan.distinct === true ? 'DISTINCT' : 'aggregation (or a subquery)');
    case 'topN':
      return bad('ORDER BY ... LIMIT');
    case 'window':
      return bad('window functions');
    case 'sessionWindow':
      return bad('SESSION windows (a row can merge or split sessions)');
    case 'assertSingle':
      return bad('a scalar subquery');
    case 'temporalFilter':
      return bad('a condition on now()');
  }
}
