// Random SELECT statements as node-sql-parser ASTs: projections with filters,
// GROUP BY with aggregates (incl. DISTINCT aggregates) and HAVING, global
// aggregates, SELECT DISTINCT, ranking and aggregate window functions, top-N
// (ORDER BY every output column, then LIMIT), and UNION/INTERSECT/EXCEPT
// [ALL] of two projections; FROM clauses come from FromGen. Only enabled
// features are emitted. Promises: results are deterministic as multisets (no
// LIMIT or row_number over ties that could pick different rows), and every
// output column has an alias unique across the case.

import type { Prng } from '../differential/prng.js';
import { genAggregateCall, maxRows, scalarOf } from './aggregate-gen.js';
import { FromGen, type Scope } from './from-gen.js';
import { SubqueryGen } from './subquery-gen.js';
import type { Feature, FeatureSet } from './fuzz-features.js';
import type { OutColumn, RelationInfo } from './relation-info.js';
import { ScalarGen, isExact, type Scalar, type ValueInfo } from './scalar-gen.js';
import {
  aggregate,
  binary,
  colRef,
  numLit,
  orderBy,
  select,
  setOperation,
  windowCall,
  windowSpec,
  type AggName,
  type AstNode,
  type OrderItem,
  type SelectItem,
  type SetOp,
} from './sql-ast.js';

export interface GeneratedQuery {
  readonly ast: AstNode;
  readonly columns: readonly OutColumn[];
  /** Estimated rows relative to a base table (see RelationInfo.fanout). */
  readonly fanout: number;
}

const setOps: readonly (readonly [Feature, SetOp])[] = [
  ['union', 'union'],
  ['unionAll', 'union all'],
  ['intersect', 'intersect'],
  ['except', 'except'],
  ['intersectAll', 'intersect all'],
  ['exceptAll', 'except all'],
];

type Shape = 'project' | 'group' | 'global' | 'window';

export class QueryGen {
  private readonly from: FromGen;
  private readonly subqueries: SubqueryGen;
  private nextSub = 0;

  constructor(
    private readonly rng: Prng,
    private readonly features: FeatureSet,
    relations: readonly RelationInfo[],
    /** The view's number: output aliases are c<id>_<i>, subquery aliases s<id>_<n>_<i>. */
    private readonly id: number,
  ) {
    this.from = new FromGen(rng, features, relations, `v${id}_`);
    this.subqueries = new SubqueryGen(rng, features, relations, `v${id}_`);
  }

  /** A view's defining query. */
  query(): GeneratedQuery {
    return this.gen(0, `c${this.id}_`);
  }

  private gen(depth: number, aliasPrefix: string): GeneratedQuery {
    const ops = setOps.filter(([f]) => this.features.has(f)).map(([, op]) => op);
    if (ops.length > 0 && this.rng.chance(0.2)) return this.setOperation(depth, aliasPrefix, this.rng.pick(ops));
    const shapes: [number, Shape][] = [[45, 'project']];
    if (this.features.has('groupBy')) shapes.push([35, 'group']);
    if (this.features.has('globalAggregate')) shapes.push([12, 'global']);
    if (this.features.has('window')) shapes.push([15, 'window']);
    const shape = this.rng.weighted(shapes);
    const scope = this.from.gen(depth, (d) => this.gen(d, `s${this.id}_${this.nextSub++}_`));
    const body = this.body(shape, scope, aliasPrefix);
    if (shape === 'project' && this.features.has('distinctOn') && this.rng.chance(0.12)) return this.distinctOn(body) ?? body;
    if (!this.features.has('topN') || shape === 'global' || !this.rng.chance(0.25)) return body;
    return this.topN(body) ?? body;
  }

