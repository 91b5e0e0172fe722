// Subqueries in expressions — EXISTS, [NOT] IN (SELECT ...), scalar (SELECT
// ...) — decorrelated into joins, so a view containing them is maintained like
// any join: never one subquery execution per outer row.
//
// Correlation: the subquery is bound against its own FROM plus one extra leaf
// D, the DISTINCT values of the outer columns it references (found by a first
// binding pass in which D holds every outer column). Outer references resolve
// to D's columns, so correlated conditions (`x.k = t.k`) become ordinary join
// keys between the subquery's tables and D. The subquery's result carries D's
// columns (and groups by them), and is joined back to the outer plan on them
// with IS NOT DISTINCT FROM. A correlated global aggregate keeps D as the
// preserved side of a LEFT JOIN and counts a marker column for count(*), so
// every outer row has its group even when no subquery row matches (count 0,
// sum NULL), as evaluation per row would give.
//
// Outer-side shapes (P = the outer plan so far, R = the subquery's result):
//   EXISTS      P LEFT JOIN (R grouped by D: count) ; coalesce(count, 0) > 0
//   scalar      P LEFT JOIN R (at most one row per D, else 21000) ; R's value
//   x IN (..)   P LEFT JOIN (distinct (y, D) + marker) ON x = y
//                 LEFT JOIN (R grouped by D: count(*), count(y)) ;
//               TRUE on a match, else FALSE for an empty set, NULL when x is
//               NULL or the set has a NULL, else FALSE (SQL's three-valued IN)
// A top-level WHERE conjunct `EXISTS` / `x IN (...)` is a semi-join instead:
// an inner join with the distinct set.

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { remapColumns } from '../expr/bound-expr.js';
import type { ColumnRef, ExistsExpr, Expr, InSubqueryExpr, Query, ScalarSubquery } from '../sql/ast.js';
import { bindCall, bindExpr, requireBoolean, unify } from './bind-expr.js';
import type { ExprContext } from './bind-expr.js';
import type { BoundRelation } from './bind-from.js';
import { makeJoin } from './bind-from.js';
import { noAggregates } from './bind-grouping.js';
import type { AggregateNode, LogicalPlan, OutputColumn, QueryPlan } from './logical-plan.js';
import { renderExpr } from './render-expr.js';
import type { ScopeColumn } from './scope.js';
import { resolveColumn } from './scope.js';

/** The qualifier of D's columns inside a subquery (no user can write it). */
export const OUTER_QUALIFIER = '\u0000outer';

/** What a correlated subquery's binding knows about the query around it. */
export interface OuterBinding {
  /** D: its plan and scope (qualifier OUTER_QUALIFIER, names '0', '1', ...). */
  readonly leaf: BoundRelation;
  /** D is the preserved side of a LEFT JOIN (a correlated global aggregate). */
  preserve: boolean;
  /**
   * Resolves a reference the subquery's own scope lacks in the outer query —
   * which may in turn find it in its own outer query (a subquery of a
   * subquery reading the outermost query): then the middle query's D carries
   * that column too.
   */
  readonly resolveOuter: (ref: ColumnRef) => BoundExpr;
  /** Outer plan column -> D column, for the outer columns D carries. */
  readonly slotOf: ReadonlyMap<number, number>;
  /** Outer plan columns referenced so far (filled during binding). */
  readonly used: Set<number>;
}

/** How the enclosing query binds nested queries. */
export interface SubqueryEnv {
  readonly params: readonly unknown[];
  /** Binds `query` nested in the current one; `outer` null for an uncorrelated pass. */
  bindNested(query: Query, outer: OuterBinding | null): QueryPlan;
  /** How the current query resolves its own column names (through its own outer query, if any). */
  resolve(scope: readonly ScopeColumn[], ref: ColumnRef): BoundExpr;
}

