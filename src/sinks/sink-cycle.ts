// Cycle refusal for CREATE SINK. Changes flow along edges: a relation feeds
// the views that read it, and a sink feeds its target table and
// freshet_dead_letters (where its failures go). A new sink from S into T
// closes a cycle exactly when S can already be reached from T (or from
// freshet_dead_letters): its changes would come back to it forever. The path
// found is the one the error names.

import type { Catalog } from '../plan/catalog.js';
import { DEAD_LETTER_TABLE } from './dead-letter-table.js';

interface Step {
  /** The relation reached. */
  readonly relation: string;
  /** The sink whose edge led here; null for a view reading its input. */
  readonly via: string | null;
}

function successors(catalog: Catalog, relation: string): Step[] {
  const out: Step[] = catalog.directDependents(relation).map((v) => ({ relation: v.name, via: null }));
  for (const sink of catalog.sinks()) {
    if (sink.source !== relation) continue;
    if (sink.target.kind === 'table') out.push({ relation: sink.target.table, via: sink.name });
    out.push({ relation: DEAD_LETTER_TABLE, via: sink.name });
  }
  return out;
}

/** The path from `from` to `to` as "a -> b -> sink s -> c", or null when `to` cannot be reached. */
function pathBetween(catalog: Catalog, from: string, to: string): string[] | null {
  const parent = new Map<string, { readonly prev: string; readonly via: string | null }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) {
      const parts: string[] = [to];
      for (let node = to; node !== from; ) {
        const p = parent.get(node)!;
        if (p.via !== null) parts.unshift(`sink ${p.via}`);
        parts.unshift(p.prev);
        node = p.prev;
      }
      return parts;
    }
    for (const step of successors(catalog, at)) {
      if (seen.has(step.relation)) continue;
      seen.add(step.relation);
      parent.set(step.relation, { prev: at, via: step.via });
      queue.push(step.relation);
    }
  }
  return null;
}

/**
 * The cycle a new sink `name` from `source` into `target` (a table, or null
 * for a webhook) would close, as a readable path; null when there is none.
 */
export function sinkCycle(catalog: Catalog, name: string, source: string, target: string | null): string | null {
  const ends = target === null ? [DEAD_LETTER_TABLE] : [target, DEAD_LETTER_TABLE];
  for (const end of ends) {
    const back = pathBetween(catalog, end, source);
    if (back === null) continue;
    const cycle = [...back, `sink ${name}`, end].join(' -> ');
    return end === DEAD_LETTER_TABLE ? `${cycle} (a sink's failures are recorded in ${DEAD_LETTER_TABLE})` : cycle;
  }
  return null;
}
