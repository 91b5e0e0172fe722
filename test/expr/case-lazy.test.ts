// CASE evaluates each THEN (and ELSE) only for the rows that take it, so a
// guard protects the branch: `CASE WHEN b <> 0 THEN a / b END` never divides
// by zero. Also checked: first matching WHEN wins, NULL conditions fall
// through, no ELSE gives NULL, and results land on the right rows.

import { describe, expect, it } from 'vitest';
import { columnFromScalars } from '../../src/columnar/column.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { Engine } from '../../src/engine.js';
import { call, col, evaluate, lit } from './expr-test-helpers.js';

async function tableEngine(rows: string): Promise<Engine> {
  const e = new Engine();
  await e.sql(`CREATE TABLE t (id int, a int, b int); INSERT INTO t VALUES ${rows}`);
  return e;
}

describe('CASE through SQL', () => {
  it('a guarded division skips the b = 0 rows', async () => {
    const e = await tableEngine('(1, 10, 0), (2, 10, 3), (3, 7, NULL), (4, -9, 0), (5, 8, -2)');
    const r = await e.sql('SELECT id, CASE WHEN b <> 0 THEN a / b END FROM t ORDER BY id');
    expect(r.rows).toEqual([[1, null], [2, 3], [3, null], [4, null], [5, -4]]);
  });

  it('the ELSE branch sees only the rows no WHEN took', async () => {
    const e = await tableEngine('(1, 10, 0), (2, 10, 5), (3, 4, 0)');
    const r = await e.sql('SELECT id, CASE WHEN b = 0 THEN -1 ELSE a / b END FROM t ORDER BY id');
    expect(r.rows).toEqual([[1, -1], [2, 2], [3, -1]]);
  });

  it('a later WHEN is evaluated only on rows the earlier WHENs rejected', async () => {
    const e = await tableEngine('(1, 10, 0), (2, 10, 2), (3, 9, 3)');
    // The second condition divides; it must never see b = 0.
    const r = await e.sql("SELECT id, CASE WHEN b = 0 THEN 'zero' WHEN a / b > 4 THEN 'big' ELSE 'small' END FROM t ORDER BY id");
    expect(r.rows).toEqual([[1, 'zero'], [2, 'big'], [3, 'small']]);
  });

  it('a row that reaches a failing branch still raises 22012', async () => {
    const e = await tableEngine('(1, 10, 0)');
    await expect(e.sql('SELECT CASE WHEN a > 0 THEN a / b END FROM t')).rejects.toMatchObject({ code: '22012' });
  });

  it('first match wins; NULL condition falls through; no ELSE gives NULL', async () => {
    const e = await tableEngine('(1, 1, 1), (2, NULL, 1), (3, 5, 5), (4, 0, 9)');
    const r = await e.sql("SELECT id, CASE WHEN a > 0 THEN 'pos' WHEN b > 0 THEN 'b' WHEN a = 5 THEN 'never' END FROM t ORDER BY id");
    expect(r.rows).toEqual([[1, 'pos'], [2, 'b'], [3, 'pos'], [4, 'b']]);
  });

  it('simple CASE x WHEN v compares with = (NULL never matches)', async () => {
    const e = await tableEngine('(1, 1, 0), (2, 2, 0), (3, NULL, 0)');
    const r = await e.sql("SELECT id, CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END FROM t ORDER BY id");
    expect(r.rows).toEqual([[1, 'one'], [2, 'two'], [3, 'other']]);
  });

  it('guarded division in a view: inserting b = 0 rows succeeds', async () => {
    const e = await tableEngine('(1, 6, 2)');
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT id, CASE WHEN b <> 0 THEN a / b ELSE 0 END AS q FROM t');
    await e.sql('INSERT INTO t VALUES (2, 5, 0), (3, 9, 3)');
    expect((await e.sql('SELECT * FROM v ORDER BY id')).rows).toEqual([[1, 3], [2, 0], [3, 3]]);
  });
});

describe('CASE kernel', () => {
  it('scatters branch results back to the right rows across nested subsets', () => {
    const n = 20;
    const x = columnFromScalars('integer', Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : i)));
    const X = col(0, 'integer');
    // WHEN x % 3 = 0 THEN x * 10 WHEN x % 3 = 1 THEN 100 / (x % 3) ELSE -x
    const expr: BoundExpr = {
      kind: 'case',
      whens: [
        { when: call('eq', [call('mod', [X, lit(3, 'integer')], 'integer'), lit(0, 'integer')], 'boolean'), then: call('mul', [X, lit(10, 'integer')], 'integer') },
        { when: call('eq', [call('mod', [X, lit(3, 'integer')], 'integer'), lit(1, 'integer')], 'boolean'), then: call('div', [lit(100, 'integer'), call('mod', [X, lit(3, 'integer')], 'integer')], 'integer') },
      ],
      else: call('neg', [X], 'integer'),
      type: 'integer',
    };
    const want = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : i % 3 === 0 ? i * 10 : i % 3 === 1 ? 100 : -i));
    expect(evaluate(expr, [x])).toEqual(want);
  });

  it('every row taking the first branch, and no row taking any', () => {
    const x = columnFromScalars('integer', [1, 2, 3]);
    const always: BoundExpr = { kind: 'case', whens: [{ when: lit(true, 'boolean'), then: col(0, 'integer') }], else: lit(null, 'integer'), type: 'integer' };
    const never: BoundExpr = { kind: 'case', whens: [{ when: lit(null, 'boolean'), then: call('div', [col(0, 'integer'), lit(0, 'integer')], 'integer') }], else: lit(7, 'integer'), type: 'integer' };
    expect(evaluate(always, [x])).toEqual([1, 2, 3]);
    expect(evaluate(never, [x])).toEqual([7, 7, 7]);
  });
});
