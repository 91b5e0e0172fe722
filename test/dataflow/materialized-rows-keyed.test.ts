// A view store indexed by its GROUP BY key must hold exactly what a model of
// the view holds under aggregate-shaped deltas (-old +new per key in any
// order, new keys, deleted keys), as must the all-columns store, and both in
// parts under a tiny state budget; must refuse a retraction that is not the
// stored row, and the planner must pick that key only for views whose rows are
// unique on it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { MaterializedRows } from '../../src/dataflow/materialized-rows.js';
import { StateBudget } from '../../src/storage/state-spill.js';
import { uniqueKeyColumns } from '../../src/engine/lower-plan.js';
import { Catalog } from '../../src/plan/catalog.js';
import { bindQuery } from '../../src/plan/bind-query.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, canonRow } from './zset-test-helpers.js';

interface Shape {
  readonly name: string;
  readonly types: SqlType[];
  readonly key: number[];
  /** A row with key `k` (an index into a small key domain) and arbitrary values. */
  readonly row: (k: number, values: readonly (number | null)[]) => Row;
}

const KEY_TEXT = ['a', 'b', '', 'é', null];
const SHAPES: Shape[] = [
  {
    // One INTEGER key first, as `SELECT k, count(*), sum(v), min(v), max(v) ... GROUP BY k`.
    name: 'one integer key',
    types: ['integer', 'bigint', 'double', 'double', 'double'],
    key: [0],
    row: (k, v) => [k - 3, v[0] ?? 0, v[1] ?? null, v[2] ?? null, v[3] ?? null],
  },
  {
    // A two-column key (text and integer, both nullable) behind the aggregates.
    name: 'two nullable keys, not leading',
    types: ['double', 'text', 'bigint', 'integer'],
    key: [3, 1],
    row: (k, v) => [v[0] ?? null, KEY_TEXT[k % KEY_TEXT.length]!, v[1] ?? 0, k < 10 ? Math.floor(k / 5) : null],
  },
];

const valueArb = fc.oneof(
  fc.integer({ min: -50, max: 50 }).map((x) => x / 4),
  fc.constantFrom<number | null>(null, Number.NaN, -0, Number.POSITIVE_INFINITY),
);
const opArb = fc.record({ key: fc.nat({ max: 11 }), del: fc.boolean(), values: fc.array(valueArb, { minLength: 4, maxLength: 4 }) });
const stepArb = fc.record({ ops: fc.array(opArb, { maxLength: 14 }), order: fc.array(fc.nat(), { maxLength: 30 }) });

/** Shuffles `xs` deterministically by the generated `order` (so retractions may follow insertions). */
function permute<T>(xs: T[], order: readonly number[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (order[i % Math.max(order.length, 1)] ?? i) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('MaterializedRows keyed by a unique key', () => {
  for (const [s, shape] of SHAPES.entries()) {
    it(`holds what a model of the view holds, indexed by key or by row, in memory or in parts (${shape.name})`, () => {
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
          // The same stores in parts under a 256-byte budget: split at every few rows, most parts in scratch files.
          const budget = new StateBudget(256, null);
          const stores = [
            new MaterializedRows(shape.types, shape.key),
            new MaterializedRows(shape.types),
            new MaterializedRows(shape.types, shape.key, budget),
            new MaterializedRows(shape.types, null, budget),
          ];
          const model = new Map<number, Row>();
          try {
          for (const step of steps) {
            // At most one change per key per delta, as the aggregate emits.
            const rows: { row: Row; w: number }[] = [];
            const touched = new Set<number>();
            for (const op of step.ops) {
              if (touched.has(op.key)) continue;
              touched.add(op.key);
              const old = model.get(op.key);
              if (old !== undefined) rows.push({ row: old, w: -1 });
              if (op.del && old !== undefined) {
                model.delete(op.key);
              } else {
                const fresh = shape.row(op.key, op.values);
                model.set(op.key, fresh);
                rows.push({ row: fresh, w: 1 });
              }
            }
            const delta = permute(rows, step.order);
            const batch = batchOf(shape.types, delta.map((r) => r.row), delta.map((r) => r.w));
            const expected = [...model.values()].map((r) => `${canonRow(r)}  x1`).sort();
            for (const store of stores) {
              store.apply(batch);
              const held = new Multiset();
              held.addBatch(store.snapshot());
              expect(held.lines()).toEqual(expected);
              expect(store.distinctRows).toBe(model.size);
              // Taken a part at a time (a one-shot query's pieces), the same rows.
              const chunks = store.chunks();
              if (chunks !== null) {
                const pieces = new Multiset();
                for (const piece of chunks) pieces.addBatch(piece);
                expect(pieces.lines()).toEqual(expected);
              }
            }
          }
          } finally {
            budget.close();
          }
        }),
        { seed: 20261127 + s, numRuns: 200 },
      );
    });
  }

  it('rejects a retraction that differs from the stored row for its key', () => {
    const types: SqlType[] = ['integer', 'bigint'];
    const store = new MaterializedRows(types, [0]);
    store.apply(batchOf(types, [[1, 10], [2, 20]], [1, 1]));
    expect(() => store.apply(batchOf(types, [[1, 11]], [-1]))).toThrow(/differs from the stored row/);
    expect(() => store.apply(batchOf(types, [[3, 30]], [-1]))).toThrow(/does not hold/);
  });

  it('rejects a second row for a key it holds', () => {
    const types: SqlType[] = ['integer', 'bigint'];
    const store = new MaterializedRows(types, [0]);
    store.apply(batchOf(types, [[1, 10]], [1]));
    expect(() => store.apply(batchOf(types, [[1, 12]], [1]))).toThrow(/second row/);
  });
});

describe('uniqueKeyColumns', () => {
  const catalog = new Catalog();
  catalog.add({
    kind: 'table',
    name: 't',
    columns: [
      { name: 'k', type: 'integer', notNull: false },
      { name: 'g', type: 'text', notNull: false },
      { name: 'v', type: 'double', notNull: false },
    ],
    primaryKey: [],
  });
  const keyOf = (sql: string): number[] | null => {
    const [stmt] = parseSql(sql);
    if (stmt?.kind !== 'query') throw new Error('expected a query');
    const plan = bindQuery(stmt.query, { catalog, params: [], forView: true });
    return uniqueKeyColumns(plan.root, plan.visibleColumns);
  };

  it.each([
    ['SELECT k, count(*), sum(v) FROM t GROUP BY k', [0]],
    ['SELECT count(*), k FROM t GROUP BY k', [1]],
    ['SELECT g, k, max(v) FROM t GROUP BY k, g', [1, 0]],
    ['SELECT k, count(*) FROM t GROUP BY k HAVING count(*) > 1', [0]],
    ['SELECT k AS kk, k, count(*) FROM t WHERE v > 0 GROUP BY k', [0]],
    ['SELECT k + 1, count(*) FROM t GROUP BY k', null],
    ['SELECT sum(v) FROM t GROUP BY k', null],
    ['SELECT k, count(*) FROM t GROUP BY k, g', null],
    ['SELECT count(*) FROM t', null],
    ['SELECT DISTINCT k, g FROM t', null],
    ['SELECT k, g FROM t', null],
  ])('%s -> %j', (sql, expected) => {
    expect(keyOf(sql)).toEqual(expected);
  });
});
