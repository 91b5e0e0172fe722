// A view's state for checkpoints: every stateful operator of its circuit and
// its rows (MaterializedRows), so recovery can put the view back as it was
// instead of rebuilding it from its tables.
//
// The bytes start with the circuit's shape — per node its kind, operator,
// detail and output types — and a format number. Loading first lowers the
// view's definition again (a fresh circuit of the same plan), checks that the
// shape matches, then hands each operator its own bytes (Operator.saveState /
// loadState) in node order. A view whose circuit has an operator without a
// saved form (StateUnsupported, or no saveState) is not saved; a mismatch on
// loading (StateMismatch: a changed plan, another build) makes the caller
// rebuild the view, as recovery did before view state was saved.

import { StateReader, StateUnsupported, StateWriter } from '../storage/state-codec.js';
import type { Circuit, CircuitNode } from './circuit.js';
import { nodeTypes } from './circuit.js';
import type { DataflowNode } from './scheduler.js';
import type { OperatorInfo, StateOwner } from './operator.js';

/** Bumped whenever an operator's saved layout changes: older state is then not loaded (the view is rebuilt). */
export const VIEW_STATE_FORMAT = 1;

/**
 * The view's state as the pieces of its bytes (views of the live state: write
 * them before the next commit), or why it cannot be saved (an operator whose
 * state has no saved form yet).
 */
export function saveViewState(node: DataflowNode): { readonly chunks: readonly Uint8Array[]; readonly byteLength: number } | { readonly unsupported: string } {
  const out = new StateWriter();
  out.json({ format: VIEW_STATE_FORMAT, shape: circuitShape(node.circuit) });
  for (const n of node.circuit.nodes) {
    const op = stateful(n);
    if (op === null) continue;
    try {
      if (op.saveState === undefined) throw new StateUnsupported('its state');
      op.saveState(out);
    } catch (err) {
      if (err instanceof StateUnsupported) return { unsupported: `${op.describe().name} (${op.describe().detail}): ${err.message} has no saved form yet` };
      throw err;
    }
  }
  node.sink.saveState(out);
  return { chunks: out.chunks(), byteLength: out.byteLength };
}

/**
 * Loads `bytes` (from saveViewState) into a freshly lowered `node` of the
 * same definition. Throws StateMismatch when they were saved from another
 * shape or format; the node must then be discarded (it may be half loaded).
 */
export function loadViewState(node: DataflowNode, bytes: Uint8Array): void {
  const input = new StateReader(bytes);
  const header = input.json<{ format: number; shape: string[] }>();
  input.check(header.format === VIEW_STATE_FORMAT, `in format ${String(header.format)}, not ${VIEW_STATE_FORMAT}`);
  const shape = circuitShape(node.circuit);
  input.check(header.shape.length === shape.length && header.shape.every((s, i) => s === shape[i]), 'of a circuit of another shape (the plan changed)');
  for (const n of node.circuit.nodes) stateful(n)?.loadState!(input);
  node.sink.loadState(input);
  input.end();
}

/** What saving and loading need of a node's operator. */
type StatefulOp = Pick<StateOwner, 'saveState' | 'loadState'> & { describe(): OperatorInfo };

/** The node's operator when it keeps state, else null. */
function stateful(n: CircuitNode): StatefulOp | null {
  if (n.kind === 'source' || n.kind === 'union') return null;
  return n.op.describe().state === 'none' ? null : n.op;
}

/** Per node: what it computes and its output types (operators' EXPLAIN text carries their expressions). */
function circuitShape(circuit: Circuit): string[] {
  return circuit.nodes.map((n) => {
    const what = n.kind === 'source' ? `source ${String(n.relation)}` : n.kind === 'union' ? 'union' : `${n.kind} ${n.op.describe().name} ${n.op.describe().detail}`;
    return `${what} -> ${nodeTypes(n).join(',')}`;
  });
}
