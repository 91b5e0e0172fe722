// Temporal filters (conditions on now()) as views, under an injected clock:
// seeded random inserts, updates and deletes interleaved with clock moves
// (each followed by a tick, or by a DML commit that must evaluate at the new
// time too), and after every step every view — read from its store and run
// one-shot — equals DuckDB computing the same query from scratch with now()
// replaced by the current time as a literal, in epoch microseconds. Covers
// aging out, absence (`last_seen < now() - ...`), a temporal filter under an
// aggregate and in HAVING, one pushed from JOIN ... ON, and a view over a
// temporal view. Also: ticks and LSNs, rollback of a failing tick, EXPLAIN,
// now() in one-shot statements and the errors for now() where a view cannot
// have it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { Prng } from '../differential/prng.js';
import type { OracleView } from './oracle-views.js';
import { applyToBoth, expectViewsMatch } from './oracle-views.js';

const SEC = 1_000_000; // µs
const MIN = 60 * SEC;

/** Each view with DuckDB's spelling at clock time `now` (µs): now() is a literal there. */
const VIEWS: { name: string; freshet: string; duckdb: (now: number) => string }[] = [
  {
    name: 'recent',
    freshet: "SELECT id, k, v FROM ev WHERE ts > now() - INTERVAL '5 minutes'",
    duckdb: (n) => `SELECT id, k, v FROM ev WHERE epoch_us(ts) > ${n - 5 * MIN}`,
  },
  {
    name: 'recent_per_key',
    freshet: "SELECT k, count(*) AS n, sum(v) AS s FROM ev WHERE now() - INTERVAL '5 minutes' < ts GROUP BY k",
    duckdb: (n) => `SELECT k, count(*), sum(v) FROM ev WHERE epoch_us(ts) > ${n - 5 * MIN} GROUP BY k`,
  },
  {
    // Both sides of now(), future rows included, with a plain condition beside.
    name: 'around_now',
    freshet: "SELECT id, ts FROM ev WHERE ts BETWEEN now() - INTERVAL '2 minutes' AND now() + INTERVAL '1 minute' AND v > 0",
    duckdb: (n) => `SELECT id, ts FROM ev WHERE epoch_us(ts) BETWEEN ${n - 2 * MIN} AND ${n + MIN} AND v > 0`,
  },
  {
    // Rows enter as time reaches them.
    name: 'arrived',
    freshet: "SELECT id FROM ev WHERE ts <= now() + INTERVAL '30 seconds'",
    duckdb: (n) => `SELECT id FROM ev WHERE epoch_us(ts) <= ${n + 30 * SEC}`,
  },
  {
    // Absence: sensors not seen for a minute.
    name: 'silent',
    freshet: "SELECT sensor FROM seen WHERE last_seen < now() - INTERVAL '1 minute'",
    duckdb: (n) => `SELECT sensor FROM seen WHERE epoch_us(last_seen) < ${n - MIN}`,
  },
  {
    // Absence per key through an aggregate: keys with no event in the last 3 minutes.
    name: 'quiet_keys',
    freshet: "SELECT k, max(ts) AS last FROM ev GROUP BY k HAVING max(ts) <= now() - INTERVAL '3 minutes'",
    duckdb: (n) => `SELECT k, max(ts) FROM ev GROUP BY k HAVING epoch_us(max(ts)) <= ${n - 3 * MIN}`,
  },
  {
    // The ON condition on one side is pushed to that input.
    name: 'fresh_pairs',
    freshet: "SELECT e.id, s.sensor FROM ev e JOIN seen s ON s.sensor = e.k AND s.last_seen >= now() - INTERVAL '2 minutes'",
    duckdb: (n) => `SELECT e.id, s.sensor FROM ev e JOIN seen s ON s.sensor = e.k AND epoch_us(s.last_seen) >= ${n - 2 * MIN}`,
  },
  {
    // A view over a temporal view moves in the same commit.
    name: 'recent_over',
    freshet: 'SELECT k, count(*) AS n FROM recent GROUP BY k',
    duckdb: (n) => `SELECT k, count(*) FROM (SELECT id, k, v FROM ev WHERE epoch_us(ts) > ${n - 5 * MIN}) GROUP BY k`,
  },
];

