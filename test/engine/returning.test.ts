// INSERT/UPDATE/DELETE ... RETURNING against PostgreSQL (PGlite): the same
// statements run on both, the returned rows must be equal (as multisets), and
// views over the table must see the same changes. Also RETURNING on a
// watermarked table, where quarantined late rows are not returned.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { canonFreshet, diffMultisets, formatRow, type Row } from '../differential/comparator.js';
import { PgliteOracle, pgliteMissing } from '../differential/pglite-oracle.js';

const SETUP = [
  'CREATE TABLE t (id int PRIMARY KEY, name text, price numeric(8, 2), qty int)',
  "INSERT INTO t VALUES (1, 'a', 1.5, 3), (2, 'b', 20, NULL), (3, 'c', 0.125, 7)",
];

const STATEMENTS = [
  "INSERT INTO t VALUES (4, 'd', 9.999, 1), (5, NULL, NULL, 2) RETURNING *",
  "INSERT INTO t (id, name) VALUES (6, 'f') RETURNING id, name || '!' AS shout, price, qty IS NULL AS no_qty",
  'INSERT INTO t SELECT id + 10, name, price * 2, qty FROM t WHERE id <= 2 RETURNING id, price',
  'UPDATE t SET qty = coalesce(qty, 0) + 1 WHERE id IN (1, 2, 99) RETURNING id, qty, qty * price AS total',
  "UPDATE t SET name = upper(name) RETURNING t.name",
  'DELETE FROM t WHERE qty > 2 RETURNING id, qty',
  'DELETE FROM t WHERE id = 42 RETURNING *',
];

async function freshetRows(e: Engine, sql: string): Promise<Row[]> {
  const r = await e.sql(sql);
  return r.rows.map((row) => row.map((v, i) => (r.fields[i]!.dataTypeID === 1700 && v !== null ? String(v) : canonFreshet(v, r.fields[i]!.dataTypeID))));
}

const missing = await pgliteMissing();
if (missing !== null) console.warn(`returning: skipped, PGlite cannot load (${missing})`);

describe.skipIf(missing !== null)('RETURNING vs PostgreSQL', () => {
  let pg: PgliteOracle;
  beforeAll(async () => {
    pg = await PgliteOracle.open();
  });
  afterAll(async () => {
    await pg.close();
  });

  it('returns what each statement wrote, and the table ends the same', async () => {
    await pg.reset();
    const e = new Engine();
    for (const s of SETUP) {
      await pg.exec(s);
      await e.sql(s);
    }
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT name, qty FROM t');
    for (const sql of STATEMENTS) {
      const expected = (await pg.query(sql)).rows;
      const actual = await freshetRows(e, sql);
      const diff = diffMultisets(expected, actual);
      expect(diff, `${sql}\nmissing ${diff?.missing.map(formatRow).join('; ')}\nunexpected ${diff?.unexpected.map(formatRow).join('; ')}`).toBeNull();
    }
    expect(diffMultisets((await pg.query('SELECT * FROM t')).rows, await freshetRows(e, 'SELECT * FROM t'))).toBeNull();
    expect(diffMultisets((await pg.query('SELECT name, qty FROM t')).rows, await freshetRows(e, 'SELECT * FROM v'))).toBeNull();
  });
});

describe('RETURNING on a watermarked table', () => {
  it('returns the rows inserted, not the quarantined late ones; the count says so too', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE ev (id int, ts timestamp, WATERMARK FOR ts AS ts)');
    await e.sql("INSERT INTO ev VALUES (1, '2024-01-01 10:00:00')");
    const r = await e.sql("INSERT INTO ev VALUES (2, '2024-01-01 09:00:00'), (3, '2024-01-01 11:00:00') RETURNING id");
    expect(r.rows).toEqual([[3]]);
    expect((await e.sql("INSERT INTO ev VALUES (4, '2024-01-01 09:00:00'), (5, '2024-01-01 12:00:00')")).rowCount).toBe(1);
  });

  it('errors name the bad column', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (id int)');
    await expect(e.sql('INSERT INTO t VALUES (1) RETURNING nope')).rejects.toMatchObject({ code: '42703' });
    await expect(e.sql('DELETE FROM t RETURNING count(*)')).rejects.toMatchObject({ code: '42803' });
  });
});
