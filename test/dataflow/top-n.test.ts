// The DBSP recompute property for TopN (ORDER BY ... LIMIT ... OFFSET, per
// partition): after every random change batch the accumulated output equals a
// from-scratch sort + slice per partition of the accumulated input, across
// random sort keys, partitionings, limits (incl. 0 and none) and offsets (incl.
// beyond the partition). Plus: a one-row change in a 100k-row partition does
// work independent of the partition's size (counted comparisons).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Scalar } from '../../src/columnar/column.js';
import { EngineError } from '../../src/common/errors.js';
import { TopNOperator } from '../../src/dataflow/top-n.js';
import type { TopNSortKey } from '../../src/dataflow/top-n.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, canonRow, changeArb, multisetOf, resolveBatch, rowsOf } from './zset-test-helpers.js';

// ---- The oracle: written independently of the operator. ----

/** Code points of a string, for PostgreSQL "C" collation order. */
const codePoints = (s: string): number[] => Array.from(s, (ch) => ch.codePointAt(0)!);

function compareNonNull(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = a as number;
  const y = b as number;
  // PostgreSQL: NaN equals NaN and sorts above every number.
  if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
  return x === y ? 0 : x < y ? -1 : 1;
}

function compareValues(a: Scalar, b: Scalar, descending: boolean, nullsFirst: boolean): number {
  if (a === null && b === null) return 0;
  if (a === null) return nullsFirst ? -1 : 1;
  if (b === null) return nullsFirst ? 1 : -1;
  const c = compareNonNull(a, b);
  return descending ? -c : c;
}

interface Config {
  readonly partitionColumns: number[];
  readonly sortKeys: TopNSortKey[];
  readonly limit: number | null;
  readonly offset: number;
}

/** Sort + slice per partition; ties broken by every column ascending, NULLs last. */
function naiveTopN(cfg: Config, input: readonly Row[], width: number): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of input) {
    const key = canonRow(cfg.partitionColumns.map((c) => r[c]!));
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    const sorted = [...g].sort((x, y) => {
      for (const k of cfg.sortKeys) {
        const c = compareValues(x[k.column]!, y[k.column]!, k.descending, k.nullsFirst);
        if (c !== 0) return c;
      }
      for (let c = 0; c < width; c++) {
        const d = compareValues(x[c]!, y[c]!, false, false);
        if (d !== 0) return d;
      }
      return 0;
    });
    const end = cfg.limit === null ? sorted.length : cfg.offset + cfg.limit;
    out.push(...sorted.slice(cfg.offset, end));
  }
  return out;
}

describe('TopN oracle (hand-derived)', () => {
  it('orders NULLs last ascending, first when asked, NaN above numbers, text by code point', () => {
    const cfg = (desc: boolean, nullsFirst: boolean): Config =>
      ({ partitionColumns: [], sortKeys: [{ column: 0, descending: desc, nullsFirst }], limit: null, offset: 0 });
    const nums: Row[] = [[2], [null], [Number.NaN], [-1]];
    expect(naiveTopN(cfg(false, false), nums, 1)).toEqual([[-1], [2], [Number.NaN], [null]]);
    expect(naiveTopN(cfg(true, true), nums, 1)).toEqual([[null], [Number.NaN], [2], [-1]]);
    // U+FF5E (one UTF-16 unit) sorts below U+1F600 (a surrogate pair) by code point, unlike JS `<`.
    expect(naiveTopN(cfg(false, false), [['\u{1F600}'], ['\uFF5E'], ['a']], 1)).toEqual([['a'], ['\uFF5E'], ['\u{1F600}']]);
  });

  it('slices per partition with duplicates occupying several ranks', () => {
    const cfg: Config = { partitionColumns: [0], sortKeys: [{ column: 1, descending: true, nullsFirst: false }], limit: 2, offset: 1 };
    const rows: Row[] = [['a', 5], ['a', 5], ['a', 5], ['a', 1], ['b', 7], ['b', 3], ['b', 2], ['c', 1]];
    expect(multisetOf(naiveTopN(cfg, rows, 2)).lines()).toEqual(multisetOf([['a', 5], ['a', 5], ['b', 3], ['b', 2]]).lines());
  });
});

