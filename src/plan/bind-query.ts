// Binds a SELECT to a QueryPlan: FROM -> WHERE -> GROUP BY/aggregates ->
// HAVING -> select list (+ hidden ORDER BY columns) -> DISTINCT, with
// PostgreSQL's name rules (output aliases and positions in GROUP BY and ORDER
// BY, ungrouped columns rejected with 42803). Constructs this version cannot
// maintain are rejected here with 0A000 naming the construct.

import { isTimeWindowFunction, bindTimeWindow } from './bind-time-window.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey, remapColumns } from '../expr/bound-expr.js';
import { createWindowBinder } from './bind-window.js';
import { rewritePerGroupTopN } from './rewrite-top-n.js';
import { bindTemporalFilters } from './bind-temporal.js';
import { bindRecursiveCte, readsName } from './bind-recursive.js';
import type { SourcePosition } from '../common/errors.js';
import type { ArrayType, SqlType } from '../common/sql-type.js';
import { elementType, isArrayType, typeInfo } from '../common/sql-type.js';
import { commonType } from '../expr/function-def.js';
import type { CallExpr, ColumnRef, CommonTableExpr, Expr, OrderItem, Query, Select, SelectItem, SetOperation } from '../sql/ast.js';
import type { BoundRelation, FromBinder } from './bind-from.js';
import { bindFromWhere } from './bind-from.js';
import type { OuterBinding } from './bind-subquery.js';
import { OUTER_QUALIFIER, SubqueryJoiner, containsSubquery, resolveWithOuter } from './bind-subquery.js';
import type { Catalog } from './catalog.js';
import type { LogicalPlan, OutputColumn, QueryPlan, RecursiveCteNode, RecursiveRefNode, SortKey } from './logical-plan.js';
import { planInputs } from './logical-plan.js';
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
  /** Binding a subquery: LIMIT/OFFSET become an incremental top-N. */
  readonly nested?: boolean;
  /** Binding a correlated subquery: the outer values it may reference. */
  readonly outer?: OuterBinding;
  /** WITH queries in scope, by name. */
  readonly ctes?: ReadonlyMap<string, CteDefinition>;
}

/** A WITH query and the WITH queries its own body can see. */
export interface CteDefinition {
  readonly cte: CommonTableExpr;
  readonly visible: ReadonlyMap<string, CteDefinition>;
  /** A recursive CTE: its node once bound (every reference shares it). */
  readonly recursive?: { node?: RecursiveCteNode };
  /** Inside a recursive term: the name reads the rows derived so far. */
  readonly recursiveRef?: RecursiveRefNode;
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
  let ctes = options.ctes ?? new Map<string, CteDefinition>();
  if (query.with.length > 0) {
    const scoped = new Map(ctes);
    for (const cte of query.with) {
      if (query.with.filter((c) => c.name === cte.name).length > 1) {
        throw new EngineError(SqlState.duplicateAlias, `WITH query name "${cte.name}" specified more than once`, cte.pos);
      }
      // Each CTE sees the ones before it; under WITH RECURSIVE one that reads
      // its own name is a fixed point (bound on first use, then shared).
      const recursive = query.withRecursive && readsName(cte.query, cte.name);
      scoped.set(cte.name, { cte, visible: new Map(scoped), ...(recursive ? { recursive: {} } : {}) });
    }
    ctes = scoped;
  }
  const inner: BindOptions = { ...options, ctes };
  const plan = query.kind === 'setOp' ? bindSetOperation(query, inner) : bindSelect(query, inner);
  // Per-group top-N (row_number() <= n over a partition) becomes a TopN; the rewrite recurses itself.
  let root = options.nested === true ? plan.root : rewritePerGroupTopN(plan.root);
  // A view reads the clock only through temporal filters (conditions on now()).
  if (options.forView && options.nested !== true) root = bindTemporalFilters(root);
  return { ...plan, root, dependsOn: [...new Set(planInputs(root))] };
}

