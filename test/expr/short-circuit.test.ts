// AND/OR evaluate their right side only where the left side leaves a row
// undecided: the guard idiom `b <> 0 AND a / b > 1` must not divide by zero,
// and three-valued logic must still hold on the rows that do reach the right.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

describe('AND/OR guards', () => {
  it('skips the right side where the left decides, in queries and views', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a INT, b INT)');
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT a, b FROM t WHERE a <> 0 AND b / a > 1');
    await e.sql('INSERT INTO t VALUES (0, 5), (2, 8), (NULL, 1), (4, NULL), (3, 3)');
    expect((await e.sql('SELECT * FROM v')).rows).toEqual([[2, 8]]);
    const r = await e.sql('SELECT a, a = 0 OR b / a > 3, a <> 0 AND b / a > 3 FROM t ORDER BY a NULLS FIRST');
    // (NULL,1): NULL OR NULL, NULL AND NULL; (0,5): TRUE, FALSE; (2,8): 4 > 3;
    // (3,3): 1 > 3 is FALSE; (4,NULL): FALSE OR NULL = NULL, TRUE AND NULL = NULL.
    expect(r.rows).toEqual([[null, null, null], [0, true, false], [2, true, true], [3, false, false], [4, null, null]]);
  });
  it('still raises where a row reaches the failing side', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a INT, b INT)');
    await e.sql('INSERT INTO t VALUES (0, 5)');
    await expect(e.sql('SELECT * FROM t WHERE a = 0 AND b / a > 1')).rejects.toMatchObject({ code: '22012' });
  });
});

describe('runtime error positions', () => {
  it('point at the expression that failed', async () => {
    const e = new Engine();
    await e.sql("CREATE TABLE s (a INT, b TEXT); INSERT INTO s VALUES (1, 'yes'), (0, 'x')");
    await expect(e.sql('SELECT a, 10 / a FROM s')).rejects.toMatchObject({ code: '22012', position: { offset: 11 } });
    await expect(e.sql('SELECT a, CAST(b AS INT) FROM s')).rejects.toMatchObject({ code: '22P02', position: { offset: 11 } });
  });
});
