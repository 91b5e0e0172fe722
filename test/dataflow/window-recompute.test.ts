// The DBSP recompute property for WindowOperator: after every random change
// batch (duplicates, NULLs, ties, retractions, partitions emptied and
// refilled) the accumulated output equals a naive window evaluation written
// here from PostgreSQL's rules (sort each partition from scratch, compute each
// function per row). The naive evaluator itself is checked against DuckDB on
// fixed inputs, with the ORDER BY completed by every column so ties are fixed.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { Scalar } from '../../src/columnar/column.js';
import { WindowOperator } from '../../src/dataflow/window.js';
import type { FrameBound, WindowCall, WindowFrame, WindowOrderKey } from '../../src/dataflow/window-spec.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import type { Row } from './zset-test-helpers.js';
import { Multiset, batchOf, changeArb, multisetOf, resolveBatch } from './zset-test-helpers.js';

// Input: p text (partition), k integer (order key), v integer, d double, t text.
const TYPES: SqlType[] = ['text', 'integer', 'integer', 'double', 'text'];
const NAMES = ['p', 'k', 'v', 'd', 't'];

// ---------------------------------------------------------------- naive oracle

/** NULL-aware value order: NaN above numbers, text by code point (no surrogates are generated). */
function cmpValue(a: Scalar, b: Scalar): number {
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  const x = a as number;
  const y = b as number;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function cmpKey(a: Scalar, b: Scalar, key: WindowOrderKey): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === key.nullsFirst ? -1 : 1;
  }
  const c = cmpValue(a, b);
  return key.descending ? -c : c;
}

function cmpKeys(a: Row, b: Row, orderBy: readonly WindowOrderKey[]): number {
  for (const key of orderBy) {
    const c = cmpKey(a[key.column]!, b[key.column]!, key);
    if (c !== 0) return c;
  }
  return 0;
}

/** Tie-break: every column ascending, NULLs last. */
function cmpAll(a: Row, b: Row): number {
  for (let i = 0; i < a.length; i++) {
    const c = cmpKey(a[i]!, b[i]!, { column: i, descending: false, nullsFirst: false });
    if (c !== 0) return c;
  }
  return 0;
}

/** Whether row j is on the inside of bound `b` of row i's RANGE frame (start side or end side). */
function rangeInside(rows: readonly Row[], i: number, j: number, b: FrameBound, isStart: boolean, orderBy: readonly WindowOrderKey[]): boolean {
  if (b.kind === 'unbounded_preceding' || b.kind === 'unbounded_following') return true;
  const c = cmpKeys(rows[j]!, rows[i]!, orderBy);
  if (b.kind === 'current_row') return isStart ? c >= 0 : c <= 0;
  const key = orderBy[0]!;
  const ki = rows[i]![key.column] as number | null;
  const kj = rows[j]![key.column] as number | null;
  if (ki === null) return isStart ? c >= 0 : c <= 0;
  // NULL rows are beyond every value on their side of the order.
  if (kj === null) return isStart ? !key.nullsFirst : key.nullsFirst;
  // The bound value in sort direction: PRECEDING moves against it, FOLLOWING with it.
  const sign = (b.kind === 'preceding' ? -1 : 1) * (key.descending ? -1 : 1);
  const limit = ki + sign * b.offset;
  const beyond = key.descending ? -(kj - limit) : kj - limit;
  return isStart ? beyond >= 0 : beyond <= 0;
}

function frameRows(rows: readonly Row[], i: number, frame: WindowFrame, orderBy: readonly WindowOrderKey[]): Row[] {
  const n = rows.length;
  if (frame.mode === 'rows') {
    const off = (b: FrameBound, unbounded: number): number =>
      b.kind === 'preceding' ? i - b.offset : b.kind === 'following' ? i + b.offset : b.kind === 'current_row' ? i : unbounded;
    const a = Math.max(0, off(frame.start, 0));
    const z = Math.min(n - 1, off(frame.end, n - 1));
    return rows.slice(a, z + 1);
  }
  return rows.filter((_, j) => rangeInside(rows, i, j, frame.start, true, orderBy) && rangeInside(rows, i, j, frame.end, false, orderBy));
}

