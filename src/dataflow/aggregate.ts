// Aggregate (GROUP BY): stateful. Keeps, per group, the group key, its row
// count and one accumulator per aggregate call (accumulators.ts). For every
// group a batch touches it emits `-old row` and `+new row` (skipping groups
// whose output did not change), so work is proportional to the changed rows
// plus the changed groups, never to the group's size or the history.
// Invariant: a group is present in the output iff its row count is > 0; a
// global aggregate (no GROUP BY) has exactly one group, always present.
// With a GroupCleanup (derived by plan/state-bounds.ts), the state of groups
// whose time has closed is dropped (their output row stays downstream); a
// change that reaches such a group fails loudly instead of starting afresh.

import { EngineError, SqlState } from '../common/errors.js';
import { isStringBacked } from '../common/sql-type.js';
import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { concatColumns, gatherColumn, makeColumn } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { formatTimestamp } from '../expr/datetime.js';
import { BatchInput } from '../expr/eval-input.js';
import type { AggregateFunction, AggregateReader, GroupAccumulator, GroupState } from './accumulators.js';
import { ExtremeReader, ExtremeState, createAccumulator } from './accumulators.js';
import { BoolAccumulator } from './bool-accumulator.js';
import { DistinctState } from './distinct-accumulator.js';
import { MomentsAccumulator } from './moments-accumulator.js';
import { PercentileAccumulator } from './percentile-accumulator.js';
import { TextAggAccumulator } from './text-agg-accumulator.js';
import { ArrayAggAccumulator } from './array-agg-accumulator.js';
import { NumericExtremeReader, NumericExtremeState } from './numeric-extreme-state.js';
import { IntervalExtremeReader, IntervalExtremeState } from './interval-extreme.js';
import { DecimalExtremeReader, DecimalExtremeState } from './decimal-extreme.js';
import { DecimalSumAccumulator } from './decimal-sum-accumulator.js';
import { IntervalSumAccumulator } from './interval-sum-accumulator.js';
import type { Operator, OperatorInfo } from './operator.js';
import { ExpiryHeap } from './expiry-heap.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import { StateUnsupported } from '../storage/state-codec.js';

/**
 * When a group's state may go: its key column `column` holds a time (µs), and
 * a group is closed once `value + offset <= closePoint()` (`<` when strict).
 * The planner promises that no change ever reaches a closed group (the table
 * refuses changes to closed time), so dropping its state loses nothing.
 */
export interface GroupCleanup {
  readonly column: number;
  readonly offset: number;
  readonly strict: boolean;
  /** The driving table's close point (watermark minus allowed lateness), µs. */
  readonly closePoint: () => number;
}

export interface AggregateCall {
  readonly fn: AggregateFunction;
  /** null for COUNT(*). */
  readonly arg: Kernel | null;
  readonly argType: SqlType | null;
  readonly resultType: SqlType;
  /** For EXPLAIN, e.g. 'sum(v)'. */
  readonly label: string;
  /** Identifies the argument expression and the FILTER: MIN and MAX of equal ones share state. */
  readonly argKey: string;
  /** COUNT/SUM/AVG/variance(DISTINCT arg): fold each group's distinct non-NULL values once; string_agg prints each once. */
  readonly distinct?: boolean;
  /** FILTER (WHERE ...): a boolean kernel; only rows where it is TRUE reach the call. */
  readonly filter?: Kernel;
  /** string_agg's delimiter (NULL: none); percentile's fraction in [0, 1] (NULL: every result NULL). */
  readonly param?: number | string | null;
  /** string_agg(... ORDER BY key) with a key other than the value. */
  readonly orderKey?: Kernel;
  readonly orderKeyType?: SqlType;
  /** string_agg's ORDER BY, percentile's WITHIN GROUP order. */
  readonly descending?: boolean;
  readonly nullsFirst?: boolean;
}

