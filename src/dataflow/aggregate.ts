// Aggregate (GROUP BY): stateful. Keeps, per group, the group key, its row
// count and one accumulator per aggregate call (accumulators.ts). For every
// group a batch touches it emits `-old row` and `+new row` (skipping groups
// whose output did not change), so work is proportional to the changed rows
// plus the changed groups, never to the group's size or the history.
// Invariant: a group is present in the output iff its row count is > 0; a
// global aggregate (no GROUP BY) has exactly one group, always present.

import type { SqlType } from '../common/sql-type.js';
import type { Column, Scalar } from '../columnar/column.js';
import { columnFromScalars } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { AggregateFunction, GroupAccumulator } from './accumulators.js';
import { createAccumulator } from './accumulators.js';
import type { Operator, OperatorInfo } from './operator.js';

export interface AggregateCall {
  readonly fn: AggregateFunction;
  /** null for COUNT(*). */
  readonly arg: Kernel | null;
  readonly argType: SqlType | null;
  readonly resultType: SqlType;
  /** For EXPLAIN, e.g. 'sum(v)'. */
  readonly label: string;
}

function sameScalar(a: Scalar, b: Scalar): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && a !== a && b !== b);
}

export class AggregateOperator implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly groups: KeyedRows;
  private readonly accumulators: GroupAccumulator[];
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
    this.accumulators = calls.map((c) => createAccumulator(c.fn, c.argType));
    this.global = keyKernels.length === 0;
  }

  step(input: ZBatch): ZBatch {
    const firstGlobalStep = this.global && !this.initialized;
    this.initialized = true;
    if (input.length === 0 && !firstGlobalStep) return emptyBatch(this.outputTypes);
    const n = input.length;

    // 1. Evaluate every expression first: errors must precede state changes.
    const source = new BatchInput(input.columns, n);
    const keys = this.keyKernels.map((k) => k(source));
    const args: (Column | null)[] = this.calls.map((c) => (c.arg === null ? null : c.arg(source)));

    // 2. Find (or create) each row's group; list the groups touched, once each.
    const groups = this.groups;
    const hashes = groups.hashKeys(keys, n);
    const slots = this.global && n === 0 ? new Int32Array(0) : groups.findOrAdd(keys, hashes, n);
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

    // 3. Remember each touched group's output before the change.
    const aggCount = this.calls.length;
    const oldPresent: boolean[] = new Array(touched.length);
    const oldValues: Scalar[] = new Array(touched.length * aggCount);
    for (let j = 0; j < touched.length; j++) {
      const s = touched[j]!;
      oldPresent[j] = this.global ? !firstGlobalStep : groups.counts[s]! > 0;
      if (oldPresent[j]) for (let a = 0; a < aggCount; a++) oldValues[j * aggCount + a] = this.accumulators[a]!.value(s);
    }

    // 4. Apply the batch.
    for (let i = 0; i < n; i++) groups.addCount(slots[i]!, input.weights[i]!);
    for (let a = 0; a < aggCount; a++) this.accumulators[a]!.update(slots, args[a]!, input.weights, n);

    // 5. Emit -old/+new for groups whose output changed.
    const outSlots: number[] = [];
    const outWeights: number[] = [];
    const outValues: Scalar[][] = this.calls.map(() => []);
    for (let j = 0; j < touched.length; j++) {
      const s = touched[j]!;
      const nowPresent = this.global || groups.counts[s]! > 0;
      const newValues: Scalar[] = [];
      if (nowPresent) for (let a = 0; a < aggCount; a++) newValues.push(this.accumulators[a]!.value(s));
      if (oldPresent[j] && nowPresent) {
        let same = true;
        for (let a = 0; a < aggCount && same; a++) same = sameScalar(oldValues[j * aggCount + a]!, newValues[a]!);
        if (same) continue;
      }
      if (oldPresent[j]) {
        outSlots.push(s);
        outWeights.push(-1);
        for (let a = 0; a < aggCount; a++) outValues[a]!.push(oldValues[j * aggCount + a]!);
      }
      if (nowPresent) {
        outSlots.push(s);
        outWeights.push(1);
        for (let a = 0; a < aggCount; a++) outValues[a]!.push(newValues[a]!);
      }
    }
    const slotIndex = Int32Array.from(outSlots);
    const keyColumns = groups.gather(slotIndex);
    const aggColumns = this.calls.map((c, a) => columnFromScalars(c.resultType, outValues[a]!));
    const output: ZBatch = {
      columns: [...keyColumns, ...aggColumns],
      weights: Int32Array.from(outWeights),
      length: outSlots.length,
    };
    if (!this.global && groups.wantsCompaction()) this.compact();
    return output;
  }

  private compact(): void {
    const remap = this.groups.compact();
    for (const acc of this.accumulators) acc.remap(remap, this.groups.size);
    this.touchedAt = new Int32Array(Math.max(64, this.groups.size));
    this.stepNumber = 0;
  }

  describe(): OperatorInfo {
    const keys = this.keyLabels.length === 0 ? '(global)' : this.keyLabels.join(', ');
    const calls = this.calls.map((c) => c.label).join(', ');
    const states = [...new Set(this.accumulators.map((a) => a.stateDescription))].join('; ');
    const hasExtreme = this.calls.some((c) => c.fn === 'min' || c.fn === 'max');
    return {
      name: 'Aggregate',
      detail: `group by ${keys}: ${calls}`,
      state: `per-group row count; ${states}`,
      cost: hasExtreme
        ? 'O(1) per changed row for counts and sums, O(log d) per changed row for MIN/MAX (d distinct values in the group)'
        : 'O(1) per changed row',
    };
  }

  stateSize(): number {
    return this.groups.live;
  }
}
