// A view's state for checkpoints: every stateful operator of its circuit and
// its rows (MaterializedRows), so recovery can put the view back as it was
// instead of rebuilding it from its tables.
//
// The bytes start with the circuit's shape — per node its kind, operator,
// detail and output types — a format number, and the row hashes of a fixed
// probe (saved hash indexes are only valid under the same hash function).
// Loading first lowers the view's definition again (a fresh circuit of the
// same plan), checks that the shape matches, then hands each operator its
// own bytes (Operator.saveState / loadState) in node order. The same form
// copies a view's state into a new version by the same plan (copyViewState,
// CREATE OR REPLACE). A view whose circuit has an operator without a
// saved form (StateUnsupported, or no saveState) is not saved; a mismatch on
// loading (StateMismatch: a changed plan, another build) makes the caller
// rebuild the view, as recovery did before view state was saved.

import { StateReader, StateUnsupported, StateWriter } from '../storage/state-codec.js';
import { makeColumn } from '../columnar/column.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { Circuit, CircuitNode } from './circuit.js';
import { nodeTypes } from './circuit.js';
import type { DataflowNode } from './scheduler.js';
import type { OperatorInfo, StateOwner } from './operator.js';

/** Bumped whenever an operator's saved layout changes: older state is then not loaded (the view is rebuilt). */
export const VIEW_STATE_FORMAT = 4;

/**
 * The view's state as the pieces of its bytes (views of the live state: write
 * them before the next commit), or why it cannot be saved (an operator whose
 * state has no saved form yet).
 */
export function saveViewState(node: DataflowNode): { readonly chunks: readonly Uint8Array[]; readonly byteLength: number } | { readonly unsupported: string } {
  const out = new StateWriter();
  out.json({ format: VIEW_STATE_FORMAT, hashes: hashProbe(), shape: circuitShape(node.circuit) });
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
  const header = input.json<{ format: number; hashes: number[]; shape: string[] }>();
  input.check(header.format === VIEW_STATE_FORMAT, `in format ${String(header.format)}, not ${VIEW_STATE_FORMAT}`);
  const probe = hashProbe();
  input.check(header.hashes.length === probe.length && header.hashes.every((h, i) => h === probe[i]), 'indexed by another row hash');
  const shape = circuitShape(node.circuit);
  input.check(header.shape.length === shape.length && header.shape.every((s, i) => s === shape[i]), 'of a circuit of another shape (the plan changed)');
  for (const n of node.circuit.nodes) stateful(n)?.loadState!(input);
  node.sink.loadState(input);
  input.end();
}

/**
 * Gives `to`, a fresh lowering of the same plan, a copy of `from`'s state
 * (CREATE OR REPLACE of a view by the same plan). Returns null when copied,
 * else why not (then `to` may be half loaded and must be discarded).
 */
export function copyViewState(from: DataflowNode, to: DataflowNode): string | null {
  // Any failure (a scratch file unreadable, state too large for one array) means a rebuild, not a failed statement.
  try {
    const saved = saveViewState(from);
    if (!('chunks' in saved)) return saved.unsupported;
    const bytes = new Uint8Array(saved.byteLength);
    let at = 0;
    for (const c of saved.chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    loadViewState(to, bytes);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** True when two views' circuits have the same shape (what loadViewState checks). */
export function sameShape(a: DataflowNode, b: DataflowNode): boolean {
  const x = circuitShape(a.circuit);
  const y = circuitShape(b.circuit);
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

/** What saving and loading need of a node's operator. */
type StatefulOp = Pick<StateOwner, 'saveState' | 'loadState'> & { describe(): OperatorInfo };

/** The node's operator when it keeps state, else null. */
function stateful(n: CircuitNode): StatefulOp | null {
  if (n.kind === 'source' || n.kind === 'union') return null;
  return n.op.describe().state === 'none' ? null : n.op;
}

/** Row hashes of fixed rows of a few types: they change if the hash function does. */
function hashProbe(): number[] {
  const columns = [makeColumn('integer', Int32Array.of(1, -7), null, 2), makeColumn('text', ['a', 'ß'], null, 2), makeColumn('double', Float64Array.of(0.5, NaN), null, 2)];
  return Array.from(hashRows(columns, 2));
}

/** Per node: what it computes and its output types (operators' EXPLAIN text carries their expressions). */
function circuitShape(circuit: Circuit): string[] {
  return circuit.nodes.map((n) => {
    const what = n.kind === 'source' ? `source ${String(n.relation)}` : n.kind === 'union' ? 'union' : `${n.kind} ${n.op.describe().name} ${n.op.describe().detail}`;
    return `${what} -> ${nodeTypes(n).join(',')}`;
  });
}