/** A column reference resolved in `scope`, falling back to the outer query through D. */
export function resolveWithOuter(scope: readonly ScopeColumn[], ref: ColumnRef, outer: OuterBinding | undefined): BoundExpr {
  try {
    return resolveColumn(scope, ref);
  } catch (err) {
    if (outer === undefined || !(err instanceof EngineError) || (err.code !== SqlState.undefinedColumn && err.code !== SqlState.undefinedTable)) throw err;
    let outerCol: BoundExpr;
    try {
      outerCol = outer.resolveOuter(ref);
    } catch {
      throw err;
    }
    const index = (outerCol as { index: number }).index;
    outer.used.add(index);
    const slot = outer.slotOf.get(index);
    if (slot === undefined) throw err;
    return resolveColumn(scope, { kind: 'column', table: OUTER_QUALIFIER, name: String(slot), pos: ref.pos });
  }
}

/** True when the expression contains a subquery (it must be bound after the FROM plan). */
export function containsSubquery(e: Expr | null): boolean {
  if (e === null) return false;
  switch (e.kind) {
    case 'inSubquery':
    case 'exists':
    case 'scalarSubquery':
      return true;
    case 'unary':
    case 'isNull':
    case 'isBool':
    case 'cast':
      return containsSubquery(e.operand);
    case 'binary':
    case 'isDistinct':
      return containsSubquery(e.left) || containsSubquery(e.right);
    case 'between':
      return containsSubquery(e.operand) || containsSubquery(e.low) || containsSubquery(e.high);
    case 'inList':
      return containsSubquery(e.operand) || e.list.some(containsSubquery);
    case 'like':
      return containsSubquery(e.operand) || containsSubquery(e.pattern) || containsSubquery(e.escape);
    case 'case':
      return containsSubquery(e.operand) || e.whens.some((w) => containsSubquery(w.when) || containsSubquery(w.then)) || containsSubquery(e.else);
    case 'call':
      return e.args.some(containsSubquery) || containsSubquery(e.filter);
    default:
      return false;
  }
}

const col = (index: number, c: OutputColumn): BoundExpr => ({ kind: 'column', index, type: c.type });
const bigint = (v: number): BoundExpr => ({ kind: 'const', value: v, type: 'bigint' });
const bool = (v: boolean | null): BoundExpr => ({ kind: 'const', value: v, type: 'boolean' });

/**
 * Binds subquery expressions over a growing outer plan: each subquery joins
 * its result onto `plan`, whose first columns (those `scope` indexes) never
 * move, and returns the expression reading the joined columns.
 */
export class SubqueryJoiner {
  constructor(
    public plan: LogicalPlan,
    private readonly scope: readonly ScopeColumn[],
    private readonly env: SubqueryEnv,
  ) {}