  /** `SELECT DISTINCT ON (some outputs) ... ORDER BY those, then every other output`: ties only between identical rows. */
  private distinctOn(q: GeneratedQuery): GeneratedQuery | null {
    if (q.columns.length < 2 || !q.columns.every(isExact)) return null;
    const cols = [...q.columns];
    shuffle(this.rng, cols);
    const nKeys = this.rng.int(1, Math.min(2, cols.length - 1));
    const keys = cols.slice(0, nKeys);
    const rest = cols.slice(nKeys);
    shuffle(this.rng, rest);
    const order: OrderItem[] = [...keys, ...rest].map((c) => ({ expr: colRef(c.name), desc: this.rng.chance(0.5), nullsFirst: this.rng.chance(0.5) }));
    const distinct = { type: 'DISTINCT ON', columns: keys.map((k) => ({ type: 'expr', expr: colRef(k.name), as: null })) };
    return { ast: { ...q.ast, distinct, orderby: orderBy(order) }, columns: q.columns, fanout: q.fanout };
  }

  private body(shape: Shape, scope: Scope, aliasPrefix: string): GeneratedQuery {
    const g = new ScalarGen(this.rng, scope.columns);
    const where = this.features.has('filter') && this.rng.chance(shape === 'project' ? 0.5 : 0.35) ? this.condition(g, scope.columns) : null;
    let outputs: Scalar[];
    let groupBy: AstNode[] = [];
    let having: AstNode | null = null;
    switch (shape) {
      case 'project':
      case 'window': {
        outputs = [];
        for (let i = this.rng.int(1, 4); i > 0; i--) {
          const t = this.rng.chance(0.75) ? g.pickColumnType() : this.rng.pick(['integer', 'double', 'text', 'boolean', 'timestamp'] as const);
          outputs.push(g.gen(t, this.rng.chance(0.3) ? 0 : this.rng.int(1, 3)));
        }
        if (this.rng.chance(0.15)) {
          const sub = this.subqueries.scalar(scope.columns);
          if (sub !== null) outputs.push(sub);
        }
        if (shape === 'window') outputs.push(...this.windowItems(scope.columns));
        break;
      }
      case 'group':
      case 'global': {
        const grouped = shape === 'group';
        const keys = grouped ? this.groupKeys(scope.columns) : [];
        groupBy = keys.map((k) => k.node);
        const aggs: Scalar[] = [];
        for (let i = this.rng.int(1, 3); i > 0; i--) aggs.push(this.aggregateCall(scope.columns));
        outputs = [];
        for (const k of keys) if (this.rng.chance(0.85)) outputs.push(k);
        outputs.push(...aggs);
        // Expressions over the groups use plain-column keys only: DuckDB's binder does not
        // always match an expression key inside a larger expression; PostgreSQL does.
        const plainKeys = keys.filter((k) => k.node.type === 'column_ref');
        if (this.rng.chance(0.25)) {
          const over = new ScalarGen(this.rng, [...plainKeys, ...aggs], { leafChance: 0 });
          outputs.push(over.gen(over.pickColumnType(), 1));
        }
        shuffle(this.rng, outputs);
        if (this.features.has('having') && this.rng.chance(grouped ? 0.35 : 0.1)) {
          const hg = new ScalarGen(this.rng, [...plainKeys, ...aggs, this.aggregateCall(scope.columns)], { leafChance: 0.2 });
          having = this.condition(hg);
        }
        break;
      }
    }
    const items: SelectItem[] = outputs.map((o, i) => ({ expr: o.node, alias: `${aliasPrefix}${i}` }));
    // DISTINCT compares values exactly: only over exact outputs, so both engines see the same set.
    const distinct = this.features.has('selectDistinct') && shape !== 'window' && shape !== 'global' && outputs.every(isExact) && this.rng.chance(0.25);
    const ast = select({ with: scope.withs, distinct, items, from: scope.from, where, groupBy, having });
    // Aggregation shrinks the estimate back to a base table's (groups are at most the rows).
    const fanout = shape === 'group' || shape === 'global' ? 1 : scope.fanout;
    return { ast, columns: outputs.map((o, i) => ({ ...info(o), name: `${aliasPrefix}${i}` })), fanout };
  }

