// KeyedRows: a row store with a hash index on its key columns. Checked against
// a Map keyed by a canonical string over many inserts (index growth and
// rehash), count bookkeeping (`live`), compaction (remap) and SQL grouping
// equality: NULL keys group together, NaN equals NaN, -0 equals 0.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Column, Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, getScalar } from '../../src/columnar/column.js';
import { KeyedRows } from '../../src/columnar/keyed-rows.js';

type Row = [Scalar, Scalar, Scalar];
const TYPES: SqlType[] = ['integer', 'text', 'double'];

function columns(rows: readonly Row[]): Column[] {
  return TYPES.map((t, c) => columnFromScalars(t, rows.map((r) => r[c]!)));
}

/** Canonical key text for the oracle: NULL, NaN and -0 spelled out by hand. */
function canon(v: Scalar): string {
  if (v === null) return 'N';
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : `n${v === 0 ? 0 : v}`;
  return `s${JSON.stringify(v)}`;
}
const keyOf = (r: Row, key: readonly number[]): string => key.map((k) => canon(r[k]!)).join('|');

/** When set, hashes keep 2 bits only: nearly every probe meets another key with an equal hash. */
let collide = false;
function hashes(store: KeyedRows, cols: Column[], n: number): Int32Array {
  const h = store.hashKeys(cols, n);
  return collide ? h.map((x) => x & 3) : h;
}
function findOrAdd(store: KeyedRows, rows: readonly Row[]): Int32Array {
  const cols = columns(rows);
  return store.findOrAdd(cols, hashes(store, cols, rows.length), rows.length);
}
function find(store: KeyedRows, rows: readonly Row[]): Int32Array {
  const cols = columns(rows);
  return store.find(cols, hashes(store, cols, rows.length), rows.length);
}
function rowAt(store: KeyedRows, slot: number): Scalar[] {
  return store.gather(Int32Array.of(slot)).map((c) => getScalar(c, 0));
}

describe('grouping equality', () => {
  it('NULL keys share one slot; NULL differs from 0 and from the empty string', () => {
    const s = new KeyedRows(TYPES, [0, 1]);
    const slots = findOrAdd(s, [[null, null, 1], [null, null, 2], [0, null, 3], [null, '', 4], [null, null, 5]]);
    expect(Array.from(slots)).toEqual([0, 0, 1, 2, 0]);
    expect(s.size).toBe(3);
  });

  it('NaN equals NaN and -0 equals 0 in a double key', () => {
    const s = new KeyedRows(TYPES, [2]);
    const slots = findOrAdd(s, [[1, 'a', NaN], [2, 'b', 0], [3, 'c', NaN], [4, 'd', -0], [5, 'e', null]]);
    expect(Array.from(slots)).toEqual([0, 1, 0, 1, 2]);
  });

  it('a slot keeps the first row added for its key until overwritten', () => {
    const s = new KeyedRows(TYPES, [0]);
    findOrAdd(s, [[7, 'first', 1.5], [7, 'second', 2.5]]);
    expect(rowAt(s, 0)).toEqual([7, 'first', 1.5]);
    s.overwriteRows(Int32Array.of(0), columns([[7, null, 3]]), Int32Array.of(0), 1);
    expect(rowAt(s, 0)).toEqual([7, null, 3]);
  });

  it('overwriteRows writes each listed batch row into its slot, NULLs included, and leaves other slots alone', () => {
    const s = new KeyedRows(TYPES, [0]);
    findOrAdd(s, [[1, 'a', 1], [2, 'b', 2], [3, 'c', null], [4, 'd', 4]]);
    // Batch rows 0..2 for slots 3, 0 and 2 (out of order); slot 1 keeps its row.
    s.overwriteRows(Int32Array.of(3, 0, 2), columns([[3, 'x', null], [4, null, 40], [1, 'y', 10]]), Int32Array.of(1, 2, 0), 3);
    expect([0, 1, 2, 3].map((slot) => rowAt(s, slot))).toEqual([[1, 'y', 10], [2, 'b', 2], [3, 'x', null], [4, null, 40]]);
  });
});

