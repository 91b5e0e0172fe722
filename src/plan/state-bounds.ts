// State cleanup: which operator state of a view can be dropped, derived from
// watermarks. A table with a WATERMARK refuses every change with event time
// before its close point (watermark minus allowed lateness), so a time column
// that only that table's changes can move (its lineage runs through
// change-preserving nodes only) never sees a change before the close point
// again. From that: an aggregate grouped by such a column (a window bound or
// the event time) drops closed groups, and an inner join whose condition
// bounds the two sides' times against each other drops rows that no future
// row of the other side can match. Every other stateful node is reported as
// unbounded, with the reason, for EXPLAIN.

import type { BoundExpr } from '../expr/bound-expr.js';
import { formatInterval, parseInterval } from '../columnar/interval-text.js';
import { MICROS_PER_DAY } from '../expr/datetime.js';
import type { Catalog, TableEntry } from './catalog.js';
import type { AggregateNode, JoinNode, LogicalPlan } from './logical-plan.js';

/** One side of an interval join: its rows go once `column + slack < close point of table`. */
export interface SideExpiry {
  readonly column: number;
  readonly slack: number;
  /** The other side's table, whose close point drives the eviction. */
  readonly table: string;
  /** The other side's time column and offset: its future rows have otherColumn >= close point - otherOffset. */
  readonly otherColumn: number;
  readonly otherOffset: number;
}

export type StateBound =
  /** Groups go once `column + offset <= close point` (`<` when strict). */
  | { readonly kind: 'groups'; readonly column: number; readonly offset: number; readonly strict: boolean; readonly table: string; readonly text: string }
  | { readonly kind: 'interval'; readonly left: SideExpiry | null; readonly right: SideExpiry | null; readonly text: string }
  | { readonly kind: 'none'; readonly text: string };

/** A column whose changes all carry a time at or after `close point of table - offset` (after, when not strict). */
interface ChangeTime {
  readonly table: string;
  /** µs added to the value before comparing with the close point (a window's size, for window_start). */
  readonly offset: number;
  /** True: an event time (final when value + offset < close point); false: a window bound (final when <=). */
  readonly strict: boolean;
}

const WINDOW_KINDS: readonly string[] = ['tumble', 'hop', 'cumulate'];

/**
 * The time lineage of output column `col`, through nodes whose output changes
 * carry the time of the input change that caused them. Stricter than
 * emit-on-close.ts's lineage: a join, top-N or window function can change an
 * old row when a new one arrives, and a temporal filter releases rows late,
 * so none of them passes a time on.
 */
function changeTime(plan: LogicalPlan, col: number, catalog: Catalog): ChangeTime | null {
  switch (plan.kind) {
    case 'scan': {
      const entry = catalog.get(plan.relation);
      if (entry?.kind !== 'table' || entry.eventTime?.column !== col) return null;
      return { table: entry.name, offset: 0, strict: true };
    }
    case 'timeWindow': {
      const width = plan.input.columns.length;
      if (col < width) return changeTime(plan.input, col, catalog);
      if (!WINDOW_KINDS.includes(plan.spec.kind)) return null;
      // A row's windows all end after its time: window_end > ts, window_start + size > ts.
      const source = changeTime(plan.input, plan.spec.tsColumn, catalog);
      if (source === null || source.offset !== 0 || !source.strict) return null;
      return { table: source.table, offset: col === width ? plan.spec.size : 0, strict: false };
    }
    case 'project': {
      const e = plan.exprs[col];
      return e?.kind === 'column' ? changeTime(plan.input, e.index, catalog) : null;
    }
    case 'filter':
      return changeTime(plan.input, col, catalog);
    case 'aggregate': {
      // Output changes only for the groups an input change touched.
      const key = plan.groupBy[col];
      return key?.kind === 'column' ? changeTime(plan.input, key.index, catalog) : null;
    }
    default:
      return null;
  }
}

function showInterval(us: number): string {
  const abs = Math.abs(us);
  return formatInterval(0, Math.trunc(abs / MICROS_PER_DAY), abs % MICROS_PER_DAY);
}

/** `name + 00:10:00`, `name - 00:05:00` or `name`. */
function plus(name: string, us: number): string {
  return us === 0 ? name : `${name} ${us > 0 ? '+' : '-'} ${showInterval(us)}`;
}

