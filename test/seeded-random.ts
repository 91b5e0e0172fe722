// A small seeded PRNG for the crash test (a 32-bit counter run through an
// integer mixer). Promises: the same seed gives the same sequence on every
// platform; `derive` gives independent streams (per round, per client), so a
// client's workload does not depend on how the other clients were scheduled.

const GOLDEN = 0x9e3779b9;

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

export class SeededRandom {
  private counter: number;

  constructor(seed: number) {
    this.counter = mix32(seed ^ GOLDEN);
  }

  /** A stream of its own for `labels` (e.g. round and client), fixed by this generator's seed. */
  static derive(seed: number, ...labels: number[]): SeededRandom {
    let h = mix32(seed);
    for (const label of labels) h = mix32(h ^ mix32(label + GOLDEN));
    return new SeededRandom(h);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.counter = (this.counter + GOLDEN) >>> 0;
    return mix32(this.counter) / 2 ** 32;
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index into `weights` with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}