const DEFAULT_FRAME: WindowFrame = { mode: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' } };

function naiveCall(rows: readonly Row[], i: number, call: WindowCall, orderBy: readonly WindowOrderKey[]): Scalar {
  const arg = (r: Row | undefined): Scalar => (r === undefined ? null : r[call.arg!]!);
  const peersBefore = rows.findIndex((r) => cmpKeys(r, rows[i]!, orderBy) === 0);
  switch (call.fn) {
    case 'row_number':
      return i + 1;
    case 'rank':
      return peersBefore + 1;
    case 'dense_rank': {
      let groups = 0;
      for (let j = 0; j <= i; j++) if (j === 0 || cmpKeys(rows[j - 1]!, rows[j]!, orderBy) !== 0) groups++;
      return groups;
    }
    case 'lag':
    case 'lead': {
      const off = call.offset ?? 1;
      const j = call.fn === 'lag' ? i - off : i + off;
      return j < 0 || j >= rows.length ? call.defaultValue ?? null : arg(rows[j]);
    }
    default:
      break;
  }
  const frame = frameRows(rows, i, call.frame ?? DEFAULT_FRAME, orderBy);
  const vals = frame.map(arg).filter((v) => v !== null);
  switch (call.fn) {
    case 'first_value':
      return arg(frame[0]);
    case 'last_value':
      return arg(frame[frame.length - 1]);
    case 'count':
      return call.arg === null ? frame.length : vals.length;
    case 'sum':
      return vals.length === 0 ? null : (vals as number[]).reduce((s, x) => s + x, 0);
    case 'avg':
      return vals.length === 0 ? null : (vals as number[]).reduce((s, x) => s + x, 0) / vals.length;
    case 'min':
    case 'max': {
      if (vals.length === 0) return null;
      let best = vals[0]!;
      for (const v of vals) if ((call.fn === 'min' ? -1 : 1) * cmpValue(v, best) > 0) best = v;
      return best;
    }
    default:
      throw new Error(`naive: ${call.fn}`);
  }
}

export interface WindowSpecCase {
  readonly partitionBy: readonly number[];
  readonly orderBy: readonly WindowOrderKey[];
  readonly calls: readonly WindowCall[];
}

/** Every input row (by multiplicity) followed by its window values, from scratch. */
function naiveWindow(input: readonly Row[], spec: WindowSpecCase): Row[] {
  const parts = new Map<string, Row[]>();
  for (const r of input) {
    const key = JSON.stringify(spec.partitionBy.map((c) => r[c]));
    const list = parts.get(key);
    if (list === undefined) parts.set(key, [r]);
    else list.push(r);
  }
  const out: Row[] = [];
  for (const rows of parts.values()) {
    rows.sort((a, b) => cmpKeys(a, b, spec.orderBy) || cmpAll(a, b));
    rows.forEach((r, i) => out.push([...r, ...spec.calls.map((c) => naiveCall(rows, i, c, spec.orderBy))]));
  }
  return out;
}

// ---------------------------------------------------------------- specs under test

const asc = (column: number, nullsFirst = false): WindowOrderKey => ({ column, descending: false, nullsFirst });
const desc = (column: number, nullsFirst = true): WindowOrderKey => ({ column, descending: true, nullsFirst });
const up: FrameBound = { kind: 'unbounded_preceding' };
const uf: FrameBound = { kind: 'unbounded_following' };
const cur: FrameBound = { kind: 'current_row' };
const pre = (offset: number): FrameBound => ({ kind: 'preceding', offset });
const fol = (offset: number): FrameBound => ({ kind: 'following', offset });
const rows = (start: FrameBound, end: FrameBound): WindowFrame => ({ mode: 'rows', start, end });
const range = (start: FrameBound, end: FrameBound): WindowFrame => ({ mode: 'range', start, end });

const SPECS: Record<string, WindowSpecCase> = {
  'ranking, LAG/LEAD and default-frame aggregates': {
    partitionBy: [0],
    orderBy: [asc(1)],
    calls: [
      { fn: 'row_number', arg: null },
      { fn: 'rank', arg: null },
      { fn: 'dense_rank', arg: null },
      { fn: 'lag', arg: 2 },
      { fn: 'lead', arg: 4, offset: 2, defaultValue: 'none' },
      { fn: 'first_value', arg: 2 },
      { fn: 'last_value', arg: 4 },
      { fn: 'sum', arg: 2 },
      { fn: 'count', arg: 2 },
      { fn: 'count', arg: null },
      { fn: 'avg', arg: 3 },
      { fn: 'min', arg: 4 },
      { fn: 'max', arg: 3 },
    ],
  },
  'ROWS frames, two DESC/ASC keys': {
    partitionBy: [0],
    orderBy: [desc(1), asc(2, true)],
    calls: [
      { fn: 'sum', arg: 2, frame: rows(pre(1), fol(1)) },
      { fn: 'first_value', arg: 4, frame: rows(up, cur) },
      { fn: 'last_value', arg: 2, frame: rows(cur, uf) },
      { fn: 'max', arg: 3, frame: rows(pre(2), pre(1)) },
      { fn: 'count', arg: null, frame: rows(fol(1), fol(3)) },
      { fn: 'min', arg: 2, frame: rows(pre(2), fol(2)) },
      { fn: 'avg', arg: 2, frame: rows(up, uf) },
      { fn: 'rank', arg: null },
      { fn: 'lag', arg: 3, offset: 3, defaultValue: -1 },
    ],
  },
  'no ORDER BY: the whole partition is one peer group': {
    partitionBy: [0, 4],
    orderBy: [],
    calls: [
      { fn: 'row_number', arg: null },
      { fn: 'rank', arg: null },
      { fn: 'dense_rank', arg: null },
      { fn: 'sum', arg: 2 },
      { fn: 'count', arg: null },
      { fn: 'first_value', arg: 1 },
      { fn: 'max', arg: 2 },
      { fn: 'sum', arg: 3, frame: rows(pre(1), cur) },
    ],
  },
  'RANGE offsets, ascending NULLS FIRST, no partitions': {
    partitionBy: [],
    orderBy: [asc(1, true)],
    calls: [
      { fn: 'sum', arg: 2, frame: range(pre(2), fol(1)) },
      { fn: 'count', arg: null, frame: range(cur, fol(2)) },
      { fn: 'first_value', arg: 4, frame: range(fol(1), fol(3)) },
      { fn: 'max', arg: 2, frame: range(up, pre(1)) },
      { fn: 'min', arg: 3, frame: range(pre(1), uf) },
      { fn: 'lag', arg: 4, offset: 0 },
      { fn: 'lead', arg: 2, offset: -1 },
      { fn: 'dense_rank', arg: null },
    ],
  },
  'RANGE offsets, descending NULLS LAST': {
    partitionBy: [0],
    orderBy: [desc(1, false)],
    calls: [
      { fn: 'sum', arg: 2, frame: range(pre(1), fol(2)) },
      { fn: 'last_value', arg: 2, frame: range(cur, fol(1)) },
      { fn: 'count', arg: 2, frame: range(fol(1), uf) },
      { fn: 'min', arg: 4, frame: range(pre(3), pre(1)) },
      { fn: 'row_number', arg: null },
    ],
  },
};

// ---------------------------------------------------------------- the property

const rowArb: fc.Arbitrary<Row> = fc.tuple<Scalar[]>(
  fc.constantFrom<Scalar>('a', 'b', null),
  fc.option(fc.integer({ min: 0, max: 6 }), { freq: 6 }),
  fc.option(fc.integer({ min: -3, max: 9 }), { freq: 5 }),
  fc.option(fc.constantFrom(-1.5, 0, 2, 7.25, Number.NaN, Infinity, -Infinity), { freq: 5 }),
  fc.option(fc.constantFrom('x', 'y', 'z', 'é'), { freq: 5 }),
);

function checkSpec(spec: WindowSpecCase, seed: number, numRuns: number): void {
  const batches = fc.array(fc.array(changeArb(rowArb), { maxLength: 12 }), { minLength: 1, maxLength: 14 });
  fc.assert(
    fc.property(batches, (bs) => {
      const op = new WindowOperator(TYPES, spec.partitionBy, spec.orderBy, spec.calls, NAMES);
      const input = new Multiset();
      const output = new Multiset();
      bs.forEach((changes, step) => {
        const { rows: rs, weights } = resolveBatch(changes, input);
        output.addBatch(op.step(batchOf(TYPES, rs, weights)));
        expect(output.lines(), `after batch ${step}`).toEqual(multisetOf(naiveWindow(input.expand(), spec)).lines());
        // Stored outputs never go negative: every retraction matched an earlier insertion.
        for (const e of output.items()) expect(e.weight).toBeGreaterThan(0);
      });
    }),
    { seed, numRuns },
  );
}

describe('WindowOperator recompute property', () => {
  Object.entries(SPECS).forEach(([name, spec], i) => {
    it(name, () => checkSpec(spec, 4242 + i, 100));
    // Alone, a call's own affected-range logic is not hidden by a wider range another call needs.
    it(`${name}: each call alone`, () => {
      spec.calls.forEach((call, j) => checkSpec({ ...spec, calls: [call] }, 9000 + 31 * i + j, 40));
    });
  });

  it('a partition emptied and refilled, and a row whose weight drops to zero and returns', () => {
    const spec = SPECS['ranking, LAG/LEAD and default-frame aggregates']!;
    const op = new WindowOperator(TYPES, spec.partitionBy, spec.orderBy, spec.calls, NAMES);
    const input = new Multiset();
    const output = new Multiset();
    const r1: Row = ['a', 1, 5, 2, 'x'];
    const r2: Row = ['a', 1, 6, null, 'y'];
    const r3: Row = ['b', null, null, 0, null];
    const steps: [Row[], number[]][] = [
      [[r1, r2, r3], [3, 1, 2]],
      [[r1, r2], [-3, -1]],
      [[r1, r3], [1, -2]],
      [[r3, r2, r2], [1, 2, -1]],
    ];
    for (const [rs, ws] of steps) {
      rs.forEach((r, i) => input.add(r, ws[i]!));
      output.addBatch(op.step(batchOf(TYPES, rs, ws)));
      expect(output.lines()).toEqual(multisetOf(naiveWindow(input.expand(), spec)).lines());
    }
    expect(op.stateSize()).toBe(3);
  });
});

// ---------------------------------------------------------------- the oracle checked against DuckDB

function boundSql(b: FrameBound): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
    case 'current_row': return 'CURRENT ROW';
    case 'preceding': return `${b.offset} PRECEDING`;
    case 'following': return `${b.offset} FOLLOWING`;
  }
}