// ---- The property. ----

const TYPES: SqlType[] = ['text', 'integer', 'double', 'text'];
const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.constantFrom('p', 'q', null),
  fc.constantFrom(1, 2, 3, null),
  fc.constantFrom(-1.5, 0, 2.5, Number.NaN, null),
  fc.constantFrom('x', 'y', '\uFF5E', '\u{1F600}', null),
);
const sortKeyArb: fc.Arbitrary<TopNSortKey> = fc.record({
  column: fc.integer({ min: 0, max: 3 }),
  descending: fc.boolean(),
  nullsFirst: fc.boolean(),
});
const configArb: fc.Arbitrary<Config> = fc.record({
  partitionColumns: fc.constantFrom([], [0], [1], [0, 1]),
  sortKeys: fc.array(sortKeyArb, { maxLength: 3 }),
  limit: fc.constantFrom(null, 0, 1, 2, 3, 5),
  offset: fc.constantFrom(0, 0, 1, 2, 7),
});
const batchesArb = fc.array(fc.array(changeArb(rowArb), { maxLength: 10 }), { minLength: 1, maxLength: 15 });

/** bulkMinRows 1 sends every batch that changes as many rows as a partition holds down the rebuild path. */
function checkRun(cfg: Config, batches: readonly (readonly Parameters<typeof resolveBatch>[0][number][])[], bulkMinRows?: number): void {
  const op = new TopNOperator(TYPES, cfg.partitionColumns, cfg.sortKeys, cfg.limit, cfg.offset);
  if (bulkMinRows !== undefined) (op as unknown as { bulkMinRows: number }).bulkMinRows = bulkMinRows;
  const input = new Multiset();
  const output = new Multiset();
  batches.forEach((changes, step) => {
    const { rows, weights } = resolveBatch(changes, input);
    output.addBatch(op.step(batchOf(TYPES, rows, weights)));
    expect(output.lines(), `after batch ${step}`).toEqual(multisetOf(naiveTopN(cfg, input.expand(), TYPES.length)).lines());
    if (cfg.limit !== 0) expect(op.stateSize()).toBe(input.size);
  });
}