  /** The ExprContext hook. */
  bind(e: InSubqueryExpr | ExistsExpr | ScalarSubquery, ctx: ExprContext): BoundExpr {
    switch (e.kind) {
      case 'exists': {
        const { result, keys } = this.nested(e.query, e.pos);
        const counted = groupCount(result, keys, false);
        const c = this.leftJoin(counted.plan, keys, counted.keyColumns, [], 'EXISTS');
        return bindCall('gt', [bindCall('coalesce', [c[counted.countColumn]!, bigint(0)], e.pos, 'function coalesce'), bigint(0)], e.pos, 'operator >');
      }
      case 'scalarSubquery': {
        const { result, keys, valueCount, singleRow } = this.nested(e.query, e.pos);
        if (valueCount !== 1) throw new EngineError(SqlState.syntaxError, 'subquery must return only one column', e.pos);
        const checked: LogicalPlan = singleRow ? result : { kind: 'assertSingle', input: result, keyColumns: keyColumnsOf(result, keys.length), columns: result.columns };
        const c = this.leftJoin(checked, keys, keyColumnsOf(result, keys.length), [], 'scalar subquery');
        return c[0]!;
      }
      case 'inSubquery': {
        const operand = bindExpr(e.operand, ctx);
        const { result, keys, valueCount } = this.nested(e.query, e.pos);
        if (valueCount !== 1) throw new EngineError(SqlState.syntaxError, 'subquery has too many columns', e.pos);
        const value = result.columns[0]!;
        const [x, y] = unify([operand, col(0, value)], 'IN', e.pos);
        // Matches: distinct (y, D...) with a marker count.
        const distinct = groupCount(result, keys, true);
        const matchCols = this.leftJoin(distinct.plan, keys, distinct.keyColumns.slice(1), [{ outer: x!, inner: y! }], 'IN');
        const matched = matchCols[distinct.countColumn]!;
        // The set's size and its non-NULL count per D.
        const totals = groupTotals(result, keys);
        const totalCols = this.leftJoin(totals.plan, keys, totals.keyColumns, [], 'IN (NULL check)');
        const total = bindCall('coalesce', [totalCols[totals.totalColumn]!, bigint(0)], e.pos, 'function coalesce');
        const nonNull = totalCols[totals.nonNullColumn]!;
        const inValue: BoundExpr = {
          kind: 'case',
          whens: [
            { when: bindCall('is_not_null', [matched], e.pos, 'IS NOT NULL'), then: bool(true) },
            { when: bindCall('eq', [total, bigint(0)], e.pos, 'operator ='), then: bool(false) },
            {
              when: bindCall('or', [bindCall('is_null', [x!], e.pos, 'IS NULL'), bindCall('gt', [total, nonNull], e.pos, 'operator >')], e.pos, 'operator OR'),
              then: bool(null),
            },
          ],
          else: bool(false),
          type: 'boolean',
        };
        return e.negated ? bindCall('not', [inValue], e.pos, 'operator NOT') : inValue;
      }
    }
  }

  /**
   * A top-level WHERE conjunct `EXISTS (...)` or `x IN (...)`: a semi-join,
   * filtering `plan` in place. Returns false when `e` is not of that form.
   */
  semiJoin(e: Expr, ctx: ExprContext): boolean {
    if (e.kind !== 'exists' && !(e.kind === 'inSubquery' && !e.negated)) return false;
    const { result, keys, valueCount } = this.nested(e.query, e.pos);
    const width = this.plan.columns.length;
    let matches: { outer: BoundExpr; inner: BoundExpr }[] = [];
    let set: ReturnType<typeof groupCount>;
    if (e.kind === 'inSubquery') {
      if (valueCount !== 1) throw new EngineError(SqlState.syntaxError, 'subquery has too many columns', e.pos);
      const [x, y] = unify([bindExpr(e.operand, ctx), col(0, result.columns[0]!)], 'IN', e.pos);
      set = groupCount(result, keys, true);
      matches = [{ outer: x!, inner: y! }];
      this.join('inner', set.plan, keys, set.keyColumns.slice(1), matches, 'IN (semi-join)');
    } else {
      set = groupCount(result, keys, false);
      if (keys.length === 0) {
        // Uncorrelated EXISTS: a global count, kept only while positive.
        const positive: LogicalPlan = {
          kind: 'filter',
          input: set.plan,
          predicate: bindCall('gt', [col(set.countColumn, set.plan.columns[set.countColumn]!), bigint(0)], e.pos, 'operator >'),
          label: 'count > 0',
          columns: set.plan.columns,
        };
        this.join('inner', positive, [], [], [], 'EXISTS (semi-join)');
      } else {
        this.join('inner', set.plan, keys, set.keyColumns, [], 'EXISTS (semi-join)');
      }
    }
    this.plan = project(this.plan, width);
    return true;
  }