  /**
   * A WHERE or HAVING condition, mostly shallow: deep random conditions are
   * so selective that most checks would compare empty results. Given the
   * FROM columns (in WHERE, not HAVING), sometimes a subquery predicate.
   */
  private condition(g: ScalarGen, fromColumns: readonly Scalar[] | null = null): AstNode {
    if (fromColumns !== null && this.subqueries.enabled() && this.rng.chance(0.2)) {
      const sub = this.subqueries.predicate(fromColumns);
      if (sub !== null) return this.rng.chance(0.6) ? sub.node : binary(this.rng.pick(['AND', 'OR']), sub.node, g.bool(0).node);
    }
    const depth = this.rng.weighted([
      [5, 0],
      [3, 1],
      [2, 2],
    ]);
    let c = g.bool(depth).node;
    // A constant TRUE or FALSE filter tests next to nothing: one more draw.
    if (c.type === 'bool') c = g.bool(depth + 1).node;
    return c;
  }

  /** 1-2 grouping keys, each referencing a column (a constant key would be an output position in PostgreSQL). */
  private groupKeys(columns: readonly Scalar[]): Scalar[] {
    // Exact keys only: doubles computed with rounding noise could split a group in one engine only.
    const exactCols = columns.filter(isExact);
    const pool = exactCols.length > 0 ? exactCols : columns;
    const g = new ScalarGen(this.rng, pool, { exactOnly: true });
    const keys: Scalar[] = [];
    for (let i = this.rng.chance(0.7) ? 1 : 2; i > 0; i--) {
      const k = this.rng.chance(0.7) ? this.rng.pick(pool) : g.gen(g.pickColumnType(), 1);
      if (!referencesColumn(k.node) || keys.some((o) => JSON.stringify(o.node) === JSON.stringify(k.node))) continue;
      keys.push(k);
    }
    if (keys.length === 0) keys.push(this.rng.pick(pool));
    return keys;
  }

  /** An aggregate call (see aggregate-gen.ts). */
  private aggregateCall(columns: readonly Scalar[]): Scalar {
    return genAggregateCall(this.rng, this.features, columns);
  }

  /**
   * 1-2 window calls. Deterministic as multisets: rank/dense_rank order by exact
   * columns (ties share a rank); row_number (one per query) orders by every
   * column in scope, so only identical rows tie; aggregates over a partition
   * (with an ORDER BY, the default frame includes all peers).
   */
  private windowItems(columns: readonly Scalar[]): Scalar[] {
    const exactCols = columns.filter((c) => isExact(c) && c.node.type === 'column_ref');
    if (exactCols.length === 0) return [];
    const out: Scalar[] = [];
    // One row_number per query: two of them number identical rows independently, and
    // which number of one goes with which of the other is up to the engine.
    let rowNumber = false;
    for (let i = this.rng.int(1, 2); i > 0; i--) {
      const partition = this.rng.chance(0.7) ? [this.rng.pick(exactCols).node] : [];
      const orderOver = (cols: readonly Scalar[]): OrderItem[] =>
        cols.map((c) => ({ expr: c.node, desc: this.rng.chance(0.5), nullsFirst: this.rng.chance(0.5) }));
      const kind = this.rng.weighted<'rank' | 'row_number' | 'agg'>([
        [2, 'rank'],
        [columns.every(isExact) && !rowNumber ? 1 : 0, 'row_number'],
        [3, 'agg'],
      ]);
      if (kind === 'rank') {
        const order = orderOver([this.rng.pick(exactCols)]);
        out.push(scalarOf(windowCall(this.rng.pick(['rank', 'dense_rank'] as const), windowSpec(partition, order)), 'bigint', maxRows));
      } else if (kind === 'row_number') {
        rowNumber = true;
        out.push(scalarOf(windowCall('row_number', windowSpec(partition, orderOver(columns))), 'bigint', maxRows));
      } else {
        const agg = this.aggregateCall(columns);
        const name = (agg.node['name'] as AggName | undefined) ?? 'COUNT';
        const args = agg.node['args'] as { expr: AstNode; distinct?: string };
        // DISTINCT is not allowed in window aggregates.
        if (args.distinct !== undefined) continue;
        const order = this.rng.chance(0.4) ? orderOver([this.rng.pick(exactCols)]) : [];
        const arg = args.expr.type === 'star' ? null : args.expr;
        out.push({ ...agg, node: aggregate(name, arg, false, windowSpec(partition, order)) });
      }
    }
    return out;
  }

