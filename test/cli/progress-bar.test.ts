// The CLI draws a progress bar while a view is built in the background, on
// the in-process engine and against a live server (which serves the same
// figures at GET /v1/progress). The figures in the bar are checked against
// the rows the statements create (500 x 500 = 250,000). `freshet replay`
// draws it too.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/cli.js';
import { progressLine } from '../../src/cli-progress.js';
import { Engine } from '../../src/engine.js';
import { BACKGROUND_MIN_ROWS } from '../../src/engine/backfill.js';
import { buildServer } from '../../src/server/build-server.js';

const SIDE = 500;
const ROWS = SIDE * SIDE;
const SETUP = `CREATE TABLE small (x INT); INSERT INTO small VALUES ${Array.from({ length: SIDE }, (_, i) => `(${i})`).join(', ')};
  CREATE TABLE big (a INT, b INT); INSERT INTO big SELECT s1.x, s2.x FROM small s1, small s2`;
const CREATE = 'CREATE MATERIALIZED VIEW per_a AS SELECT a, count(*) AS n, sum(b) AS s FROM big GROUP BY a';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => undefined, progress: true, progressEveryMs: 1 };
  const code = await main(argv, io);
  return { code, out, err };
}

/** The figures of every bar drawn: [done, total]. */
function bars(err: string): [number, number][] {
  return [...err.matchAll(/building per_a \[[#-]{20}\] +\d+% {2}([\d,]+) of ([\d,]+) rows/g)].map((m) => [Number(m[1]!.replaceAll(',', '')), Number(m[2]!.replaceAll(',', ''))]);
}

describe('the progress bar', () => {
  expect(ROWS).toBeGreaterThan(BACKGROUND_MIN_ROWS);

  test('in-process: drawn while the view is built, with the view and its row counts', async () => {
    const result = await run(['sql', `${SETUP}; ${CREATE}; SELECT count(*), sum(n) FROM per_a`]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`${SIDE} | ${ROWS}`);
    const drawn = bars(result.err);
    expect(drawn.length).toBeGreaterThan(0);
    for (const [done, total] of drawn) {
      expect(total).toBe(ROWS);
      expect(done).toBeLessThanOrEqual(ROWS);
    }
    expect(result.err.endsWith('\n')).toBe(true);
  });

  describe('against a server', () => {
    let engine: Engine;
    let app: FastifyInstance;
    let url: string;
    beforeAll(async () => {
      engine = new Engine();
      app = buildServer(engine, { logger: false });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await app.close();
      await engine.close();
    });

    test('GET /v1/progress serves the figures the bar draws', async () => {
      expect((await run(['sql', '--server', url, SETUP])).code).toBe(0);
      expect(await (await fetch(`${url}/v1/progress`)).json()).toEqual({ backfills: [] });
      const result = await run(['sql', '--server', url, CREATE]);
      expect(result.code).toBe(0);
      expect(result.out).toBe('CREATE MATERIALIZED VIEW\n');
      const drawn = bars(result.err);
      expect(drawn.length).toBeGreaterThan(0);
      for (const [, total] of drawn) expect(total).toBe(ROWS);
    });

    test('freshet replay re-runs a view into a new one over the server, with the bar; a missing view fails with exit 1', async () => {
      const result = await run(['replay', 'per_a', '--into', 'per_a_again', '--server', url]);
      expect(result.code).toBe(0);
      expect(result.out).toBe(
        'CREATE MATERIALIZED VIEW\ncompare the two (rows only in per_a_again, then rows only in per_a):\n' +
          '  SELECT * FROM "per_a_again" EXCEPT ALL SELECT * FROM "per_a";\n  SELECT * FROM "per_a" EXCEPT ALL SELECT * FROM "per_a_again";\n',
      );
      expect(result.err).toMatch(/building per_a_again \[[#-]{20}\]/);
      // Every a of 0..499 met every b of 0..499 once.
      const sums = await engine.sql('SELECT count(*), min(n), max(n), min(s), max(s) FROM per_a_again');
      expect(sums.rows).toEqual([[500, 500, 500, 124_750, 124_750]]);
      const missing = await run(['replay', 'nope', '--into', 'x', '--server', url]);
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/ERROR: {2}materialized view "nope" does not exist/);
    });
  });

  test('a bar line reads as its figures say', () => {
    expect(
      progressLine({ view: 'v', phase: 'snapshot', rowsDone: 50, rowsTotal: 200, startedMs: 0, rowsPerSecond: 25, etaSeconds: 6, bufferedCommits: 0 }),
    ).toBe('building v [#####---------------]  25%  50 of 200 rows  25 rows/s  ETA 6 s');
  });
});
