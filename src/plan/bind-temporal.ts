// Temporal filters: where a view may read the clock. A view's conditions of
// the form `row_expr {>|>=|<|<=} now() [± constant interval]` (either side,
// BETWEEN too) in a WHERE, a JOIN ... ON pushed to one input, or a HAVING
// become a TemporalFilter node that the dataflow re-evaluates as the clock
// advances. Any other use of now(), current_timestamp, localtimestamp or
// current_date in a view is 0A000: a view's contents must not depend on when
// it is read. One-shot queries never come here: there now() is a constant.

import { EngineError, SqlState } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';
import { formatInterval, parseInterval } from '../columnar/interval-text.js';
import type { TimeComparison } from '../dataflow/temporal-filter.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { CLOCK_FUNCTIONS } from '../expr/functions/now-functions.js';
import { MICROS_PER_DAY } from '../expr/datetime.js';
import type { FilterNode, LogicalPlan, TemporalBoundPlan } from './logical-plan.js';

const SUPPORTED =
  "a materialized view may use now() only in conditions that compare a row's timestamp with now() plus or minus a constant interval " +
  "(ts > now() - INTERVAL '5 minutes', last_seen < now() - INTERVAL '1 minute', ts BETWEEN now() - INTERVAL '1 hour' AND now()), " +
  'which the view re-applies as the clock advances; anything else would make its contents depend on when it is read';

const COMPARISONS: Readonly<Record<string, TimeComparison>> = { gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' };
const FLIPPED: Readonly<Record<TimeComparison, TimeComparison>> = { gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };
const SYMBOLS: Readonly<Record<TimeComparison, string>> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

/**
 * Turns the clock conditions of a view's filters into TemporalFilter nodes
 * and rejects every other reading of the clock. Returns `root` itself when
 * the view does not read the clock.
 */
export function bindTemporalFilters(root: LogicalPlan): LogicalPlan {
  const out = rewrite(root, new Map());
  rejectClock(out, new Set());
  return out;
}

function rewrite(plan: LogicalPlan, memo: Map<LogicalPlan, LogicalPlan>): LogicalPlan {
  const known = memo.get(plan);
  if (known !== undefined) return known;
  let out: LogicalPlan;
  switch (plan.kind) {
    case 'scan':
    case 'singleRow':
    case 'recursiveRef':
    // A recursive CTE runs its own circuits, which the clock does not drive:
    // a now() inside stays and is rejected below.
    case 'recursiveCte':
      out = plan;
      break;
    case 'join':
    case 'setOp': {
      const left = rewrite(plan.left, memo);
      const right = rewrite(plan.right, memo);
      out = left === plan.left && right === plan.right ? plan : { ...plan, left, right };
      break;
    }
    case 'filter': {
      const input = rewrite(plan.input, memo);
      out = splitFilter(input === plan.input ? plan : { ...plan, input });
      break;
    }
    default: {
      const input = rewrite(plan.input, memo);
      out = input === plan.input ? plan : ({ ...plan, input } as LogicalPlan);
    }
  }
  memo.set(plan, out);
  return out;
}

function conjuncts(e: BoundExpr, into: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === 'call' && e.fn === 'and') for (const a of e.args) conjuncts(a, into);
  else into.push(e);
  return into;
}

export function readsClock(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'column':
    case 'const':
      return false;
    case 'call':
      return CLOCK_FUNCTIONS.has(e.fn) || e.args.some(readsClock);
    case 'case':
      return e.whens.some((w) => readsClock(w.when) || readsClock(w.then)) || readsClock(e.else);
  }
}

/** A filter with clock conditions: the other conditions, then a TemporalFilter. */
function splitFilter(filter: FilterNode): LogicalPlan {
  const parts = conjuncts(filter.predicate);
  // Over no columns (no FROM) there is no row timestamp to compare: left for rejectClock.
  if (!parts.some(readsClock) || filter.input.columns.length === 0) return filter;
  const names = filter.input.columns.map((c) => c.name);
  const bounds: TemporalBoundPlan[] = [];
  const rest: BoundExpr[] = [];
  for (const p of parts) {
    if (readsClock(p)) bounds.push(temporalBound(p, names, filter.predicate));
    else rest.push(p);
  }
  let input = filter.input;
  if (rest.length > 0) {
    input = {
      kind: 'filter',
      input,
      predicate: rest.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: 'boolean' })),
      label: rest.map((e) => render(e, names)).join(' AND '),
      columns: input.columns,
    };
  }
  return { kind: 'temporalFilter', input, bounds, label: bounds.map(describeBound).join('; '), columns: filter.columns };
}

function positionOf(e: BoundExpr): SourcePosition | undefined {
  if (e.kind !== 'call') return undefined;
  return e.pos ?? e.args.map(positionOf).find((p) => p !== undefined);
}

function temporalBound(e: BoundExpr, names: readonly string[], whole: BoundExpr): TemporalBoundPlan {
  const op = e.kind === 'call' && e.args.length === 2 ? COMPARISONS[e.fn] : undefined;
  if (e.kind === 'call' && op !== undefined) {
    const [a, b] = e.args as [BoundExpr, BoundExpr];
    if (readsClock(a) !== readsClock(b)) {
      const [row, clock, cmp] = readsClock(b) ? [a, b, op] : [b, a, FLIPPED[op]];
      const offsetMicros = clockOffset(clock);
      if (offsetMicros !== null && (row.type === 'timestamp' || row.type === 'timestamptz')) {
        return { rowExpr: row, op: cmp, offsetMicros, text: render(row, names) };
      }
    }
  }
  throw new EngineError(SqlState.featureNotSupported, `this use of the clock is not supported: ${SUPPORTED}`, positionOf(e) ?? positionOf(whole));
}

