// The window operator's checks on its calls (PostgreSQL's frame rules, raised
// as EngineErrors) and its output types (PostgreSQL's, with numeric results
// narrowed as the engine does: SUM of integers is BIGINT, AVG is DOUBLE).

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/common/errors.js';
import type { SqlType } from '../../src/common/sql-type.js';
import { WindowOperator } from '../../src/dataflow/window.js';
import type { WindowCall, WindowOrderKey } from '../../src/dataflow/window-spec.js';
import { batchOf } from './zset-test-helpers.js';

const TYPES: SqlType[] = ['integer', 'double', 'text'];
const byK: WindowOrderKey[] = [{ column: 0, descending: false, nullsFirst: false }];

function make(calls: WindowCall[], orderBy = byK): WindowOperator {
  return new WindowOperator(TYPES, [], orderBy, calls);
}

describe('WindowOperator call checks', () => {
  it('types its outputs as PostgreSQL does', () => {
    const op = make([
      { fn: 'row_number', arg: null }, { fn: 'dense_rank', arg: null }, { fn: 'count', arg: 2 },
      { fn: 'sum', arg: 0 }, { fn: 'sum', arg: 1 }, { fn: 'avg', arg: 0 },
      { fn: 'lag', arg: 2 }, { fn: 'max', arg: 2 }, { fn: 'first_value', arg: 1 },
    ]);
    expect(op.outputTypes).toEqual([...TYPES, 'bigint', 'bigint', 'bigint', 'bigint', 'double', 'double', 'text', 'text', 'double']);
  });

  it.each([
    [{ mode: 'rows', start: { kind: 'unbounded_following' }, end: { kind: 'unbounded_following' } }, /frame start cannot be UNBOUNDED FOLLOWING/],
    [{ mode: 'rows', start: { kind: 'current_row' }, end: { kind: 'preceding', offset: 1 } }, /frame starting from current row cannot end with preceding/],
    [{ mode: 'rows', start: { kind: 'preceding', offset: -1 }, end: { kind: 'current_row' } }, /non-negative integer/],
    [{ mode: 'range', start: { kind: 'preceding', offset: 1 }, end: { kind: 'current_row' } }, /numeric ORDER BY column/],
  ] as const)('rejects frame %#', (frame, message) => {
    const orderBy: WindowOrderKey[] = message.source.includes('numeric') ? [{ column: 2, descending: false, nullsFirst: false }] : byK;
    expect(() => make([{ fn: 'sum', arg: 0, frame }], orderBy)).toThrowError(message);
    expect(() => make([{ fn: 'sum', arg: 0, frame }], orderBy)).toThrowError(EngineError);
  });

  it('rejects RANGE offsets over two ORDER BY keys and SUM of text', () => {
    const two: WindowOrderKey[] = [...byK, { column: 1, descending: false, nullsFirst: false }];
    expect(() => make([{ fn: 'count', arg: null, frame: { mode: 'range', start: { kind: 'preceding', offset: 1 }, end: { kind: 'current_row' } } }], two))
      .toThrowError(/exactly one ORDER BY column/);
    expect(() => make([{ fn: 'sum', arg: 2 }])).toThrowError(/sum\(text\) does not exist/);
  });

  it('keeps no state once every row is retracted', () => {
    const op = make([{ fn: 'rank', arg: null }, { fn: 'min', arg: 2 }]);
    const rows = [[1, 0.5, 'a'], [1, 0.5, 'a'], [2, null, null]];
    op.step(batchOf(TYPES, rows, [1, 2, 1]));
    expect(op.stateSize()).toBe(4);
    const out = op.step(batchOf(TYPES, rows, [-1, -2, -1]));
    expect(out.length).toBe(4);
    expect(op.stateSize()).toBe(0);
  });
});
