// The contract of a dataflow operator.
//
// An operator turns an input delta (a Z-set batch) into an output delta. The
// accumulated outputs must equal the non-incremental operator applied to the
// accumulated inputs (the DBSP property every operator's test checks).
//
// Contract:
// - `step` may throw an EngineError (division by zero, a bad cast) only BEFORE
//   it changes any state: it evaluates all expressions first, then mutates.
//   The scheduler relies on this to roll a failed commit back by replaying
//   negated inputs through the operators that did succeed.
// - Input weights may be any integer, including 0, and rows may repeat.
// - Output batches need not be consolidated.

import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { KeyedRows } from '../columnar/keyed-rows.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export interface OperatorInfo {
  /** e.g. 'Filter', 'Aggregate'. */
  readonly name: string;
  /** What it computes, in SQL-ish text. */
  readonly detail: string;
  /** The state it keeps ('none' for linear operators). */
  readonly state: string;
  /** Expected work per input change. */
  readonly cost: string;
}

/** Where an operator's state is: in memory or in scratch files (--state-memory). */
export interface StateMemory {
  readonly hotParts: number;
  /** Estimated bytes in memory. */
  readonly hotBytes: number;
  readonly coldParts: number;
  /** Bytes in scratch files. */
  readonly coldBytes: number;
}

/** What operators with state may also offer: their memory, and a release of files when their view goes. */
export interface StateOwner {
  /** Where the state is; absent for operators that do not measure it. */
  stateMemory?(): StateMemory | null;
  /** Deletes the scratch files the state holds (its view was dropped or replaced). */
  dispose?(): void;
  /**
   * For operators whose state holds every input row: that store (distinct
   * rows, count = accumulated multiplicity). An operator in parts
   * (partitioned-operator.ts) writes it out instead of keeping a copy.
   */
  inputRows?(): KeyedRows;
  /**
   * Checkpoints (circuit-state.ts): writes the state so that `loadState`,
   * called on a fresh operator lowered from the same plan, restores it —
   * exactly enough that every later step emits what this one would. May
   * throw StateUnsupported naming state it has no saved form for. Operators
   * without state (describe().state 'none') need neither method; a stateful
   * one without them keeps its view out of checkpoints (rebuilt at recovery).
   */
  saveState?(out: StateWriter): void;
  loadState?(input: StateReader): void;
  /**
   * For operators whose state is keyed and can be divided by key, so that
   * parts of it (partitioned-operator.ts) are written as the state itself:
   * its size in bytes (an estimate, cheap enough to ask after every step),
   * the row hashes of its keys, and a split that keeps only the keys whose
   * hash passes `keep`.
   */
  estimateBytes?(): number;
  keyHashes?(): { readonly slots: Int32Array; readonly hashes: Int32Array };
  retainKeys?(keep: (hash: number) => boolean): void;
}

export interface Operator extends StateOwner {
  readonly outputTypes: readonly SqlType[];
  step(input: ZBatch): ZBatch;
  describe(): OperatorInfo;
  /** Current state size in rows or groups, for EXPLAIN and metrics. */
  stateSize(): number;
}

/**
 * An operator with two inputs (joins, set operations). Both deltas of one
 * commit arrive in one call (either may be empty), so a self-join sees its
 * input change on both sides at once. Same contract as Operator: throw only
 * before changing state; the scheduler undoes a step by calling it again with
 * both inputs negated.
 */
export interface BinaryOperator extends StateOwner {
  readonly outputTypes: readonly SqlType[];
  stepBinary(left: ZBatch, right: ZBatch): ZBatch;
  describe(): OperatorInfo;
  stateSize(): number;
}
