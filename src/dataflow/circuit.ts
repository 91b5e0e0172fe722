// A circuit: the dataflow graph that maintains one view (or answers one
// one-shot query). Nodes are kept in topological order (every node reads only
// earlier nodes), so a step is one pass: each node turns its inputs' deltas
// into its own delta, and the last node's delta is the view's change. Sources
// are relations (tables or views), possibly repeated (a self-join reads one
// relation twice and sees its delta on both sides in the same step).
// Nodes whose inputs did not change are skipped, except temporal filters
// whose rows flip by the step's clock time: a circuit holding one steps even
// when no input changed (see dueAt).

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, emptyBatch, negateBatch } from '../columnar/z-batch.js';
import type { FixpointOperator } from './fixpoint.js';
import type { BinaryOperator, Operator, StateMemory } from './operator.js';
import type { TemporalFilterOperator } from './temporal-filter.js';

/**
 * A stateful node's state cleanup (derived by plan/state-bounds.ts for views):
 * `text` says for EXPLAIN which state is dropped when, or why none can be;
 * `evict`, run after each step of the node, drops state no future change can
 * reach and returns how to put it back (null: nothing dropped).
 */
export interface NodeCleanup {
  readonly text: string;
  readonly evict?: () => (() => void) | null;
}

export type CircuitNode =
  /** A relation's delta; relation null is the single FROM-less row. */
  | { readonly kind: 'source'; readonly relation: string | null; readonly types: readonly SqlType[] }
  | { readonly kind: 'unary'; readonly op: Operator; readonly input: number; readonly cleanup?: NodeCleanup }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: number; readonly right: number; readonly cleanup?: NodeCleanup }
  /** UNION ALL: the inputs' deltas concatenated (linear, no state). */
  | { readonly kind: 'union'; readonly inputs: readonly number[]; readonly types: readonly SqlType[] }
  /** A WITH RECURSIVE relation: reads relations itself (fixpoint.ts). */
  | { readonly kind: 'fixpoint'; readonly op: FixpointOperator }
  /**
   * A filter on now(): changes with its input and with the clock (temporal-filter.ts).
   * With `time`, the filter follows that instant instead of the clock: EMIT ON
   * WINDOW CLOSE follows a table's close point (watermark minus lateness).
   */
  | { readonly kind: 'temporal'; readonly op: TemporalFilterOperator; readonly input: number; readonly time?: () => number };

/** What one step did, so a failed commit can be undone by replaying negated inputs. */
export type UndoEntry =
  | { readonly kind: 'unary'; readonly op: Operator; readonly input: ZBatch }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: ZBatch; readonly right: ZBatch }
  | { readonly kind: 'custom'; readonly undo: () => void };

/** Undoes one logged step: replays its inputs negated (Z-set inverses). */
export function undoStep(entry: UndoEntry): void {
  switch (entry.kind) {
    case 'unary':
      entry.op.step(negateBatch(entry.input));
      return;
    case 'binary':
      entry.op.stepBinary(negateBatch(entry.left), negateBatch(entry.right));
      return;
    case 'custom':
      entry.undo();
      return;
  }
}

/**
 * The state each stateful node of a circuit holds now: its operator's name,
 * entries (rows, groups) and, for operators that measure it, the bytes in
 * memory and in scratch files.
 */
export function circuitState(circuit: Circuit): { readonly operator: string; readonly entries: number; readonly memory?: StateMemory }[] {
  const out: { operator: string; entries: number; memory?: StateMemory }[] = [];
  for (const node of circuit.nodes) {
    if (node.kind === 'source' || node.kind === 'union') continue;
    const info = node.op.describe();
    if (info.state === 'none') continue;
    const memory = node.kind === 'unary' || node.kind === 'binary' ? (node.op.stateMemory?.() ?? null) : null;
    out.push({ operator: info.name, entries: node.op.stateSize(), ...(memory === null ? {} : { memory }) });
  }
  return out;
}

/** Runs a node's state cleanup after its step; the undo goes after the step's in the log, so a rollback restores the state before replaying the step negated. */
function evictAfterStep(cleanup: NodeCleanup | undefined, log: { push(entry: UndoEntry): unknown } | undefined): void {
  const undo = cleanup?.evict?.() ?? null;
  if (undo !== null) log?.push({ kind: 'custom', undo });
}