/** The accumulator of a call that is neither MIN/MAX, COUNT(*) without FILTER, nor a shared DISTINCT state. */
function accumulatorFor(c: AggregateCall): GroupAccumulator {
  switch (c.fn) {
    case 'count_star':
    case 'count':
    case 'sum':
    case 'avg':
      if (c.resultType === 'numeric') return new DecimalSumAccumulator(c.fn === 'avg');
      if (c.resultType === 'interval') return new IntervalSumAccumulator(c.fn === 'avg');
      return createAccumulator(c.fn, c.resultType);
    case 'bool_and':
    case 'bool_or':
      return new BoolAccumulator(c.fn === 'bool_and');
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
      return new MomentsAccumulator(c.fn);
    case 'percentile_cont':
    case 'percentile_disc':
      assert(c.argType !== null, 'percentile needs an argument');
      return new PercentileAccumulator(c.fn === 'percentile_cont', (c.param ?? null) as number | null, c.descending === true, c.argType);
    case 'string_agg':
      return new TextAggAccumulator(
        (c.param ?? '') as string,
        { keyType: c.orderKeyType ?? null, descending: c.descending === true, nullsFirst: c.nullsFirst === true },
        c.distinct === true,
      );
    case 'array_agg':
      assert(c.argType !== null, 'array_agg needs an argument');
      return new ArrayAggAccumulator(
        c.resultType,
        { keyType: c.orderKeyType ?? c.argType, descending: c.descending === true, nullsFirst: c.nullsFirst === true },
        c.distinct === true,
        c.orderKeyType !== undefined,
      );
    case 'min':
    case 'max':
      throw new Error('MIN/MAX use ExtremeState');
  }
}

/** Aggregates whose DISTINCT form folds each group's distinct values once (through DistinctState). */
const DISTINCT_FOLDED: ReadonlySet<AggregateFunction> = new Set<AggregateFunction>([
  'count', 'sum', 'avg', 'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop',
]);

/** The rows of a batch whose FILTER value is TRUE (NULL and FALSE drop out). */
function filterRows(filter: Column, n: number): Int32Array {
  const rows = new Int32Array(n);
  let m = 0;
  const values = filter.values as Uint8Array;
  const validity = filter.validity;
  for (let i = 0; i < n; i++) {
    if (values[i] !== 1) continue;
    if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
    rows[m++] = i;
  }
  return rows.subarray(0, m);
}

/** Whether row j holds the same aggregate values in both column sets (NaN equals NaN). */
function sameRow(before: readonly Column[], after: readonly Column[], j: number): boolean {
  for (let a = 0; a < before.length; a++) {
    const x = before[a]!;
    const y = after[a]!;
    const xv = isValid(x.validity, j);
    if (xv !== isValid(y.validity, j)) return false;
    if (!xv) continue;
    const p = x.values[j];
    const q = y.values[j];
    if (p !== q && !(p !== p && q !== q)) return false;
  }
  return true;
}

/** COUNT(*): reads the per-group row count kept by the group store. */
class GroupCountReader implements AggregateReader {
  constructor(private readonly groups: KeyedRows) {}
  read(slots: Int32Array): Column {
    const out = new Float64Array(slots.length);
    const counts = this.groups.counts;
    for (let j = 0; j < slots.length; j++) out[j] = counts[slots[j]!]!;
    return makeColumn('bigint', out, null, slots.length);
  }
}

