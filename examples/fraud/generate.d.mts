// Types of generate.mjs for the TypeScript tests.
import type { StreamEvent } from '../lib/replay.mjs';
export declare const DEFAULT_START: number;
export interface PlantedCase {
  readonly name: string;
  readonly account: string;
  readonly transferAt: number;
  /** Whether the account must end with a flagged transfer. */
  readonly flagged: boolean;
  readonly what: string;
}
export declare function generate(options?: { seed?: number; start?: number; minutes?: number }): {
  start: number;
  end: number;
  events: StreamEvent[];
  planted: PlantedCase[];
};