/** For an expression that is now() plus constant intervals (casts between timestamp types allowed): the constant in µs; else null. */
function clockOffset(e: BoundExpr): number | null {
  if (e.kind !== 'call') return null;
  const [a, b] = e.args;
  switch (e.fn) {
    case 'now':
    case 'localtimestamp':
      return 0;
    case 'cast':
      // The session time zone is UTC: TIMESTAMP and TIMESTAMPTZ share their µs.
      return a !== undefined && isInstant(e.type) && isInstant(a.type) ? clockOffset(a) : null;
    case 'add': {
      if (a === undefined || b === undefined) return null;
      const [clock, iv] = readsClock(a) ? [a, b] : [b, a];
      const base = clockOffset(clock);
      const c = intervalMicros(iv, e.pos);
      return base === null || c === null ? null : base + c;
    }
    case 'sub': {
      if (a === undefined || b === undefined) return null;
      const base = clockOffset(a);
      const c = intervalMicros(b, e.pos);
      return base === null || c === null ? null : base - c;
    }
    default:
      return null;
  }
}

function isInstant(t: string): boolean {
  return t === 'timestamp' || t === 'timestamptz';
}

/** A constant interval's length in µs (days of 24 hours: UTC); null when not a constant. */
function intervalMicros(e: BoundExpr, pos: SourcePosition | undefined): number | null {
  if (e.kind !== 'const' || e.type !== 'interval' || typeof e.value !== 'string') return null;
  const p = parseInterval(e.value);
  if (p.months !== 0) {
    throw new EngineError(
      SqlState.featureNotSupported,
      `an interval with months or years in a temporal filter is not supported (a month has no fixed length, so the instant a row ages out would move); write it in days, e.g. INTERVAL '30 days'`,
      pos,
    );
  }
  return p.days * MICROS_PER_DAY + p.micros;
}

function formatMicros(us: number): string {
  return formatInterval(0, 0, us);
}

/** `now() - 00:05:00` for an offset of -5 minutes. */
function nowPlus(c: number): string {
  return c === 0 ? 'now()' : `now() ${c < 0 ? '-' : '+'} ${formatMicros(Math.abs(c))}`;
}

/** `ts + 00:05:00`: the instant, relative to the row's, at which it flips. */
function rowPlus(x: string, c: number): string {
  return c === 0 ? x : `${x} ${c < 0 ? '-' : '+'} ${formatMicros(Math.abs(c))}`;
}

/** EXPLAIN text: the condition and the instant it derives, e.g. "visible while ts > now() - 00:05:00; retracted at ts + 00:05:00". */
function describeBound(b: TemporalBoundPlan): string {
  const cond = `${b.text} ${SYMBOLS[b.op]} ${nowPlus(b.offsetMicros)}`;
  const flip = rowPlus(b.text, -b.offsetMicros);
  switch (b.op) {
    case 'gt':
      return `visible while ${cond}; retracted at ${flip}`;
    case 'ge':
      return `visible while ${cond}; retracted just after ${flip}`;
    case 'lt':
      return `visible once ${cond}; inserted just after ${flip}`;
    case 'le':
      return `visible once ${cond}; inserted at ${flip}`;
  }
}

const OPERATORS: Readonly<Record<string, string>> = {
  add: '+', sub: '-', mul: '*', div: '/', mod: '%', eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=',
  and: 'AND', or: 'OR', concat_op: '||',
};

/** SQL-ish text of a bound expression over named columns, for EXPLAIN labels (implicit casts left out). */
function render(e: BoundExpr, names: readonly string[]): string {
  switch (e.kind) {
    case 'column':
      return names[e.index] ?? `#${e.index + 1}`;
    case 'const':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value.replaceAll("'", "''")}'` : String(e.value);
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${render(w.when, names)} THEN ${render(w.then, names)}`).join(' ')} ELSE ${render(e.else, names)} END`;
    case 'call': {
      const args = e.args.map((a) => render(a, names));
      const op = OPERATORS[e.fn];
      if (op !== undefined && args.length === 2) return `(${args[0]} ${op} ${args[1]})`;
      if (e.fn === 'cast' && args.length === 1) return args[0]!;
      if (e.fn === 'not') return `NOT ${args[0]}`;
      if (e.fn === 'neg') return `-${args[0]}`;
      if (e.fn === 'is_null' || e.fn === 'is_not_null') return `${args[0]} IS ${e.fn === 'is_null' ? '' : 'NOT '}NULL`;
      return `${e.fn}(${args.join(', ')})`;
    }
  }
}

/** Throws 0A000 at the first reading of the clock left in `value` (a plan, walked generically so every clause is covered). */
function rejectClock(value: unknown, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) rejectClock(v, seen);
    return;
  }
  const node = value as { kind?: unknown; fn?: unknown; pos?: SourcePosition };
  if (node.kind === 'call' && typeof node.fn === 'string' && CLOCK_FUNCTIONS.has(node.fn)) {
    const name = node.fn === 'now' ? 'now()' : node.fn;
    throw new EngineError(SqlState.featureNotSupported, `${name} is not supported here in a materialized view: ${SUPPORTED}`, node.pos);
  }
  for (const v of Object.values(value)) rejectClock(v, seen);
}