function closePointText(table: string, catalog: Catalog): string {
  const lateness = (catalog.get(table) as TableEntry).eventTime!.lateness;
  return `the close point of ${table} (watermark${lateness === 0 ? '' : ` - ${showInterval(lateness)}`})`;
}

function aggregateBound(plan: AggregateNode, catalog: Catalog): StateBound | null {
  if (plan.groupBy.length === 0) return null; // one group: bounded anyway
  for (let g = 0; g < plan.groupBy.length; g++) {
    const key = plan.groupBy[g]!;
    if (key.kind !== 'column') continue;
    const t = changeTime(plan.input, key.index, catalog);
    if (t === null) continue;
    const name = plan.columns[g]!.name;
    const text = `state of groups with ${plus(name, t.offset)} ${t.strict ? '<' : '<='} ${closePointText(t.table, catalog)} is dropped (their rows stay in the view)`;
    return { kind: 'groups', column: g, offset: t.offset, strict: t.strict, table: t.table, text };
  }
  return {
    kind: 'none',
    text: 'none, the state is unbounded: no GROUP BY column is a TUMBLE/HOP/CUMULATE window bound or WATERMARK column that only its own table\'s new rows can change',
  };
}

/** A timestamp column plus a constant: `c`, `c + INTERVAL`, `c - INTERVAL`, `INTERVAL + c`. */
function linearTime(e: BoundExpr): { readonly column: number; readonly offset: number } | null {
  const isTime = (x: BoundExpr): boolean => x.type === 'timestamp' || x.type === 'timestamptz';
  if (e.kind === 'column') return isTime(e) ? { column: e.index, offset: 0 } : null;
  if (e.kind !== 'call' || e.args.length !== 2 || (e.fn !== 'add' && e.fn !== 'sub')) return null;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  const col = a.kind === 'column' && isTime(a) ? a : e.fn === 'add' && b.kind === 'column' && isTime(b) ? b : null;
  const constant = col === a ? b : a;
  if (col === null || constant.kind !== 'const' || constant.type !== 'interval' || constant.value === null) return null;
  const parts = parseInterval(String(constant.value));
  // Months have no fixed length in µs.
  if (parts.months !== 0) return null;
  const us = parts.days * MICROS_PER_DAY + parts.micros;
  return { column: col.index, offset: e.fn === 'add' ? us : -us };
}

function conjuncts(e: BoundExpr | null, out: BoundExpr[] = []): BoundExpr[] {
  if (e === null) return out;
  if (e.kind === 'call' && e.fn === 'and') for (const a of e.args) conjuncts(a, out);
  else out.push(e);
  return out;
}

/** Per (left time column, right time column): lo <= right - left <= hi, from the keys and the residual. */
interface Difference {
  readonly left: number;
  readonly right: number;
  lo: number;
  hi: number;
}

function timeDifferences(plan: JoinNode): Difference[] {
  const width = plan.left.columns.length;
  const out: Difference[] = [];
  const record = (left: number, right: number, lo: number, hi: number): void => {
    let d = out.find((x) => x.left === left && x.right === right);
    if (d === undefined) {
      d = { left, right, lo: -Infinity, hi: Infinity };
      out.push(d);
    }
    d.lo = Math.max(d.lo, lo);
    d.hi = Math.min(d.hi, hi);
  };
  // Equality keys: left + a = right + b, so right - left = a - b.
  plan.leftKeys.forEach((lk, k) => {
    const l = linearTime(lk);
    const r = linearTime(plan.rightKeys[k]!);
    if (l !== null && r !== null) record(l.column, r.column, l.offset - r.offset, l.offset - r.offset);
  });
  for (const c of conjuncts(plan.residual)) {
    if (c.kind !== 'call' || c.args.length !== 2 || !['ge', 'gt', 'le', 'lt', 'eq'].includes(c.fn)) continue;
    const x = linearTime(c.args[0]!);
    const y = linearTime(c.args[1]!);
    if (x === null || y === null) continue;
    // Written as right + a op left + b (flipping the operator when the sides are swapped).
    let op = c.fn;
    let right: typeof x;
    let left: typeof x;
    if (x.column >= width && y.column < width) {
      right = x;
      left = y;
    } else if (x.column < width && y.column >= width) {
      right = y;
      left = x;
      op = op === 'ge' ? 'le' : op === 'gt' ? 'lt' : op === 'le' ? 'ge' : op === 'lt' ? 'gt' : op;
    } else continue;
    // right - left op b - a; strict comparisons are treated as non-strict (a looser, still safe bound).
    const diff = left.offset - right.offset;
    const lo = op === 'ge' || op === 'gt' || op === 'eq' ? diff : -Infinity;
    const hi = op === 'le' || op === 'lt' || op === 'eq' ? diff : Infinity;
    record(left.column, right.column - width, lo, hi);
  }
  return out;
}