const START = Date.UTC(2024, 2, 10, 9, 0, 0); // ms

function literal(ms: number, zone: boolean): string {
  const text = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  return `'${text}${zone ? '+00' : ''}'`;
}

/** An event time near the clock: mostly the recent past, sometimes the future, on whole seconds or not. */
function eventTime(rng: Prng, clockMs: number, zone: boolean): string {
  const offsetMs = rng.int(-8 * 60, 3 * 60) * 1000 + (rng.chance(0.3) ? rng.int(0, 999) : 0);
  return literal(clockMs + offsetMs, zone);
}

class Workload {
  private nextId = 1;
  private readonly sensors = new Set<number>();
  constructor(private readonly rng: Prng) {}

  change(clockMs: number): string {
    const rng = this.rng;
    switch (rng.int(0, 5)) {
      case 0:
      case 1: {
        const rows: string[] = [];
        for (let i = rng.int(1, 5); i > 0; i--) rows.push(`(${this.nextId++}, ${rng.int(1, 4)}, ${rng.int(-2, 9)}, ${eventTime(rng, clockMs, false)})`);
        return `INSERT INTO ev VALUES ${rows.join(', ')}`;
      }
      case 2:
        return `DELETE FROM ev WHERE id % 9 = ${rng.int(0, 8)}`;
      case 3:
        return `UPDATE ev SET ts = ${eventTime(rng, clockMs, false)} WHERE id = ${rng.int(1, Math.max(1, this.nextId - 1))}`;
      case 4: {
        const sensor = rng.int(1, 5);
        const seenAt = eventTime(rng, clockMs, true);
        if (this.sensors.has(sensor)) {
          if (rng.chance(0.2)) {
            this.sensors.delete(sensor);
            return `DELETE FROM seen WHERE sensor = ${sensor}`;
          }
          return `UPDATE seen SET last_seen = ${seenAt} WHERE sensor = ${sensor}`;
        }
        this.sensors.add(sensor);
        return `INSERT INTO seen VALUES (${sensor}, ${seenAt})`;
      }
      default:
        return `UPDATE ev SET v = v + ${rng.int(-3, 3)} WHERE k = ${rng.int(1, 4)}`;
    }
  }
}

describe('temporal filter views equal DuckDB after every change and clock move', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [21, 22, 23]) {
    it(`seed ${seed}`, async () => {
      let clockMs = START;
      const engine = new Engine({ clock: () => clockMs });
      const rng = new Prng(seed);
      const work = new Workload(rng);
      await duck.exec('DROP TABLE IF EXISTS ev; DROP TABLE IF EXISTS seen');
      await applyToBoth(duck, engine, 'CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      await applyToBoth(duck, engine, 'CREATE TABLE seen (sensor integer PRIMARY KEY, last_seen timestamptz)');
      // Rows before the views exist: backfill evaluates at creation time.
      for (let i = 0; i < 3; i++) await applyToBoth(duck, engine, work.change(clockMs));
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
      const views = (): OracleView[] => VIEWS.map((v) => ({ name: v.name, freshet: v.freshet, duckdb: v.duckdb(clockMs * 1000) }));
      await expectViewsMatch(duck, engine, views(), 'creation');
      for (let step = 0; step < 40; step++) {
        let what: string;
        if (rng.chance(0.45)) {
          // The clock moves (0 to 90 s, not always whole seconds), then a tick or a DML commit.
          clockMs += rng.int(0, 90) * 1000 + (rng.chance(0.4) ? rng.int(1, 999) : 0);
          if (rng.chance(0.6)) {
            const lsn = engine.lsn;
            await engine.tick();
            expect(engine.lsn - lsn).toBeLessThanOrEqual(1);
            what = `tick to ${new Date(clockMs).toISOString()}`;
          } else {
            const sql = work.change(clockMs);
            await applyToBoth(duck, engine, sql);
            what = `clock ${new Date(clockMs).toISOString()} then ${sql}`;
          }
        } else {
          const sql = work.change(clockMs);
          await applyToBoth(duck, engine, sql);
          what = sql;
        }
        await expectViewsMatch(duck, engine, views(), `step ${step}: ${what}`);
      }
      await engine.close();
    });
  }
});