export class AggregateOperator implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly groups: KeyedRows;
  /** One per distinct piece of state; each folds its argument column. */
  private readonly states: { readonly state: GroupState; readonly call: number }[] = [];
  /** One per aggregate call, in output order. */
  private readonly readers: AggregateReader[] = [];
  private readonly global: boolean;
  private initialized = false;
  /** Per slot: the step number that last touched it (dedupes touched groups without a Set). */
  private touchedAt = new Int32Array(64);
  private stepNumber = 0;
  /** Groups by the time in the cleanup column (only with a cleanup). */
  private readonly expiry = new ExpiryHeap();
  /** The close point at the last eviction: groups at or before it may be gone. */
  private horizon = -Infinity;
  private cleanup: GroupCleanup | null = null;

  constructor(
    private readonly keyKernels: readonly Kernel[],
    keyTypes: readonly SqlType[],
    private readonly calls: readonly AggregateCall[],
    private readonly keyLabels: readonly string[],
  ) {
    this.outputTypes = [...keyTypes, ...calls.map((c) => c.resultType)];
    this.groups = new KeyedRows(keyTypes, keyTypes.map((_, i) => i));
    const extremes = new Map<string, ExtremeState>();
    const numericExtremes = new Map<string, NumericExtremeState>();
    const intervalExtremes = new Map<string, IntervalExtremeState>();
    const decimalExtremes = new Map<string, DecimalExtremeState>();
    const distincts = new Map<string, DistinctState>();
    calls.forEach((c, i) => {
      if (c.distinct === true && DISTINCT_FOLDED.has(c.fn) && c.argType !== null) {
        // Aggregates of DISTINCT x (with one FILTER) share the (group, value) multiplicities.
        let state = distincts.get(c.argKey);
        if (state === undefined) {
          state = new DistinctState(c.argType);
          distincts.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        const acc = accumulatorFor(c);
        state.addInner(acc);
        this.readers.push(acc);
      } else if ((c.fn === 'min' || c.fn === 'max') && c.argType === 'interval') {
        let state = intervalExtremes.get(c.argKey);
        if (state === undefined) {
          state = new IntervalExtremeState();
          intervalExtremes.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        this.readers.push(new IntervalExtremeReader(state, c.fn === 'max'));
      } else if ((c.fn === 'min' || c.fn === 'max') && c.argType === 'numeric') {
        let state = decimalExtremes.get(c.argKey);
        if (state === undefined) {
          state = new DecimalExtremeState();
          decimalExtremes.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        this.readers.push(new DecimalExtremeReader(state, c.fn === 'max'));
      } else if ((c.fn === 'min' || c.fn === 'max') && c.argType !== null && !isStringBacked(c.argType)) {
        let state = numericExtremes.get(c.argKey);
        if (state === undefined) {
          state = new NumericExtremeState();
          numericExtremes.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        this.readers.push(new NumericExtremeReader(state, c.fn === 'max', c.resultType));
      } else if (c.fn === 'min' || c.fn === 'max') {
        let state = extremes.get(c.argKey);
        if (state === undefined) {
          state = new ExtremeState(c.argType === null || !isStringBacked(c.argType));
          extremes.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        this.readers.push(new ExtremeReader(state, c.fn === 'max', c.resultType));
      } else if (c.fn === 'count_star' && c.filter === undefined) {
        // COUNT(*) is the group's row count, which the group store keeps anyway.
        this.readers.push(new GroupCountReader(this.groups));
      } else {
        const acc = accumulatorFor(c);
        this.states.push({ state: acc, call: i });
        this.readers.push(acc);
      }
    });
    this.global = keyKernels.length === 0;
  }

  /** Turns on state cleanup (for a view); only before the first step. */
  enableCleanup(cleanup: GroupCleanup): void {
    assert(!this.initialized && this.groups.size === 0, 'state cleanup is set before the first step');
    assert(cleanup.column < this.keyKernels.length, 'the cleanup column is a group key');
    this.cleanup = cleanup;
  }

  step(input: ZBatch): ZBatch {
    const firstGlobalStep = this.global && !this.initialized;
    if (input.length === 0 && !firstGlobalStep) return emptyBatch(this.outputTypes);
    const n = input.length;

    // 1. Evaluate every expression first: errors must precede state changes.
    const source = new BatchInput(input.columns, n);
    const keys = this.keyKernels.map((k) => k(source));
    const args: (Column | null)[] = this.calls.map((c) => (c.arg === null ? null : c.arg(source)));
    const filters: (Column | null)[] = this.calls.map((c) => (c.filter === undefined ? null : c.filter(source)));
    const orderKeys: (Column | null)[] = this.calls.map((c) => (c.orderKey === undefined ? null : c.orderKey(source)));
    if (this.cleanup !== null) this.refuseClosedGroups(keys[this.cleanup.column]!, input.weights, n);
    this.initialized = true;

    // 2. Find (or create) each row's group; list the groups touched, once each.
    const groups = this.groups;
    const slots = this.global && n === 0 ? new Int32Array(0) : groups.findOrAddKeys(keys, n);
    if (firstGlobalStep && groups.size === 0) {
      groups.findOrAdd([], new Int32Array(1), 1);
    }
    this.stepNumber++;
    if (this.touchedAt.length < groups.size) {
      const next = new Int32Array(Math.max(groups.size, this.touchedAt.length * 2));
      next.set(this.touchedAt);
      this.touchedAt = next;
    }
    const touched: number[] = [];
    if (firstGlobalStep) {
      touched.push(0);
      this.touchedAt[0] = this.stepNumber;
    }
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (this.touchedAt[s] !== this.stepNumber) {
        this.touchedAt[s] = this.stepNumber;
        touched.push(s);
      }
    }

    // 3. Read each touched group's output before the change.
    const touchedSlots = Int32Array.from(touched);
    const t = touchedSlots.length;
    const oldPresent = new Uint8Array(t);
    for (let j = 0; j < t; j++) oldPresent[j] = (this.global ? !firstGlobalStep : groups.counts[touchedSlots[j]!]! > 0) ? 1 : 0;
    const oldColumns = this.readers.map((r) => r.read(touchedSlots));

    // 4. Apply the batch.
    groups.addCounts(slots, input.weights, n);
    for (const { state, call } of this.states) {
      let stateSlots = slots;
      let arg = args[call]!;
      let orderKey = orderKeys[call]!;
      let weights = input.weights;
      let m = n;
      const filter = filters[call]!;
      if (filter !== null) {
        const rows = filterRows(filter, n);
        m = rows.length;
        stateSlots = new Int32Array(m);
        weights = new Int32Array(m);
        for (let j = 0; j < m; j++) {
          stateSlots[j] = slots[rows[j]!]!;
          weights[j] = input.weights[rows[j]!]!;
        }
        if (arg !== null) arg = gatherColumn(arg, rows);
        if (orderKey !== null) orderKey = gatherColumn(orderKey, rows);
      }
      if (orderKey !== null && (state instanceof TextAggAccumulator || state instanceof ArrayAggAccumulator)) {
        state.updateWithKey(stateSlots, arg!, orderKey, weights, m);
      } else state.update(stateSlots, arg, weights, m, groups.size);
    }

    // 5. Emit -old/+new for the groups whose output changed.
    const newColumns = this.readers.map((r) => r.read(touchedSlots));
    const retractAt: number[] = [];
    const insertAt: number[] = [];
    for (let j = 0; j < t; j++) {
      const nowPresent = this.global || groups.counts[touchedSlots[j]!]! > 0;
      if (oldPresent[j] === 1 && nowPresent && sameRow(oldColumns, newColumns, j)) continue;
      if (oldPresent[j] === 1) retractAt.push(j);
      if (nowPresent) insertAt.push(j);
    }
    if (this.cleanup !== null) this.trackNewGroups(touchedSlots, oldPresent);
    const retract = Int32Array.from(retractAt);
    const insert = Int32Array.from(insertAt);
    const keySlots = new Int32Array(retract.length + insert.length);
    for (let j = 0; j < retract.length; j++) keySlots[j] = touchedSlots[retract[j]!]!;
    for (let j = 0; j < insert.length; j++) keySlots[retract.length + j] = touchedSlots[insert[j]!]!;
    const weights = new Int32Array(keySlots.length).fill(1);
    weights.fill(-1, 0, retract.length);
    const aggColumns = oldColumns.map((old, a) =>
      concatColumns(old.type, [gatherColumn(old, retract), gatherColumn(newColumns[a]!, insert)]));
    const output: ZBatch = {
      columns: [...groups.gather(keySlots), ...aggColumns],
      weights,
      length: keySlots.length,
    };
    if (!this.global && groups.wantsCompaction()) this.compact();
    return output;
  }

  private compact(): void {
    const remap = this.groups.compact();
    for (const { state } of this.states) state.remap(remap, this.groups.size);
    this.touchedAt = new Int32Array(Math.max(64, this.groups.size));
    this.stepNumber = 0;
    if (this.cleanup !== null) {
      // Slots were renumbered: the heap is rebuilt from the live groups.
      this.expiry.clear();
      const live = this.groups.liveSlots();
      this.trackNewGroups(live, new Uint8Array(live.length));
    }
  }

  /** Throws (before any state changes) when a row with a non-zero weight belongs to a group already dropped. */
  private refuseClosedGroups(times: Column, weights: Int32Array, n: number): void {
    if (this.horizon === -Infinity) return;
    const { offset, strict } = this.cleanup!;
    const values = times.values as Float64Array;
    for (let i = 0; i < n; i++) {
      if (weights[i] === 0 || !isValid(times.validity, i)) continue;
      const t = values[i]! + offset;
      if (strict ? t < this.horizon : t <= this.horizon) {
        throw new EngineError(
          SqlState.internalError,
          `state cleanup: a change reached the group with ${this.keyLabels[this.cleanup!.column]} = ${formatTimestamp(values[i]!)}, whose state was dropped when the close point passed ${formatTimestamp(this.horizon)}; this is a bug in Freshet's state-bound derivation`,
        );
      }
    }
  }

  /** Adds to the expiry heap the touched groups that just became present. */
  private trackNewGroups(slots: Int32Array, wasPresent: Uint8Array): void {
    const col = this.groups.columns[this.cleanup!.column]!;
    const values = col.values as Float64Array;
    const counts = this.groups.counts;
    for (let j = 0; j < slots.length; j++) {
      const s = slots[j]!;
      if (wasPresent[j] === 1 || counts[s] === 0 || col.isNull(s)) continue;
      this.expiry.push(values[s]!, s);
    }
  }

  /**
   * Drops the state of every group whose time the close point has passed (the
   * circuit calls this after each step). Returns how to put it back, for a
   * commit that fails later; null when nothing was dropped.
   */
  evictClosed(): (() => void) | null {
    const cleanup = this.cleanup;
    if (cleanup === null) return null;
    const close = cleanup.closePoint();
    if (close <= this.horizon) return null;
    const { offset, strict } = cleanup;
    const col = this.groups.columns[cleanup.column]!;
    const values = col.values as Float64Array;
    const counts = this.groups.counts;
    const horizon = this.horizon;
    const popped: number[] = [];
    const evicted: number[] = [];
    const heap = this.expiry;
    while (heap.length > 0) {
      const t = heap.minTime();
      if (strict ? !(t + offset < close) : !(t + offset <= close)) break;
      const s = heap.minSlot();
      heap.pop();
      popped.push(t, s);
      // Stale when the group emptied (and maybe came back with another entry).
      if (counts[s] === 0 || values[s] !== t || col.isNull(s)) continue;
      evicted.push(s, counts[s]!);
      // The group goes dead: compaction reclaims its accumulators' state.
      this.groups.addCount(s, -counts[s]!);
    }
    this.horizon = close;
    return () => {
      for (let j = 0; j < evicted.length; j += 2) this.groups.addCount(evicted[j]!, evicted[j + 1]!);
      for (let j = 0; j < popped.length; j += 2) heap.push(popped[j]!, popped[j + 1]!);
      this.horizon = horizon;
    };
  }

  describe(): OperatorInfo {
    const keys = this.keyLabels.length === 0 ? '(global)' : this.keyLabels.join(', ');
    const calls = this.calls.map((c) => c.label).join(', ');
    const states = [...new Set(this.states.map((s) => s.state.stateDescription))].join('; ');
    const has = (...fns: AggregateFunction[]): boolean => this.calls.some((c) => fns.includes(c.fn));
    const costs = ['O(1) per changed row for counts, sums, bool_and/bool_or and variance/stddev'];
    if (has('min', 'max')) {
      costs.push(
        'MIN/MAX: O(1) per insert and per delete inside the current range, ' +
          'and when a current MIN or MAX is deleted, a binary search plus a move of up to d values (d distinct values in the group; ' +
          'a group loaded by a backfill is sorted once then)',
      );
    }
    if (has('percentile_cont', 'percentile_disc')) costs.push('percentiles: O(log d) per changed row and per changed group read');
    if (has('string_agg')) costs.push("string_agg: O(log d) per changed row, plus the length of each changed group's string");
    if (has('array_agg')) costs.push("array_agg: O(log d) per changed row, plus the length of each changed group's array");
    return {
      name: calls === '' ? 'Distinct' : 'Aggregate',
      detail: calls === '' ? keys : `group by ${keys}: ${calls}`,
      state: states === '' ? 'per-group row count' : `per-group row count; ${states}`,
      cost: costs.length === 1 ? 'O(1) per changed row' : costs.join('; '),
    };
  }

  stateSize(): number {
    return this.groups.live;
  }

  /** About how many bytes the groups and the accumulators hold (for --state-memory). */
  estimateBytes(): number {
    let bytes = this.groups.estimateBytes() + this.touchedAt.byteLength;
    for (const { state } of this.states) bytes += state.estimateBytes?.() ?? this.groups.size * 16;
    return bytes;
  }

  /** The row hashes of the live groups' keys (as hashRows computes them over the key columns), with the groups' slots. */
  keyHashes(): { readonly slots: Int32Array; readonly hashes: Int32Array } {
    const slots = this.groups.liveSlots();
    return { slots, hashes: hashRows(this.groups.gather(slots), slots.length) };
  }

  /**
   * Keeps only the groups whose key hash passes `keep`, dropping the others'
   * state (a part of state split in two: partitioned-operator.ts). Emits
   * nothing: the other half keeps those groups.
   */
  retainKeys(keep: (hash: number) => boolean): void {
    assert(!this.global && this.cleanup === null, 'only grouped aggregates without state cleanup split');
    const { slots, hashes } = this.keyHashes();
    let dropped = 0;
    for (let j = 0; j < slots.length; j++) {
      if (keep(hashes[j]!)) continue;
      this.groups.addCount(slots[j]!, -this.groups.counts[slots[j]!]!);
      dropped++;
    }
    if (dropped > 0) this.compact();
  }

  /** Checkpoints: the group store, every accumulator's state by group slot, and the cleanup's heap and horizon. */
  saveState(out: StateWriter): void {
    for (const { state } of this.states) if (state.saveState === undefined) throw new StateUnsupported(state.stateDescription);
    out.number(this.initialized ? 1 : 0);
    out.number(this.stepNumber);
    out.i32(this.touchedAt);
    out.number(this.horizon);
    this.expiry.saveState(out);
    this.groups.saveState(out);
    for (const { state } of this.states) state.saveState!(out);
  }

  loadState(input: StateReader): void {
    this.initialized = input.number() === 1;
    this.stepNumber = input.number();
    this.touchedAt = input.i32();
    this.horizon = input.number();
    this.expiry.loadState(input);
    this.groups.loadState(input);
    for (const { state } of this.states) state.loadState!(input);
  }
}