function sqlLiteral(v: Scalar): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

function callSql(call: WindowCall, spec: WindowSpecCase): string {
  const parts = spec.partitionBy.length === 0 ? '' : `PARTITION BY ${spec.partitionBy.map((c) => NAMES[c]).join(', ')} `;
  const keys = spec.orderBy.map((k) => `${NAMES[k.column]} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`);
  // Ties broken by every column, as the operator and the naive evaluator do. Peers (RANK, RANGE frames) must
  // come from the keys alone, so there the tie order goes into the function's own ORDER BY (DuckDB's secondary ordering).
  const fullOrder = [...keys, ...NAMES.map((n) => `${n} ASC NULLS LAST`)].join(', ');
  const frameless = ['row_number', 'rank', 'dense_rank', 'lag', 'lead'].includes(call.fn);
  const frame = call.frame ?? DEFAULT_FRAME;
  const byPosition = frameless ? call.fn !== 'rank' && call.fn !== 'dense_rank' : frame.mode === 'rows';
  const overOrder = byPosition ? `ORDER BY ${fullOrder}` : keys.length === 0 ? '' : `ORDER BY ${keys.join(', ')}`;
  const frameSql = frameless ? '' : ` ${frame.mode.toUpperCase()} BETWEEN ${boundSql(frame.start)} AND ${boundSql(frame.end)}`;
  let args =
    call.arg === null ? (call.fn === 'count' ? '*' : '')
      : call.fn === 'lag' || call.fn === 'lead' ? `${NAMES[call.arg]}, ${call.offset ?? 1}, ${sqlLiteral(call.defaultValue ?? null)}` : NAMES[call.arg]!;
  if (!byPosition && (call.fn === 'first_value' || call.fn === 'last_value')) args += ` ORDER BY ${fullOrder}`;
  return `${call.fn}(${args}) OVER (${parts}${overOrder}${frameSql})`;
}