describe('TopNOperator recompute property', () => {
  it('random sort keys, partitions, limits and offsets', () => {
    fc.assert(fc.property(configArb, batchesArb, (cfg, batches) => checkRun(cfg, batches)), { seed: 21, numRuns: 400 });
  });

  it('the same with the bulk rebuild path taken whenever a batch changes a whole partition', () => {
    fc.assert(fc.property(configArb, batchesArb, (cfg, batches) => checkRun(cfg, batches, 1)), { seed: 23, numRuns: 300 });
  });

  it('heavy deletes: partitions emptied and refilled', () => {
    // Deletes outnumber inserts, so partitions often drain to nothing and come back.
    const churnArb = fc.array(
      fc.oneof(
        { weight: 1, arbitrary: changeArb(rowArb) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), weight: fc.integer({ min: 1, max: 3 }) }) },
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(configArb, fc.array(churnArb, { minLength: 1, maxLength: 25 }), fc.constantFrom(undefined, 1), (cfg, batches, bulk) =>
        checkRun(cfg, batches, bulk)),
      { seed: 22, numRuns: 300 },
    );
  });

  it('a partition emptied and refilled (deterministic)', () => {
    const cfg: Config = { partitionColumns: [0], sortKeys: [{ column: 1, descending: false, nullsFirst: false }], limit: 2, offset: 1 };
    const op = new TopNOperator(TYPES, cfg.partitionColumns, cfg.sortKeys, cfg.limit, cfg.offset);
    const rows: Row[] = [['p', 3, 0, 'x'], ['p', 1, 0, 'x'], ['p', 2, 0, 'x'], ['q', 5, 0, 'y']];
    const out = new Multiset();
    out.addBatch(op.step(batchOf(TYPES, rows, [1, 1, 2, 1])));
    // p ranks: 1, 2, 2, 3 -> window [1, 3) = {2, 2}.
    expect(out.lines()).toEqual(multisetOf([['p', 2, 0, 'x'], ['p', 2, 0, 'x']]).lines());
    out.addBatch(op.step(batchOf(TYPES, rows, [-1, -1, -2, -1])));
    expect(out.size).toBe(0);
    expect(op.stateSize()).toBe(0);
    out.addBatch(op.step(batchOf(TYPES, rows.slice(0, 2), [1, 1])));
    expect(out.lines()).toEqual(multisetOf([['p', 3, 0, 'x']]).lines());
  });

  it('releases rows and partitions that empty, reusing their slots', () => {
    const types: SqlType[] = ['integer', 'integer'];
    const op = new TopNOperator(types, [0], [{ column: 1, descending: false, nullsFirst: false }], 3, 0);
    const internals = op as unknown as { rows: { size: number }; partitions: { size: number } };
    for (let round = 0; round < 5; round++) {
      // New partitions and values every round: only recycled slots keep the stores small.
      const rows: Row[] = Array.from({ length: 100 }, (_, i) => [round * 10 + (i % 10), round * 1000 + i]);
      const out = new Multiset();
      out.addBatch(op.step(batchOf(types, rows, rows.map(() => 1))));
      expect(out.size).toBe(30);
      out.addBatch(op.step(batchOf(types, rows, rows.map(() => -1))));
      expect(out.size).toBe(0);
      expect(op.stateSize()).toBe(0);
    }
    expect(internals.rows.size).toBe(100);
    expect(internals.partitions.size).toBe(10);
  });

  it('rejects a negative LIMIT or OFFSET with an EngineError', () => {
    expect(() => new TopNOperator(['integer'], [], [], -1, 0)).toThrow(EngineError);
    expect(() => new TopNOperator(['integer'], [], [], 1, -2)).toThrow(EngineError);
  });

  it('describe', () => {
    const op = new TopNOperator(['text', 'integer'], [0], [{ column: 1, descending: true, nullsFirst: true }], 10, 5, ['g', 'v']);
    expect(op.describe()).toEqual({
      name: 'TopN',
      detail: 'partition by g order by v DESC NULLS FIRST limit 10 offset 5',
      state: 'per partition: rows ordered by the sort key',
      cost: 'O(log n) per changed row plus rows entering/leaving the top-N',
    });
  });
});

describe('TopNOperator cost', () => {
  /** Comparisons and output rows of single-row changes against a partition of `size` rows. */
  function singleRowChanges(size: number): { comparisons: number[]; outputs: number[] } {
    const types: SqlType[] = ['text', 'integer'];
    const op = new TopNOperator(types, [0], [{ column: 1, descending: true, nullsFirst: false }], 10, 5);
    // Values 0, 2, 4, ...: one partition, shuffled so the tree is not built from sorted input.
    const values = Array.from({ length: size }, (_, i) => 2 * i);
    for (let i = values.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    op.step(batchOf(types, values.map((v) => ['g', v]), values.map(() => 1)));
    const top = 2 * (size - 1);
    const changes: [number, number][] = [
      [top - 7, 1], // enters the window: one row in, one out
      [top - 8, -1], // a window row deleted
      [1, 1], // far below the window: no output
      [0, -1], // deleted outside the window
      [top + 1, 3], // three copies above the window push three rows in and out
    ];
    const comparisons: number[] = [];
    const outputs: number[] = [];
    for (const [v, w] of changes) {
      const before = op.comparisonCount;
      const out = op.step(batchOf(types, [['g', v]], [w]));
      comparisons.push(op.comparisonCount - before);
      outputs.push(rowsOf(out).rows.length);
    }
    return { comparisons, outputs };
  }

  it('a one-row change in a 100k-row partition costs O(log n) comparisons, not O(n)', () => {
    const small = singleRowChanges(1_000);
    const large = singleRowChanges(100_000);
    // Rows entering/leaving: one in and one out; a window row out and the next in;
    // nothing; nothing; three copies above the offset shift three rows in and three out.
    expect(large.outputs).toEqual([2, 2, 0, 0, 6]);
    expect(small.outputs).toEqual(large.outputs);
    for (const c of large.comparisons) expect(c).toBeLessThan(200);
    // From 1k to 100k rows (100x), the work grows by a logarithmic factor at most.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(large.comparisons)).toBeLessThan(4 * sum(small.comparisons));
  });
});
