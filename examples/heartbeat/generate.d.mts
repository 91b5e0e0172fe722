// Types of generate.mjs for the TypeScript tests.
import type { StreamEvent } from '../lib/replay.mjs';
export declare const DEFAULT_START: number;
export declare function generate(options?: { seed?: number; start?: number; minutes?: number }): {
  start: number;
  end: number;
  events: StreamEvent[];
  planted: { sensor: string; what: string }[];
};
