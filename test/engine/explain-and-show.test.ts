// EXPLAIN shows the logical plan and the dataflow, each operator with the
// state it keeps and its work per change (state sizes for a live view);
// SHOW TABLES / SHOW VIEWS list names in creation order.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function setup(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (k text, v int)');
  await e.sql("INSERT INTO t VALUES ('a', 1), ('b', 2), ('a', 3)");
  await e.sql('CREATE MATERIALIZED VIEW agg AS SELECT k, sum(v) AS s, max(v) AS m FROM t WHERE v > 0 GROUP BY k');
  return e;
}

const text = async (e: Engine, sql: string): Promise<string> => (await e.sql(sql)).rows.map((r) => r[0]).join('\n');

describe('EXPLAIN', () => {
  it('a view: every operator with its state and cost, and the current state sizes', async () => {
    const e = await setup();
    const r = await e.sql('EXPLAIN MATERIALIZED VIEW agg');
    expect(r.command).toBe('EXPLAIN');
    expect(r.fields.map((f) => f.name)).toEqual(['QUERY PLAN']);
    const out = r.rows.map((x) => x[0] as string);
    const step = (name: string): number => out.findIndex((l) => new RegExp(`^\\s+\\d+\\. ${name}\\b`).test(l));
    for (const op of ['Filter', 'Aggregate']) {
      const i = step(op);
      expect(i, `${op} step in\n${out.join('\n')}`).toBeGreaterThan(-1);
      expect(out[i + 1]).toMatch(/state: /);
      expect(out[i + 1]).toMatch(/work: O\(/);
    }
    expect(out[step('Filter') + 1]).toMatch(/state: none/);
    // Two groups (a, b) are held by the aggregate and by the view.
    expect(out[step('Aggregate') + 1]).toMatch(/\(2 entries now\)/);
    expect(out.join('\n')).toMatch(/Materialize agg[\s\S]*2 distinct rows now/);
    expect(out.join('\n')).toMatch(/MIN\/MAX|multiset/);
  });

  it('state sizes follow the data', async () => {
    const e = await setup();
    await e.sql("INSERT INTO t VALUES ('c', 5), ('d', 6)");
    expect(await text(e, 'EXPLAIN MATERIALIZED VIEW agg')).toMatch(/\(4 entries now\)/);
  });

  it('EXPLAIN of a query and of a CREATE MATERIALIZED VIEW, without creating anything', async () => {
    const e = await setup();
    const q = await text(e, 'EXPLAIN SELECT k, count(*) FROM t GROUP BY k');
    expect(q).toMatch(/Aggregate/);
    expect(q).toMatch(/Scan table t/);
    const cv = await text(e, 'EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT v FROM t WHERE v > 1');
    expect(cv).toMatch(/Filter/);
    expect(cv).toMatch(/Dataflow maintaining x/);
    expect((await e.sql('SHOW VIEWS')).rows).toEqual([['agg']]);
  });

  it('EXPLAIN of a table name is an error', async () => {
    const e = await setup();
    await expect(e.sql('EXPLAIN VIEW t')).rejects.toMatchObject({ code: '42809' });
  });
});

describe('SHOW', () => {
  it('tables and views in creation order, each list separately', async () => {
    const e = new Engine();
    expect((await e.sql('SHOW TABLES')).rows).toEqual([]);
    await e.sql('CREATE TABLE zeta (a int); CREATE TABLE alpha (a int)');
    await e.sql('CREATE MATERIALIZED VIEW mid AS SELECT a FROM zeta; CREATE MATERIALIZED VIEW first AS SELECT a FROM alpha');
    const tables = await e.sql('SHOW TABLES');
    expect(tables.command).toBe('SHOW');
    expect(tables.fields.map((f) => [f.name, f.type])).toEqual([['name', 'text']]);
    expect(tables.rows).toEqual([['zeta'], ['alpha']]);
    expect((await e.sql('SHOW VIEWS')).rows).toEqual([['mid'], ['first']]);
  });
});
