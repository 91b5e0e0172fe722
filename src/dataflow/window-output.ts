// Collects a window operator's output delta row by row — a row-store slot,
// a weight and one value per window call — in growable typed arrays, then
// builds the ZBatch columns once (input columns gathered by slot).

import { isStringBacked } from '../common/sql-type.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';

const INITIAL = 64;

export class WindowOutputBuilder {
  private slots = new Int32Array(INITIAL);
  private weights = new Int32Array(INITIAL);
  private nums: Float64Array[];
  private texts: string[][];
  private nulls: Uint8Array[];
  length = 0;

  constructor(private readonly callTypes: readonly SqlType[]) {
    this.nums = callTypes.map(() => new Float64Array(INITIAL));
    this.texts = callTypes.map(() => []);
    this.nulls = callTypes.map(() => new Uint8Array(INITIAL));
  }

  private reserve(): number {
    const i = this.length;
    if (i === this.slots.length) {
      const cap = i * 2;
      const s = new Int32Array(cap); s.set(this.slots); this.slots = s;
      const w = new Int32Array(cap); w.set(this.weights); this.weights = w;
      this.nums = this.nums.map((a) => { const b = new Float64Array(cap); b.set(a); return b; });
      this.nulls = this.nulls.map((a) => { const b = new Uint8Array(cap); b.set(a); return b; });
    }
    this.length = i + 1;
    return i;
  }

  /** Appends a row whose call values sit at index `at` of per-call arrays (stored outputs). */
  pushStored(slot: number, weight: number, num: readonly Float64Array[], text: readonly string[][], isNull: readonly Uint8Array[], at: number): void {
    const i = this.reserve();
    this.slots[i] = slot;
    this.weights[i] = weight;
    for (let c = 0; c < this.callTypes.length; c++) {
      const n = isNull[c]![at]!;
      this.nulls[c]![i] = n;
      if (isStringBacked(this.callTypes[c]!)) this.texts[c]![i] = n === 1 ? '' : text[c]![at]!;
      else this.nums[c]![i] = n === 1 ? 0 : num[c]![at]!;
    }
  }

  /** Appends a row whose call values are one per call (a freshly computed row). */
  pushFresh(slot: number, weight: number, num: Float64Array, text: readonly string[], isNull: Uint8Array): void {
    const i = this.reserve();
    this.slots[i] = slot;
    this.weights[i] = weight;
    for (let c = 0; c < this.callTypes.length; c++) {
      const n = isNull[c]!;
      this.nulls[c]![i] = n;
      if (isStringBacked(this.callTypes[c]!)) this.texts[c]![i] = n === 1 ? '' : text[c]!;
      else this.nums[c]![i] = n === 1 ? 0 : num[c]!;
    }
  }

  /** The batch: the stored input rows followed by the call columns. Call before slots are released. */
  build(rows: KeyedRows, outputTypes: readonly SqlType[]): ZBatch {
    const n = this.length;
    if (n === 0) return emptyBatch(outputTypes);
    const columns: Column[] = rows.gather(this.slots.subarray(0, n));
    this.callTypes.forEach((type, c) => {
      const nulls = this.nulls[c]!;
      let validity: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        if (nulls[i] === 1) {
          validity ??= allValid(n);
          setNull(validity, i);
        }
      }
      const nums = this.nums[c]!;
      let values: Column['values'];
      // A NUMERIC result comes back as keys only: it prints at each value's natural scale.
      if (isStringBacked(type)) values = this.texts[c]!.slice(0, n);
      else switch (type) {
        case 'integer': case 'date': values = Int32Array.from(nums.subarray(0, n)); break;
        case 'boolean': values = Uint8Array.from(nums.subarray(0, n)); break;
        default: values = nums.slice(0, n);
      }
      columns.push(makeColumn(type, values, validity, n));
    });
    return { columns, weights: this.weights.slice(0, n), length: n };
  }
}
