// The INTERVAL value layout. PostgreSQL keeps an interval's months, days and
// microseconds apart ('1 month' added to a date respects month lengths), but
// compares, hashes and groups intervals by one span with 30-day months and
// 24-hour days ('1 month' = '30 days'). IntervalValues is therefore a
// Float64Array of spans — every generic reader (hashing, keyed stores, sorts,
// comparisons) sees plain doubles with PostgreSQL's ordering — carrying three
// typed arrays of the parts. Code that copies values must copy the parts too
// (copyInterval); derived typed arrays (subarray, slice) are plain Float64Arrays
// of spans, never IntervalValues missing their parts.

export const MICROS_PER_DAY_SPAN = 86_400_000_000;
const DAYS_PER_MONTH = 30;

/** The span PostgreSQL orders intervals by (its int128 interval_cmp_value), in µs; a double here. */
export function intervalSpan(months: number, days: number, micros: number): number {
  return (months * DAYS_PER_MONTH + days) * MICROS_PER_DAY_SPAN + micros;
}

export class IntervalValues extends Float64Array {
  // Derived arrays (subarray, slice, map) are plain Float64Arrays of spans.
  static get [Symbol.species](): Float64ArrayConstructor {
    return Float64Array;
  }

  readonly months: Int32Array;
  readonly days: Int32Array;
  readonly micros: Float64Array;

  /** `length` zeroed rows, or (with `shareWith`) a view of its first `length` rows sharing its storage. */
  constructor(length: number, shareWith?: IntervalValues) {
    if (shareWith === undefined) {
      super(length);
      this.months = new Int32Array(length);
      this.days = new Int32Array(length);
      this.micros = new Float64Array(length);
    } else {
      super(shareWith.buffer, shareWith.byteOffset, length);
      this.months = shareWith.months.subarray(0, length);
      this.days = shareWith.days.subarray(0, length);
      this.micros = shareWith.micros.subarray(0, length);
    }
  }
}

/** Writes one interval at row i (the span follows from the parts). */
export function setInterval(out: IntervalValues, i: number, months: number, days: number, micros: number): void {
  out.months[i] = months;
  out.days[i] = days;
  out.micros[i] = micros;
  out[i] = intervalSpan(months, days, micros);
}

/** Copies row `from` of `src` into row `to` of `dst`. */
export function copyInterval(dst: IntervalValues, to: number, src: IntervalValues, from: number): void {
  dst[to] = src[from]!;
  dst.months[to] = src.months[from]!;
  dst.days[to] = src.days[from]!;
  dst.micros[to] = src.micros[from]!;
}

/** Copies `count` rows of `src` starting at 0 into `dst` starting at `at`. */
export function copyIntervalRange(dst: IntervalValues, at: number, src: IntervalValues, count: number): void {
  dst.set(src.subarray(0, count), at);
  dst.months.set(src.months.subarray(0, count), at);
  dst.days.set(src.days.subarray(0, count), at);
  dst.micros.set(src.micros.subarray(0, count), at);
}

/** The first `length` rows of `src`, sharing its storage. */
export function intervalPrefix(src: IntervalValues, length: number): IntervalValues {
  return new IntervalValues(length, src);
}

export function isIntervalValues(v: unknown): v is IntervalValues {
  return v instanceof IntervalValues;
}