  /** Binds a subquery: uncorrelated if it references no outer column, else with D. */
  private nested(query: Query, pos: SourcePosition): { result: LogicalPlan; keys: number[]; valueCount: number; singleRow: boolean } {
    // Pass 1: D carries every outer column, to learn which ones are referenced.
    const all = this.scope.map((c) => c.index).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
    const probe = this.outerBinding(all);
    this.env.bindNested(query, probe);
    const used = [...probe.used].sort((a, b) => a - b);
    if (used.length === 0) {
      const sub = this.env.bindNested(query, null);
      const result = visibleRoot(sub);
      return { result, keys: [], valueCount: result.columns.length, singleRow: isSingleRow(result) };
    }
    const outer = this.outerBinding(used);
    const sub = this.env.bindNested(query, outer);
    const result = visibleRoot(sub);
    const valueCount = result.columns.length - used.length;
    if (valueCount < 1) throw unsupported('this correlated subquery', pos);
    return { result, keys: used, valueCount, singleRow: isSingleRow(result) };
  }

  private outerBinding(columns: readonly number[]): OuterBinding {
    const plan = this.plan;
    const outputs: OutputColumn[] = columns.map((c, j) => ({ name: String(j), type: plan.columns[c]!.type }));
    const projected: LogicalPlan = {
      kind: 'project',
      input: plan,
      exprs: columns.map((c) => col(c, plan.columns[c]!)),
      labels: columns.map((c) => plan.columns[c]!.name),
      columns: outputs,
    };
    const d: LogicalPlan = {
      kind: 'aggregate',
      input: projected,
      groupBy: outputs.map((c, i) => col(i, c)),
      groupLabels: columns.map((c) => plan.columns[c]!.name),
      aggregates: [],
      columns: outputs,
      distinct: true,
    };
    const scope: ScopeColumn[] = outputs.map((c, index) => ({ qualifier: OUTER_QUALIFIER, name: c.name, index, type: c.type, shadowedByUsing: true }));
    return {
      leaf: { plan: d, scope },
      preserve: false,
      resolveOuter: (ref) => this.env.resolve(this.scope, ref),
      slotOf: new Map(columns.map((c, j) => [c, j])),
      used: new Set(),
    };
  }

  /** LEFT JOINs `inner` onto the plan; returns expressions reading each of its columns. */
  private leftJoin(inner: LogicalPlan, keys: readonly number[], innerKeys: readonly number[], extra: readonly { outer: BoundExpr; inner: BoundExpr }[], label: string): BoundExpr[] {
    return this.join('left', inner, keys, innerKeys, extra, label);
  }

  private join(kind: 'left' | 'inner', inner: LogicalPlan, keys: readonly number[], innerKeys: readonly number[], extra: readonly { outer: BoundExpr; inner: BoundExpr }[], label: string): BoundExpr[] {
    const left = this.plan;
    const width = left.columns.length;
    const conditions: BoundExpr[] = [];
    keys.forEach((k, j) => {
      conditions.push({ kind: 'call', fn: 'is_not_distinct', args: [col(k, left.columns[k]!), col(width + innerKeys[j]!, inner.columns[innerKeys[j]!]!)], type: 'boolean' });
    });
    for (const m of extra) {
      conditions.push({ kind: 'call', fn: 'eq', args: [m.outer, remapColumns(m.inner, (i) => width + i)], type: 'boolean' });
    }
    this.plan = makeJoin(kind, left, inner, conditions, `${kind === 'left' ? 'LEFT JOIN' : 'JOIN'} ${label}`);
    return inner.columns.map((c, i) => col(width + i, c));
  }
}

/** The root without hidden ORDER BY columns. */
function visibleRoot(sub: QueryPlan): LogicalPlan {
  const plan = sub.root;
  return plan.columns.length === sub.visibleColumns ? plan : project(plan, sub.visibleColumns);
}

function project(plan: LogicalPlan, width: number): LogicalPlan {
  const columns = plan.columns.slice(0, width);
  return { kind: 'project', input: plan, exprs: columns.map((c, i) => col(i, c)), labels: columns.map((c) => c.name), columns };
}