const FIXED_INPUTS: Row[][] = [
  [
    ['a', 1, 5, 2, 'x'], ['a', 1, 5, 2, 'x'], ['a', 2, null, -1.5, 'y'], ['a', null, 3, 7.25, null],
    ['a', 4, 9, null, 'z'], ['b', 0, -3, 0, 'é'], ['b', 0, 1, 2, 'x'], ['b', null, null, null, null],
    [null, 3, 2, 7.25, 'y'], ['a', 6, 0, 0, 'x'], ['a', 3, 2, 2, 'y'], ['a', 4, 4, -1.5, 'x'],
  ],
  [
    ['a', 0, 1, 0, 'x'], ['a', 1, 2, 0, 'x'], ['a', 2, 3, 0, 'x'], ['a', 3, 4, 0, 'x'], ['a', 5, 5, 0, 'y'],
    ['a', null, 6, 0, 'z'], ['a', null, 7, 0, 'z'], ['a', 6, null, null, null], ['a', 6, 8, 2, 'y'],
  ],
];

describe('the naive window evaluator agrees with DuckDB', () => {
  let oracle: DuckDbOracle;
  beforeAll(async () => {
    oracle = await DuckDbOracle.open();
  });
  afterAll(() => oracle.close());

  Object.entries(SPECS).forEach(([name, spec]) => {
    it(name, async () => {
      for (const input of FIXED_INPUTS) {
        await oracle.exec('DROP TABLE IF EXISTS w');
        await oracle.exec('CREATE TABLE w (p TEXT, k INTEGER, v INTEGER, d DOUBLE, t TEXT)');
        await oracle.exec(`INSERT INTO w VALUES ${input.map((r) => `(${r.map(sqlLiteral).join(', ')})`).join(', ')}`);
        const checked = spec;
        const select = `SELECT ${NAMES.join(', ')}, ${checked.calls.map((c) => callSql(c, checked)).join(', ')} FROM w`;
        const duck = (await oracle.query(select)).rows.map((r) => r.map((v) => (typeof v === 'number' && Object.is(v, -0) ? 0 : v)));
        const naive = naiveWindow(input, checked);
        expect(multisetOf(naive).lines(), select).toEqual(multisetOf(duck as Row[]).lines());
      }
    });
  });
});
