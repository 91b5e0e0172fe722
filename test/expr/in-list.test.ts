// x IN (list) and x NOT IN (list) with NULLs: TRUE on a match; otherwise NULL
// when x or any list item is NULL; otherwise FALSE (PostgreSQL, SQL standard).
// NaN matches NaN, as PostgreSQL's float8 equality says.

import { describe, expect, it } from 'vitest';
import { columnFromScalars } from '../../src/columnar/column.js';
import { call, col, evaluate, lit, row } from './expr-test-helpers.js';

describe('IN through SQL', () => {
  it('match, no match, NULL in the list, NULL on the left', async () => {
    expect(await row('SELECT 1 IN (1, 2), 3 IN (1, 2), 1 IN (1, NULL), 3 IN (1, NULL), NULL::int IN (1, 2), NULL::int IN (NULL)'))
      .toEqual([true, false, true, null, null, null]);
  });

  it('NOT IN: a NULL in the list makes every non-match NULL', async () => {
    expect(await row('SELECT 3 NOT IN (1, 2), 1 NOT IN (1, NULL), 3 NOT IN (1, NULL), NULL::int NOT IN (1)'))
      .toEqual([true, false, null, null]);
  });

  it('text, doubles (NaN = NaN), mixed numeric types widen', async () => {
    expect(await row("SELECT 'b' IN ('a', 'b'), 'B' IN ('a', 'b'), CAST('NaN' AS double precision) IN (1, CAST('NaN' AS double precision)), 2 IN (2.0, 3.5), 2.5 IN (1, 2)"))
      .toEqual([true, false, true, true, false]);
  });

  it('over table rows, as a filter', async () => {
    const { Engine } = await import('../../src/engine.js');
    const e = new Engine();
    await e.sql('CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (NULL), (4)');
    const r = await e.sql('SELECT x FROM t WHERE x IN (1, 4, NULL) ORDER BY x');
    expect(r.rows).toEqual([[1], [4]]);
    const r2 = await e.sql('SELECT x FROM t WHERE x NOT IN (1, NULL)');
    expect(r2.rows).toEqual([]);
    const r3 = await e.sql('SELECT x FROM t WHERE x NOT IN (1, 2) ORDER BY x');
    expect(r3.rows).toEqual([[4]]);
  });
});

describe('the in kernel per row', () => {
  it('list items may differ per row and be NULL per row', () => {
    const x = columnFromScalars('integer', [1, 2, 3, null, 5]);
    const a = columnFromScalars('integer', [1, null, 9, 1, null]);
    const b = columnFromScalars('integer', [null, 2, null, 1, 6]);
    const expr = call('in', [col(0, 'integer'), col(1, 'integer'), col(2, 'integer')], 'boolean');
    expect(evaluate(expr, [x, a, b])).toEqual([true, true, null, null, null]);
  });

  it('constant list items', () => {
    const x = columnFromScalars('text', ['a', 'z', null]);
    const expr = call('in', [col(0, 'text'), lit('a', 'text'), lit('b', 'text')], 'boolean');
    expect(evaluate(expr, [x])).toEqual([true, false, null]);
  });
});