describe('growth', () => {
  it('20k distinct keys in batches: every key found again at its slot after rehashes', () => {
    const s = new KeyedRows(TYPES, [0, 1]);
    const n = 20_000;
    const all: Row[] = Array.from({ length: n }, (_, i) => [i % 997, `k${Math.floor(i / 997)}`, i]);
    const slotOf = new Int32Array(n);
    for (let at = 0; at < n; at += 1500) {
      const part = all.slice(at, at + 1500);
      slotOf.set(findOrAdd(s, part), at);
    }
    expect(s.size).toBe(n);
    const found = find(s, all);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (slotOf[i] !== i || found[i] !== i) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(Array.from(find(s, [[5, 'nope', 0], [null, 'k0', 0]]))).toEqual([-1, -1]);
    expect(rowAt(s, 12_345)).toEqual(all[12_345]);
  });
});

describe('counts and live', () => {
  it('live counts slots with a non-zero count; negative counts are live too', () => {
    const s = new KeyedRows(TYPES, [0]);
    findOrAdd(s, [[1, 'a', 0], [2, 'b', 0], [3, 'c', 0]]);
    expect(s.live).toBe(0);
    expect(s.addCount(0, 2)).toBe(2);
    s.addCount(1, -1);
    expect(s.live).toBe(2);
    s.addCount(0, -2);
    expect(s.live).toBe(1);
    s.addCount(0, 0);
    expect(s.live).toBe(1);
    expect(Array.from(s.liveSlots())).toEqual([1]);
  });
});

describe('compact', () => {
  it('drops dead slots, renumbers live ones in order, keeps rows, counts and lookups', () => {
    const s = new KeyedRows(TYPES, [1]);
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => [i, `key${i}`, i * 0.5]);
    const slots = findOrAdd(s, rows);
    for (let i = 0; i < rows.length; i++) if (i % 3 === 0) s.addCount(slots[i]!, i + 1);
    expect(s.wantsCompaction()).toBe(true);
    const remap = s.compact();
    expect(remap.length).toBe(3000);
    expect(s.size).toBe(1000);
    expect(s.live).toBe(1000);
    const found = find(s, rows);
    const wrong: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const want = i % 3 === 0 ? i / 3 : -1;
      if (remap[i] !== want) wrong.push(`remap[${i}]=${remap[i]}`);
      if (found[i] !== want) wrong.push(`find(${i})=${found[i]}`);
      if (want >= 0 && s.counts[want] !== i + 1) wrong.push(`count[${want}]=${s.counts[want]}`);
    }
    expect(wrong).toEqual([]);
    expect(rowAt(s, 333)).toEqual(rows[999]);
    // New keys after compaction go after the survivors and are found.
    const more = findOrAdd(s, [[-1, 'new', 0], [3, 'key3', 0]]);
    expect(Array.from(more)).toEqual([1000, 1]);
  });

  it('small stores do not ask for compaction', () => {
    const s = new KeyedRows(TYPES, [0]);
    findOrAdd(s, Array.from({ length: 100 }, (_, i): Row => [i, null, null]));
    expect(s.wantsCompaction()).toBe(false);
  });
});

describe('release', () => {
  it('released keys are gone, their slots are reused, other keys stay findable (backward-shift deletion)', () => {
    const s = new KeyedRows(TYPES, [0]);
    const rows: Row[] = Array.from({ length: 500 }, (_, i): Row => [i, `v${i}`, null]);
    const slots = findOrAdd(s, rows);
    for (let i = 0; i < rows.length; i++) if (i % 4 !== 0) s.addCount(slots[i]!, 1);
    const dead = Array.from(slots).filter((_, i) => i % 4 === 0);
    s.release(dead);
    const found = find(s, rows);
    const wrong: number[] = [];
    for (let i = 0; i < rows.length; i++) if (found[i] !== (i % 4 === 0 ? -1 : slots[i])) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(s.live).toBe(375);
    // New keys take the released slots before growing the store.
    const fresh = findOrAdd(s, Array.from({ length: 125 }, (_, i): Row => [1000 + i, 'new', null]));
    expect(new Set(fresh).size).toBe(125);
    expect([...fresh].every((x) => dead.includes(x))).toBe(true);
    expect(s.size).toBe(500);
    expect(rowAt(s, fresh[0]!)).toEqual([1000, 'new', null]);
    // Releasing a live slot is a no-op.
    s.release([slots[1]!]);
    expect(find(s, [rows[1]!])[0]).toBe(slots[1]);
  });
});