export function nodeTypes(node: CircuitNode): readonly SqlType[] {
  return node.kind === 'source' || node.kind === 'union' ? node.types : node.op.outputTypes;
}

export class Circuit {
  readonly nodes: CircuitNode[] = [];
  /** The temporal filters among the nodes. */
  private readonly temporal: Extract<CircuitNode, { kind: 'temporal' }>[] = [];

  add(node: CircuitNode): number {
    const index = this.nodes.length;
    if (node.kind === 'unary' || node.kind === 'temporal') assert(node.input < index, 'circuit input must precede its reader');
    if (node.kind === 'temporal') this.temporal.push(node);
    if (node.kind === 'binary') assert(node.left < index && node.right < index, 'circuit inputs must precede their reader');
    this.nodes.push(node);
    return index;
  }

  /** Releases what the operators hold outside the JS heap (scratch files of spilled state); the circuit is not stepped again. */
  dispose(): void {
    for (const n of this.nodes) if (n.kind === 'unary' || n.kind === 'binary') n.op.dispose?.();
  }

  /** Relations the circuit reads (deduplicated, in first-read order). */
  relations(): string[] {
    const out: string[] = [];
    for (const n of this.nodes) {
      const read = n.kind === 'source' ? (n.relation === null ? [] : [n.relation]) : n.kind === 'fixpoint' ? n.op.relations() : [];
      for (const r of read) if (!out.includes(r)) out.push(r);
    }
    return out;
  }

  /** True when a step at clock time `now` (µs) changes some temporal filter's output without any input change. */
  dueAt(now: number): boolean {
    for (const node of this.temporal) if (node.op.nextChange() <= (node.time?.() ?? now)) return true;
    return false;
  }

  get outputTypes(): readonly SqlType[] {
    return nodeTypes(this.nodes[this.nodes.length - 1]!);
  }

  /**
   * One step: `input(relation)` gives each source's delta (undefined for no
   * change; an empty batch still steps the operators reading it). Returns the output delta. Operators append to `log` what
   * they accepted, in order. `now` is the clock time (µs) temporal filters
   * evaluate at; a circuit holding one must be given it.
   */
  step(
    input: (relation: string | null) => ZBatch | undefined,
    log?: { push(entry: UndoEntry): unknown },
    /** Relations' current contents, for operators that may recompute (a UNION recursion). */
    snapshot?: (relation: string) => ZBatch,
    now?: number,
  ): ZBatch {
    const out: (ZBatch | null)[] = new Array(this.nodes.length).fill(null);
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[i]!;
      switch (node.kind) {
        case 'source': {
          // An empty batch still flows (a global aggregate over an empty
          // table emits its row at creation); undefined means no change.
          out[i] = input(node.relation) ?? null;
          break;
        }
        case 'unary': {
          const d = out[node.input]!;
          if (d === null) break;
          out[i] = node.op.step(d);
          log?.push({ kind: 'unary', op: node.op, input: d });
          evictAfterStep(node.cleanup, log);
          break;
        }
        case 'binary': {
          const l = out[node.left]!;
          const r = out[node.right]!;
          if (l === null && r === null) break;
          const left = l ?? emptyBatch(nodeTypes(this.nodes[node.left]!));
          const right = r ?? emptyBatch(nodeTypes(this.nodes[node.right]!));
          out[i] = node.op.stepBinary(left, right);
          log?.push({ kind: 'binary', op: node.op, left, right });
          evictAfterStep(node.cleanup, log);
          break;
        }
        case 'temporal': {
          const d = out[node.input]!;
          const at = node.time?.() ?? now;
          assert(at !== undefined, 'a circuit with a temporal filter steps at a clock time');
          if (d === null && node.op.nextChange() > at) break;
          const { output, undo } = node.op.stepAt(d ?? emptyBatch(nodeTypes(this.nodes[node.input]!)), at);
          log?.push({ kind: 'custom', undo });
          out[i] = output;
          break;
        }
        case 'fixpoint': {
          const { delta, undo } = node.op.run(input, snapshot);
          log?.push({ kind: 'custom', undo });
          if (delta.length > 0) out[i] = delta;
          break;
        }
        case 'union': {
          const parts = node.inputs.map((k) => out[k]!).filter((d): d is ZBatch => d !== null);
          if (parts.length > 0) out[i] = concatBatches(node.types, parts);
          break;
        }
      }
    }
    return out[this.nodes.length - 1] ?? emptyBatch(this.outputTypes);
  }
}
