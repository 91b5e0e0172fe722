// A binary min-heap of (time, slot) pairs in typed arrays: how state cleanup
// finds the groups or rows whose time has closed without scanning all state.
// Entries may go stale (their slot was freed or reused); the owner rechecks a
// popped slot against its current contents. No per-entry objects.

import type { StateReader, StateWriter } from '../storage/state-codec.js';

export class ExpiryHeap {
  private times = new Float64Array(64);
  private slots = new Int32Array(64);
  length = 0;

  /** Checkpoints: the entries in heap order. */
  saveState(out: StateWriter): void {
    out.f64(this.times.subarray(0, this.length));
    out.i32(this.slots.subarray(0, this.length));
  }

  loadState(input: StateReader): void {
    const times = input.f64();
    const slots = input.i32();
    input.check(times.length === slots.length, 'an expiry heap of another shape');
    this.length = times.length;
    this.times = new Float64Array(Math.max(64, times.length));
    this.times.set(times);
    this.slots = new Int32Array(Math.max(64, slots.length));
    this.slots.set(slots);
  }

  push(time: number, slot: number): void {
    if (this.length === this.times.length) {
      const times = new Float64Array(this.length * 2);
      times.set(this.times);
      this.times = times;
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
    }
    let i = this.length++;
    // Sift up: move parents down until the new entry's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= time) break;
      this.times[i] = this.times[parent]!;
      this.slots[i] = this.slots[parent]!;
      i = parent;
    }
    this.times[i] = time;
    this.slots[i] = slot;
  }

  /** The smallest time held (Infinity when empty). */
  minTime(): number {
    return this.length === 0 ? Infinity : this.times[0]!;
  }

  /** The slot of the smallest entry; call only when not empty. */
  minSlot(): number {
    return this.slots[0]!;
  }

  /** Removes the smallest entry. */
  pop(): void {
    const n = --this.length;
    if (n === 0) return;
    const time = this.times[n]!;
    const slot = this.slots[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.times[r]! < this.times[l]! ? r : l;
      if (this.times[c]! >= time) break;
      this.times[i] = this.times[c]!;
      this.slots[i] = this.slots[c]!;
      i = c;
    }
    this.times[i] = time;
    this.slots[i] = slot;
  }

  clear(): void {
    this.length = 0;
  }
}
