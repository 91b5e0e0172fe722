// An ordered multiset of numbers or strings with signed counts: the state
// behind MIN and MAX with retraction. Deleting the current minimum simply
// exposes the next value: no rescan of the group's rows.
// Distinct values live in a sorted array (binary search + splice): O(log d)
// to find, O(d) memmove to insert or remove a distinct value, d the distinct
// values in the group. Counts may go transiently negative inside one batch
// (a retraction can precede its insertion in an unconsolidated batch).

import { compareDoubles } from '../expr/functions/comparison.js';

export class SortedMultiset<T extends number | string> {
  private readonly values: T[] = [];
  private readonly counts: number[] = [];

  private search(v: T): number {
    let lo = 0;
    let hi = this.values.length;
    const numeric = typeof v === 'number';
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.values[mid]!;
      const c = numeric ? compareDoubles(m as number, v as number) : m < v ? -1 : m > v ? 1 : 0;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(v: T, weight: number): void {
    const at = this.search(v);
    const existing = this.values[at];
    if (at < this.values.length && (existing === v || (existing !== existing && v !== v))) {
      const c = this.counts[at]! + weight;
      if (c === 0) {
        this.values.splice(at, 1);
        this.counts.splice(at, 1);
      } else this.counts[at] = c;
    } else if (weight !== 0) {
      this.values.splice(at, 0, v);
      this.counts.splice(at, 0, weight);
    }
  }

  /** The smallest value with a positive count, or undefined. */
  min(): T | undefined {
    for (let i = 0; i < this.values.length; i++) if (this.counts[i]! > 0) return this.values[i];
    return undefined;
  }

  max(): T | undefined {
    for (let i = this.values.length - 1; i >= 0; i--) if (this.counts[i]! > 0) return this.values[i];
    return undefined;
  }

  get distinctSize(): number {
    return this.values.length;
  }
}