  /** ORDER BY every output (by alias) then LIMIT: ties can only be between identical rows. */
  private topN(q: GeneratedQuery): GeneratedQuery | null {
    if (!q.columns.every(isExact)) return null;
    const order: OrderItem[] = q.columns.map((c) => ({ expr: colRef(c.name), desc: this.rng.chance(0.5), nullsFirst: this.rng.chance(0.5) }));
    shuffle(this.rng, order);
    const ast = { ...q.ast, orderby: orderBy(order), limit: { seperator: '', value: [numLit(this.rng.int(1, 6))] } };
    return { ast, columns: q.columns, fanout: 1 };
  }

  /** `left <op> right` over two projections with the same output types (exact, not `numeric`). */
  private setOperation(depth: number, aliasPrefix: string, op: SetOp): GeneratedQuery {
    const leftScope = this.from.gen(depth, (d) => this.gen(d, `s${this.id}_${this.nextSub++}_`));
    const lg = new ScalarGen(this.rng, leftScope.columns, { exactOnly: true });
    const leftOut: Scalar[] = [];
    for (let i = this.rng.int(1, 3); i > 0; i--) {
      const t = lg.pickColumnType((ct) => ct !== 'numeric');
      leftOut.push(lg.gen(t === 'numeric' ? 'integer' : t, this.rng.int(0, 2)));
    }
    // Half the time the right operand reads the same FROM with the same items (under its
    // own filter), so INTERSECT and EXCEPT have rows in common to work on.
    const same = this.rng.chance(0.5);
    const rightScope = same ? leftScope : this.from.gen(depth, (d) => this.gen(d, `s${this.id}_${this.nextSub++}_`));
    const rg = new ScalarGen(this.rng, rightScope.columns, { exactOnly: true });
    // Right items must have exactly the left types: a literal when no expression of the type comes out.
    const rightOut = same
      ? leftOut
      : leftOut.map((l) => {
          const r = rg.gen(l.type, this.rng.int(0, 2));
          return r.type === l.type ? r : rg.literal(l.type);
        });
    // CTEs of both operands go first: a WITH inside a set operation's operand is not SQL.
    const left = this.projection(leftScope, lg, leftOut, aliasPrefix, same ? leftScope.withs : [...leftScope.withs, ...rightScope.withs]);
    const right = this.projection(rightScope, rg, rightOut, `${aliasPrefix}r`, []);
    const columns = leftOut.map((o, i) => ({ ...info(o), name: `${aliasPrefix}${i}` }));
    const fanout = op === 'union all' ? leftScope.fanout + rightScope.fanout : Math.max(leftScope.fanout, rightScope.fanout);
    return { ast: setOperation(left, op, right), columns, fanout };
  }

  private projection(scope: Scope, g: ScalarGen, outputs: readonly Scalar[], aliasPrefix: string, withs: Scope['withs']): AstNode {
    const where = this.features.has('filter') && this.rng.chance(0.4) ? this.condition(g, scope.columns) : null;
    const items = outputs.map((o, i) => ({ expr: o.node, alias: `${aliasPrefix}${i}` }));
    const distinct = this.features.has('selectDistinct') && this.rng.chance(0.2);
    return select({ with: withs, distinct, items, from: scope.from, where });
  }
}

function info(s: ValueInfo): ValueInfo {
  return { type: s.type, bound: s.bound, halfSafe: s.halfSafe, exact: s.exact };
}

function referencesColumn(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if ((node as { type?: unknown }).type === 'column_ref') return true;
  return Object.values(node).some(referencesColumn);
}

export function shuffle<T>(rng: Prng, xs: T[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = t;
  }
}
