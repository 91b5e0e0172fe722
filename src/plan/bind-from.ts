// Binds a FROM clause (with the WHERE conjuncts that can join it) to a plan
// and a scope. Comma-separated items, CROSS JOIN and INNER JOIN ... ON are
// flattened into one join graph: leaves plus boolean conjuncts. The planner
// then pushes each single-leaf conjunct down as a filter on its leaf and
// joins the leaves in FROM order, except that it prefers a leaf connected to
// the ones already joined by an equality (so `FROM a, b, c WHERE a.k = c.k
// AND c.j = b.j` never builds a cross product). Equalities between the two
// sides become hash keys, everything else a residual condition. Outer joins,
// USING and NATURAL joins are bound as units (a leaf of the enclosing graph),
// since conjuncts cannot move across an outer join.
//
// Scope indexes are positions in the final plan's output; `SELECT *` follows
// the FROM order whatever the physical join order.

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { referencedColumns, remapColumns } from '../expr/bound-expr.js';
import type { ColumnRef, Expr, FromItem, JoinRef } from '../sql/ast.js';
import type { OuterBinding, SubqueryEnv } from './bind-subquery.js';
import { applySubqueryConjuncts, containsSubquery } from './bind-subquery.js';
import { bindCall, bindExpr, requireBoolean, unify } from './bind-expr.js';
import type { ExprContext } from './bind-expr.js';
import { noAggregates } from './bind-grouping.js';
import type { JoinNode, LogicalPlan, OutputColumn } from './logical-plan.js';
import { renderExpr } from './render-expr.js';
import type { ScopeColumn } from './scope.js';
import { resolveColumn } from './scope.js';

/** A bound relation: its plan and the names its columns can be reached by. */
export interface BoundRelation {
  readonly plan: LogicalPlan;
  readonly scope: readonly ScopeColumn[];
  /**
   * With a preserved outer leaf (a correlated global aggregate): a column that
   * is non-NULL on every row except the NULL-extended ones, for count(*).
   */
  readonly marker?: BoundExpr;
}

/** How FROM items that are not joins are bound (tables, views, CTEs, subqueries). */
export interface FromBinder {
  readonly params: readonly unknown[];
  /** Binds a table name, CTE name or subquery; `qualifier` is what its columns are reached by. */
  bindRelation(item: Exclude<FromItem, JoinRef>): BoundRelation;
  /** Resolves a column name in `scope` (and, in a correlated subquery, the outer query). */
  resolve(scope: readonly ScopeColumn[], ref: ColumnRef): BoundExpr;
  /** Set when binding a correlated subquery: the outer values' leaf D. */
  readonly outer?: OuterBinding;
  /** Binds subqueries in WHERE. */
  readonly subqueries: SubqueryEnv;
}

/** A boolean condition over the graph's global column numbering. */
interface Conjunct {
  readonly expr: BoundExpr;
  readonly label: string;
  /** The leaves it reads. */
  readonly leaves: readonly number[];
}

class JoinGraph {
  readonly leaves: BoundRelation[] = [];
  readonly offsets: number[] = [];
  width = 0;
  readonly conjuncts: Conjunct[] = [];

  addLeaf(rel: BoundRelation): void {
    this.leaves.push(rel);
    this.offsets.push(this.width);
    this.width += rel.plan.columns.length;
  }

  /** The scope over leaves [from, to) in global numbering. */
  scope(from = 0, to = this.leaves.length): ScopeColumn[] {
    const out: ScopeColumn[] = [];
    for (let l = from; l < to; l++) {
      const off = this.offsets[l]!;
      for (const c of this.leaves[l]!.scope) out.push({ ...c, index: c.index + off });
    }
    return out;
  }

  leafOf(globalIndex: number): number {
    let l = this.offsets.length - 1;
    while (this.offsets[l]! > globalIndex) l--;
    return l;
  }

