// EMIT ON WINDOW CLOSE: a view's row appears once the source table's close
// point (watermark - allowed_lateness) passes its window, and never changes
// after. Checked after every random batch against DuckDB computing the full
// aggregate over the table's accepted rows and keeping only the closed
// windows (the close point read back from freshet_watermarks), and against
// the rows already emitted (none may change or disappear).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { canonFreshet, diffMultisets, formatRow, type Row } from '../differential/comparator.js';
import { Prng } from '../differential/prng.js';

const MIN = 60_000_000;

const DDL = "CREATE TABLE ev (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '2 minutes') WITH (allowed_lateness = '1 minute')";

interface Case {
  readonly name: string;
  readonly view: string;
  /** DuckDB: the full result, with a column `closes_at` (µs) giving when each row is final. */
  readonly duck: string;
  /** Final when closes_at <= close point (window bounds) or < (event time). */
  readonly strict: boolean;
}

const align = (size: number): string => `(epoch_us(ts) // ${size}) * ${size}`;

const CASES: Case[] = [
  {
    name: 'tumble_counts',
    view: "SELECT k, window_start, window_end, count(*) AS n, sum(v) AS s FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '5 minutes') GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE",
    duck: `SELECT k, make_timestamp(ws), make_timestamp(ws + ${5 * MIN}), count(*), sum(v), ws + ${5 * MIN} AS closes_at FROM (SELECT *, ${align(5 * MIN)} AS ws FROM ev) GROUP BY k, ws`,
    strict: false,
  },
  {
    // Only window_start is selected: final at window_start + size.
    name: 'hop_max',
    view: "SELECT window_start, max(v) AS m FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '2 minutes', INTERVAL '6 minutes') GROUP BY window_start EMIT ON WINDOW CLOSE",
    duck: `SELECT make_timestamp(ws), max(v), ws + ${6 * MIN} AS closes_at FROM (
      SELECT v, ${align(2 * MIN)} - r.k * ${2 * MIN} AS ws, epoch_us(ts) AS t FROM ev, range(0, 3) r(k)
    ) WHERE t < ws + ${6 * MIN} GROUP BY ws`,
    strict: false,
  },
  {
    // No window: each row is final once the close point passes its event time.
    name: 'raw_rows',
    view: 'SELECT id, ts FROM ev WHERE v > 0 EMIT ON WINDOW CLOSE',
    duck: 'SELECT id, ts, epoch_us(ts) AS closes_at FROM ev WHERE v > 0',
    strict: true,
  },
];

async function freshetRows(engine: Engine, sql: string): Promise<Row[]> {
  const r = await engine.sql(sql);
  return r.rows.map((row) => row.map((v, i) => canonFreshet(v, r.fields[i]!.dataTypeID)));
}

function timestamp(rng: Prng, base: number): string {
  return `TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${base + rng.int(-200, 40)} seconds'`;
}

