// Segment pruning for one-shot reads: the value ranges of each table column
// that a plan can possibly need (from range and equality conjuncts on the
// table's own columns), and whether a cold segment's per-column min/max can
// hold such a row. Promise: sound — a row the query's result depends on always
// satisfies its table's bounds, so skipping a segment that cannot never changes a result.

import type { SqlType } from '../common/sql-type.js';
import { constantColumn } from '../columnar/column.js';
import type { Column } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import { CLOCK_FUNCTIONS } from '../expr/functions/now-functions.js';
import type { LogicalPlan } from './logical-plan.js';
import { planInputs } from './logical-plan.js';

/**
 * A range constraint on one table column (column = index in the table's
 * columns); lo/hi null = unbounded on that side. Every bound also implies the
 * column is not NULL: bounds come only from comparisons, which are never true on NULL.
 */
export interface ColumnBound {
  readonly column: number;
  readonly lo: number | string | null;
  readonly loInclusive: boolean;
  readonly hi: number | string | null;
  readonly hiInclusive: boolean;
}

type Value = number | string;

interface Range {
  readonly lo: Value | null;
  readonly loInclusive: boolean;
  readonly hi: Value | null;
  readonly hiInclusive: boolean;
}

/** Column index (of some plan node's output) -> the range its values must lie in. */
type Constraints = ReadonlyMap<number, Range>;

const NO_CONSTRAINTS: Constraints = new Map();

/**
 * Types whose internal values (numbers by compareDoubles, strings by
 * compareText) are ordered exactly as SQL's comparison kernels order them.
 * Never jsonb (no order) or arrays (text form is not element order).
 */
const PRUNABLE: ReadonlySet<SqlType> = new Set<SqlType>([
  'integer', 'bigint', 'double', 'date', 'timestamp', 'timestamptz', 'text', 'numeric', 'boolean', 'bytea', 'interval',
]);

/** Casts that leave a column's internal values unchanged (cast.ts castColumn), so a bound in the target type is a bound on the stored values. */
const IDENTITY_CASTS: ReadonlySet<string> = new Set(['integer>bigint', 'integer>double', 'bigint>double', 'timestamp>timestamptz', 'timestamptz>timestamp']);

/** Functions whose value is not fixed by their arguments; a "constant" using one is not folded here. */
const VOLATILE: ReadonlySet<string> = new Set([...CLOCK_FUNCTIONS, 'random', 'gen_random_uuid', 'clock_timestamp', 'statement_timestamp', 'timeofday']);

/** Plans that share subtrees (correlated subqueries) are walked once per path; past this many node visits we give up pruning. */
const MAX_VISITS = 100_000;

