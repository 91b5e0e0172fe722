// When two bound queries compute the same thing: their plans' identity, a
// canonical text of everything that decides the rows a plan produces — node
// kinds, relations, expressions with their types, aggregate calls, sort keys,
// limits — without what only names or places them (output column names,
// EXPLAIN labels, source positions). CREATE OR REPLACE of a view by a query
// with the same identity as the old one keeps the old version's state
// instead of rebuilding it (engine/relation-ddl.ts).

import { encodeNumbers } from '../storage/json-numbers.js';
import type { QueryPlan } from './logical-plan.js';

/** Display-only fields of plan nodes and expressions. */
const DISPLAY_KEYS: ReadonlySet<string> = new Set(['label', 'labels', 'pos']);

/** Equal for plans that produce the same rows from the same inputs (column names aside). */
export function planIdentity(plan: QueryPlan): string {
  return JSON.stringify({ root: plan.root, visible: plan.visibleColumns }, function (this: unknown, key: string, value: unknown): unknown {
    if (DISPLAY_KEYS.has(key)) return undefined;
    // An output column ({ name, type }): only its type counts.
    if (key === 'name' && isOutputColumn(this)) return undefined;
    // JSON writes -0 as 0; the sign can show (in text, in 1 / x).
    if (Object.is(value, -0)) return { $number: '-0' };
    return encodeNumbers(key, value);
  });
}

function isOutputColumn(holder: unknown): boolean {
  if (holder === null || typeof holder !== 'object') return false;
  const keys = Object.keys(holder);
  return keys.length === 2 && keys.includes('name') && keys.includes('type');
}
