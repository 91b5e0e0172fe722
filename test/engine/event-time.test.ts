// Event time on tables: WATERMARK FOR, allowed_lateness, the quarantine of
// late rows and the freshet_watermarks / freshet_quarantine system tables,
// APPEND ONLY. Expected values are derived by hand from the rule: watermark =
// largest accepted ts - delay; a row is late when ts < watermark - lateness.
// A property test checks, against a model written here, that every inserted
// row is either in the table or in the quarantine — never lost.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { Prng } from '../differential/prng.js';

async function rows(e: Engine, sql: string): Promise<unknown[][]> {
  return (await e.sql(sql)).rows.map((r) => [...r]);
}

async function code(e: Engine, sql: string): Promise<string> {
  try {
    await e.sql(sql);
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error(`expected ${sql} to fail`);
}

const DDL = "CREATE TABLE ev (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5 minutes') WITH (allowed_lateness = '1 minute')";

describe('watermarks and late rows', () => {
  it('advance with the data, quarantine rows behind the close point, and count them', async () => {
    const e = new Engine();
    await e.sql(DDL);
    expect(await rows(e, 'SELECT * FROM freshet_watermarks')).toEqual([['ev', 'ts', null, '00:05:00', '00:01:00', 0]]);
    await e.sql("INSERT INTO ev VALUES (1, '2024-01-01 10:00:00'), (2, '2024-01-01 10:20:00'), (3, '2024-01-01 10:10:00')");
    // Largest ts 10:20 minus 5 minutes; nothing was late before the first row.
    expect(await rows(e, 'SELECT watermark, late_rows FROM freshet_watermarks')).toEqual([['2024-01-01 10:15:00', 0]]);
    // Close point 10:14: 10:13:59 is late, 10:14:00 is not; the watermark does not go back.
    await e.sql("INSERT INTO ev VALUES (4, '2024-01-01 10:13:59'), (5, '2024-01-01 10:14:00'), (6, '2024-01-01 10:01:00')");
    expect(await rows(e, 'SELECT id FROM ev ORDER BY id')).toEqual([[1], [2], [3], [5]]);
    expect(await rows(e, 'SELECT table_name, reason, event_time, closed_before, row_data FROM freshet_quarantine ORDER BY event_time')).toEqual([
      ['ev', 'late', '2024-01-01 10:01:00', '2024-01-01 10:14:00', '{"id": 6, "ts": "2024-01-01T10:01:00"}'],
      ['ev', 'late', '2024-01-01 10:13:59', '2024-01-01 10:14:00', '{"id": 4, "ts": "2024-01-01T10:13:59"}'],
    ]);
    expect(await rows(e, 'SELECT watermark, late_rows FROM freshet_watermarks')).toEqual([['2024-01-01 10:15:00', 2]]);
  });

  it('refuse changes to rows whose time is closed, and allow them inside the lateness', async () => {
    const e = new Engine();
    await e.sql(DDL);
    await e.sql("INSERT INTO ev VALUES (1, '2024-01-01 10:00:00'), (2, '2024-01-01 10:14:30'), (3, '2024-01-01 10:20:00')");
    expect(await code(e, 'DELETE FROM ev WHERE id = 1')).toBe('55000');
    expect(await code(e, "UPDATE ev SET ts = '2024-01-01 10:30:00' WHERE id = 1")).toBe('55000');
    // An update whose new row would be late cannot be half applied.
    expect(await code(e, "UPDATE ev SET ts = '2024-01-01 09:00:00' WHERE id = 3")).toBe('55000');
    await e.sql('DELETE FROM ev WHERE id = 2');
    expect(await rows(e, 'SELECT id FROM ev ORDER BY id')).toEqual([[1], [3]]);
    // The failed statements changed nothing, the watermark included.
    expect(await rows(e, 'SELECT watermark, late_rows FROM freshet_watermarks')).toEqual([['2024-01-01 10:15:00', 0]]);
  });

  it('views over the system tables follow them in the same commit', async () => {
    const e = new Engine();
    await e.sql(DDL);
    await e.sql('CREATE MATERIALIZED VIEW late_per_table AS SELECT table_name, count(*) AS n FROM freshet_quarantine GROUP BY table_name');
    await e.sql('CREATE MATERIALIZED VIEW wm AS SELECT table_name, watermark FROM freshet_watermarks');
    await e.sql("INSERT INTO ev VALUES (1, '2024-01-01 12:00:00')");
    await e.sql("INSERT INTO ev VALUES (2, '2024-01-01 11:00:00'), (3, '2024-01-01 11:30:00')");
    expect(await rows(e, 'SELECT * FROM late_per_table')).toEqual([['ev', 2]]);
    expect(await rows(e, 'SELECT * FROM wm')).toEqual([['ev', '2024-01-01 11:55:00']]);
    await e.sql('DROP TABLE ev');
    expect(await rows(e, 'SELECT * FROM wm')).toEqual([]);
    expect(await rows(e, 'SELECT * FROM late_per_table')).toEqual([['ev', 2]]);
  });

  it('never lose an inserted row: each is in the table or in the quarantine (random batches vs a model)', async () => {
    for (const seed of [1, 2, 3]) {
      const e = new Engine();
      await e.sql("CREATE TABLE ev (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '30 seconds') WITH (allowed_lateness = '10 seconds')");
      const rng = new Prng(seed);
      let maxTs = -Infinity;
      const expectedKept: number[] = [];
      const expectedLate: number[] = [];
      let id = 0;
      for (let batch = 0; batch < 40; batch++) {
        const values: string[] = [];
        const close = maxTs - 30 - 10; // seconds
        let batchMax = -Infinity;
        for (let k = rng.int(1, 5); k > 0; k--) {
          const t = batch * 5 + rng.int(-60, 10);
          id++;
          values.push(`(${id}, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '${t} seconds')`);
          if (t < close) expectedLate.push(id);
          else {
            expectedKept.push(id);
            batchMax = Math.max(batchMax, t);
          }
        }
        maxTs = Math.max(maxTs, batchMax);
        await e.sql(`INSERT INTO ev VALUES ${values.join(', ')}`);
      }
      expect((await rows(e, 'SELECT id FROM ev ORDER BY id')).map((r) => r[0])).toEqual(expectedKept);
      const late = await rows(e, "SELECT (row_data ->> 'id')::int AS id FROM freshet_quarantine ORDER BY 1");
      expect(late.map((r) => r[0])).toEqual(expectedLate);
      expect(await rows(e, 'SELECT late_rows FROM freshet_watermarks')).toEqual([[expectedLate.length]]);
    }
  });
});

describe('table DDL for event time', () => {
  const cases: [string, string][] = [
    ['CREATE TABLE u (k int, WATERMARK FOR k AS k)', '42804'],
    ["CREATE TABLE u (k timestamp, WATERMARK FOR k AS k + INTERVAL '1 second')", '0A000'],
    ["CREATE TABLE u (k timestamp, WATERMARK FOR k AS k - INTERVAL '1 month')", '0A000'],
    ["CREATE TABLE u (k timestamp, WATERMARK FOR nope AS nope)", '42703'],
    ["CREATE TABLE u (k timestamp, WATERMARK FOR k AS k, WATERMARK FOR k AS k)", '42601'],
    ["CREATE TABLE u (k timestamp) WITH (allowed_lateness = '1 minute')", '22023'],
    ['CREATE TABLE u (k timestamp, WATERMARK FOR k AS k) WITH (colour = 1)', '22023'],
    ["CREATE TABLE u (k timestamp, WATERMARK FOR k AS k) WITH (allowed_lateness = '-1 minute')", '22023'],
  ];
  for (const [sql, expected] of cases) {
    it(sql, async () => {
      expect(await code(new Engine(), sql)).toBe(expected);
    });
  }

  it('the event-time column is NOT NULL; system tables are read-only and hidden from SHOW TABLES', async () => {
    const e = new Engine();
    await e.sql(DDL);
    expect(await code(e, 'INSERT INTO ev VALUES (1, NULL)')).toBe('23502');
    expect(await code(e, "INSERT INTO freshet_quarantine VALUES ('a', 'b', NULL, NULL, '{}', 1)")).toBe('42809');
    expect(await code(e, 'DELETE FROM freshet_watermarks')).toBe('42809');
    expect(await code(e, 'DROP TABLE freshet_quarantine')).toBe('42809');
    expect(await rows(e, 'SHOW TABLES')).toEqual([['ev']]);
  });

  it('APPEND ONLY takes inserts only', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE log (k int PRIMARY KEY, v text) APPEND ONLY');
    await e.sql("INSERT INTO log VALUES (1, 'a'), (2, 'b')");
    expect(await code(e, 'DELETE FROM log WHERE k = 1')).toBe('55000');
    expect(await code(e, "UPDATE log SET v = 'c'")).toBe('55000');
    // An upsert over an existing key would retract the old row.
    expect(await code(e, "INSERT INTO log VALUES (1, 'z')")).toBe('55000');
    expect(await rows(e, 'SELECT * FROM log ORDER BY k')).toEqual([[1, 'a'], [2, 'b']]);
  });
});