const Comparisons = { eq: 'eq', lt: 'lt', le: 'le', gt: 'gt', ge: 'ge', is_not_distinct: 'eq' } as const;
type Comparison = (typeof Comparisons)[keyof typeof Comparisons];
const FLIPPED: Readonly<Record<Comparison, Comparison>> = { eq: 'eq', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

class TooManyVisits extends Error {}

/**
 * For each table the plan scans: bounds every row it reads from that table
 * must satisfy (empty list = no pruning possible). A table read along several
 * paths gets, per column, the smallest range covering every path's range (a
 * column some path leaves open gets none). Views are not listed.
 */
export function scanBounds(plan: LogicalPlan): Map<string, readonly ColumnBound[]> {
  const reads = new Map<string, Constraints[]>();
  let visits = 0;
  const visit = (node: LogicalPlan, ctx: Constraints): void => {
    if (++visits > MAX_VISITS) throw new TooManyVisits();
    walk(node, ctx, visit, reads);
  };
  try {
    visit(plan, NO_CONSTRAINTS);
  } catch (err) {
    if (!(err instanceof TooManyVisits)) throw err;
    return new Map(tableNames(plan).map((name) => [name, []]));
  }
  const out = new Map<string, readonly ColumnBound[]>();
  for (const [name, paths] of reads) {
    let covered = paths[0]!;
    for (const p of paths.slice(1)) covered = hullAll(covered, p);
    out.set(name, toBounds(covered));
  }
  return out;
}

/**
 * False only when a segment whose column c holds non-NULL values within
 * [min[c], max[c]] (nonNullRows[c] of them; min/max null when unknown) cannot
 * hold a row satisfying all bounds.
 */
export function segmentMayMatch(
  bounds: readonly ColumnBound[],
  min: readonly (number | string | null)[],
  max: readonly (number | string | null)[],
  nonNullRows: readonly number[],
): boolean {
  for (const b of bounds) {
    if (isEmpty(b)) return false;
    // A comparison with NULL is never true: a column with no values satisfies no bound.
    if (nonNullRows[b.column] === 0) return false;
    const lo = min[b.column] ?? null;
    const hi = max[b.column] ?? null;
    if (b.lo !== null && hi !== null) {
      const c = compareValues(b.lo, hi);
      if (c !== null && (c > 0 || (c === 0 && !b.loInclusive))) return false;
    }
    if (b.hi !== null && lo !== null) {
      const c = compareValues(b.hi, lo);
      if (c !== null && (c < 0 || (c === 0 && !b.hiInclusive))) return false;
    }
  }
  return true;
}

/** No value lies in the range (e.g. x > 5 AND x < 3). */
function isEmpty(r: Range): boolean {
  if (r.lo === null || r.hi === null) return false;
  const c = compareValues(r.lo, r.hi);
  return c !== null && (c > 0 || (c === 0 && !(r.loInclusive && r.hiInclusive)));
}

/** The order of ORDER BY and of the comparison kernels; null when the two values are not of one representation. */
function compareValues(a: Value, b: Value): number | null {
  if (typeof a === 'number') return typeof b === 'number' ? compareDoubles(a, b) : null;
  return typeof b === 'string' ? compareText(a, b) : null;
}

function tableNames(plan: LogicalPlan): string[] {
  const names = new Set<string>();
  const seen = new Set<LogicalPlan>();
  const go = (node: LogicalPlan): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'scan') {
      if (node.relationKind === 'table') names.add(node.relation);
      return;
    }
    for (const child of children(node)) go(child);
  };
  go(plan);
  return [...names];
}

function children(node: LogicalPlan): LogicalPlan[] {
  switch (node.kind) {
    case 'scan':
    case 'singleRow':
    case 'recursiveRef':
      return [];
    case 'join':
    case 'setOp':
      return [node.left, node.right];
    case 'recursiveCte':
      return [node.base, node.step];
    default:
      return [node.input];
  }
}

/**
 * Carries the constraints on `node`'s output rows down to its inputs, through
 * the nodes where a row failing a constraint on one column can only produce
 * output rows that fail it too (or none): Filter, Project of plain columns,
 * joins of any type, set operations, grouping keys, top-N and window
 * partitions. Elsewhere the walk continues with no constraints.
 */
function walk(node: LogicalPlan, ctx: Constraints, visit: (n: LogicalPlan, c: Constraints) => void, reads: Map<string, Constraints[]>): void {
  switch (node.kind) {
    case 'scan': {
      if (node.relationKind !== 'table') return;
      const list = reads.get(node.relation);
      if (list === undefined) reads.set(node.relation, [ctx]);
      else list.push(ctx);
      return;
    }
    case 'filter': {
      const own = new Map(ctx);
      for (const [column, range] of conjunctRanges(node.predicate)) addRange(own, column, range);
      visit(node.input, own);
      return;
    }
    case 'project':
      visit(node.input, remap(ctx, (c) => {
        const e = node.exprs[c];
        return e === undefined ? null : sourceColumn(e);
      }));
      return;
    case 'join': {
      // A constraint is a strict comparison on one side's column: a row of that
      // side failing it yields only output rows failing it (joined, or
      // NULL-extended on the other side); a row of the other side that loses
      // its only matches yields NULL-extended rows, whose NULL fails it too.
      const width = node.left.columns.length;
      visit(node.left, remap(ctx, (c) => (c < width ? c : null)));
      visit(node.right, remap(ctx, (c) => (c >= width ? c - width : null)));
      return;
    }
    case 'setOp':
      // UNION ALL, INTERSECT and EXCEPT count each row value on its own, so
      // removing failing values from both inputs removes only failing output rows.
      visit(node.left, ctx);
      visit(node.right, ctx);
      return;
    case 'aggregate':
      // Only the group-key columns: a failing key value's group disappears whole.
      visit(node.input, remap(ctx, (c) => {
        const e = node.groupBy[c];
        return e === undefined ? null : sourceColumn(e);
      }));
      return;
    case 'topN':
    case 'window': {
      // Only the partition columns: a partition is ranked (or windowed) on its own.
      const partitions = new Set(node.partitionBy);
      visit(node.input, remap(ctx, (c) => (partitions.has(c) ? c : null)));
      return;
    }
    case 'singleRow':
    case 'recursiveRef':
      return;
    case 'recursiveCte':
      visit(node.base, NO_CONSTRAINTS);
      visit(node.step, NO_CONSTRAINTS);
      return;
    default:
      // AssertSingle (dropping rows could hide its error), unnest, time and
      // session windows, temporal filters: not followed.
      for (const child of children(node)) visit(child, NO_CONSTRAINTS);
  }
}