/** A plan that yields at most one row per D value: a global aggregate (grouped only by D). */
function isSingleRow(plan: LogicalPlan): boolean {
  let p = plan;
  while (p.kind === 'project' || p.kind === 'filter') p = p.input;
  if (p.kind === 'topN') return p.limit !== null && p.limit <= 1;
  return p.kind === 'aggregate' && p.distinct !== true && (p.groupBy.length === 0 || p.singleRowPerOuter === true);
}

/** D's columns are the last `k` of a correlated result. */
function keyColumnsOf(result: LogicalPlan, k: number): number[] {
  const n = result.columns.length;
  return Array.from({ length: k }, (_, j) => n - k + j);
}

/**
 * Groups a result by D (and by its first column when `withValue`), counting
 * rows: output [value?, D..., count].
 */
function groupCount(result: LogicalPlan, keys: readonly number[], withValue: boolean): { plan: AggregateNode; keyColumns: number[]; countColumn: number } {
  const dCols = keyColumnsOf(result, keys.length);
  const groupCols = withValue ? [0, ...dCols] : dCols;
  const groupBy = groupCols.map((c) => col(c, result.columns[c]!));
  const columns: OutputColumn[] = [...groupCols.map((c) => result.columns[c]!), { name: 'count', type: 'bigint' }];
  const plan: AggregateNode = {
    kind: 'aggregate',
    input: result,
    groupBy,
    groupLabels: groupCols.map((c) => result.columns[c]!.name),
    aggregates: [{ fn: 'count_star', arg: null, resultType: 'bigint', label: 'count(*)', distinct: false }],
    columns,
  };
  return { plan, keyColumns: groupCols.map((_, i) => i), countColumn: groupCols.length };
}

/** Per D: count(*) and count(value), for IN's NULL rules. Output [D..., total, nonNull]. */
function groupTotals(result: LogicalPlan, keys: readonly number[]): { plan: AggregateNode; keyColumns: number[]; totalColumn: number; nonNullColumn: number } {
  const dCols = keyColumnsOf(result, keys.length);
  const columns: OutputColumn[] = [...dCols.map((c) => result.columns[c]!), { name: 'total', type: 'bigint' }, { name: 'non_null', type: 'bigint' }];
  const plan: AggregateNode = {
    kind: 'aggregate',
    input: result,
    groupBy: dCols.map((c) => col(c, result.columns[c]!)),
    groupLabels: dCols.map((c) => result.columns[c]!.name),
    aggregates: [
      { fn: 'count_star', arg: null, resultType: 'bigint', label: 'count(*)', distinct: false },
      { fn: 'count', arg: col(0, result.columns[0]!), resultType: 'bigint', label: `count(${result.columns[0]!.name})`, distinct: false },
    ],
    columns,
  };
  return { plan, keyColumns: dCols.map((_, i) => i), totalColumn: dCols.length, nonNullColumn: dCols.length + 1 };
}

/**
 * Applies WHERE conjuncts that contain subqueries to a bound FROM plan: each
 * becomes a semi-join or joins plus a filter; the result has the input's columns.
 */
export function applySubqueryConjuncts(rel: BoundRelation, conjuncts: readonly Expr[], env: SubqueryEnv, baseCtx: Omit<ExprContext, 'aggregate' | 'subquery'>): BoundRelation {
  const width = rel.plan.columns.length;
  const joiner = new SubqueryJoiner(rel.plan, rel.scope, env);
  const ctx: ExprContext = { ...baseCtx, aggregate: noAggregates('WHERE'), subquery: (e) => joiner.bind(e, ctx) };
  for (const part of conjuncts) {
    if (joiner.semiJoin(part, ctx)) continue;
    const predicate = requireBoolean(bindExpr(part, ctx), 'WHERE', part.pos);
    joiner.plan = { kind: 'filter', input: joiner.plan, predicate, label: renderExpr(part), columns: joiner.plan.columns };
  }
  return { plan: joiner.plan.columns.length === width ? joiner.plan : project(joiner.plan, width), scope: rel.scope };
}