describe('EMIT ON WINDOW CLOSE views', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [5, 6, 7]) {
    it(`seed ${seed}: closed windows only, each emitted once and never changed`, async () => {
      const engine = new Engine();
      const rng = new Prng(seed);
      await engine.sql(DDL);
      for (const c of CASES) await engine.sql(`CREATE MATERIALIZED VIEW ${c.name} AS ${c.view}`);
      const emitted = new Map<string, Row[]>(CASES.map((c) => [c.name, []]));
      let id = 0;
      for (let step = 0; step < 30; step++) {
        const rows: string[] = [];
        for (let n = rng.int(1, 6); n > 0; n--) rows.push(`(${++id}, ${rng.int(1, 3)}, ${rng.int(-5, 20)}, ${timestamp(rng, step * 40)})`);
        await engine.sql(`INSERT INTO ev VALUES ${rows.join(', ')}`);
        // The oracle sees the rows the table accepted (late ones are quarantined).
        await duck.exec('DROP TABLE IF EXISTS ev');
        await duck.exec('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
        const accepted = await engine.sql('SELECT id, k, v, ts FROM ev');
        if (accepted.rows.length > 0) {
          await duck.exec(`INSERT INTO ev VALUES ${accepted.rows.map((r) => `(${r[0]}, ${r[1]}, ${r[2]}, TIMESTAMP '${String(r[3])}')`).join(', ')}`);
        }
        const closeRow = (await engine.sql("SELECT extract(epoch FROM watermark) * 1000000 - 60000000 FROM freshet_watermarks WHERE table_name = 'ev'")).rows[0]!;
        const close = Number(closeRow[0]);
        for (const c of CASES) {
          const op = c.strict ? '<' : '<=';
          const expected = (await duck.query(`SELECT * EXCLUDE (closes_at) FROM (${c.duck}) WHERE closes_at ${op} ${close}`)).rows;
          const actual = await freshetRows(engine, `SELECT * FROM ${c.name}`);
          const diff = diffMultisets(expected, actual);
          expect(diff, `${c.name} after step ${step}: missing ${diff?.missing.map(formatRow).join('; ')} unexpected ${diff?.unexpected.map(formatRow).join('; ')}`).toBeNull();
          // Everything emitted before is still there, unchanged.
          const now = actual.map(formatRow);
          for (const before of emitted.get(c.name)!) expect(now, `${c.name} changed an emitted row at step ${step}`).toContain(formatRow(before));
          emitted.set(c.name, actual);
        }
      }
      // A row far behind the close point changes no view: it goes to the quarantine.
      const lateBefore = Number((await engine.sql('SELECT late_rows FROM freshet_watermarks')).rows[0]![0]);
      const before = await Promise.all(CASES.map((c) => freshetRows(engine, `SELECT * FROM ${c.name}`)));
      await engine.sql("INSERT INTO ev VALUES (999999, 1, 7, TIMESTAMP '2024-05-01 00:00:00' - INTERVAL '1 hour')");
      expect(Number((await engine.sql('SELECT late_rows FROM freshet_watermarks')).rows[0]![0])).toBe(lateBefore + 1);
      for (let i = 0; i < CASES.length; i++) expect(diffMultisets(before[i]!, await freshetRows(engine, `SELECT * FROM ${CASES[i]!.name}`))).toBeNull();
    });
  }

  it('refuses views whose rows have no closing time, or read tables without a watermark or views', async () => {
    const engine = new Engine();
    await engine.sql(DDL);
    await engine.sql('CREATE TABLE dim (k integer, name text)');
    await engine.sql('CREATE MATERIALIZED VIEW plain AS SELECT * FROM ev');
    const fails = async (sql: string, message: RegExp): Promise<void> => {
      await expect(engine.sql(sql)).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(message) });
    };
    await fails('CREATE MATERIALIZED VIEW a AS SELECT k, count(*) FROM ev GROUP BY k EMIT ON WINDOW CLOSE', /needs a column in the view that says when a row is final/);
    await fails('CREATE MATERIALIZED VIEW a AS SELECT ev.ts, dim.name FROM ev JOIN dim ON ev.k = dim.k EMIT ON WINDOW CLOSE', /"dim" has none/);
    await fails('CREATE MATERIALIZED VIEW a AS SELECT ts FROM plain EMIT ON WINDOW CLOSE', /"plain" is a materialized view/);
    await fails("CREATE MATERIALIZED VIEW a AS SELECT window_end + INTERVAL '1 second' AS e, count(*) FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY 1 EMIT ON WINDOW CLOSE", /needs a column/);
    // Through a join, rows of the other side could still change an emitted row.
    await engine.sql("CREATE TABLE ev2 (id integer, k integer, ts timestamp, WATERMARK FOR ts AS ts)");
    await fails('CREATE MATERIALIZED VIEW a AS SELECT ev.ts, ev2.id FROM ev JOIN ev2 ON ev.k = ev2.k EMIT ON WINDOW CLOSE', /needs a column/);
    // EMIT ON UPDATE is the default and may be written.
    await engine.sql('CREATE MATERIALIZED VIEW b AS SELECT k, count(*) FROM ev GROUP BY k EMIT ON UPDATE');
  });

  it('EXPLAIN states when rows appear', async () => {
    const engine = new Engine();
    await engine.sql(DDL);
    await engine.sql("CREATE MATERIALIZED VIEW t AS SELECT window_start, count(*) FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '5 minutes') GROUP BY window_start EMIT ON WINDOW CLOSE");
    const text = (await engine.sql('EXPLAIN VIEW t')).rows.map((r) => String(r[0])).join('\n');
    expect(text).toMatch(/a row appears once window_start \+ 00:05:00 <= the close point of ev/);
  });
});