/** The constraints re-keyed to input columns; `to` null drops a constraint (always sound). */
function remap(ctx: Constraints, to: (column: number) => number | null): Constraints {
  if (ctx.size === 0) return ctx;
  const out = new Map<number, Range>();
  for (const [column, range] of ctx) {
    const target = to(column);
    if (target !== null) addRange(out, target, range);
  }
  return out;
}

function addRange(into: Map<number, Range>, column: number, range: Range): void {
  const prev = into.get(column);
  if (prev === undefined) {
    into.set(column, range);
    return;
  }
  const both = intersect(prev, range);
  // Values of two representations on one column should not happen; dropping both is sound.
  if (both === null) into.delete(column);
  else into.set(column, both);
}

/** The column whose stored values an expression yields unchanged, or null. */
function sourceColumn(e: BoundExpr): number | null {
  if (e.kind === 'column') return PRUNABLE.has(e.type) ? e.index : null;
  if (e.kind === 'call' && e.fn === 'cast' && e.args.length === 1) {
    const arg = e.args[0]!;
    if (!IDENTITY_CASTS.has(`${arg.type}>${e.type}`)) return null;
    return sourceColumn(arg);
  }
  return null;
}

function conjuncts(e: BoundExpr, into: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === 'call' && e.fn === 'and') for (const a of e.args) conjuncts(a, into);
  else into.push(e);
  return into;
}

/** The ranges a predicate's AND-conjuncts put on columns; conjuncts of other shapes add none. */
function conjunctRanges(predicate: BoundExpr): [number, Range][] {
  const out: [number, Range][] = [];
  for (const c of conjuncts(predicate)) {
    const r = conjunctRange(c);
    if (r !== null) out.push(r);
  }
  return out;
}

function conjunctRange(e: BoundExpr): [number, Range] | null {
  // A boolean column used as a condition: `WHERE flag`, `WHERE NOT flag`.
  if (e.kind === 'column' && e.type === 'boolean') return [e.index, point(1)];
  if (e.kind !== 'call') return null;
  if (e.fn === 'not' && e.args.length === 1 && e.args[0]!.kind === 'column' && e.args[0]!.type === 'boolean') {
    return [e.args[0]!.index, point(0)];
  }
  if (e.fn === 'in') return inRange(e.args);
  if (!Object.hasOwn(Comparisons, e.fn) || e.args.length !== 2) return null;
  const op = Comparisons[e.fn as keyof typeof Comparisons];
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  let column = sourceColumn(a);
  let constant = b;
  let cmp: Comparison = op;
  if (column === null) {
    column = sourceColumn(b);
    constant = a;
    cmp = FLIPPED[op];
  }
  if (column === null) return null;
  // The binder gives both sides one type: the comparison's, which the constant must have.
  const other = constant === a ? b : a;
  if (constant.type !== other.type) return null;
  const v = constantValue(constant);
  if (v === null) return null;
  switch (cmp) {
    case 'eq': return [column, point(v)];
    case 'lt': return [column, { lo: null, loInclusive: false, hi: v, hiInclusive: false }];
    case 'le': return [column, { lo: null, loInclusive: false, hi: v, hiInclusive: true }];
    case 'gt': return [column, { lo: v, loInclusive: false, hi: null, hiInclusive: false }];
    case 'ge': return [column, { lo: v, loInclusive: true, hi: null, hiInclusive: false }];
  }
}

/** `x IN (c1, ...)`: [least, greatest] of the non-NULL items (a NULL item never makes IN true). */
function inRange(args: readonly BoundExpr[]): [number, Range] | null {
  const [x, ...items] = args;
  if (x === undefined || items.length === 0) return null;
  const column = sourceColumn(x);
  if (column === null) return null;
  let lo: Value | null = null;
  let hi: Value | null = null;
  for (const item of items) {
    if (item.type !== x.type) return null;
    if (item.kind === 'const' && item.value === null) continue;
    const v = constantValue(item);
    if (v === null) return null;
    const cl = lo === null ? -1 : compareValues(v, lo);
    const ch = hi === null ? 1 : compareValues(v, hi);
    if (cl === null || ch === null) return null;
    if (cl < 0) lo = v;
    if (ch > 0) hi = v;
  }
  if (lo === null || hi === null) return null;
  return [column, { lo, loInclusive: true, hi, hiInclusive: true }];
}

