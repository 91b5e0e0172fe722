// The contents of a materialized view: a Z-set of whole rows with their
// multiplicities, indexed by the full row so a delta lands in O(1) per row.
// Reads take a consistent snapshot (the scheduler never reads mid-commit).

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';

export class MaterializedRows {
  private rows: KeyedRows;

  constructor(readonly types: readonly SqlType[]) {
    this.rows = new KeyedRows(types, types.map((_, i) => i));
  }

  apply(delta: ZBatch): void {
    if (delta.length === 0) return;
    const slots = this.rows.findOrAdd(delta.columns, this.rows.hashKeys(delta.columns, delta.length), delta.length);
    for (let i = 0; i < delta.length; i++) this.rows.addCount(slots[i]!, delta.weights[i]!);
    // Rows whose multiplicity fell to zero leave the index; their slots are reused.
    this.rows.release(slots);
  }

  /** Every row with its multiplicity as the weight. */
  snapshot(): ZBatch {
    const live = this.rows.liveSlots();
    const weights = new Int32Array(live.length);
    for (let j = 0; j < live.length; j++) {
      const c = this.rows.counts[live[j]!]!;
      assert(c > 0, `view row with non-positive multiplicity ${c}: the dataflow retracted a row it never produced`);
      weights[j] = c;
    }
    return { columns: this.rows.gather(live), weights, length: live.length };
  }

  /** Distinct rows held (a row with multiplicity 3 counts once). */
  get distinctRows(): number {
    return this.rows.live;
  }
}