/** Binds a FROM item that is not a join: a CTE, a table or view, or a subquery. */
function fromBinder(options: BindOptions): FromBinder {
  const ctes = options.ctes ?? new Map<string, CteDefinition>();
  // Derived tables and CTEs cannot see the outer query (no LATERAL).
  const { outer, ...base } = options;
  const binder: FromBinder = {
    params: options.params,
    resolve: (scope, ref) => resolveWithOuter(scope, ref, outer),
    ...(outer !== undefined ? { outer } : {}),
    subqueries: {
      params: options.params,
      resolve: (scope, ref) => resolveWithOuter(scope, ref, outer),
      bindNested: (query, nestedOuter) => bindQuery(query, { ...base, nested: true, ...(nestedOuter !== null ? { outer: nestedOuter } : {}) }),
    },
    bindRelation(item) {
      if (item.kind === 'tableFunctionRef') {
        if (isTimeWindowFunction(item.name)) return bindTimeWindow({ ...item, name: item.name }, (ref) => binder.bindRelation(ref), options.params);
        throw unsupported(`table function ${item.name}()`, item.pos);
      }
      if (item.kind === 'subqueryRef') {
        const sub = bindQuery(item.query, { ...base, nested: true, ctes });
        return subqueryRelation(sub, item.alias, item.columnAliases, item.pos);
      }
      const cte = ctes.get(item.name);
      if (cte?.recursiveRef !== undefined) return relationOf(cte.recursiveRef, item.alias ?? item.name);
      if (cte?.recursive !== undefined) {
        const def = cte;
        def.recursive!.node ??= bindRecursiveCte(def.cte, (query, selfRef) => {
          const visible = new Map(def.visible);
          if (selfRef !== null) visible.set(def.cte.name, { cte: def.cte, visible: def.visible, recursiveRef: selfRef });
          return bindQuery(query, { ...base, nested: true, ctes: visible });
        });
        return relationOf(def.recursive!.node, item.alias ?? item.name);
      }
      if (cte !== undefined) {
        const sub = bindQuery(cte.cte.query, { ...base, nested: true, ctes: cte.visible });
        return subqueryRelation(sub, item.alias ?? item.name, cte.cte.columns, item.pos);
      }
      const entry = options.catalog.get(item.name);
      if (entry === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${item.name}" does not exist`, item.pos);
      const columns = entry.columns.map((c) => ({ name: c.name, type: c.type }));
      const qualifier = item.alias ?? item.name;
      return {
        plan: { kind: 'scan', relation: entry.name, relationKind: entry.kind, columns },
        scope: columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })),
      };
    },
  };
  return binder;
}

function relationOf(plan: LogicalPlan, qualifier: string): BoundRelation {
  return { plan, scope: plan.columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })) };
}

/** A bound subquery as a FROM relation: its visible columns, optionally renamed. */
function subqueryRelation(sub: QueryPlan, qualifier: string | null, aliases: readonly string[] | null, pos: SourcePosition): BoundRelation {
  let plan = withoutHiddenColumns(sub.root, sub.visibleColumns);
  if (aliases !== null) {
    if (aliases.length > plan.columns.length) {
      throw new EngineError(SqlState.invalidColumnReference, `table "${qualifier ?? '?'}" has ${plan.columns.length} columns available but ${aliases.length} columns specified`, pos);
    }
    plan = renameColumns(plan, aliases);
  }
  return { plan, scope: plan.columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })) };
}

/** Drops the hidden ORDER BY columns a query's root may carry. */
function withoutHiddenColumns(plan: LogicalPlan, visible: number): LogicalPlan {
  if (plan.columns.length === visible) return plan;
  const columns = plan.columns.slice(0, visible);
  return {
    kind: 'project',
    input: plan,
    exprs: columns.map((c, index): BoundExpr => ({ kind: 'column', index, type: c.type })),
    labels: columns.map((c) => c.name),
    columns,
  };
}