  /** Splits `condition` at top-level ANDs and binds each part against `scope`. */
  addCondition(condition: Expr, scope: readonly ScopeColumn[], binder: FromBinder, clause: string): void {
    const ctx: ExprContext = { column: (ref) => binder.resolve(scope, ref), aggregate: noAggregates(clause), params: binder.params };
    for (const part of splitAnd(condition)) {
      const expr = requireBoolean(bindExpr(part, ctx), clause, part.pos);
      const leaves = [...new Set([...referencedColumns(expr)].map((c) => this.leafOf(c)))].sort((a, b) => a - b);
      this.conjuncts.push({ expr, label: renderExpr(part), leaves });
    }
  }
}

function splitAnd(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === 'and') return [...splitAnd(e.left), ...splitAnd(e.right)];
  return [e];
}

function andAll(exprs: readonly BoundExpr[]): BoundExpr | null {
  if (exprs.length === 0) return null;
  return exprs.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: 'boolean' }));
}

/**
 * Binds `items` (the FROM list) and the `where` condition; returns the plan
 * with every WHERE conjunct applied (pushed into the joins where possible).
 */
export function bindFromWhere(items: readonly FromItem[], where: Expr | null, binder: FromBinder): BoundRelation {
  const graph = new JoinGraph();
  for (const item of items) addItem(graph, item, binder);
  let preserve = -1;
  if (binder.outer !== undefined) {
    if (binder.outer.preserve && graph.leaves.length > 0) preserve = graph.leaves.length;
    graph.addLeaf(binder.outer.leaf);
  }
  // Conjuncts with subqueries join their results onto the finished plan.
  const deferred: Expr[] = [];
  if (where !== null) {
    for (const part of splitAnd(where)) {
      if (containsSubquery(part)) deferred.push(part);
      else graph.addCondition(part, graph.scope(), binder, 'WHERE');
    }
  }
  if (preserve >= 0 && deferred.length > 0) {
    // A correlated global aggregate: a filter above its LEFT JOIN would drop
    // the NULL-extended rows that keep empty groups, so subquery conjuncts
    // filter the inner side before the join. They may read only that side.
    return planPreserving(graph, preserve, (inner) => {
      try {
        return applySubqueryConjuncts(inner, deferred, binder.subqueries, { column: (ref) => resolveColumn(inner.scope, ref), params: binder.params });
      } catch (err) {
        if (err instanceof EngineError && (err.code === SqlState.undefinedColumn || err.code === SqlState.undefinedTable)) {
          throw unsupported('a subquery in the WHERE clause of a correlated aggregate subquery that reads the outer query', deferred[0]!.pos);
        }
        throw err;
      }
    });
  }
  const planned = planGraph(graph, preserve);
  if (deferred.length === 0) return planned;
  return applySubqueryConjuncts(planned, deferred, binder.subqueries, {
    column: (ref) => binder.resolve(planned.scope, ref),
    params: binder.params,
  });
}

/** A FROM item of a join unit: no outer leaf, no deferred conditions. */
function bindItem(item: FromItem, binder: FromBinder): BoundRelation {
  const graph = new JoinGraph();
  addItem(graph, item, binder);
  return planGraph(graph, -1);
}

function addItem(graph: JoinGraph, item: FromItem, binder: FromBinder): void {
  if (item.kind !== 'joinRef') {
    graph.addLeaf(binder.bindRelation(item));
    return;
  }
  if ((item.joinType === 'inner' || item.joinType === 'cross') && !item.natural && item.using === null) {
    const first = graph.leaves.length;
    addItem(graph, item.left, binder);
    addItem(graph, item.right, binder);
    if (item.on !== null) graph.addCondition(item.on, graph.scope(first), binder, 'JOIN/ON');
    return;
  }
  graph.addLeaf(bindJoinUnit(item, binder));
}