describe('ticks', () => {
  async function setup(): Promise<{ engine: Engine; at: (ms: number) => void }> {
    let clockMs = START;
    const engine = new Engine({ clock: () => clockMs });
    await engine.sql('CREATE TABLE ev (id integer, v integer, ts timestamptz)');
    await engine.sql("CREATE MATERIALIZED VIEW recent AS SELECT id, v FROM ev WHERE ts > now() - INTERVAL '10 seconds'");
    return { engine, at: (ms) => { clockMs = ms; } };
  }
  const ids = async (engine: Engine, sql: string): Promise<number[]> => (await engine.sql(sql)).rows.map((r) => Number(r[0])).sort((a, b) => a - b);

  it('retracts a row exactly when it ages out, in one commit per tick that changes something', async () => {
    const { engine, at } = await setup();
    await engine.sql(`INSERT INTO ev VALUES (1, 1, ${literal(START, true)}), (2, 1, ${literal(START + 4000, true)})`);
    const lsn = engine.lsn;
    await engine.tick(START + 9999);
    expect(engine.lsn).toBe(lsn); // nothing aged out: no commit
    expect(await ids(engine, 'SELECT id FROM recent')).toEqual([1, 2]);
    await engine.tick(START + 10_000); // ts > now - 10 s no longer holds for ts = START
    expect(engine.lsn).toBe(lsn + 1);
    expect(await ids(engine, 'SELECT id FROM recent')).toEqual([2]);
    // tick() without an argument reads the injected clock; a clock behind the engine's time changes nothing.
    at(START + 5000);
    await engine.tick();
    expect(await ids(engine, 'SELECT id FROM recent')).toEqual([2]);
    at(START + 14_000);
    await engine.tick();
    expect(await ids(engine, 'SELECT id FROM recent')).toEqual([]);
    expect(engine.lsn).toBe(lsn + 2);
  });

  it('rolls a failing tick back entirely: the temporal view and the view over it stay as they were', async () => {
    const { engine } = await setup();
    await engine.sql('CREATE TABLE later (id integer, v integer, ts timestamptz)');
    await engine.sql('CREATE MATERIALIZED VIEW due AS SELECT id, v FROM later WHERE ts <= now()');
    await engine.sql('CREATE MATERIALIZED VIEW ratio AS SELECT id, 100 / v AS r FROM due');
    await engine.sql(`INSERT INTO later VALUES (1, 5, ${literal(START + 1000, true)}), (2, 0, ${literal(START + 2000, true)})`);
    await engine.tick(START + 1000);
    expect((await engine.sql('SELECT * FROM ratio')).rows).toEqual([[1, 20]]);
    const lsn = engine.lsn;
    await expect(engine.tick(START + 2000)).rejects.toMatchObject({ code: '22012' });
    expect(engine.lsn).toBe(lsn);
    expect(await ids(engine, 'SELECT id FROM due')).toEqual([1]);
    expect((await engine.sql('SELECT * FROM ratio')).rows).toEqual([[1, 20]]);
    // The undone tick left the state exact: the failure repeats, and a fix lets time pass.
    await expect(engine.tick(START + 3000)).rejects.toMatchObject({ code: '22012' });
    await engine.sql('DROP MATERIALIZED VIEW ratio');
    await engine.tick(START + 3000);
    expect(await ids(engine, 'SELECT id FROM due')).toEqual([1, 2]);
  });

  it('EXPLAIN shows the derived bound and the state held', async () => {
    const { engine } = await setup();
    await engine.sql(`INSERT INTO ev VALUES (1, 1, ${literal(START, true)})`);
    await engine.sql("CREATE MATERIALIZED VIEW gone AS SELECT id FROM ev WHERE ts < now() - INTERVAL '1 minute'");
    const text = async (v: string): Promise<string> => (await engine.sql(`EXPLAIN VIEW ${v}`)).rows.map((r) => String(r[0])).join('\n');
    expect(await text('recent')).toMatch(/TemporalFilter visible while ts > now\(\) - 00:00:10; retracted at ts \+ 00:00:10/);
    expect(await text('recent')).toMatch(/state: the rows whose visibility will still change, by the instant it changes \(1 entries now\)/);
    expect(await text('gone')).toMatch(/TemporalFilter visible once ts < now\(\) - 00:01:00; inserted just after ts \+ 00:01:00/);
  });
});

