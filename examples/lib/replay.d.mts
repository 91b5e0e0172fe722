// Types of replay.mjs for the TypeScript tests.
export interface StreamEvent {
  /** Arrival time (epoch ms): when the event reaches the engine. */
  readonly at: number;
  readonly table: string;
  readonly row: Readonly<Record<string, unknown>>;
}
export interface ManualClock {
  now: number;
  readonly read: () => number;
}
export interface EngineLike {
  sqlAll(text: string): Promise<unknown>;
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<unknown>;
  tick(): Promise<void>;
}
export declare function manualClock(startMs: number): ManualClock;
export declare function loadSchema(engine: EngineLike, path: string): Promise<void>;
export declare function replay(
  engine: EngineLike,
  clock: ManualClock,
  events: readonly StreamEvent[],
  options: {
    readonly from: number;
    readonly until: number;
    readonly tickMs?: number;
    readonly onInsert?: (at: number, table: string, rows: readonly Record<string, unknown>[]) => void | Promise<void>;
    readonly onTick?: (t: number) => void | Promise<void>;
  },
): Promise<void>;