/** An outer, USING or NATURAL join: both sides planned separately, then one Join node. */
function bindJoinUnit(join: JoinRef, binder: FromBinder): BoundRelation {
  const left = bindItem(join.left, binder);
  const right = bindItem(join.right, binder);
  const leftWidth = left.plan.columns.length;
  const scope: ScopeColumn[] = [...left.scope, ...right.scope.map((c) => ({ ...c, index: c.index + leftWidth }))];
  const joinType = join.joinType === 'cross' ? 'inner' : join.joinType;

  let usingNames = join.using;
  if (join.natural) {
    const leftNames = new Set(left.scope.filter((c) => c.shadowedByUsing !== true).map((c) => c.name));
    usingNames = [...new Set(right.scope.filter((c) => c.shadowedByUsing !== true && leftNames.has(c.name)).map((c) => c.name))];
  }
  const conditions: { expr: BoundExpr; label: string }[] = [];
  const merged: { name: string; leftCol: BoundExpr; rightCol: BoundExpr }[] = [];
  if (usingNames !== null) {
    for (const name of usingNames) {
      const find = (side: BoundRelation, which: string): BoundExpr => {
        const matches = side.scope.filter((c) => c.name === name && c.shadowedByUsing !== true);
        if (matches.length === 0) {
          throw new EngineError(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in ${which} table`, join.pos);
        }
        if (matches.length > 1) {
          throw new EngineError(SqlState.ambiguousColumn, `common column name "${name}" appears more than once in ${which} table`, join.pos);
        }
        return { kind: 'column', index: matches[0]!.index, type: matches[0]!.type };
      };
      const l = find(left, 'left');
      const r = find(right, 'right');
      const [lu, ru] = unify([l, remapColumns(r, (i) => i + leftWidth)], `JOIN/USING column "${name}"`, join.pos);
      conditions.push({ expr: bindCall('eq', [lu!, ru!], join.pos, 'operator ='), label: `${name} = ${name}` });
      merged.push({ name, leftCol: lu!, rightCol: ru! });
    }
  } else if (join.on !== null) {
    const ctx: ExprContext = { column: (ref) => binder.resolve(scope, ref), aggregate: noAggregates('JOIN conditions'), params: binder.params };
    for (const part of splitAnd(join.on)) {
      conditions.push({ expr: requireBoolean(bindExpr(part, ctx), 'JOIN/ON', part.pos), label: renderExpr(part) });
    }
  }

  const kindWord = `${join.natural ? 'NATURAL ' : ''}${joinType.toUpperCase()} JOIN`;
  const label = `${kindWord}${usingNames !== null ? ` USING (${usingNames.join(', ')})` : conditions.length > 0 ? ` ON ${conditions.map((c) => c.label).join(' AND ')}` : ''}`;
  const plan = makeJoin(joinType, left.plan, right.plan, conditions.map((c) => c.expr), label);
  if (merged.length === 0) return { plan, scope };

  // USING / NATURAL: the merged columns come first, unqualified; FULL JOIN
  // merges with COALESCE, RIGHT JOIN takes the right side's value.
  const mergedExprs = merged.map((m) =>
    joinType === 'full' ? bindCall('coalesce', [m.leftCol, m.rightCol], join.pos, 'function coalesce') : joinType === 'right' ? m.rightCol : m.leftCol,
  );
  const inputCols = plan.columns;
  const exprs: BoundExpr[] = [...mergedExprs, ...inputCols.map((c, index): BoundExpr => ({ kind: 'column', index, type: c.type }))];
  const columns: OutputColumn[] = [...merged.map((m, i) => ({ name: m.name, type: mergedExprs[i]!.type })), ...inputCols];
  const mergedNames = new Set(merged.map((m) => m.name));
  const shifted: ScopeColumn[] = scope.map((c) => {
    const moved = { ...c, index: c.index + merged.length };
    return mergedNames.has(c.name) && c.shadowedByUsing !== true ? { ...moved, shadowedByUsing: true as const } : moved;
  });
  return {
    plan: { kind: 'project', input: plan, exprs, labels: columns.map((c) => c.name), columns },
    scope: [...merged.map((m, i) => ({ qualifier: null, name: m.name, index: i, type: mergedExprs[i]!.type })), ...shifted],
  };
}

/**
 * A Join node of `left` and `right` under `conditions` (over the concatenated
 * columns): equalities with one side on each input become hash keys, the rest
 * the residual.
 */
export function makeJoin(joinType: JoinNode['joinType'], left: LogicalPlan, right: LogicalPlan, conditions: readonly BoundExpr[], label: string): JoinNode {
  const leftWidth = left.columns.length;
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const nullSafe: boolean[] = [];
  const residual: BoundExpr[] = [];
  const sideOf = (e: BoundExpr): 'left' | 'right' | 'both' | 'none' => {
    const cols = [...referencedColumns(e)];
    if (cols.length === 0) return 'none';
    if (cols.every((c) => c < leftWidth)) return 'left';
    if (cols.every((c) => c >= leftWidth)) return 'right';
    return 'both';
  };
  for (const cond of conditions) {
    if (cond.kind === 'call' && (cond.fn === 'eq' || cond.fn === 'is_not_distinct') && cond.args.length === 2) {
      const [a, b] = cond.args as [BoundExpr, BoundExpr];
      const sa = sideOf(a);
      const sb = sideOf(b);
      const pair = sa === 'left' && sb === 'right' ? [a, b] : sa === 'right' && sb === 'left' ? [b, a] : null;
      if (pair !== null && pair[0]!.type === pair[1]!.type) {
        leftKeys.push(pair[0]!);
        rightKeys.push(remapColumns(pair[1]!, (i) => i - leftWidth));
        nullSafe.push(cond.fn === 'is_not_distinct');
        continue;
      }
    }
    residual.push(cond);
  }
  return {
    kind: 'join',
    joinType,
    left,
    right,
    leftKeys,
    rightKeys,
    nullSafe,
    residual: andAll(residual),
    label,
    columns: [...left.columns, ...right.columns],
  };
}

/**
 * Plans a join graph: filters pushed to leaves, then joins in a connected
 * order. With `preserve` >= 0 (the last leaf), the other leaves are planned
 * first and that leaf is LEFT JOINed to them on every conjunct that reads it.
 */
function planGraph(graph: JoinGraph, preserve: number): BoundRelation {
  if (preserve >= 0) return planPreserving(graph, preserve);
  const { plan, scope } = planJoins(graph);
  return { plan, scope };
}

/** planGraph without a preserved leaf; also returns where each global column landed. */
function planJoins(graph: JoinGraph): BoundRelation & { readonly physical: Int32Array } {
  const n = graph.leaves.length;
  if (n === 0) throw unsupported('an empty FROM clause');
  const leafPlans = graph.leaves.map((l) => l.plan);
  const pending = [...graph.conjuncts];
  const constant: Conjunct[] = [];

  // Single-leaf conjuncts become filters on their leaf.
  for (let l = 0; l < n; l++) {
    const mine = pending.filter((c) => c.leaves.length === 1 && c.leaves[0] === l);
    if (mine.length === 0) continue;
    const off = graph.offsets[l]!;
    const plan = leafPlans[l]!;
    leafPlans[l] = {
      kind: 'filter',
      input: plan,
      predicate: andAll(mine.map((c) => remapColumns(c.expr, (i) => i - off)))!,
      label: mine.map((c) => c.label).join(' AND '),
      columns: plan.columns,
    };
  }
  const multi = pending.filter((c) => c.leaves.length > 1);
  constant.push(...pending.filter((c) => c.leaves.length === 0));

  // Join order: FROM order, preferring a leaf that an equality connects to the joined set.
  const joined = new Set<number>([0]);
  const physical = new Int32Array(graph.width).fill(-1); // global column -> position in `plan`
  const place = (leaf: number, at: number): void => {
    const off = graph.offsets[leaf]!;
    const width = graph.leaves[leaf]!.plan.columns.length;
    for (let c = 0; c < width; c++) physical[off + c] = at + c;
  };
  let plan = leafPlans[0]!;
  place(0, 0);
  const applied = new Set<Conjunct>();
  const connects = (c: Conjunct, leaf: number): boolean =>
    c.leaves.includes(leaf) && c.leaves.every((l) => l === leaf || joined.has(l)) && isEquality(c.expr);
  while (joined.size < n) {
    let next = -1;
    for (let l = 0; l < n && next < 0; l++) if (!joined.has(l) && multi.some((c) => connects(c, l))) next = l;
    if (next < 0) for (let l = 0; l < n && next < 0; l++) if (!joined.has(l)) next = l;
    joined.add(next);
    const ready = multi.filter((c) => !applied.has(c) && c.leaves.every((l) => joined.has(l)));
    ready.forEach((c) => applied.add(c));
    const leftWidth = plan.columns.length;
    place(next, leftWidth);
    const conditions = ready.map((c) => remapColumns(c.expr, (i) => physical[i]!));
    const label = ready.length === 0 ? 'CROSS JOIN' : `INNER JOIN ON ${ready.map((c) => c.label).join(' AND ')}`;
    plan = makeJoin('inner', plan, leafPlans[next]!, conditions, label);
  }
  if (constant.length > 0) {
    plan = {
      kind: 'filter',
      input: plan,
      predicate: andAll(constant.map((c) => c.expr))!,
      label: constant.map((c) => c.label).join(' AND '),
      columns: plan.columns,
    };
  }
  const scope = graph.scope().map((c) => ({ ...c, index: physical[c.index]! }));
  return { plan, scope, physical };
}

function planPreserving(graph: JoinGraph, preserve: number, filterInner?: (inner: BoundRelation) => BoundRelation): BoundRelation {
  const rest = new JoinGraph();
  for (let l = 0; l < preserve; l++) rest.addLeaf(graph.leaves[l]!);
  const onPreserved = graph.conjuncts.filter((c) => c.leaves.includes(preserve));
  rest.conjuncts.push(...graph.conjuncts.filter((c) => !c.leaves.includes(preserve)));
  const joined = planJoins(rest);
  const inner = filterInner === undefined ? joined : { ...filterInner(joined), physical: joined.physical };
  // The marker: TRUE on every inner row, NULL on the preserved leaf's unmatched rows.
  const innerWidth = inner.plan.columns.length;
  const marked: LogicalPlan = {
    kind: 'project',
    input: inner.plan,
    exprs: [...inner.plan.columns.map((c, index): BoundExpr => ({ kind: 'column', index, type: c.type })), { kind: 'const', value: true, type: 'boolean' }],
    labels: [...inner.plan.columns.map((c) => c.name), 'true'],
    columns: [...inner.plan.columns, { name: '?marker', type: 'boolean' }],
  };
  const d = graph.leaves[preserve]!;
  const dWidth = d.plan.columns.length;
  const dOffset = graph.offsets[preserve]!;
  // Global column -> position in (D, inner): D first, then the inner plan's
  // layout (the other leaves keep their global numbering in `rest`).
  const physical = (i: number): number => (i >= dOffset ? i - dOffset : dWidth + inner.physical[i]!);
  const conditions = onPreserved.map((c) => remapColumns(c.expr, physical));
  const plan = makeJoin('left', d.plan, marked, conditions, `LEFT JOIN ON ${onPreserved.map((c) => c.label).join(' AND ') || 'TRUE'} (correlated aggregate)`);
  const scope = [...d.scope, ...inner.scope.map((c) => ({ ...c, index: c.index + dWidth }))];
  return { plan, scope, marker: { kind: 'column', index: dWidth + innerWidth, type: 'boolean' } };
}

function isEquality(e: BoundExpr): boolean {
  return e.kind === 'call' && (e.fn === 'eq' || e.fn === 'is_not_distinct');
}
