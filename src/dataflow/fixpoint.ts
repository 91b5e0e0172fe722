// Fixpoint: a WITH RECURSIVE relation R = B ∪ S(R), maintained by iterating
// deltas to a fixed point. It owns two circuits: B (the non-recursive term)
// and S (the recursive term, whose source `recRelation` is R itself). A commit
// feeds the changes of every relation they read; then
//     dR_0 = admit(dB + dS(others changed, R unchanged))
//     dR_k+1 = admit(dS(R changed by dR_k))        until dR is empty
// and the view sees the sum of the dR_k. S's operators keep state across
// iterations and commits (a join in S holds R's rows on one side), so each
// iteration only does the work of the rows that just changed: semi-naive
// evaluation. `admit` is the identity for UNION ALL and, for UNION, a
// derivation count per row that lets a row in when its count becomes positive
// and out when it returns to zero.
//
// Deletions: under UNION ALL, retractions follow the same derivations back
// (exact, since UNION ALL only terminates on finite derivations). Under UNION
// a row on a cycle can keep deriving itself after its real support is gone,
// so a commit that retracts an input of a UNION recursion recomputes the
// fixed point from the relations' snapshots and emits the difference.
//
// Atomicity: every inner step is logged; on an error (including the
// iteration limit) the logged steps are undone before the error propagates.

import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, emptyBatch, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { Circuit, UndoEntry } from './circuit.js';
import { undoStep } from './circuit.js';
import type { OperatorInfo } from './operator.js';

const SINGLE_ROW: ZBatch = { columns: [], weights: Int32Array.of(1), length: 1 };

/** Iterations allowed per commit before the recursion is declared divergent. */
export const MAX_ITERATIONS = 10_000;

interface FixpointState {
  readonly base: Circuit;
  readonly step: Circuit;
  /** UNION only: derivation count per row; R is the rows with a positive count. */
  readonly counts: KeyedRows | null;
}

export type RelationInput = (relation: string | null) => ZBatch | undefined;

export class FixpointOperator {
  private state: FixpointState;

  constructor(
    readonly outputTypes: readonly SqlType[],
    /** Builds fresh B and S circuits (for a recomputation). */
    private readonly make: () => { base: Circuit; step: Circuit },
    /** The source name S reads R by. */
    private readonly recRelation: string,
    /** UNION (true) or UNION ALL (false). */
    private readonly distinct: boolean,
    private readonly name: string,
  ) {
    this.state = this.fresh();
  }

  private fresh(): FixpointState {
    const { base, step } = this.make();
    const counts = this.distinct ? new KeyedRows(this.outputTypes, this.outputTypes.map((_, i) => i)) : null;
    return { base, step, counts };
  }

  /** The relations B and S read (R excluded). */
  relations(): string[] {
    const out = new Set([...this.state.base.relations(), ...this.state.step.relations()]);
    out.delete(this.recRelation);
    return [...out];
  }

  /**
   * One commit. `snapshot` gives a relation's current contents (after the
   * commit); it is needed only when a UNION recursion sees a retraction.
   * Returns R's change and how to undo this step.
   */
  run(input: RelationInput, snapshot: ((relation: string) => ZBatch) | undefined): { readonly delta: ZBatch; readonly undo: () => void } {
    const retracts = this.relations().some((r) => {
      const d = input(r);
      return d !== undefined && d.weights.some((w) => w < 0);
    });
    if (this.distinct && retracts && snapshot !== undefined) return this.recompute(snapshot);
    const log: UndoEntry[] = [];
    const countLog: ZBatch[] = [];
    const undo = (): void => {
      for (let i = log.length - 1; i >= 0; i--) undoStep(log[i]!);
      for (let i = countLog.length - 1; i >= 0; i--) this.admit(this.state, negateBatch(countLog[i]!), null);
    };
    try {
      return { delta: this.iterate(this.state, input, log, countLog), undo };
    } catch (err) {
      undo();
      throw err;
    }
  }

