// WITH (retention = ...): rows far enough behind the watermark leave the
// table, views that hold them keep them, and a restart keeps the same rows.
// Expected rows come from the documented rule, computed here: every row
// within `retention` of the watermark stays; every row more than retention
// plus one step (retention / 16) behind it is gone.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-retention-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const SCHEMA = `CREATE TABLE ev (id INT PRIMARY KEY, k TEXT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 minute')
  WITH (retention = '1 hour', allowed_lateness = '5 minutes');
  CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n FROM ev GROUP BY k`;

async function ids(engine: Engine, sql: string): Promise<number[]> {
  return (await engine.sql(sql)).rows.map((r) => r[0] as number);
}

describe('table retention', () => {
  test('old rows leave the table, views keep them, a restart keeps the same rows', async () => {
    const dir = join(root, 'events');
    let engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    await engine.sql(SCHEMA);
    // One event a minute for 3 hours, in 18 commits of 10.
    const times: number[] = [];
    for (let c = 0; c < 18; c++) {
      const rows = Array.from({ length: 10 }, (_, i) => c * 10 + i);
      for (const id of rows) times[id] = T0 + id * MINUTE;
      await engine.sql(`INSERT INTO ev VALUES ${rows.map((id) => `(${id}, 'k${id % 3}', '${ts(times[id]!)}')`).join(', ')}`);
    }
    const watermark = T0 + 179 * MINUTE - MINUTE;
    const kept = await ids(engine, 'SELECT id FROM ev ORDER BY id');
    const step = (60 * MINUTE) / 16;
    for (let id = 0; id < 180; id++) {
      const age = watermark - times[id]!;
      if (age <= 60 * MINUTE) expect(kept, `row ${id} is within retention`).toContain(id);
      if (age > 60 * MINUTE + step) expect(kept, `row ${id} is past retention`).not.toContain(id);
    }
    expect(kept.length).toBeLessThan(180);
    // The view was maintained over all 180 rows and keeps them.
    expect((await engine.sql('SELECT sum(n) FROM per_k')).rows).toEqual([[180]]);
    // A view created now sees the retained rows only.
    await engine.sql('CREATE MATERIALIZED VIEW later AS SELECT count(*) AS n FROM ev');
    expect((await engine.sql('SELECT n FROM later')).rows).toEqual([[kept.length]]);
    // An old key is free again (its row is gone), for a row in open time.
    await engine.sql(`INSERT INTO ev VALUES (0, 'k0', '${ts(T0 + 180 * MINUTE)}')`);
    const before = await ids(engine, 'SELECT id FROM ev ORDER BY id');
    const viewBefore = (await engine.sql('SELECT k, n FROM per_k ORDER BY k')).rows;
    // A restart that replays the log removes the same rows and rebuilds the view from every row.
    await engine.close();
    engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    expect(engine.recovery!.checkpointLsn).toBeNull();
    expect(await ids(engine, 'SELECT id FROM ev ORDER BY id')).toEqual(before);
    expect((await engine.sql('SELECT k, n FROM per_k ORDER BY k')).rows).toEqual(viewBefore);
    // A restart from a checkpoint keeps the table's rows.
    await engine.checkpoint();
    await engine.close();
    engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    expect(engine.recovery!.checkpointLsn).not.toBeNull();
    expect(await ids(engine, 'SELECT id FROM ev ORDER BY id')).toEqual(before);
    await engine.close();
  });

  // A checkpoint holds tables, not view state: the rows retention removed from
  // a table that views read are kept as expired cold segments, so recovery
  // rebuilds each view with the rows it counted (storage/cold-tier.ts).
  test('after a restart from a checkpoint, a view still counts the rows retention removed, a newer view does not, and the kept rows go with the last old view', async () => {
    const dir = join(root, 'checkpointed');
    let engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    await engine.sql(SCHEMA);
    for (let c = 0; c < 18; c++) {
      const rows = Array.from({ length: 10 }, (_, i) => c * 10 + i);
      await engine.sql(`INSERT INTO ev VALUES ${rows.map((id) => `(${id}, 'k${id % 3}', '${ts(T0 + id * MINUTE)}')`).join(', ')}`);
    }
    const kept = await ids(engine, 'SELECT id FROM ev ORDER BY id');
    expect(kept.length).toBeLessThan(180);
    // Counted by hand: ids 0..179 are k0, k1, k2 in turn.
    expect((await engine.sql('SELECT k, n FROM per_k ORDER BY k')).rows).toEqual([['k0', 60], ['k1', 60], ['k2', 60]]);
    await engine.sql('CREATE MATERIALIZED VIEW later AS SELECT count(*) AS n FROM ev');
    await engine.checkpoint();
    for (let restart = 0; restart < 2; restart++) {
      await engine.close();
      engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
      expect(engine.recovery!.records).toBe(0);
      expect((await engine.sql('SELECT k, n FROM per_k ORDER BY k')).rows).toEqual([['k0', 60], ['k1', 60], ['k2', 60]]);
      expect((await engine.sql('SELECT n FROM later')).rows).toEqual([[kept.length]]);
      expect(await ids(engine, 'SELECT id FROM ev ORDER BY id')).toEqual(kept);
      expect(engine.status().tables.find((t) => t.name === 'ev')!.cold!.expiredRows).toBe(180 - kept.length);
    }
    // Once no view older than the expiry reads the table, the kept rows go.
    await engine.sql('DROP MATERIALIZED VIEW per_k');
    await engine.sql(`INSERT INTO ev VALUES (500, 'k0', '${ts(T0 + 179 * MINUTE)}')`);
    await engine.checkpoint();
    expect(engine.status().tables.find((t) => t.name === 'ev')!.cold!.expiredRows).toBe(0);
    await engine.close();
  });

  test('retention needs a watermark, days or shorter, and at least the allowed lateness', async () => {
    const engine = new Engine();
    await expect(engine.sql("CREATE TABLE a (ts TIMESTAMP) WITH (retention = '1 day')")).rejects.toThrow(/retention needs a WATERMARK/);
    await expect(engine.sql("CREATE TABLE b (ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (retention = '1 mon')")).rejects.toThrow(/retention must be days or shorter/);
    await expect(engine.sql("CREATE TABLE c (ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (retention = '1 minute', allowed_lateness = '1 hour')")).rejects.toThrow(
      /retention must be at least allowed_lateness/,
    );
    await expect(engine.sql("CREATE TABLE d (ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (keep = '1 day')")).rejects.toThrow(/valid options: allowed_lateness, retention/);
  });
});
