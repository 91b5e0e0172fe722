// RANGE frames over a DOUBLE PRECISION key with -Infinity, Infinity, NaN and
// NULL, against values derived by hand from PostgreSQL's in_range rules for
// float8 (NaN sorts above every number and is in range only of NaN; an
// infinite offset from an infinite base covers everything on its side; NULLs
// are peers of each other only).

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { WindowOperator } from '../../src/dataflow/window.js';
import type { FrameBound } from '../../src/dataflow/window-spec.js';
import { batchOf, rowsOf } from './zset-test-helpers.js';

const TYPES: SqlType[] = ['double', 'integer'];
const KEYS = [-Infinity, 1, 2, Infinity, Number.NaN, null];

function countsOver(start: FrameBound, end: FrameBound, descending = false): Map<string, number> {
  const op = new WindowOperator(TYPES, [], [{ column: 0, descending, nullsFirst: descending }], [
    { fn: 'count', arg: null, frame: { mode: 'range', start, end } },
  ]);
  const rows = KEYS.map((k, i) => [k, i]);
  const out = rowsOf(op.step(batchOf(TYPES, rows, rows.map(() => 1))));
  return new Map(out.rows.map((r) => [String(r[0]), r[2] as number]));
}

describe('RANGE offsets over a double key', () => {
  it('1 PRECEDING .. 1 FOLLOWING', () => {
    const c = countsOver({ kind: 'preceding', offset: 1 }, { kind: 'following', offset: 1 });
    expect(Object.fromEntries(c)).toEqual({ '-Infinity': 1, '1': 2, '2': 2, Infinity: 1, NaN: 1, null: 1 });
  });

  it("'Infinity' PRECEDING .. CURRENT ROW reaches back to the start from every number", () => {
    const c = countsOver({ kind: 'preceding', offset: Infinity }, { kind: 'current_row' });
    expect(Object.fromEntries(c)).toEqual({ '-Infinity': 1, '1': 2, '2': 3, Infinity: 4, NaN: 1, null: 1 });
  });

  it('descending (NULLS FIRST): CURRENT ROW .. 1 FOLLOWING looks towards smaller values', () => {
    const c = countsOver({ kind: 'current_row' }, { kind: 'following', offset: 1 }, true);
    // Order: NULL, NaN, Infinity, 2, 1, -Infinity. From 2: values in [1, 2].
    expect(Object.fromEntries(c)).toEqual({ null: 1, NaN: 1, Infinity: 1, '2': 2, '1': 1, '-Infinity': 1 });
  });
});