  private iterate(state: FixpointState, input: RelationInput, log: UndoEntry[] | null, countLog: ZBatch[] | null): ZBatch {
    const others: RelationInput = (r) => (r === this.recRelation ? undefined : input(r));
    const dB = state.base.step(others, log ?? undefined);
    const dS = state.step.step(others, log ?? undefined);
    let frontier = this.admit(state, concatBatches(this.outputTypes, [dB, dS]), countLog);
    const total: ZBatch[] = [];
    let iterations = 0;
    while (frontier.length > 0) {
      total.push(frontier);
      if (++iterations > MAX_ITERATIONS) {
        throw new EngineError(
          SqlState.programLimitExceeded,
          `WITH RECURSIVE ${this.name} did not reach a fixed point within ${MAX_ITERATIONS} iterations (a UNION ALL recursion that never stops?)`,
        );
      }
      const changed = frontier;
      const next = state.step.step((r) => (r === this.recRelation ? changed : undefined), log ?? undefined);
      frontier = this.admit(state, next, countLog);
    }
    return concatBatches(this.outputTypes, total);
  }

  /** UNION: folds derivations into the counts and returns R's membership changes. */
  private admit(state: FixpointState, batch: ZBatch, countLog: ZBatch[] | null): ZBatch {
    const counts = state.counts;
    if (counts === null || batch.length === 0) return batch;
    countLog?.push(batch);
    const n = batch.length;
    const slots = counts.findOrAdd(batch.columns, counts.hashKeys(batch.columns, n), n);
    // Net change per row (a batch may derive one row several times).
    const before = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (!before.has(s)) before.set(s, counts.counts[s]!);
      counts.addCount(s, batch.weights[i]!);
    }
    const rows: number[] = [];
    const weights: number[] = [];
    const firstRow = new Map<number, number>();
    for (let i = 0; i < n; i++) if (!firstRow.has(slots[i]!)) firstRow.set(slots[i]!, i);
    for (const [s, old] of before) {
      const now = counts.counts[s]!;
      const change = (now > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
      if (change !== 0) {
        rows.push(firstRow.get(s)!);
        weights.push(change);
      }
    }
    counts.release(before.keys());
    const out = gatherBatch(batch, Int32Array.from(rows));
    out.weights.set(weights);
    return out;
  }

  /** Rebuilds R from snapshots and emits the difference from the old R. */
  private recompute(snapshot: (relation: string) => ZBatch): { readonly delta: ZBatch; readonly undo: () => void } {
    const old = this.state;
    const next = this.fresh();
    // From scratch: every relation in full, and the FROM-less single row once.
    this.iterate(next, (r) => (r === null ? SINGLE_ROW : snapshot(r)), null, null);
    const delta = concatBatches(this.outputTypes, [membershipMinus(next.counts!, old.counts!, 1), membershipMinus(old.counts!, next.counts!, -1)]);
    this.state = next;
    return { delta, undo: () => (this.state = old) };
  }

  describe(): OperatorInfo {
    return {
      name: 'Fixpoint',
      detail: `WITH RECURSIVE ${this.name} (${this.distinct ? 'UNION' : 'UNION ALL'})`,
      state: this.distinct ? "the recursive term's operator state and a derivation count per row of the result" : "the recursive term's operator state",
      cost: this.distinct
        ? 'insertions: O(rows newly derived) per iteration until no row changes; a retraction recomputes the fixed point'
        : 'O(rows whose derivations change) per iteration until no row changes',
    };
  }

  stateSize(): number {
    return this.state.counts?.live ?? 0;
  }
}

/** Rows with a positive count in `a` but not in `b`, with weight `sign`. */
function membershipMinus(a: KeyedRows, b: KeyedRows, sign: number): ZBatch {
  const live = a.liveSlots();
  const cols = a.gather(live);
  const found = b.find(cols, b.hashKeys(cols, live.length), live.length);
  const keep: number[] = [];
  for (let i = 0; i < live.length; i++) {
    const inA = a.counts[live[i]!]! > 0;
    const inB = found[i]! >= 0 && b.counts[found[i]!]! > 0;
    if (inA && !inB) keep.push(i);
  }
  const batch = gatherBatch({ columns: cols, weights: new Int32Array(live.length).fill(sign), length: live.length }, Int32Array.from(keep));
  return batch.length === 0 ? emptyBatch(a.types) : batch;
}
