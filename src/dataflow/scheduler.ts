// The scheduler: propagates one commit (the deltas of the tables one statement
// changed) through every dependent view, in creation order (a topological
// order: a view can only read what existed before it), and applies each
// view's output to its stored rows. All or nothing: if any operator fails, the
// operators and view stores that already took the commit are rolled back by
// replaying negated deltas (Z-set inverses), so readers never see a partial
// commit and state stays consistent. One successful commit = one LSN.
// Each commit also carries a clock time (µs, never decreasing): views with
// temporal filters step at it even when none of their inputs changed, so a
// tick (a commit with no table deltas) retracts and inserts rows on time.

import type { ZBatch } from '../columnar/z-batch.js';
import { negateBatch } from '../columnar/z-batch.js';
import type { Circuit, UndoEntry } from './circuit.js';
import { undoStep } from './circuit.js';
import type { MaterializedRows } from './materialized-rows.js';

export interface DataflowNode {
  /** The view this node maintains. */
  readonly name: string;
  /** The circuit computing the view's changes from its relations' changes. */
  readonly circuit: Circuit;
  /** The relations the circuit reads (none for a FROM-less query: no deltas after creation). */
  readonly relations: readonly string[];
  readonly sink: MaterializedRows;
}

/** Releases what a node holds outside the JS heap (its operators' and rows' scratch files); it is not stepped again. */
export function disposeNode(node: DataflowNode): void {
  node.circuit.dispose();
  node.sink.dispose();
}

type SchedulerUndo = UndoEntry | { readonly kind: 'sink'; readonly sink: MaterializedRows; readonly delta: ZBatch };

function undo(entry: SchedulerUndo): void {
  if (entry.kind === 'sink') entry.sink.apply(negateBatch(entry.delta));
  else undoStep(entry);
}

/** Sees every successful commit: the tables' deltas and the views' output deltas, and the commit's clock time. */
export type CommitTap = (changes: ReadonlyMap<string, ZBatch>, time: number) => void;

export class Scheduler {
  private readonly nodes: DataflowNode[] = [];
  /** Per node, the LSN of the last commit that stepped its circuit (absent: none since it was installed). */
  private readonly stepped = new WeakMap<DataflowNode, number>();
  /** Observers of commits (a view being built in the background buffers what its inputs receive meanwhile). */
  readonly taps = new Set<CommitTap>();
  /** The last committed log sequence number. */
  lsn = 0;
  /** The clock time of the last commit, µs since the epoch (-Infinity before any). */
  time = -Infinity;

  constructor(
    /** Relations' current contents, for operators that may recompute (a UNION recursion). */
    private readonly snapshot?: (relation: string) => ZBatch,
  ) {}

  add(node: DataflowNode): void {
    this.nodes.push(node);
  }

  /** Puts `node` in the place of the node of the same name (dependents stay after it). */
  replace(node: DataflowNode): void {
    const i = this.nodes.findIndex((n) => n.name === node.name);
    disposeNode(this.nodes[i]!);
    this.nodes[i] = node;
  }

  /** Position in the propagation order (-1 for a table or unknown name). */
  position(name: string): number {
    return this.nodes.findIndex((n) => n.name === name);
  }

  remove(name: string): void {
    const i = this.nodes.findIndex((n) => n.name === name);
    if (i >= 0) disposeNode(this.nodes.splice(i, 1)[0]!);
  }

  /** The LSN of the last commit that stepped `node`'s circuit; -1 when none has since it was installed (its state is as built). */
  lastStepped(node: DataflowNode): number {
    return this.stepped.get(node) ?? -1;
  }

  node(name: string): DataflowNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** True when a commit at clock time `now` (µs) would change some view even without table changes. */
  dueAt(now: number): boolean {
    const t = Math.max(this.time, now);
    return this.nodes.some((n) => n.circuit.dueAt(t));
  }

  /**
   * Propagates `deltas` (relation name -> delta) through all views at clock
   * time `now` (µs; an earlier time than the last commit's counts as that
   * one). On error, undoes everything this call did and rethrows; the caller
   * undoes its tables. Returns each view's output delta. `skip` names a
   * view whose change is given in `deltas` instead of computed (a view being
   * replaced: its dependents take the difference between its versions).
   */
  propagate(deltas: ReadonlyMap<string, ZBatch>, now: number = this.time, skip?: string): Map<string, ZBatch> {
    const t = Math.max(this.time, now);
    const pending = new Map(deltas);
    const produced = new Map<string, ZBatch>();
    const log: SchedulerUndo[] = [];
    const stepped: DataflowNode[] = [];
    try {
      for (const node of this.nodes) {
        if (node.name === skip) continue;
        if (!node.relations.some((r) => (pending.get(r)?.length ?? 0) > 0) && !node.circuit.dueAt(t)) continue;
        stepped.push(node);
        const output = node.circuit.step((r) => {
          const d = r === null ? undefined : pending.get(r);
          return d !== undefined && d.length > 0 ? d : undefined;
        }, log, this.snapshot, t);
        node.sink.apply(output);
        log.push({ kind: 'sink', sink: node.sink, delta: output });
        pending.set(node.name, output);
        produced.set(node.name, output);
      }
    } catch (err) {
      for (let i = log.length - 1; i >= 0; i--) undo(log[i]!);
      // Undone means the same rows, not the same layout (slots, the parts' pass order): count it as a step.
      for (const node of stepped) this.stepped.set(node, this.lsn + 1);
      throw err;
    }
    this.lsn++;
    this.time = t;
    for (const node of stepped) this.stepped.set(node, this.lsn);
    if (this.taps.size > 0) {
      const all = new Map([...deltas, ...produced]);
      for (const tap of this.taps) tap(all, t);
    }
    return produced;
  }
}
