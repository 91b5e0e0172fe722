// DROP TABLE / DROP MATERIALIZED VIEW: dependents block a plain DROP (2BP01,
// nothing dropped); CASCADE drops the whole dependency tree, views on views
// included; a failing DROP of several names drops none; the remaining
// objects keep working.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function setup(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (a int, b int); CREATE TABLE u (x int)');
  await e.sql('INSERT INTO t VALUES (1, 2), (3, 4); INSERT INTO u VALUES (5)');
  await e.sql('CREATE MATERIALIZED VIEW v1 AS SELECT a FROM t');
  await e.sql('CREATE MATERIALIZED VIEW v2 AS SELECT a * 2 AS a2 FROM v1');
  await e.sql('CREATE MATERIALIZED VIEW v3 AS SELECT sum(a2) AS s FROM v2');
  await e.sql('CREATE MATERIALIZED VIEW w AS SELECT x FROM u');
  return e;
}

const names = async (e: Engine, what: 'TABLES' | 'VIEWS'): Promise<unknown[]> => (await e.sql(`SHOW ${what}`)).rows.map((r) => r[0]);

describe('DROP', () => {
  it('a plain DROP with dependents fails with 2BP01 and names them', async () => {
    const e = await setup();
    await expect(e.sql('DROP TABLE t')).rejects.toMatchObject({ code: '2BP01' });
    await expect(e.sql('DROP TABLE t')).rejects.toThrow(/v1/);
    await expect(e.sql('DROP MATERIALIZED VIEW v1')).rejects.toMatchObject({ code: '2BP01' });
    expect(await names(e, 'VIEWS')).toEqual(['v1', 'v2', 'v3', 'w']);
  });

  it('DROP TABLE ... CASCADE drops the views on it and on them, nothing else', async () => {
    const e = await setup();
    const r = await e.sql('DROP TABLE t CASCADE');
    expect(r.command).toBe('DROP TABLE');
    expect(await names(e, 'TABLES')).toEqual(['u']);
    expect(await names(e, 'VIEWS')).toEqual(['w']);
    for (const gone of ['t', 'v1', 'v2', 'v3']) await expect(e.sql(`SELECT * FROM ${gone}`)).rejects.toMatchObject({ code: '42P01' });
    await e.sql('INSERT INTO u VALUES (6)');
    expect((await e.sql('SELECT x FROM w ORDER BY x')).rows).toEqual([[5], [6]]);
  });

  it('DROP MATERIALIZED VIEW ... CASCADE in the middle of a chain', async () => {
    const e = await setup();
    await e.sql('DROP MATERIALIZED VIEW v2 CASCADE');
    expect(await names(e, 'VIEWS')).toEqual(['v1', 'w']);
    await e.sql('INSERT INTO t VALUES (9, 9)');
    expect((await e.sql('SELECT a FROM v1 ORDER BY a')).rows).toEqual([[1], [3], [9]]);
    // The name can be reused at once.
    await e.sql('CREATE MATERIALIZED VIEW v2 AS SELECT count(*) AS n FROM v1');
    expect((await e.sql('SELECT n FROM v2')).rows).toEqual([[3]]);
  });

  it('dropping leaves first, then the table, needs no CASCADE', async () => {
    const e = await setup();
    await e.sql('DROP MATERIALIZED VIEW v3; DROP MATERIALIZED VIEW v2; DROP MATERIALIZED VIEW v1; DROP TABLE t');
    expect(await names(e, 'TABLES')).toEqual(['u']);
  });

  it('a view and its dependents named together drop without CASCADE', async () => {
    const e = await setup();
    await e.sql('DROP MATERIALIZED VIEW v3, v2, v1');
    expect(await names(e, 'VIEWS')).toEqual(['w']);
  });

  it('a DROP of several names that fails on one drops none', async () => {
    const e = await setup();
    await expect(e.sql('DROP MATERIALIZED VIEW w, nope')).rejects.toMatchObject({ code: '42P01' });
    await expect(e.sql('DROP MATERIALIZED VIEW w, v1')).rejects.toMatchObject({ code: '2BP01' });
    expect(await names(e, 'VIEWS')).toEqual(['v1', 'v2', 'v3', 'w']);
  });

  it('IF EXISTS, and the wrong object kind', async () => {
    const e = await setup();
    await e.sql('DROP TABLE IF EXISTS nope');
    await expect(e.sql('DROP TABLE v1')).rejects.toMatchObject({ code: '42809' });
    await expect(e.sql('DROP MATERIALIZED VIEW u')).rejects.toMatchObject({ code: '42809' });
  });
});
