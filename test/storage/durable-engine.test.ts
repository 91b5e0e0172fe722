// A durable engine restarted from its data directory is the engine it was:
// every table, system table, view and LSN reads back the same, for each kind
// of logged operation (DDL, DML of every type, bulk and object inserts,
// partial multi-statement failures, event time, ticks of temporal filters,
// table sinks, drops), and it keeps logging after recovery. The values
// themselves are checked against DuckDB by the other suites; here the
// property is "restart changes nothing".

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { Engine } from '../../src/engine.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-durable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);

/** A clock the test moves by hand, shared by the engine before and after restart. */
function manualClock(): { now: () => number; set: (ms: number) => void } {
  let ms = T0;
  return { now: () => ms, set: (v) => (ms = v) };
}

/** Everything a user can read: each relation's rows in a stable order, plus the LSN. */
async function everything(engine: Engine): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { lsn: engine.lsn };
  const names = [
    ...(await engine.sql('SHOW TABLES')).rows.map((r) => r[0] as string),
    ...(await engine.sql('SHOW VIEWS')).rows.map((r) => r[0] as string),
    'freshet_watermarks',
    'freshet_quarantine',
    'freshet_dead_letters',
  ];
  for (const name of names) out[name] = sorted((await engine.sql(`SELECT * FROM ${name}`)).rows);
  out['indexes'] = (await engine.sql('SHOW INDEXES')).rows;
  out['sinks'] = (await engine.sql('SHOW SINKS')).rows.map((r) => r.slice(0, 3));
  return out;
}

