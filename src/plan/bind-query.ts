// Binds a SELECT to a QueryPlan: FROM -> WHERE -> GROUP BY/aggregates ->
// HAVING -> select list (+ hidden ORDER BY columns) -> DISTINCT, with
// PostgreSQL's name rules (output aliases and positions in GROUP BY and ORDER
// BY, ungrouped columns rejected with 42803). Constructs this version cannot
// maintain are rejected here with 0A000 naming the construct.

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { Expr, OrderItem, Query, Select, SelectItem } from '../sql/ast.js';
import type { Catalog } from './catalog.js';
import type { LogicalPlan, OutputColumn, ProjectNode, QueryPlan, SortKey } from './logical-plan.js';
import { bindExpr, castTo, requireBoolean } from './bind-expr.js';
import type { Item } from './bind-grouping.js';
import { bindGrouping, containsAggregate, noAggregates } from './bind-grouping.js';
import type { ScopeColumn } from './scope.js';
import { resolveColumn } from './scope.js';
import type { ExprContext } from './bind-expr.js';
import { defaultColumnName, renderExpr } from './render-expr.js';

export interface BindOptions {
  readonly catalog: Catalog;
  readonly params: readonly unknown[];
  /** Binding a materialized view's query: LIMIT/OFFSET are not maintained yet. */
  readonly forView: boolean;
}

function rejectUnsupportedQuery(q: Query): asserts q is Select {
  if (q.kind === 'setOp') throw unsupported(`${q.op.toUpperCase()}${q.all ? ' ALL' : ''}`, q.pos);
  if (q.with.length > 0) throw unsupported(q.withRecursive ? 'WITH RECURSIVE' : 'WITH (common table expressions)', q.pos);
  if (Array.isArray(q.distinct)) throw unsupported('SELECT DISTINCT ON', q.pos);
  if (q.from.length > 1) throw unsupported('a join (several FROM items)', q.from[1]!.pos);
  const from = q.from[0];
  if (from !== undefined) {
    if (from.kind === 'joinRef') throw unsupported(`${from.natural ? 'NATURAL ' : ''}${from.joinType.toUpperCase()} JOIN`, from.pos);
    if (from.kind === 'subqueryRef') throw unsupported('a subquery in FROM', from.pos);
    if (from.kind === 'tableFunctionRef') throw unsupported(`table function ${from.name}()`, from.pos);
  }
}

function constantInteger(e: Expr | null, what: 'LIMIT' | 'OFFSET', params: readonly unknown[]): number | null {
  if (e === null) return null;
  const ctx: ExprContext = {
    column: (ref) => {
      throw new EngineError(SqlState.invalidColumnReference, `argument of ${what} must not contain variables`, ref.pos);
    },
    aggregate: noAggregates(what),
    params,
  };
  const bound = bindExpr(e, ctx);
  const folded = castTo(bound, 'bigint', e.pos);
  if (folded.kind !== 'const') throw new EngineError(SqlState.invalidColumnReference, `argument of ${what} must be a constant`, e.pos);
  if (folded.value === null) return null;
  const v = folded.value as number;
  if (v < 0) {
    throw new EngineError(
      what === 'LIMIT' ? SqlState.invalidRowCountInLimit : SqlState.invalidRowCountInOffset,
      `${what} must not be negative`,
      e.pos,
    );
  }
  return v;
}

