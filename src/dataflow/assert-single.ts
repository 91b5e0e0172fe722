// AssertSingle: passes its input through unchanged while checking that the
// accumulated input holds at most one row per key (a scalar subquery may not
// yield two values for one outer row). A change that would make a key hold
// two rows fails with 21000, before any state changes, so the commit that
// caused it is rolled back. State: a row count per key, O(1) per changed row.

import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { Operator, OperatorInfo } from './operator.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export class AssertSingleOperator implements Operator {
  private readonly counts: KeyedRows;

  constructor(
    readonly outputTypes: readonly SqlType[],
    private readonly keyColumns: readonly number[],
  ) {
    this.counts = new KeyedRows(keyColumns.map((k) => outputTypes[k]!), keyColumns.map((_, i) => i));
  }

  step(input: ZBatch): ZBatch {
    const n = input.length;
    if (n === 0) return input;
    const keys = this.keyColumns.map((k) => input.columns[k]!);
    const slots = this.counts.findOrAdd(keys, this.counts.hashKeys(keys, n), n);
    // Net change per key first: a batch may retract a key's row and add its replacement.
    const after = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      after.set(s, (after.get(s) ?? this.counts.counts[s]!) + input.weights[i]!);
    }
    for (const count of after.values()) {
      if (count > 1) {
        this.counts.release(after.keys());
        throw new EngineError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
      }
    }
    for (const [s, count] of after) this.counts.addCount(s, count - this.counts.counts[s]!);
    this.counts.release(after.keys());
    return input;
  }

  describe(): OperatorInfo {
    return { name: 'AssertSingle', detail: 'at most one row per outer value (scalar subquery)', state: 'a row count per key', cost: 'O(1) per changed row' };
  }

  stateSize(): number {
    return this.counts.live;
  }

  /** Checkpoints: the row count per key. */
  saveState(out: StateWriter): void {
    this.counts.saveState(out);
  }

  loadState(input: StateReader): void {
    this.counts.loadState(input);
  }
}
