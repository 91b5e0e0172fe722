// REPLAY MATERIALIZED VIEW v INTO w (engine/replay-view.ts): w runs v's
// defining query over the rows the tables retain now, checked against DuckDB
// computing that query over the same rows, while v keeps what retention
// removed; w keeps v's column names, is logged as its CREATE statement (so it
// survives v's replacement and a restart that replays the log), and bad names
// fail with the usual codes.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { EngineError, SqlState } from '../../src/common/errors.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { diffMultisets, formatRow } from '../differential/comparator.js';
import { freshetRows, sqlValue } from './oracle-views.js';
import { replayError } from '../../src/engine/replay-view.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import type { ReplayStmt } from '../../src/sql/ast.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const root = mkdtempSync(join(tmpdir(), 'freshet-replay-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Throws unless `view`'s rows equal DuckDB's `query` over the rows Freshet's table `ev` holds now. */
async function expectOverRetained(engine: Engine, view: string, query: string, when: string): Promise<void> {
  const duck = await DuckDbOracle.open();
  try {
    await duck.exec('CREATE TABLE ev (id INTEGER, k VARCHAR, v INTEGER, ts TIMESTAMP)');
    const rows = (await engine.sql('SELECT id, k, v, ts FROM ev')).rows;
    expect(rows.length).toBeGreaterThan(0);
    await duck.exec(`INSERT INTO ev VALUES ${rows.map(([id, k, v, t]) => `(${id}, ${sqlValue(k as string)}, ${v}, '${String(t)}')`).join(', ')}`);
    const diff = diffMultisets((await duck.query(query)).rows, await freshetRows(engine, `SELECT * FROM ${view}`));
    expect(diff, `${view} ${when}: missing ${diff?.missing.map(formatRow).join(' | ')}; unexpected ${diff?.unexpected.map(formatRow).join(' | ')}`).toBeNull();
  } finally {
    duck.close();
  }
}

describe('REPLAY MATERIALIZED VIEW ... INTO', () => {
  test("the new view is the query over the retained rows; the old one keeps what retention removed; the replay outlives the old view's replacement and a restart", async () => {
    const dir = join(root, 'retained');
    let engine = await Engine.open({ dataDir: dir });
    try {
      await engine.sql(`CREATE TABLE ev (id INT PRIMARY KEY, k TEXT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (retention = '1 hour');
        CREATE MATERIALIZED VIEW per_k (key, events, total) AS SELECT k, count(*), sum(v) FROM ev GROUP BY k`);
      // One event a minute for 3 hours: retention keeps about the last hour in the table, the view counts all of it.
      for (let c = 0; c < 18; c++) {
        const ids = Array.from({ length: 10 }, (_, i) => c * 10 + i);
        await engine.sql(`INSERT INTO ev VALUES ${ids.map((id) => `(${id}, 'k${id % 3}', ${id % 7}, '${ts(T0 + id * MINUTE)}')`).join(', ')}`);
      }
      const kept = Number((await engine.sql('SELECT count(*) FROM ev')).rows[0]![0]);
      expect(kept).toBeLessThan(100);
      expect((await engine.sql('SELECT sum(events) FROM per_k')).rows).toEqual([[180]]);

      const replayed = await engine.sql('replay materialized view PER_K into per_k_now');
      expect(replayed.command).toBe('CREATE MATERIALIZED VIEW');
      const QUERY = 'SELECT k, count(*), sum(v) FROM ev GROUP BY k';
      await expectOverRetained(engine, 'per_k_now', QUERY, 'after the replay');
      const read = await engine.sql('SELECT * FROM per_k_now');
      expect(read.fields.map((f) => f.name)).toEqual(['key', 'events', 'total']);
      expect((await engine.sql('SELECT sum(events) FROM per_k_now')).rows).toEqual([[kept]]);
      // The old view is untouched.
      expect((await engine.sql('SELECT sum(events) FROM per_k')).rows).toEqual([[180]]);
      // The replay is maintained like any view. (Later rows stay behind the newest time, so that retention removes
      // nothing more: what the view counted then stays what DuckDB counts over the table.)
      await engine.sql(`INSERT INTO ev VALUES (900, 'k1', 5, '${ts(T0 + 179 * MINUTE + 10_000)}'); DELETE FROM ev WHERE id = 179`);
      await expectOverRetained(engine, 'per_k_now', QUERY, 'after later changes');

      // Replacing the old view changes nothing in the replay, also when a restart replays the log (no checkpoint at close).
      await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW per_k AS SELECT k, max(v) AS top FROM ev GROUP BY k');
      await engine.sql(`INSERT INTO ev VALUES (901, 'k2', 6, '${ts(T0 + 179 * MINUTE + 20_000)}')`);
      await engine.close();
      engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
      await expectOverRetained(engine, 'per_k_now', QUERY, 'after a restart that replayed the log');
      expect((await engine.sql('SELECT * FROM per_k_now')).fields.map((f) => f.name)).toEqual(['key', 'events', 'total']);
      // Once more from a checkpoint, with the old view dropped.
      await engine.sql('DROP MATERIALIZED VIEW per_k');
      await engine.close();
      engine = await Engine.open({ dataDir: dir });
      await expectOverRetained(engine, 'per_k_now', QUERY, 'after a restart from a checkpoint');
    } finally {
      await engine.close();
    }
  });

  test('keeps EMIT ON WINDOW CLOSE and a quoted name', async () => {
    const engine = new Engine();
    await engine.sql(`CREATE TABLE ev (id INT, k TEXT, v INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 minute');
      CREATE MATERIALIZED VIEW "Per Window" AS SELECT window_start, count(*) AS n FROM TUMBLE(ev, ts, INTERVAL '10 minutes') GROUP BY window_start EMIT ON WINDOW CLOSE`);
    await engine.sql(`INSERT INTO ev VALUES ${Array.from({ length: 25 }, (_, i) => `(${i}, 'a', ${i}, '${ts(T0 + i * MINUTE)}')`).join(', ')}`);
    await engine.sql('REPLAY VIEW "Per Window" INTO "Again"');
    // Windows close at the watermark (24 min - 1 min): [0, 10) and [10, 20) are out, [20, 30) is not.
    const rows = async (view: string): Promise<unknown[][]> => (await engine.sql(`SELECT n FROM "${view}" ORDER BY window_start`)).rows.map((r) => [...r]);
    expect(await rows('Again')).toEqual([[10], [10]]);
    expect(await rows('Again')).toEqual(await rows('Per Window'));
    await engine.close();
  });

  test('fails on a missing view, a table, a name in use and a missing INTO, changing nothing', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE t (a INT); CREATE MATERIALIZED VIEW v AS SELECT a FROM t; CREATE MATERIALIZED VIEW w AS SELECT 1 AS one');
    const lsn = engine.lsn;
    const fail = async (sql: string): Promise<EngineError> => {
      const err = await engine.sql(sql).catch((e: unknown) => e);
      expect(err, sql).toBeInstanceOf(EngineError);
      return err as EngineError;
    };
    const missing = await fail('REPLAY MATERIALIZED VIEW nope INTO n');
    expect([missing.code, missing.message]).toEqual([SqlState.undefinedTable, 'materialized view "nope" does not exist']);
    // At the name: character 26.
    expect(missing.position).toEqual({ offset: 26, line: 1, column: 26 });
    const table = await fail('REPLAY MATERIALIZED VIEW t INTO n');
    expect(table.code).toBe(SqlState.wrongObjectType);
    expect(table.message).toMatch(/"t" is a table; REPLAY re-runs a materialized view's query/);
    const taken = await fail('REPLAY MATERIALIZED VIEW v INTO w');
    expect(taken.code).toBe(SqlState.duplicateTable);
    // The position is the name after INTO: character 33.
    expect(taken.position).toEqual({ offset: 33, line: 1, column: 33 });
    const syntax = await fail('REPLAY MATERIALIZED VIEW v');
    expect(syntax.code).toBe(SqlState.syntaxError);
    expect(engine.lsn).toBe(lsn);
    expect((await engine.sql('SHOW VIEWS')).rows.map((r) => r[0])).toEqual(['v', 'w']);
    await engine.close();
  });

  test("an error in the replayed definition points at the view's name and says where it comes from", () => {
    const stmt = parseSql('REPLAY VIEW v INTO w')[0] as ReplayStmt;
    // Positions inside the generated CREATE mean nothing to the sender.
    const inside = replayError(new EngineError(SqlState.divisionByZero, 'division by zero', { offset: 40, line: 1, column: 40 }), stmt) as EngineError;
    expect([inside.code, inside.message, inside.position]).toEqual([SqlState.divisionByZero, 'division by zero (in the definition of materialized view "v")', stmt.viewPos]);
    // An error about the new name keeps its position; one without a position is left alone.
    const taken = new EngineError(SqlState.duplicateTable, 'relation "w" already exists', stmt.intoPos);
    expect(replayError(taken, stmt)).toBe(taken);
    const plain = new EngineError(SqlState.ioError, 'disk gone');
    expect(replayError(plain, stmt)).toBe(plain);
  });
});
