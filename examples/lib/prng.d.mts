// Types of prng.mjs for the TypeScript tests.
export declare class Prng {
  constructor(seed: number);
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  poisson(mean: number): number;
  normal(): number;
}