function point(v: Value): Range {
  return { lo: v, loInclusive: true, hi: v, hiInclusive: true };
}

/**
 * A constant expression's internal value (numeric as its order key, interval
 * as its span, boolean as 0/1), or null when it is NULL, reads a column or a
 * volatile function, or fails to evaluate. The binder folds constant calls
 * already; evaluating here covers what it leaves (e.g. a CASE of constants).
 */
function constantValue(e: BoundExpr): Value | null {
  if (!PRUNABLE.has(e.type)) return null;
  try {
    if (e.kind === 'const') return e.value === null ? null : valueAt(constantColumn(e.type, e.value, 1));
    if (!isPure(e)) return null;
    return valueAt(compileExpr(e)(new BatchInput([], 1)));
  } catch {
    // An error here would be the query's own error at run time; not pruning is always allowed.
    return null;
  }
}

function valueAt(col: Column): Value | null {
  if (!isValid(col.validity, 0)) return null;
  const v = col.values[0];
  return typeof v === 'number' || typeof v === 'string' ? v : null;
}

/** No column reads and no volatile calls: the same value on every row. */
function isPure(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'column':
      return false;
    case 'const':
      return true;
    case 'call':
      return !VOLATILE.has(e.fn) && e.args.every(isPure);
    case 'case':
      return e.whens.every((w) => isPure(w.when) && isPure(w.then)) && isPure(e.else);
  }
}

/** Both ranges at once; null when their values are of different representations. */
function intersect(a: Range, b: Range): Range | null {
  let lo = a.lo;
  let loInclusive = a.loInclusive;
  if (b.lo !== null) {
    const c = lo === null ? -1 : compareValues(lo, b.lo);
    if (c === null) return null;
    if (c < 0) [lo, loInclusive] = [b.lo, b.loInclusive];
    else if (c === 0) loInclusive = loInclusive && b.loInclusive;
  }
  let hi = a.hi;
  let hiInclusive = a.hiInclusive;
  if (b.hi !== null) {
    const c = hi === null ? 1 : compareValues(hi, b.hi);
    if (c === null) return null;
    if (c > 0) [hi, hiInclusive] = [b.hi, b.hiInclusive];
    else if (c === 0) hiInclusive = hiInclusive && b.hiInclusive;
  }
  return { lo, loInclusive, hi, hiInclusive };
}

/** The smallest range holding both; null when their values are not comparable. */
function hull(a: Range, b: Range): Range | null {
  let lo: Value | null = null;
  let loInclusive = false;
  if (a.lo !== null && b.lo !== null) {
    const c = compareValues(a.lo, b.lo);
    if (c === null) return null;
    [lo, loInclusive] = c < 0 ? [a.lo, a.loInclusive] : c > 0 ? [b.lo, b.loInclusive] : [a.lo, a.loInclusive || b.loInclusive];
  }
  let hi: Value | null = null;
  let hiInclusive = false;
  if (a.hi !== null && b.hi !== null) {
    const c = compareValues(a.hi, b.hi);
    if (c === null) return null;
    [hi, hiInclusive] = c > 0 ? [a.hi, a.hiInclusive] : c < 0 ? [b.hi, b.hiInclusive] : [a.hi, a.hiInclusive || b.hiInclusive];
  }
  // Still a bound when unbounded both ways: both paths need the column non-NULL.
  return { lo, loInclusive, hi, hiInclusive };
}

function hullAll(a: Constraints, b: Constraints): Constraints {
  const out = new Map<number, Range>();
  for (const [column, ra] of a) {
    const rb = b.get(column);
    if (rb === undefined) continue;
    const h = hull(ra, rb);
    if (h !== null) out.set(column, h);
  }
  return out;
}

function toBounds(ctx: Constraints): ColumnBound[] {
  return [...ctx.entries()]
    .sort(([x], [y]) => x - y)
    .map(([column, r]) => ({ column, lo: r.lo, loInclusive: r.loInclusive, hi: r.hi, hiInclusive: r.hiInclusive }));
}
