// SUM and AVG over NUMERIC, exact under retraction. Per group: the sum as a
// BigInt mantissa at the accumulator's working scale (the largest display
// scale seen so far; all sums are rescaled when a larger one arrives), the
// non-NULL count, counts of NaN/±Infinity inputs (summed by count, never
// added in, so they can be retracted), and per display scale the number of
// live inputs with it: PostgreSQL's sum prints at the largest scale among its
// inputs, so that scale must fall back when its last input is deleted.
// Work: O(1) BigInt additions per changed row; a read walks the few distinct scales.

import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import {
  NUMERIC_KEY_NAN,
  NUMERIC_KEY_NEG_INF,
  NUMERIC_KEY_POS_INF,
  NumericValues,
  decimalFromKey,
  isSpecialKey,
  numericScaleAt,
  pow10,
} from '../columnar/numeric-values.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import { divDecimal, roundDecimal } from '../expr/decimal.js';
import { setDecimal } from '../expr/functions/numeric-functions.js';
import type { GroupAccumulator } from './accumulators.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export class DecimalSumAccumulator implements GroupAccumulator {
  /** Per group: sum × 10^workScale. */
  private sums: bigint[] = [];
  private counts: Float64Array = new Float64Array(64);
  /** Per group: [NaN, +Infinity, -Infinity] input counts. */
  private specials: Float64Array = new Float64Array(64 * 3);
  /** display scale -> per-group count of live inputs with that scale. */
  private readonly scaleCounts = new Map<number, Float64Array>();
  private workScale = 0;
  readonly stateDescription: string;

  constructor(private readonly average: boolean) {
    this.stateDescription = average ? 'exact sum, count and input scales' : 'exact sum, non-null count and input scales';
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'SUM/AVG need an argument');
    this.grow(slotCount);
    const keys = col.values as string[];
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      const g = slots[i]!;
      const w = weights[i]!;
      if (w === 0) continue;
      this.counts[g]! += w;
      const key = keys[i]!;
      if (isSpecialKey(key)) {
        this.specials[g * 3 + (key === NUMERIC_KEY_NAN ? 0 : key === NUMERIC_KEY_POS_INF ? 1 : 2)]! += w;
        continue;
      }
      const d = decimalFromKey(key, numericScaleAt(keys, i));
      if (d.scale > this.workScale) this.raiseWorkScale(d.scale);
      this.sums[g] = (this.sums[g] ?? 0n) + d.m * pow10(this.workScale - d.scale) * BigInt(w);
      let perGroup = this.scaleCounts.get(d.scale);
      if (perGroup === undefined) {
        perGroup = new Float64Array(this.counts.length);
        this.scaleCounts.set(d.scale, perGroup);
      }
      perGroup[g]! += w;
    }
  }

  private raiseWorkScale(scale: number): void {
    const factor = pow10(scale - this.workScale);
    for (let g = 0; g < this.sums.length; g++) if (this.sums[g] !== undefined) this.sums[g]! *= factor;
    this.workScale = scale;
  }

  private grow(slotCount: number): void {
    if (slotCount <= this.counts.length) return;
    let cap = this.counts.length;
    while (cap < slotCount) cap *= 2;
    const grow = (a: Float64Array, stride: number): Float64Array => {
      const next = new Float64Array(cap * stride);
      next.set(a);
      return next;
    };
    this.counts = grow(this.counts, 1);
    this.specials = grow(this.specials, 3);
    for (const [s, a] of this.scaleCounts) this.scaleCounts.set(s, grow(a, 1));
  }

  /** The display scale of group g's sum: the largest scale among its live finite inputs. */
  private displayScale(g: number): number {
    let best = 0;
    for (const [s, a] of this.scaleCounts) if (s > best && (a[g] ?? 0) !== 0) best = s;
    return best;
  }

  read(slots: Int32Array): Column {
    const n = slots.length;
    const out = new NumericValues(n);
    let validity: Uint8Array | null = null;
    for (let j = 0; j < n; j++) {
      const g = slots[j]!;
      const count = this.counts[g] ?? 0;
      if (count === 0) {
        validity ??= allValid(n);
        setNull(validity, j);
        continue;
      }
      const nan = this.specials[g * 3]! !== 0;
      const pos = this.specials[g * 3 + 1]! !== 0;
      const neg = this.specials[g * 3 + 2]! !== 0;
      if (nan || pos || neg) {
        out[j] = nan || (pos && neg) ? NUMERIC_KEY_NAN : pos ? NUMERIC_KEY_POS_INF : NUMERIC_KEY_NEG_INF;
        continue;
      }
      // Exact: the working scale is at least every input's scale, so the rounding only drops zeros.
      const sum = roundDecimal({ m: this.sums[g] ?? 0n, scale: this.workScale }, this.displayScale(g));
      setDecimal(out, j, this.average ? divDecimal(sum, { m: BigInt(count), scale: 0 }) : sum);
    }
    return makeColumn('numeric', out, validity, n);
  }

  saveState(out: StateWriter): void {
    out.number(this.workScale);
    // Sparse: a group that never summed a finite value has no entry.
    out.json(Array.from({ length: this.sums.length }, (_, g) => this.sums[g]?.toString() ?? null));
    out.f64(this.counts);
    out.f64(this.specials);
    out.json([...this.scaleCounts.keys()]);
    for (const a of this.scaleCounts.values()) out.f64(a);
  }

  estimateBytes(): number {
    return this.counts.byteLength + this.specials.byteLength + this.scaleCounts.size * this.counts.byteLength + this.sums.length * 40;
  }

  loadState(input: StateReader): void {
    this.workScale = input.number();
    const sums = input.json<(string | null)[]>();
    this.sums = [];
    sums.forEach((s, g) => {
      if (s !== null) this.sums[g] = BigInt(s);
    });
    this.counts = input.f64();
    this.specials = input.f64();
    input.check(this.specials.length === this.counts.length * 3, 'a NUMERIC sum of another shape');
    this.scaleCounts.clear();
    for (const scale of input.json<number[]>()) this.scaleCounts.set(scale, input.f64());
  }

  remap(remap: Int32Array, newSize: number): void {
    const cap = Math.max(newSize, 64);
    const sums: bigint[] = [];
    const counts = new Float64Array(cap);
    const specials = new Float64Array(cap * 3);
    const scaleCounts = new Map<number, Float64Array>();
    for (const s of this.scaleCounts.keys()) scaleCounts.set(s, new Float64Array(cap));
    for (let g = 0; g < remap.length; g++) {
      const to = remap[g]!;
      if (to < 0) continue;
      if (this.sums[g] !== undefined) sums[to] = this.sums[g]!;
      counts[to] = this.counts[g] ?? 0;
      for (let k = 0; k < 3; k++) specials[to * 3 + k] = this.specials[g * 3 + k] ?? 0;
      for (const [s, a] of this.scaleCounts) scaleCounts.get(s)![to] = a[g] ?? 0;
    }
    this.sums = sums;
    this.counts = counts;
    this.specials = specials;
    this.scaleCounts.clear();
    for (const [s, a] of scaleCounts) this.scaleCounts.set(s, a);
  }
}