describe('against a Map oracle (fast-check)', () => {
  const scalarInt = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constant(null));
  const scalarText = fc.oneof(fc.constantFrom('a', 'b', '', 'é'), fc.constant(null));
  const scalarDouble = fc.oneof(fc.constantFrom(0, -0, NaN, 1.5, -2), fc.constant(null));
  const row = fc.tuple(scalarInt, scalarText, scalarDouble) as fc.Arbitrary<Row>;
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), rows: fc.array(row, { maxLength: 40 }), weight: fc.integer({ min: -3, max: 3 }) }),
    fc.record({ kind: fc.constant('compact' as const) }),
    fc.record({ kind: fc.constant('release' as const) }),
  );
  // Batches of 16 to 300 rows over many keys, with repeats: 16 or more new
  // keys in one batch take the bulk path (KeyedRows.appendMissing).
  const wideRow = fc.tuple(fc.oneof(fc.integer({ min: -3, max: 500 }), fc.constant(null)), scalarText, scalarDouble) as fc.Arbitrary<Row>;
  const bulkOp = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), rows: fc.array(wideRow, { minLength: 16, maxLength: 300 }), weight: fc.integer({ min: -3, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const) }) },
  );

  it('slots, counts, live and stored rows match the oracle (with compaction and slot release)', () => {
    checkAgainstOracle(20240611, op, 30, 200);
  });

  it('the same in large batches of many new keys, with repeats (the bulk path)', () => {
    checkAgainstOracle(20261127, bulkOp, 12, 100);
  });

  it('the same in large batches with hashes that nearly all collide (every probe compares keys)', () => {
    collide = true;
    try {
      checkAgainstOracle(20261128, bulkOp, 12, 60);
    } finally {
      collide = false;
    }
  });

  function checkAgainstOracle(seed: number, ops: typeof op, opsPerRun: number, numRuns: number): void {
    fc.assert(
      fc.property(fc.array(ops, { maxLength: opsPerRun }), fc.constantFrom([0], [1, 2], [0, 1, 2], [0, 2]), (ops, key) => {
        const s = new KeyedRows(TYPES, key);
        const oracle = new Map<string, { count: number; first: Row }>();
        const gone: Row[] = [];
        for (const o of ops) {
          if (o.kind === 'release') {
            // Release every dead slot: their keys leave the index, their slots get reused.
            const dead: number[] = [];
            for (let slot = 0; slot < s.size; slot++) if (s.counts[slot] === 0) dead.push(slot);
            s.release(dead);
            for (const [k, v] of [...oracle]) {
              if (v.count === 0) {
                oracle.delete(k);
                gone.push(v.first);
              }
            }
            continue;
          }
          if (o.kind === 'compact') {
            const before = new Map([...oracle].filter(([, v]) => v.count !== 0));
            s.compact();
            oracle.clear();
            for (const [k, v] of before) oracle.set(k, v);
            continue;
          }
          const slots = findOrAdd(s, o.rows);
          // Distinct keys must get distinct slots (a reused slot must not alias a live key).
          const seen = new Map<number, string>();
          o.rows.forEach((r, i) => {
            const k = keyOf(r, key);
            expect(seen.get(slots[i]!) ?? k).toBe(k);
            seen.set(slots[i]!, k);
          });
          o.rows.forEach((r, i) => {
            const k = keyOf(r, key);
            const e = oracle.get(k) ?? { count: 0, first: r };
            oracle.set(k, e);
            e.count += o.weight;
            s.addCount(slots[i]!, o.weight);
          });
        }
        expect(s.size).toBeGreaterThanOrEqual(oracle.size);
        const goneFound = find(s, gone.filter((r) => !oracle.has(keyOf(r, key))));
        expect(Array.from(goneFound).every((x) => x === -1)).toBe(true);
        expect(s.live).toBe([...oracle.values()].filter((v) => v.count !== 0).length);
        const entries = [...oracle.values()];
        const found = find(s, entries.map((e) => e.first));
        entries.forEach((e, i) => {
          expect(found[i]).toBeGreaterThanOrEqual(0);
          expect(s.counts[found[i]!]).toBe(e.count);
          const stored = rowAt(s, found[i]!);
          for (const k of key) expect(canon(stored[k]!)).toBe(canon(e.first[k]!));
        });
      }),
      { seed, numRuns },
    );
  }
});
