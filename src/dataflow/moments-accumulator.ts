// stddev_samp / stddev_pop / var_samp / var_pop (and the aliases stddev,
// variance) per group from sufficient statistics: the count n, Σx and Σx².
// Σx and Σx² are kept in double-double arithmetic (an unevaluated sum hi + lo
// of two doubles, ~106 bits), with x² formed exactly, so deleting rows cancels
// what inserting them added to within ~2^-100 of the largest partial sums:
// churn does not accumulate error, and var = (Σx² - (Σx)²/n) / (n or n-1) is
// then taken in double-double as well. O(1) per changed row. NaN and ±Infinity
// are counted aside (as in SumAccumulator) and make the result NaN, as in
// PostgreSQL. NULL for an empty group, and for the sample forms when n < 2.

import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import { assert } from '../common/assert.js';
import type { GroupAccumulator } from './accumulators.js';
import { StridedState } from './strided-state.js';

export const MomentFunctions = ['stddev_samp', 'stddev_pop', 'var_samp', 'var_pop'] as const;
export type MomentFunction = (typeof MomentFunctions)[number];

/** Per group: [n, Σx hi, Σx lo, Σx² hi, Σx² lo, count of NaN/±Infinity inputs]. */
const STRIDE = 6;
/** Dekker's splitting constant 2^27 + 1: splits a double into two 26-bit halves. */
const SPLITTER = 134217729;

// For performance: the double-double helpers return their pair through these
// module variables instead of allocating a tuple per row.
let rHi = 0;
let rLo = 0;

/** (rHi, rLo) = a * b exactly (Dekker's product; |a*b| well below overflow). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  rHi = p;
  rLo = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** (rHi, rLo) = (aHi + aLo) + (bHi + bLo), normalized. */
function ddAdd(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const s = aHi + bHi;
  const v = s - aHi;
  const e = aHi - (s - v) + (bHi - v) + aLo + bLo;
  rHi = s + e;
  rLo = e - (rHi - s);
}

/** (rHi, rLo) = (aHi + aLo) * b. */
function ddMulD(aHi: number, aLo: number, b: number): void {
  twoProduct(aHi, b);
  const hi = rHi;
  const lo = rLo + aLo * b;
  rHi = hi + lo;
  rLo = lo - (rHi - hi);
}

/** (rHi, rLo) = (aHi + aLo) / b. */
function ddDivD(aHi: number, aLo: number, b: number): void {
  const q1 = aHi / b;
  twoProduct(q1, b);
  const remHi = aHi - rHi;
  const q2 = (remHi - rLo + aLo) / b;
  rHi = q1 + q2;
  rLo = q2 - (rHi - q1);
}

export class MomentsAccumulator extends StridedState implements GroupAccumulator {
  protected readonly stride = STRIDE;
  protected state = new Float64Array(64 * STRIDE);
  readonly stateDescription = 'count, Σx and Σx² in double-double (exact cancellation on delete)';
  private readonly sample: boolean;
  private readonly root: boolean;

  constructor(fn: MomentFunction) {
    super();
    this.sample = fn === 'stddev_samp' || fn === 'var_samp';
    this.root = fn === 'stddev_samp' || fn === 'stddev_pop';
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'variance and stddev need an argument');
    if (this.state.length < slotCount * STRIDE) {
      let cap = this.state.length / STRIDE;
      while (cap < slotCount) cap *= 2;
      const next = new Float64Array(cap * STRIDE);
      next.set(this.state);
      this.state = next;
    }
    const state = this.state;
    const values = col.values as ArrayLike<number>;
    const validity = col.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      const w = weights[i]!;
      if (w === 0) continue;
      const at = slots[i]! * STRIDE;
      const x = values[i]!;
      state[at]! += w;
      if (x - x !== 0) {
        state[at + 5]! += w;
        continue;
      }
      // Σx += w·x and Σx² += w·x², each product exact as a double-double.
      twoProduct(x, w);
      ddAdd(state[at + 1]!, state[at + 2]!, rHi, rLo);
      state[at + 1] = rHi;
      state[at + 2] = rLo;
      twoProduct(x, x);
      ddMulD(rHi, rLo, w);
      ddAdd(state[at + 3]!, state[at + 4]!, rHi, rLo);
      state[at + 3] = rHi;
      state[at + 4] = rLo;
      if (state[at] === 0) {
        // An empty group restarts from exact zeros (drops any residue).
        state[at + 1] = state[at + 2] = state[at + 3] = state[at + 4] = 0;
      }
    }
  }

  read(slots: Int32Array): Column {
    const m = slots.length;
    const out = new Float64Array(m);
    let validity: Uint8Array | null = null;
    const state = this.state;
    for (let j = 0; j < m; j++) {
      const at = slots[j]! * STRIDE;
      const count = at < state.length ? state[at]! : 0;
      if (count <= 0 || (this.sample && count < 2)) {
        validity ??= allValid(m);
        setNull(validity, j);
        continue;
      }
      if (state[at + 5]! !== 0) {
        out[j] = NaN;
        continue;
      }
      // m2 = Σx² - (Σx)²/n, all in double-double ((hi + lo)² ≈ hi² + 2·hi·lo).
      const sHi = state[at + 1]!;
      const sLo = state[at + 2]!;
      twoProduct(sHi, sHi);
      ddAdd(rHi, 0, rLo + 2 * sHi * sLo, 0);
      ddDivD(rHi, rLo, count);
      ddAdd(state[at + 3]!, state[at + 4]!, -rHi, -rLo);
      // Rounding can leave a tiny negative residue where the true value is 0.
      if (rHi < 0 || (rHi === 0 && rLo <= 0)) {
        out[j] = 0;
        continue;
      }
      // Divide and take the root in double-double too, so the result is the
      // correctly rounded value of the exact statistic (up to ties).
      ddDivD(rHi, rLo, this.sample ? count - 1 : count);
      if (!this.root) {
        out[j] = rHi + rLo;
        continue;
      }
      const vHi = rHi;
      const vLo = rLo;
      const s = Math.sqrt(vHi);
      // One Newton step on s² = v: s + (v - s²) / 2s, with s² exact.
      twoProduct(s, s);
      out[j] = s + (vHi - rHi - rLo + vLo) / (2 * s);
    }
    return makeColumn('double', out, validity, m);
  }

  remap(remap: Int32Array, newSize: number): void {
    const next = new Float64Array(Math.max(newSize, 64) * STRIDE);
    for (let s = 0; s < remap.length; s++) {
      const to = remap[s]!;
      if (to < 0 || s * STRIDE >= this.state.length) continue;
      for (let k = 0; k < STRIDE; k++) next[to * STRIDE + k] = this.state[s * STRIDE + k]!;
    }
    this.state = next;
  }
}
