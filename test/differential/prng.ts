// A small seeded pseudo-random generator for the differential test: a Weyl
// sequence pushed through an avalanche mix, 32 bits at a time. Promises: the
// same seed yields the same stream on every platform, and `fork` gives an
// independent child stream so one generator's draws never shift another's.

export class Prng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so nearby seeds (S, S+1, ...) start far apart.
    this.state = mix32((seed >>> 0) ^ 0x5bd1e995);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick on an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Picks an item with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let r = this.float() * total;
    for (const [w, item] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('Prng.weighted on an empty list');
    return last[1];
  }

  /** A new generator seeded from this one's next draw. */
  fork(): Prng {
    return new Prng(this.nextU32());
  }
}

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
