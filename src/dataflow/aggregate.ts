// Aggregate (GROUP BY): stateful. Keeps, per group, the group key, its row
// count and one accumulator per aggregate call (accumulators.ts). For every
// group a batch touches it emits `-old row` and `+new row` (skipping groups
// whose output did not change), so work is proportional to the changed rows
// plus the changed groups, never to the group's size or the history.
// Invariant: a group is present in the output iff its row count is > 0; a
// global aggregate (no GROUP BY) has exactly one group, always present.

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { concatColumns, gatherColumn, makeColumn } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { AggregateFunction, AggregateReader, GroupState } from './accumulators.js';
import { ExtremeReader, ExtremeState, createAccumulator } from './accumulators.js';
import { DistinctState } from './distinct-accumulator.js';
import { NumericExtremeReader, NumericExtremeState } from './numeric-extreme-state.js';
import type { Operator, OperatorInfo } from './operator.js';

export interface AggregateCall {
  readonly fn: AggregateFunction;
  /** null for COUNT(*). */
  readonly arg: Kernel | null;
  readonly argType: SqlType | null;
  readonly resultType: SqlType;
  /** For EXPLAIN, e.g. 'sum(v)'. */
  readonly label: string;
  /** Identifies the argument expression: MIN and MAX of equal arguments share state. */
  readonly argKey: string;
  /** COUNT/SUM/AVG(DISTINCT arg): fold each group's distinct non-NULL values once. */
  readonly distinct?: boolean;
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
    const distincts = new Map<string, DistinctState>();
    calls.forEach((c, i) => {
      if (c.distinct === true && (c.fn === 'count' || c.fn === 'sum' || c.fn === 'avg') && c.argType !== null) {
        // COUNT/SUM/AVG(DISTINCT x) of one argument share the (group, value) multiplicities.
        let state = distincts.get(c.argKey);
        if (state === undefined) {
          state = new DistinctState(c.argType);
          distincts.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        const acc = createAccumulator(c.fn, c.resultType);
        state.addInner(acc);
        this.readers.push(acc);
      } else if ((c.fn === 'min' || c.fn === 'max') && c.argType !== 'text') {
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
          state = new ExtremeState(c.argType !== 'text');
          extremes.set(c.argKey, state);
          this.states.push({ state, call: i });
        }
        this.readers.push(new ExtremeReader(state, c.fn === 'max', c.resultType));
      } else if (c.fn === 'count_star') {
        // COUNT(*) is the group's row count, which the group store keeps anyway.
        this.readers.push(new GroupCountReader(this.groups));
      } else {
        const acc = createAccumulator(c.fn, c.resultType);
        this.states.push({ state: acc, call: i });
        this.readers.push(acc);
      }
    });
    this.global = keyKernels.length === 0;
  }

  step(input: ZBatch): ZBatch {
    const firstGlobalStep = this.global && !this.initialized;
    if (input.length === 0 && !firstGlobalStep) return emptyBatch(this.outputTypes);
    const n = input.length;

    // 1. Evaluate every expression first: errors must precede state changes.
    const source = new BatchInput(input.columns, n);
    const keys = this.keyKernels.map((k) => k(source));
    const args: (Column | null)[] = this.calls.map((c) => (c.arg === null ? null : c.arg(source)));
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
    for (const { state, call } of this.states) state.update(slots, args[call]!, input.weights, n, groups.size);

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
  }

  describe(): OperatorInfo {
    const keys = this.keyLabels.length === 0 ? '(global)' : this.keyLabels.join(', ');
    const calls = this.calls.map((c) => c.label).join(', ');
    const states = [...new Set(this.states.map((s) => s.state.stateDescription))].join('; ');
    const hasExtreme = this.calls.some((c) => c.fn === 'min' || c.fn === 'max');
    return {
      name: calls === '' ? 'Distinct' : 'Aggregate',
      detail: calls === '' ? keys : `group by ${keys}: ${calls}`,
      state: states === '' ? 'per-group row count' : `per-group row count; ${states}`,
      cost: hasExtreme
        ? 'O(1) per changed row for counts and sums; MIN/MAX: O(1) per insert and per delete inside the current range, ' +
          'and when a current MIN or MAX is deleted, a binary search plus a move of up to d values (d distinct values in the group; ' +
          'a group loaded by a backfill is sorted once then)'
        : 'O(1) per changed row',
    };
  }

  stateSize(): number {
    return this.groups.live;
  }
}