function sideName(plan: LogicalPlan, fallback: string): string {
  let p = plan;
  while (p.kind === 'filter' || p.kind === 'project' || p.kind === 'timeWindow') p = p.input;
  return p.kind === 'scan' ? p.relation : fallback;
}

function joinBound(plan: JoinNode, catalog: Catalog): StateBound {
  if (plan.joinType !== 'inner') {
    return { kind: 'none', text: `none, the state is unbounded: only inner joins drop rows by time (this is a ${plan.joinType.toUpperCase()} join)` };
  }
  let left: SideExpiry | null = null;
  let right: SideExpiry | null = null;
  for (const d of timeDifferences(plan)) {
    // A left row l matches only right rows r <= l + hi; every future r is >= close(R) - offR.
    // So once l + hi < close(R) - offR, i.e. l + (hi + offR) < close(R), nothing can match l.
    if (left === null && d.hi !== Infinity) {
      const t = changeTime(plan.right, d.right, catalog);
      if (t !== null) left = { column: d.left, slack: d.hi + t.offset, table: t.table, otherColumn: d.right, otherOffset: t.offset };
    }
    // A right row r matches only left rows l <= r - lo; every future l is >= close(L) - offL.
    // So once r - lo < close(L) - offL, i.e. r + (offL - lo) < close(L), nothing can match r.
    if (right === null && d.lo !== -Infinity) {
      const t = changeTime(plan.left, d.left, catalog);
      if (t !== null) right = { column: d.right, slack: t.offset - d.lo, table: t.table, otherColumn: d.left, otherOffset: t.offset };
    }
  }
  if (left === null && right === null) {
    return {
      kind: 'none',
      text: 'none, the state is unbounded: the join condition does not bound the two sides\' event times against each other (e.g. b.ts BETWEEN a.ts - INTERVAL \'10 minutes\' AND a.ts, both tables with a WATERMARK)',
    };
  }
  const describe = (e: SideExpiry | null, side: LogicalPlan, fallback: string): string => {
    const name = sideName(side, fallback);
    if (e === null) return `rows of ${name} are kept (no bound)`;
    return `rows of ${name} with ${plus(side.columns[e.column]!.name, e.slack)} < ${closePointText(e.table, catalog)} are dropped`;
  };
  const text = `${describe(left, plan.left, 'the left input')}; ${describe(right, plan.right, 'the right input')}`;
  return { kind: 'interval', left, right, text };
}

/** The state bound of every stateful node of a view's plan (aggregates, joins, and the unbounded rest). */
export function deriveStateBounds(root: LogicalPlan, catalog: Catalog): Map<LogicalPlan, StateBound> {
  const out = new Map<LogicalPlan, StateBound>();
  const visit = (plan: LogicalPlan): void => {
    if (out.has(plan)) return;
    switch (plan.kind) {
      case 'aggregate': {
        const b = aggregateBound(plan, catalog);
        if (b !== null) out.set(plan, b);
        break;
      }
      case 'join':
        out.set(plan, joinBound(plan, catalog));
        break;
      case 'topN':
      case 'window':
        out.set(plan, { kind: 'none', text: 'none, the state is unbounded: no cleanup is derived for this operator' });
        break;
      case 'setOp':
        if (plan.op !== 'unionAll') out.set(plan, { kind: 'none', text: 'none, the state is unbounded: no cleanup is derived for this operator' });
        break;
      default:
        break;
    }
    switch (plan.kind) {
      case 'join':
      case 'setOp':
        visit(plan.left);
        visit(plan.right);
        return;
      case 'recursiveCte':
        // Its terms run in circuits of their own, without cleanup.
        return;
      case 'scan':
      case 'singleRow':
      case 'recursiveRef':
        return;
      default:
        visit(plan.input);
    }
  };
  visit(root);
  return out;
}