function renameColumns(plan: LogicalPlan, names: readonly string[]): LogicalPlan {
  const columns = plan.columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
  return {
    kind: 'project',
    input: plan,
    exprs: columns.map((c, index): BoundExpr => ({ kind: 'column', index, type: c.type })),
    labels: plan.columns.map((c) => c.name),
    columns,
  };
}

function bindSelect(select: Select, options: BindOptions): QueryPlan {
  let q = select;
  const { params } = options;

  const outer = options.outer;
  const userGrouped =
    q.groupBy.length > 0 ||
    q.having !== null ||
    q.items.some((it) => it.kind === 'exprItem' && containsAggregate(it.expr)) ||
    q.orderBy.some((o) => containsAggregate(o.expr));
  // A correlated global aggregate keeps a group for every outer value.
  if (outer !== undefined && userGrouped && q.groupBy.length === 0 && q.from.length > 0) outer.preserve = true;

  // FROM and WHERE: the join graph, with WHERE conjuncts pushed into it.
  let plan: LogicalPlan;
  let scope: readonly ScopeColumn[];
  let marker: BoundExpr | undefined;
  if (q.from.length === 0 && outer === undefined) {
    plan = { kind: 'singleRow', columns: [] };
    scope = [];
    if (q.where !== null) {
      const ctx: ExprContext = { column: (ref) => resolveColumn(scope, ref), aggregate: noAggregates('WHERE'), params };
      const predicate = requireBoolean(bindExpr(q.where, ctx), 'WHERE', q.where.pos);
      plan = { kind: 'filter', input: plan, predicate, label: renderExpr(q.where), columns: plan.columns };
    }
  } else {
    const bound = bindFromWhere(q.from, q.where, fromBinder(options));
    plan = bound.plan;
    scope = bound.scope;
    marker = bound.marker;
  }
  const inputCtx: ExprContext = {
    column: (ref) => resolveWithOuter(scope, ref, outer),
    aggregate: noAggregates('WHERE'),
    params,
    ...(marker !== undefined ? { countStarArg: marker } : {}),
  };

  // Expand the select list (stars) once; ORDER BY and GROUP BY refer to it.
  // A correlated subquery also outputs (and groups by) the outer values it saw.
  const items = expandItems(q.items, scope);
  const outerRefs: ColumnRef[] = (outer?.leaf.scope ?? []).map((c) => ({ kind: 'column', table: OUTER_QUALIFIER, name: c.name, pos: q.pos }));
  outerRefs.forEach((ref, j) => items.push({ expr: ref, name: `?outer${j}`, alias: null }));
  if (outerRefs.length > 0 && userGrouped) q = { ...q, groupBy: [...q.groupBy, ...outerRefs] };

  const grouped =
    q.groupBy.length > 0 ||
    q.having !== null ||
    items.some((it) => containsAggregate(it.expr)) ||
    q.orderBy.some((o) => containsAggregate(o.expr));

  let outputCtx: ExprContext = { ...inputCtx, aggregate: noAggregates('this clause') };
  // Subqueries in the select list of an ungrouped query join onto the FROM plan.
  let selectJoiner: SubqueryJoiner | null = null;
  if (!grouped && items.some((it) => containsSubquery(it.expr))) {
    const joiner = new SubqueryJoiner(plan, scope, fromBinder(options).subqueries);
    selectJoiner = joiner;
    outputCtx = { ...outputCtx, subquery: (e) => joiner.bind(e, outputCtx) };
  }
  const grouping = grouped ? bindGrouping(q, items, scope, inputCtx, plan) : null;
  if (grouping !== null) outputCtx = grouping.ctx;
  // Subqueries in HAVING or in a grouped select list join onto the grouped
  // plan, which exists only once every aggregate is registered: the clauses
  // bind once against a scratch joiner over the FROM plan (types, aggregates),
  // then again over the grouped plan.
  const groupedSubqueries =
    grouping !== null && (containsSubquery(q.having) || items.some((it) => containsSubquery(it.expr)));
  if (groupedSubqueries) {
    const scratch = new SubqueryJoiner(plan, scope, fromBinder(options).subqueries);
    const ctx: ExprContext = { ...outputCtx, subquery: (e) => scratch.bind(e, ctx) };
    outputCtx = ctx;
  }

  // HAVING, the select list and ORDER BY bind first: they register the
  // aggregate calls the Aggregate node then computes.
  const having = q.having === null ? null : requireBoolean(bindExpr(q.having, outputCtx), 'HAVING', q.having.pos);
  // Window calls bind to placeholders, resolved once the plan below them is built.
  const windows = createWindowBinder(outputCtx);
  const selectCtx: ExprContext = { ...outputCtx, window: (call) => windows.register(call) };
  // unnest(array) as a whole select-list item: the array binds here, the Unnest node below expands it.
  const unnests = items.map((it) => isUnnestItem(it.expr));
  for (const it of items) rejectNestedUnnest(it.expr, true);
  let exprs = items.map((it, i) => (unnests[i] ? bindUnnestArray(it.expr as CallExpr, selectCtx) : bindExpr(it.expr, selectCtx)));
  const names = items.map((it) => it.name);
  const labels = items.map((it) => renderExpr(it.expr));
  const distinct = q.distinct === true;
  const sortKeys: SortKey[] = q.orderBy.map((o) => bindSortKey(o, items, exprs, names, labels, selectCtx, distinct));
  // DISTINCT ON (...): the first row of each group in ORDER BY order, i.e. a
  // top-1 per group. Its expressions name columns as ORDER BY's do.
  const distinctOn = Array.isArray(q.distinct)
    ? (q.distinct as readonly Expr[]).map((e) => bindSortKey({ expr: e, direction: 'asc', nulls: null, pos: e.pos }, items, exprs, names, labels, selectCtx, false).column)
    : null;
  if (distinctOn !== null && sortKeys.length > 0) {
    const leading = new Set(sortKeys.slice(0, distinctOn.length).map((k) => k.column));
    if (sortKeys.length < distinctOn.length || distinctOn.some((c) => !leading.has(c))) {
      throw new EngineError(SqlState.invalidColumnReference, 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', q.orderBy[0]!.pos);
    }
  }

  if (selectJoiner !== null) plan = selectJoiner.plan;
  if (grouping !== null) {
    plan = grouping.build();
    if (outer !== undefined && q.groupBy.length === outerRefs.length && plan.kind === 'aggregate') plan = { ...plan, singleRowPerOuter: true };
    let finalHaving = having;
    if (groupedSubqueries) {
      // The second binding: subqueries now join onto the grouped rows; a
      // correlated one may reference the GROUP BY columns.
      const joiner = new SubqueryJoiner(plan, groupedScope(grouping.groupBy, scope), fromBinder(options).subqueries);
      const ctx: ExprContext = { ...grouping.ctx, subquery: (e) => joiner.bind(e, ctx), window: (call) => windows.register(call) };
      if (q.having !== null && containsSubquery(q.having)) finalHaving = requireBoolean(bindExpr(q.having, ctx), 'HAVING', q.having.pos);
      items.forEach((it, i) => {
        if (containsSubquery(it.expr)) exprs[i] = bindExpr(it.expr, ctx);
      });
      plan = joiner.plan;
    }
    if (finalHaving !== null && q.having !== null) {
      plan = { kind: 'filter', input: plan, predicate: finalHaving, label: renderExpr(q.having), columns: plan.columns };
    }
  }
  const windowed = windows.build(plan);
  if (windowed.plan !== plan) {
    plan = windowed.plan;
    exprs = exprs.map((e) => remapColumns(e, windowed.remap));
  }
  const columns: OutputColumn[] = exprs.map((e, i) => ({ name: names[i]!, type: e.type }));
  plan = { kind: 'project', input: plan, exprs, labels, columns };
  if (unnests.some((u) => u)) {
    const arrayColumns = unnests.flatMap((u, i) => (u ? [i] : []));
    const expanded = columns.map((c, i) => (unnests[i] ? { name: c.name, type: elementType(c.type as ArrayType) } : c));
    plan = { kind: 'unnest', input: plan, arrayColumns, columns: expanded };
  }
  if (distinct) plan = distinctOf(plan, q.pos);
  if (distinctOn !== null) {
    plan = { kind: 'topN', input: plan, partitionBy: distinctOn, sortKeys, limit: 1, offset: 0, columns: plan.columns };
  }

  const outerColumns = outerRefs.map((_, j) => items.length - outerRefs.length + j);
  return finishQuery(plan, items.length, sortKeys, q, options, outerColumns);
}

/**
 * The names a grouped query's subqueries may correlate on: each GROUP BY
 * expression that is a plain column, by that column's names, at its position
 * among the grouped plan's columns.
 */
function groupedScope(groupBy: readonly BoundExpr[], scope: readonly ScopeColumn[]): ScopeColumn[] {
  const out: ScopeColumn[] = [];
  groupBy.forEach((g, k) => {
    if (g.kind !== 'column') return;
    for (const c of scope) if (c.index === g.index) out.push({ ...c, index: k });
  });
  return out;
}

/** LIMIT/OFFSET and the ORDER BY a one-shot read applies. */
function finishQuery(root: LogicalPlan, visibleColumns: number, sortKeys: SortKey[], q: Query, options: BindOptions, partitionBy: readonly number[] = []): QueryPlan {
  const limit = constantInteger(q.limit, 'LIMIT', options.params);
  const offset = constantInteger(q.offset, 'OFFSET', options.params) ?? 0;
  if ((options.forView || options.nested === true) && (limit !== null || offset !== 0)) {
    // Maintained: a TopN node, then the hidden sort columns dropped.
    // In a correlated subquery the ranking is per outer value.
    const topN: LogicalPlan = { kind: 'topN', input: root, partitionBy, sortKeys, limit, offset, columns: root.columns };
    return { root: withoutHiddenColumns(topN, visibleColumns), visibleColumns, orderBy: [], limit: null, offset: 0, dependsOn: [] };
  }
  // A view stores only its visible columns; hidden sort columns matter only to one-shot reads.
  if (options.forView) return { root: withoutHiddenColumns(root, visibleColumns), visibleColumns, orderBy: [], limit, offset, dependsOn: [] };
  return { root, visibleColumns, orderBy: sortKeys, limit, offset, dependsOn: [] };
}

/**
 * UNION [ALL], INTERSECT [ALL], EXCEPT [ALL]: both sides' columns unified to
 * common types (42804 when they cannot be), named after the left side. ORDER
 * BY may name output columns or positions only, as in PostgreSQL.
 */
function bindSetOperation(q: SetOperation, options: BindOptions): QueryPlan {
  const side = (sub: Query): LogicalPlan => {
    const bound = bindQuery(sub, { ...options, nested: true });
    return withoutHiddenColumns(bound.root, bound.visibleColumns);
  };
  const opName = `${q.op.toUpperCase()}${q.all ? ' ALL' : ''}`;
  let left = side(q.left);
  let right = side(q.right);
  if (left.columns.length !== right.columns.length) {
    throw new EngineError(SqlState.syntaxError, `each ${q.op.toUpperCase()} query must have the same number of columns`, q.right.pos);
  }
  const types = left.columns.map((c, i) => {
    const t = commonType([c.type, right.columns[i]!.type]);
    if (t === null) {
      throw new EngineError(SqlState.datatypeMismatch, `${q.op.toUpperCase()} types ${typeInfo[c.type].sqlName.toLowerCase()} and ${typeInfo[right.columns[i]!.type].sqlName.toLowerCase()} cannot be matched`, q.pos);
    }
    return t;
  });
  left = castColumns(left, types);
  right = castColumns(right, types);
  const columns = left.columns.map((c) => ({ name: c.name, type: c.type }));
  let plan: LogicalPlan;
  if (q.op === 'union') {
    plan = { kind: 'setOp', op: 'unionAll', all: true, left, right, columns };
    if (!q.all) plan = distinctOf(plan, q.pos);
  } else {
    plan = { kind: 'setOp', op: q.op, all: q.all, left, right, columns };
  }
  const sortKeys = q.orderBy.map((o): SortKey => {
    const descending = o.direction === 'desc';
    const nullsFirst = o.nulls === null ? descending : o.nulls === 'first';
    const e = o.expr;
    let column = -1;
    if (e.kind === 'number' && /^\d+$/.test(e.text)) {
      column = Number(e.text) - 1;
      if (column < 0 || column >= columns.length) throw new EngineError(SqlState.invalidColumnReference, `ORDER BY position ${e.text} is not in select list`, e.pos);
    } else if (e.kind === 'column' && e.table === null) {
      column = columns.findIndex((c) => c.name === e.name);
    }
    if (column < 0) {
      throw new EngineError(SqlState.featureNotSupported, `invalid ${opName} ORDER BY clause: only result column names or positions can be used`, e.pos);
    }
    return { column, descending, nullsFirst };
  });
  return finishQuery(plan, columns.length, sortKeys, q, options);
}

/** Casts columns to `types` with a Project, when any differs. */
function castColumns(plan: LogicalPlan, types: readonly SqlType[]): LogicalPlan {
  if (plan.columns.every((c, i) => c.type === types[i])) return plan;
  const exprs = plan.columns.map((c, index) => castTo({ kind: 'column', index, type: c.type }, types[index]!));
  return { kind: 'project', input: plan, exprs, labels: plan.columns.map((c) => c.name), columns: plan.columns.map((c, i) => ({ name: c.name, type: types[i]! })) };
}

function expandItems(items: readonly SelectItem[], scope: readonly ScopeColumn[]): Item[] {
  const out: Item[] = [];
  for (const it of items) {
    if (it.kind === 'star') {
      const cols = scope.filter((c) => (it.table === null ? c.shadowedByUsing !== true : c.qualifier === it.table));
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
function distinctOf(input: LogicalPlan, pos: SourcePosition): LogicalPlan {
  // With no columns the grouping would be global, which emits a row even for no input.
  if (input.columns.length === 0) throw unsupported('SELECT DISTINCT with no output columns', pos);
  return {
    kind: 'aggregate',
    input,
    groupBy: input.columns.map((c, index) => ({ kind: 'column', index, type: c.type })),
    groupLabels: input.columns.map((c) => c.name),
    aggregates: [],
    columns: input.columns,
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

function isUnnestItem(e: Expr): boolean {
  return e.kind === 'call' && e.name === 'unnest' && e.args.length === 1 && !e.star && !e.distinct && e.filter === null;
}

/** unnest() anywhere but as a whole select-list item is not supported yet (0A000), never a wrong answer. */
function rejectNestedUnnest(e: unknown, top: boolean): void {
  if (e === null || typeof e !== 'object') return;
  const node = e as { kind?: string; name?: string; pos?: SourcePosition; args?: unknown[] };
  if (node.kind === 'call' && node.name === 'unnest') {
    if (!top) throw unsupported('unnest() inside an expression (write it as a whole select-list item)', node.pos!);
    for (const a of node.args ?? []) rejectNestedUnnest(a, false);
    return;
  }
  // Subqueries have their own select lists, bound on their own.
  if (node.kind === 'scalarSubquery' || node.kind === 'exists' || node.kind === 'inSubquery') return;
  for (const v of Object.values(e as Record<string, unknown>)) {
    if (Array.isArray(v)) for (const x of v) rejectNestedUnnest(x, false);
    else if (v !== null && typeof v === 'object') rejectNestedUnnest(v, false);
  }
}

/** The array argument of a select-list unnest(); 42883 for anything but an array. */
function bindUnnestArray(call: CallExpr, ctx: ExprContext): BoundExpr {
  const arg = bindExpr(call.args[0]!, ctx);
  if (!isArrayType(arg.type)) {
    throw new EngineError(SqlState.undefinedFunction, `function unnest(${arg.type}) does not exist; unnest takes an array`, call.pos);
  }
  return arg;
}

