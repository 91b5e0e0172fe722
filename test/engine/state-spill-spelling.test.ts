// Values that are equal in SQL but spelled differently (NUMERIC 1.5 and
// 1.50, INTERVAL '1 day' and '24 hours') under a tiny --state-memory. An
// aggregate rebuilt from a copy of its input keyed by SQL equality would lose
// which spelling arrived when (a review found both cases: a changed scale or
// interval text, and a failed commit). Parts of an aggregate are written as
// its own state, spellings included, and the test checks that they do go to
// files. PostgreSQL (PGlite) is the oracle: it prints the spellings exactly.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine.js';
import { canonFreshet, diffMultisets, formatRow } from '../differential/comparator.js';
import { PgliteOracle, pgliteMissing } from '../differential/pglite-oracle.js';

const NUMERIC_OID = 1700;

const VIEWS = {
  v_sums: 'SELECT g, max(x) AS mx, sum(x) AS sx, sum(iv) AS siv FROM (SELECT g, x, iv FROM t) s GROUP BY g',
  v_text: 'SELECT x::text AS s, count(*) AS n, max(x) AS mx FROM (SELECT x FROM t) q GROUP BY x::text',
  v_interval_min: 'SELECT g, min(iv) AS lo, count(*) AS n FROM t GROUP BY g',
};

const missing = await pgliteMissing();
if (missing !== null) console.warn(`state-spill-spelling: skipped, PGlite cannot load (${missing})`);

describe.skipIf(missing !== null)('equal values spelled differently, under a 256-byte state budget, against PostgreSQL', () => {
  let pg: PgliteOracle;
  beforeAll(async () => {
    pg = await PgliteOracle.open();
  });
  afterAll(async () => {
    await pg.close();
  });

  test('views keep the spellings PostgreSQL shows', async () => {
    const engine = new Engine({ stateMemory: 256 });
    const both = async (sql: string): Promise<void> => {
      await engine.sql(sql);
      await pg.exec(sql);
    };
    const check = async (context: string): Promise<void> => {
      for (const [name, query] of Object.entries(VIEWS)) {
        const expected = (await pg.query(query)).rows;
        const r = await engine.sql(`SELECT * FROM ${name}`);
        const actual = r.rows.map((row) => row.map((v, i) => (r.fields[i]!.dataTypeID === NUMERIC_OID && v !== null ? String(v) : canonFreshet(v, r.fields[i]!.dataTypeID))));
        const diff = diffMultisets(expected, actual);
        if (diff !== null) throw new Error(`${context}: ${name}: missing ${diff.missing.map(formatRow).join(' | ')}; unexpected ${diff.unexpected.map(formatRow).join(' | ')}`);
      }
    };
    try {
      await both('CREATE TABLE t (id INT, g INT, x NUMERIC, iv INTERVAL)');
      for (const [name, query] of Object.entries(VIEWS)) await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
      await both("INSERT INTO t VALUES (1, 1, 1.5, '1 day'), (2, 1, 1.50, '24 hours')");
      await both('DELETE FROM t WHERE id = 1');
      // Rows over many groups push every part out to its file and back.
      await both(`INSERT INTO t VALUES ${Array.from({ length: 60 }, (_, i) => `(${100 + i}, ${i + 2}, ${i}.25, '${i} hours')`).join(', ')}`);
      await both("INSERT INTO t VALUES (3, 1, 2, '1 hour'), (4, 1, 1.50, '24 hours')");
      await check('after the spelled inserts');
      await both("INSERT INTO t VALUES (5, 1, 1.5, '1 day')");
      await both('DELETE FROM t WHERE id = 2');
      await both(`INSERT INTO t VALUES ${Array.from({ length: 60 }, (_, i) => `(${200 + i}, ${i + 2}, ${i}.5, '${i} minutes')`).join(', ')}`);
      await check('after more changes');
      const aggregates = engine.status().operators.filter((o) => o.operator === 'Aggregate');
      expect(aggregates.length).toBe(3);
      // Every aggregate's state was in parts, some of them in scratch files.
      for (const a of aggregates) expect(a.memory!.coldParts).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