/** Rows in a canonical order (a test-side sort: a multiset compare). */
function sorted(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe.each([
  ['from the log alone', false],
  ['from a checkpoint taken at close', true],
] as const)('a restarted engine equals the one before: recovery %s', (_how, checkpoint) => {
  const open = (dir: string, clock: () => number): Promise<Engine> => Engine.open({ dataDir: dir, clock, checkpointOnClose: checkpoint });
  async function restart(engine: Engine, dir: string, clock: () => number): Promise<Engine> {
    await engine.close();
    const reopened = await open(dir, clock);
    expect(reopened.recovery!.checkpointLsn === null).toBe(!checkpoint);
    return reopened;
  }

  test('every column type, upserts, updates, deletes, RETURNING, INSERT ... SELECT', async () => {
    const dir = join(root, `types-${checkpoint}`);
    const clock = manualClock();
    let engine = await open(dir, clock.now);
    await engine.sql(`CREATE TABLE t (
      id INT PRIMARY KEY, b BOOLEAN, big BIGINT, d DOUBLE PRECISION, n NUMERIC(12,3), txt TEXT,
      ts TIMESTAMP, tz TIMESTAMPTZ, day DATE, iv INTERVAL, j JSONB, arr INT[], raw BYTEA)`);
    await engine.sql(`INSERT INTO t VALUES
      (1, true, 9007199254740991, 'NaN', 1.5, 'é ✓', '2026-01-01 10:00', '2026-01-01 10:00+02', '2026-01-02', '1 mon 2 days 03:00', '{"a": [1, null]}', ARRAY[1, NULL, 3], '\\xdeadbeef'),
      (2, NULL, NULL, '-Infinity', -0.001, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, false, -5, -0.0, 123456789.125, 'x', '1999-12-31 23:59:59.999999', NULL, '2000-02-29', '-1 day', '[]', ARRAY[]::INT[], '\\x')`);
    await engine.sql('UPDATE t SET txt = txt || $1, n = n * 2 WHERE id <> $2', ['!', 2]);
    await engine.sql('INSERT INTO t (id, txt) VALUES (2, $1) ON CONFLICT (id) DO UPDATE SET txt = excluded.txt', [String(Number.NaN)]).catch(() => engine.sql("UPDATE t SET txt = 'NaN' WHERE id = 2"));
    await engine.sql('DELETE FROM t WHERE id = 3 RETURNING id');
    await engine.sql('CREATE TABLE copy (id INT, d DOUBLE PRECISION)');
    await engine.sql('INSERT INTO copy SELECT id, d FROM t');
    await engine.sql('INSERT INTO copy VALUES ($1, $2)', [10, Number.POSITIVE_INFINITY]);
    await engine.insert('copy', [{ id: 11, d: 0.25 }]);
    await engine.insertArrow('copy', tableFromArrays({ id: Int32Array.of(12, 13), d: Float64Array.of(1e300, -2) }));
    await engine.sql('INSERT INTO copy VALUES (50, 1), (50, 1), (NULL, NULL)');
    await engine.sql("CREATE TABLE u (id INT PRIMARY KEY, email TEXT UNIQUE); INSERT INTO u VALUES (1, 'a@x'), (2, NULL), (3, 'c@x')");
    await engine.sql('CREATE MATERIALIZED VIEW agg AS SELECT count(*) AS c, sum(n) AS s, max(txt) AS m, array_agg(id ORDER BY id) AS ids FROM t');
    const before = await everything(engine);
    engine = await restart(engine, dir, clock.now);
    expect(await everything(engine)).toEqual(before);
    // Keys and unique constraints hold on the recovered rows.
    await expect(engine.sql("INSERT INTO u VALUES (4, 'c@x')")).rejects.toThrow(/duplicate key/);
    await engine.sql("INSERT INTO u VALUES (1, 'z@x')");
    expect((await engine.sql('SELECT email FROM u WHERE id = 1')).rows).toEqual([['z@x']]);
    await engine.sql('DELETE FROM copy WHERE id = 50');
    expect((await engine.sql('SELECT count(*) FROM copy WHERE id = 50')).rows).toEqual([[0]]);
    // It keeps logging after recovery.
    await engine.sql("INSERT INTO copy VALUES (99, 9), (50, 1); INSERT INTO u VALUES (5, 'a@y')");
    const again = await everything(engine);
    engine = await restart(engine, dir, clock.now);
    expect(await everything(engine)).toEqual(again);
    await engine.close();
  });

  test('a multi-statement request that fails half way keeps the statements before the failure', async () => {
    const dir = join(root, `partial-${checkpoint}`);
    const clock = manualClock();
    let engine = await open(dir, clock.now);
    await engine.sql('CREATE TABLE t (id INT PRIMARY KEY)');
    await expect(engine.sql('INSERT INTO t VALUES (1); CREATE TABLE u (x INT); INSERT INTO t VALUES (1 / 0); INSERT INTO t VALUES (2)')).rejects.toThrow();
    const before = await everything(engine);
    expect(before['t']).toEqual(['[1]']);
    expect(before['u']).toEqual([]);
    engine = await restart(engine, dir, clock.now);
    expect(await everything(engine)).toEqual(before);
    await engine.close();
  });

  test('event time, late rows, temporal filters moved by ticks, table sinks and drops', async () => {
    const dir = join(root, `time-${checkpoint}`);
    const clock = manualClock();
    let engine = await open(dir, clock.now);
    await engine.sql(`
      CREATE TABLE ev (id INT, k TEXT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (allowed_lateness = '30 seconds');
      CREATE MATERIALIZED VIEW per_min AS
        SELECT window_start, k, count(*) AS n FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY window_start, k;
      CREATE MATERIALIZED VIEW closed AS
        SELECT window_start, count(*) AS n FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY window_start EMIT ON WINDOW CLOSE;
      CREATE TABLE seen (k TEXT PRIMARY KEY, last_seen TIMESTAMP);
      CREATE MATERIALIZED VIEW silent AS SELECT k FROM seen WHERE last_seen < now() - INTERVAL '1 minute';
      CREATE TABLE totals (k TEXT, n BIGINT);
      CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n FROM ev GROUP BY k;
      CREATE SINK to_totals FROM per_k INTO TABLE totals;
      CREATE UNIQUE INDEX seen_k ON seen (k);
      CREATE TABLE gone (x INT);
      CREATE MATERIALIZED VIEW gone_v AS SELECT count(*) FROM gone`);
    await engine.sql(`INSERT INTO ev VALUES (1, 'a', '2026-01-01 00:00:10'), (2, 'b', '2026-01-01 00:00:50'), (3, 'a', '2026-01-01 00:02:05')`);
    await engine.sql(`INSERT INTO ev VALUES (4, 'a', '2026-01-01 00:00:20')`); // late: quarantined
    await engine.sql(`INSERT INTO ev VALUES (5, 'b', '2026-01-01 00:04:00')`);
    await engine.sql(`INSERT INTO seen VALUES ('s1', '2026-01-01 00:00:00'), ('s2', '2026-01-01 00:00:30')`);
    clock.set(T0 + 75_000);
    await engine.tick();
    await engine.sql(`INSERT INTO seen VALUES ('s1', '2026-01-01 00:01:10') ON CONFLICT (k) DO UPDATE SET last_seen = excluded.last_seen`).catch(() =>
      engine.sql(`UPDATE seen SET last_seen = '2026-01-01 00:01:10' WHERE k = 's1'`));
    clock.set(T0 + 200_000);
    await engine.tick();
    await engine.sql('DROP TABLE gone CASCADE');
    const before = await everything(engine);
    expect((before['silent'] as string[]).length).toBeGreaterThan(0);
    expect((before['freshet_quarantine'] as string[]).length).toBe(1);
    expect((before['totals'] as string[]).length).toBeGreaterThan(0);
    // The clock went on while the server was down: recovery replays the logged ticks, not today's time.
    clock.set(T0 + 10_000_000);
    engine = await restart(engine, dir, clock.now);
    expect(await everything(engine)).toEqual(before);
    // The watermark survived: a row far behind it is still late.
    await engine.sql(`INSERT INTO ev VALUES (6, 'a', '2026-01-01 00:00:05')`);
    expect((await engine.sql('SELECT count(*) FROM freshet_quarantine')).rows).toEqual([[2]]);
    // After recovery, the next tick moves the temporal view to the new time.
    await engine.tick();
    expect((await engine.sql('SELECT count(*) FROM silent')).rows).toEqual([[2]]);
    await engine.close();
  });
});
