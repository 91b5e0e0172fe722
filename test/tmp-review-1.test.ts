import { test } from 'vitest';
import { Engine } from '../src/engine.js';

async function run(mem: number | undefined) {
  const engine = new Engine(mem === undefined ? {} : { stateMemory: mem });
  await engine.sql('CREATE TABLE t (id INT, g INT, x NUMERIC, iv INTERVAL, d DOUBLE PRECISION)');
  await engine.sql('CREATE MATERIALIZED VIEW v AS SELECT g, max(x) AS m, sum(x) AS s, sum(iv) AS si, min(d) AS md FROM (SELECT g, x, iv, d FROM t) s GROUP BY g');
  await engine.sql("INSERT INTO t VALUES (1, 1, 1.5, interval '1 day', 0), (2, 1, 1.50, interval '24 hours', -0.0)");
  await engine.sql("DELETE FROM t WHERE id = 1");
  for (let k = 0; k < 5; k++) {
    const filler = Array.from({ length: 400 }, (_, i) => `(${i + 10}, ${i + 10 + k * 1000}, ${i}.25, interval '${i} hours', ${i})`).join(', ');
    await engine.sql(`INSERT INTO t VALUES ${filler}`);
  }
  await engine.sql("INSERT INTO t VALUES (3, 1, 2, interval '1 hour', -7)");
  const r = JSON.stringify((await engine.sql('SELECT * FROM v WHERE g = 1')).rows) + ' ' + JSON.stringify(engine.status().stateMemory);
  await engine.close();
  return r;
}
test('repr', async () => {
  console.log('plain  ', await run(undefined));
  console.log('spilled', await run(256));
});
