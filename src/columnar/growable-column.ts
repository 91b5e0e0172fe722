// A column that grows in place: typed-array storage with doubling capacity and
// a validity bitmap. Used by stores (tables, view results, group keys) that
// append rows and overwrite them by slot.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column, ColumnValues } from './column.js';
import { allocValues, copyCell, makeColumn } from './column.js';
import { NumericValues } from './numeric-values.js';
import { allValid, isValid, setNull, setValid, validityBytes } from './validity.js';
import { IntervalValues, copyIntervalRange, intervalPrefix } from './interval-values.js';

const INITIAL_CAPACITY = 64;

export class GrowableColumn {
  values: ColumnValues;
  /** All bits start valid; NULL rows clear theirs. */
  validity: Uint8Array;
  hasNulls = false;
  capacity: number;

  constructor(readonly type: SqlType, capacity = INITIAL_CAPACITY) {
    this.capacity = Math.max(capacity, 8);
    this.values = allocValues(type, this.capacity);
    this.validity = allValid(this.capacity);
  }

  ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    let cap = this.capacity;
    while (cap < needed) cap *= 2;
    const old = this.values;
    if (old instanceof NumericValues) {
      const next = new NumericValues(cap);
      for (let i = 0; i < old.length; i++) next[i] = old[i]!;
      next.scales.set(old.scales);
      this.values = next;
    } else if (Array.isArray(old)) {
      const next = allocValues(this.type, cap) as string[];
      for (let i = 0; i < old.length; i++) next[i] = old[i]!;
      this.values = next;
    } else if (old instanceof IntervalValues) {
      const next = new IntervalValues(cap);
      copyIntervalRange(next, 0, old, old.length);
      this.values = next;
    } else {
      const next = allocValues(this.type, cap) as Float64Array;
      next.set(old as Float64Array);
      this.values = next;
    }
    const v = allValid(cap);
    v.set(this.validity);
    this.validity = v;
    this.capacity = cap;
  }

  /** Copies row `row` of `src` into slot `slot` (capacity must suffice). */
  setFrom(slot: number, src: Column, row: number): void {
    if (isValid(src.validity, row)) {
      // Interval parts and NUMERIC scales live beside the value: copy them too.
      copyCell(this.values, slot, src.values, row);
      setValid(this.validity, slot);
    } else {
      setNull(this.validity, slot);
      this.hasNulls = true;
      if (this.values instanceof NumericValues) this.values[slot] = 'o';
      else if (Array.isArray(this.values)) this.values[slot] = '';
    }
  }

  /** Copies rows 0..n-1 of `src` into slots at..at+n-1 (capacity must suffice): whole typed ranges at once. */
  setRange(at: number, src: Column, n: number): void {
    const dst = this.values;
    if (dst instanceof IntervalValues) copyIntervalRange(dst, at, src.values as IntervalValues, n);
    else if (dst instanceof NumericValues) {
      const from = src.values as NumericValues;
      for (let i = 0; i < n; i++) dst[at + i] = from[i]!;
      dst.scales.set(from.scales.subarray(0, n), at);
    } else if (Array.isArray(dst)) {
      const from = src.values as string[];
      for (let i = 0; i < n; i++) dst[at + i] = from[i]!;
    } else (dst as Float64Array).set((src.values as Float64Array).subarray(0, n), at);
    if (src.validity === null) {
      for (let i = 0; i < n; i++) setValid(this.validity, at + i);
      return;
    }
    // NULL rows of string-backed columns get the placeholders setFrom writes; typed arrays need only the bit.
    const placeholders = Array.isArray(dst);
    for (let i = 0; i < n; i++) {
      if (isValid(src.validity, i)) setValid(this.validity, at + i);
      else if (placeholders) this.setFrom(at + i, src, i);
      else {
        setNull(this.validity, at + i);
        this.hasNulls = true;
      }
    }
  }

  /**
   * Copies rows `rows[0..n)` of `src` into slots at..at+n-1 (capacity must
   * suffice). For performance: one typed-array copy when the rows are
   * consecutive (a batch of new rows, the common case of an insert), else
   * scatterFrom.
   */
  gatherFrom(at: number, src: Column, rows: Int32Array, n: number): void {
    if (n === 0) return;
    const first = rows[0]!;
    if (src.validity !== null || Array.isArray(this.values) || this.values instanceof IntervalValues || this.values instanceof NumericValues || rows[n - 1] !== first + n - 1 || !isRun(rows, n)) {
      const slots = new Int32Array(n);
      for (let j = 0; j < n; j++) slots[j] = at + j;
      this.scatterFrom(slots, src, rows, n);
      return;
    }
    (this.values as Float64Array).set((src.values as Float64Array).subarray(first, first + n), at);
    if (this.hasNulls) for (let j = 0; j < n; j++) setValid(this.validity, at + j);
  }

  /**
   * Copies row `rows[j]` of `src` into slot `slots[j]` for j < n (capacity
   * must suffice). For performance: one type test per column instead of one
   * per value as setFrom does.
   */
  scatterFrom(slots: Int32Array, src: Column, rows: Int32Array, n: number): void {
    const dst = this.values;
    if (dst instanceof IntervalValues || dst instanceof NumericValues) {
      for (let j = 0; j < n; j++) copyCell(dst, slots[j]!, src.values, rows[j]!);
    } else if (Array.isArray(dst)) {
      const from = src.values as string[];
      for (let j = 0; j < n; j++) dst[slots[j]!] = from[rows[j]!]!;
    } else {
      const from = src.values as Float64Array;
      const to = dst as Float64Array;
      for (let j = 0; j < n; j++) to[slots[j]!] = from[rows[j]!]!;
    }
    const validity = src.validity;
    if (validity === null) {
      if (this.hasNulls) for (let j = 0; j < n; j++) setValid(this.validity, slots[j]!);
      return;
    }
    for (let j = 0; j < n; j++) {
      const row = rows[j]!;
      if (isValid(validity, row)) setValid(this.validity, slots[j]!);
      else this.setFrom(slots[j]!, src, row);
    }
  }

  /**
   * Takes `col`'s arrays as this column's storage, replacing what it held,
   * with capacity `col.length` (at least 8): for state loaded from a
   * checkpoint, whose decoded arrays belong to no one else — no copy.
   */
  adopt(col: Column): void {
    assert(col.type === this.type && col.length >= 8 && col.values.length === col.length, 'adopt takes a column of this type and of its own length');
    this.values = col.values;
    this.validity = col.validity ?? allValid(col.length);
    this.hasNulls = col.validity !== null;
    this.capacity = col.length;
  }

  isNull(slot: number): boolean {
    return !isValid(this.validity, slot);
  }

  /** A read-only view of the first `length` rows (shares storage: do not keep
   *  it across later writes). */
  view(length: number): Column {
    // subarray of an interval store would be a bare Float64Array of spans.
    const values = Array.isArray(this.values)
      ? this.values
      : this.values instanceof IntervalValues
        ? intervalPrefix(this.values, length)
        : (this.values as Float64Array).subarray(0, length);
    const validity = this.hasNulls ? this.validity.subarray(0, validityBytes(length)) : null;
    return makeColumn(this.type, values, validity, length);
  }
}

/** True when rows[0..n) are consecutive: rows[j] = rows[0] + j. */
function isRun(rows: Int32Array, n: number): boolean {
  const first = rows[0]!;
  for (let j = 1; j < n; j++) if (rows[j] !== first + j) return false;
  return true;
}