export function bindQuery(query: Query, options: BindOptions): QueryPlan {
  rejectUnsupportedQuery(query);
  const q = query;
  const { catalog, params } = options;

  // FROM: one table or view, or none.
  let plan: LogicalPlan;
  let scope: ScopeColumn[];
  const dependsOn: string[] = [];
  const from = q.from[0];
  if (from === undefined) {
    plan = { kind: 'singleRow', columns: [] };
    scope = [];
  } else {
    if (from.kind !== 'tableRef') throw unsupported('this FROM item', from.pos);
    const entry = catalog.get(from.name);
    if (entry === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${from.name}" does not exist`, from.pos);
    const columns = entry.columns.map((c) => ({ name: c.name, type: c.type }));
    plan = { kind: 'scan', relation: entry.name, relationKind: entry.kind, columns };
    const qualifier = from.alias ?? from.name;
    scope = columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type }));
    dependsOn.push(entry.name);
  }
  const inputCtx: ExprContext = { column: (ref) => resolveColumn(scope, ref), aggregate: noAggregates('WHERE'), params };

  // WHERE
  if (q.where !== null) {
    const predicate = requireBoolean(bindExpr(q.where, inputCtx), 'WHERE', q.where.pos);
    plan = { kind: 'filter', input: plan, predicate, label: renderExpr(q.where), columns: plan.columns };
  }

  // Expand the select list (stars) once; ORDER BY and GROUP BY refer to it.
  const items = expandItems(q.items, scope);

  const grouped =
    q.groupBy.length > 0 ||
    q.having !== null ||
    items.some((it) => containsAggregate(it.expr)) ||
    q.orderBy.some((o) => containsAggregate(o.expr));

  let outputCtx: ExprContext = { ...inputCtx, aggregate: noAggregates('this clause') };
  const grouping = grouped ? bindGrouping(q, items, scope, inputCtx, plan) : null;
  if (grouping !== null) outputCtx = grouping.ctx;

  // HAVING, the select list and ORDER BY bind first: they register the
  // aggregate calls the Aggregate node then computes.
  const having = q.having === null ? null : requireBoolean(bindExpr(q.having, outputCtx), 'HAVING', q.having.pos);
  const exprs = items.map((it) => bindExpr(it.expr, outputCtx));
  const names = items.map((it) => it.name);
  const labels = items.map((it) => renderExpr(it.expr));
  const distinct = q.distinct === true;
  const sortKeys: SortKey[] = q.orderBy.map((o) => bindSortKey(o, items, exprs, names, labels, outputCtx, distinct));

  if (grouping !== null) {
    plan = grouping.build();
    if (having !== null && q.having !== null) {
      plan = { kind: 'filter', input: plan, predicate: having, label: renderExpr(q.having), columns: plan.columns };
    }
  }
  const columns: OutputColumn[] = exprs.map((e, i) => ({ name: names[i]!, type: e.type }));
  plan = { kind: 'project', input: plan, exprs, labels, columns };
  if (distinct) plan = distinctOf(plan, q);

  const limit = constantInteger(q.limit, 'LIMIT', params);
  const offset = constantInteger(q.offset, 'OFFSET', params) ?? 0;
  if (options.forView && (limit !== null || offset !== 0)) {
    throw unsupported('LIMIT/OFFSET in a materialized view (incremental top-N)', (q.limit ?? q.offset)!.pos);
  }
  return { root: plan, visibleColumns: items.length, orderBy: options.forView ? [] : sortKeys, limit, offset, dependsOn };
}

function expandItems(items: readonly SelectItem[], scope: readonly ScopeColumn[]): Item[] {
  const out: Item[] = [];
  for (const it of items) {
    if (it.kind === 'star') {
      const cols = scope.filter((c) => it.table === null || c.qualifier === it.table);
      if (cols.length === 0 && it.table !== null) {
        throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${it.table}"`, it.pos);
      }
      if (scope.length === 0) throw new EngineError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', it.pos);
      for (const c of cols) {
        out.push({ expr: { kind: 'column', table: c.qualifier, name: c.name, pos: it.pos }, name: c.name, alias: null });
      }
    } else {
      out.push({ expr: it.expr, name: it.alias ?? defaultColumnName(it.expr), alias: it.alias });
    }
  }
  return out;
}

/**
 * SELECT DISTINCT: a grouping on every output column with no aggregate calls.
 * The Aggregate operator keeps each group's row count and emits the group
 * while it is positive, so a row leaves the view only when its last duplicate
 * does. NULLs group together, as DISTINCT requires. Hidden ORDER BY columns
 * cannot exist here (bindSortKey rejects them), so the key is the result row.
 */
function distinctOf(project: ProjectNode, q: Select): LogicalPlan {
  // With no columns the grouping would be global, which emits a row even for no input.
  if (project.columns.length === 0) throw unsupported('SELECT DISTINCT with no output columns', q.pos);
  return {
    kind: 'aggregate',
    input: project,
    groupBy: project.columns.map((c, index) => ({ kind: 'column', index, type: c.type })),
    groupLabels: project.columns.map((c) => c.name),
    aggregates: [],
    columns: project.columns,
    distinct: true,
  };
}

function bindSortKey(
  o: OrderItem,
  items: readonly Item[],
  exprs: BoundExpr[],
  names: string[],
  labels: string[],
  ctx: ExprContext,
  distinct: boolean,
): SortKey {
  const descending = o.direction === 'desc';
  // PostgreSQL: NULLs sort as if larger than every value.
  const nullsFirst = o.nulls === null ? descending : o.nulls === 'first';
  const e = o.expr;
  if (e.kind === 'number' && /^\d+$/.test(e.text)) {
    const k = Number(e.text);
    if (k < 1 || k > items.length) throw new EngineError(SqlState.invalidColumnReference, `ORDER BY position ${k} is not in select list`, e.pos);
    return { column: k - 1, descending, nullsFirst };
  }
  if (e.kind === 'column' && e.table === null) {
    const byName = items.findIndex((it) => it.name === e.name && (it.alias !== null || it.expr.kind === 'column'));
    if (byName >= 0) return { column: byName, descending, nullsFirst };
  }
  const bound = bindExpr(e, ctx);
  const key = exprKey(bound);
  const existing = exprs.findIndex((x) => exprKey(x) === key);
  if (existing >= 0) return { column: existing, descending, nullsFirst };
  // A hidden sort column would have to join the DISTINCT key (changing the
  // result) or be picked from one of several duplicates (ambiguous): PostgreSQL rejects both.
  if (distinct) {
    throw new EngineError(SqlState.invalidColumnReference, 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', e.pos);
  }
  exprs.push(bound);
  names.push(`?order${exprs.length}`);
  labels.push(renderExpr(e));
  return { column: exprs.length - 1, descending, nullsFirst };
}