describe('now() in statements', () => {
  it('is the clock at the start of the statement, in every spelling', async () => {
    const engine = new Engine({ clock: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678) });
    const r = await engine.sql('SELECT now(), current_timestamp, localtimestamp, current_date, now() = current_timestamp AS same');
    expect(r.rows).toEqual([['2024-01-02 03:04:05.678+00', '2024-01-02 03:04:05.678+00', '2024-01-02 03:04:05.678', '2024-01-02', true]]);
    await engine.sql('CREATE TABLE t (id integer, at timestamptz, current_date integer)');
    await engine.sql("INSERT INTO t VALUES (1, now() - INTERVAL '1 hour', 7)");
    // A column named like the keyword wins, as a quoted name would in PostgreSQL.
    expect((await engine.sql('SELECT id, at, current_date FROM t')).rows).toEqual([[1, '2024-01-02 02:04:05.678+00', 7]]);
    expect((await engine.sql("DELETE FROM t WHERE at < now() - INTERVAL '30 minutes'")).rowCount).toBe(1);
  });
});

describe('now() where a view cannot have it', () => {
  const cases: [string, RegExp][] = [
    ['SELECT id, now() AS seen FROM ev', /now\(\) is not supported here in a materialized view/],
    ['SELECT id FROM ev WHERE ts = now()', /this use of the clock is not supported/],
    ["SELECT id FROM ev WHERE ts > now() - INTERVAL '5 minutes' OR v > 1", /this use of the clock is not supported/],
    ["SELECT id FROM ev WHERE NOT (ts > now())", /this use of the clock is not supported/],
    ['SELECT id FROM ev WHERE ts + (now() - ts) > ts', /this use of the clock is not supported/],
    ["SELECT id FROM ev WHERE ts > now() - v * INTERVAL '1 second'", /this use of the clock is not supported/],
    ['SELECT id FROM ev WHERE ts::date > current_date', /current_date is not supported here|this use of the clock/],
    ["SELECT id FROM ev WHERE ts > now() - INTERVAL '1 month'", /months or years in a temporal filter/],
    ['SELECT k, count(*) FROM ev GROUP BY k HAVING count(*) > extract(epoch FROM now())', /this use of the clock is not supported|not supported here/],
    ['SELECT e.id FROM ev e JOIN ev f ON e.ts > f.ts - (now() - f.ts)', /now\(\) is not supported here|this use of the clock/],
    ['SELECT id FROM ev WHERE id IN (SELECT id FROM ev WHERE ts > now() OR v = 0)', /this use of the clock is not supported/],
    ["WITH RECURSIVE r(n) AS (SELECT 1 FROM ev WHERE ts > now() UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r", /now\(\) is not supported here/],
    ['SELECT 1 AS x WHERE now() > now()', /not supported/],
  ];
  for (const [sql, message] of cases) {
    it(sql, async () => {
      const engine = new Engine();
      await engine.sql('CREATE TABLE ev (id integer, k integer, v integer, ts timestamptz)');
      await expect(engine.sql(`CREATE MATERIALIZED VIEW bad AS ${sql}`)).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(message) });
      // The same query one-shot is fine: now() is a constant there.
      await expect(engine.sql(sql)).resolves.toBeDefined();
    });
  }

  it('names what is supported and points at the condition', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE ev (id integer, ts timestamptz)');
    const err = await engine.sql('CREATE MATERIALIZED VIEW bad AS SELECT id FROM ev WHERE ts = now()').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '0A000', position: { line: 1 } });
    expect(String((err as Error).message)).toMatch(/ts > now\(\) - INTERVAL '5 minutes'.*must not|depend on when it is read/);
  });
});
