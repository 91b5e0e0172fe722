// Runs the heartbeat example: sensor readings replayed into an in-process
// engine under a simulated clock that ticks every second (as `freshet serve`
// does), printing each time a sensor appears in or disappears from
// silent_sensors, and the view at a few moments.
//
//   npm run build && node examples/heartbeat/run.mjs [--seed N]
//   node examples/heartbeat/run.mjs --server http://127.0.0.1:8787   (a running freshet serve)

import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { loadEngine } from '../lib/load-engine.mjs';
import { printTable } from '../lib/print-table.mjs';
import { loadSchema, manualClock, replay } from '../lib/replay.mjs';
import { runOptions } from '../lib/run-options.mjs';
import { postSchema, postSql, replayOverHttp } from '../lib/http-sql.mjs';
import { viewChanges } from '../lib/view-changes.mjs';
import { MINUTE, SECOND, clockText, parseSqlTime } from '../lib/sql-time.mjs';

const SCHEMA = fileURLToPath(new URL('schema.sql', import.meta.url));
const { seed, server } = runOptions();

function describeStream(data) {
  const readings = data.events.filter((e) => e.table === 'readings').length;
  console.log(`Heartbeat example, seed ${seed}: ${readings} readings from 12 sensors, ${clockText(data.start)} to ${clockText(data.end)} (UTC)`);
  console.log('Planted:');
  for (const p of data.planted) console.log(`  ${p.sensor}  ${p.what}`);
}

const SILENT = 'SELECT sensor, site, last_seen FROM silent_sensors';

if (server !== undefined) {
  // The server's clock is real time: generate the last ten minutes, ending now.
  const data = generate({ seed, start: Math.floor((Date.now() - 10 * MINUTE) / SECOND) * SECOND });
  describeStream(data);
  await postSql(server, 'DROP TABLE IF EXISTS sensors CASCADE; DROP TABLE IF EXISTS readings CASCADE');
  await postSchema(server, SCHEMA);
  console.log(`sent ${await replayOverHttp(server, data.events)} events to ${server}`);
  printTable('silent_sensors now:', await postSql(server, `${SILENT} ORDER BY sensor`));
  console.log('\nNo more readings arrive, so every sensor goes silent within a minute; watch with');
  console.log(`  curl -s ${server}/v1/sql -H 'content-type: application/json' -d '{"query": "SELECT * FROM silent_sensors ORDER BY sensor"}'`);
} else {
  const Engine = await loadEngine();
  const data = generate({ seed });
  describeStream(data);
  const clock = manualClock(data.start);
  const engine = new Engine({ clock: clock.read });
  await loadSchema(engine, SCHEMA);
  const changes = viewChanges(engine, SILENT);
  const report = async (t) => {
    const { added, removed } = await changes();
    for (const [sensor, site, last] of added) {
      console.log(`  ${clockText(t)}  SILENT    ${sensor} (${site}): ${last === null ? 'no reading since installation' : `last reading ${clockText(parseSqlTime(last))}`}`);
    }
    for (const [sensor] of removed) console.log(`  ${clockText(t)}  reporting ${sensor} again`);
  };
  const moments = new Set([data.start + 4 * MINUTE, data.start + 7 * MINUTE + 30 * SECOND]);
  console.log('\nAs it happens (simulated clock, a tick every second):');
  await replay(engine, clock, data.events, {
    from: data.start,
    until: data.end,
    tickMs: SECOND,
    onInsert: (at) => report(at),
    onTick: async (t) => {
      await report(t);
      if (moments.has(t)) printTable(`silent_sensors at ${clockText(t)}:`, await engine.sql(`${SILENT} ORDER BY sensor`));
    },
  });
  printTable(`silent_sensors at ${clockText(data.end)} (end of stream):`, await engine.sql(`${SILENT} ORDER BY sensor`));
  printTable('silent_per_site:', await engine.sql('SELECT * FROM silent_per_site ORDER BY site'));
  await engine.close();
}
