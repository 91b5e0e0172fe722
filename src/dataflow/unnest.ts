// unnest(array) in a select list: each input row becomes one row per element,
// the other columns repeated. Several unnest() calls in one list run in
// lockstep, as in PostgreSQL 10+: a row yields as many rows as its longest
// array, shorter ones padded with NULL; a NULL or empty array yields nothing
// when it is the only one. Linear and stateless: a delta maps to a delta, in
// O(elements) per changed row.

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { explodeArrays } from '../expr/array-elements.js';
import type { Operator, OperatorInfo } from './operator.js';

export class UnnestOperator implements Operator {
  constructor(
    readonly outputTypes: readonly SqlType[],
    /** The input columns holding arrays; the output has their elements there. */
    private readonly arrayColumns: readonly number[],
    private readonly detail: string,
  ) {}

  step(input: ZBatch): ZBatch {
    const n = input.length;
    const exploded = this.arrayColumns.map((c) => explodeArrays(input.columns[c]!));
    const rows: number[] = [];
    const ordinal: number[] = [];
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (const e of exploded) k = Math.max(k, e.offsets[i + 1]! - e.offsets[i]!);
      for (let j = 0; j < k; j++) {
        rows.push(i);
        ordinal.push(j);
      }
    }
    const m = rows.length;
    const picked = Int32Array.from(rows);
    const columns: Column[] = input.columns.map((c, index) => {
      const a = this.arrayColumns.indexOf(index);
      if (a < 0) return gatherColumn(c, picked, m);
      // Element `ordinal` of the row's array, or NULL past its end.
      const e = exploded[a]!;
      const at = new Int32Array(m);
      let pad: Uint8Array | null = null;
      for (let r = 0; r < m; r++) {
        const i = rows[r]!;
        const pos = e.offsets[i]! + ordinal[r]!;
        if (pos < e.offsets[i + 1]!) at[r] = pos;
        else {
          pad ??= allValid(m);
          setNull(pad, r);
        }
      }
      const col = gatherColumn(e.elements, at, m);
      if (pad === null) return col;
      const validity = col.validity === null ? pad : col.validity.map((b, k) => b & pad![k]!);
      return { ...col, validity };
    });
    const weights = new Int32Array(m);
    for (let r = 0; r < m; r++) weights[r] = input.weights[rows[r]!]!;
    return { columns, weights, length: m };
  }

  describe(): OperatorInfo {
    return { name: 'Unnest', detail: this.detail, state: 'none', cost: 'O(elements) per changed row' };
  }

  stateSize(): number {
    return 0;
  }
}
