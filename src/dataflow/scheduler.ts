// The scheduler: propagates one commit (the deltas of the tables one statement
// changed) through every dependent view, in creation order (a topological
// order: a view can only read what existed before it), and applies each
// view's output to its stored rows. All or nothing: if any operator fails, the
// operators and view stores that already took the commit are rolled back by
// replaying negated deltas (Z-set inverses), so readers never see a partial
// commit and state stays consistent. One successful commit = one LSN.

import type { ZBatch } from '../columnar/z-batch.js';
import { negateBatch } from '../columnar/z-batch.js';
import type { MaterializedRows } from './materialized-rows.js';
import type { Operator } from './operator.js';

export interface DataflowNode {
  /** The view this node maintains. */
  readonly name: string;
  /** The table or view it reads; null for a FROM-less query (no deltas after creation). */
  readonly input: string | null;
  /** A linear chain: the output of each feeds the next. */
  readonly operators: readonly Operator[];
  readonly sink: MaterializedRows;
}

type UndoEntry = { readonly op: Operator; readonly input: ZBatch } | { readonly sink: MaterializedRows; readonly delta: ZBatch };

/** Runs a batch through a chain of operators, logging what each accepted. */
export function runChain(operators: readonly Operator[], input: ZBatch, log?: UndoEntry[]): ZBatch {
  let current = input;
  for (const op of operators) {
    const out = op.step(current);
    log?.push({ op, input: current });
    current = out;
  }
  return current;
}

export class Scheduler {
  private readonly nodes: DataflowNode[] = [];
  /** The last committed log sequence number. */
  lsn = 0;

  add(node: DataflowNode): void {
    this.nodes.push(node);
  }

  remove(name: string): void {
    const i = this.nodes.findIndex((n) => n.name === name);
    if (i >= 0) this.nodes.splice(i, 1);
  }

  node(name: string): DataflowNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /**
   * Propagates `deltas` (relation name -> delta) through all views. On error,
   * undoes everything this call did and rethrows; the caller undoes its tables.
   * Returns each view's output delta.
   */
  propagate(deltas: ReadonlyMap<string, ZBatch>): Map<string, ZBatch> {
    const pending = new Map(deltas);
    const produced = new Map<string, ZBatch>();
    const log: UndoEntry[] = [];
    try {
      for (const node of this.nodes) {
        if (node.input === null) continue;
        const input = pending.get(node.input);
        if (input === undefined || input.length === 0) continue;
        const output = runChain(node.operators, input, log);
        node.sink.apply(output);
        log.push({ sink: node.sink, delta: output });
        pending.set(node.name, output);
        produced.set(node.name, output);
      }
    } catch (err) {
      for (let i = log.length - 1; i >= 0; i--) {
        const entry = log[i]!;
        if ('op' in entry) entry.op.step(negateBatch(entry.input));
        else entry.sink.apply(negateBatch(entry.delta));
      }
      throw err;
    }
    this.lsn++;
    return produced;
  }
}
