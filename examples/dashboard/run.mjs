// Runs the dashboard example: 8 days of per-minute history loaded in bulk,
// then 90 minutes of live page views replayed into an in-process engine
// under a simulated clock ticking every second, printing the dashboard (the
// last hour, per minute, against the 7-day average) at a few moments.
//
//   npm run build && node examples/dashboard/run.mjs [--seed N]
//   node examples/dashboard/run.mjs --server http://127.0.0.1:8787   (a running freshet serve)

import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { loadEngine } from '../lib/load-engine.mjs';
import { printTable } from '../lib/print-table.mjs';
import { loadSchema, manualClock, replay } from '../lib/replay.mjs';
import { runOptions } from '../lib/run-options.mjs';
import { postSchema, postSql, replayOverHttp } from '../lib/http-sql.mjs';
import { MINUTE, SECOND, clockText } from '../lib/sql-time.mjs';

const SCHEMA = fileURLToPath(new URL('schema.sql', import.meta.url));
const { seed, server } = runOptions();

const NEWEST = 'SELECT * FROM dashboard ORDER BY minute DESC LIMIT 12';
const SUMMARY = `SELECT count(*) AS minutes, min(minute) AS oldest, max(minute) AS newest, sum(views) AS views,
  count(*) FILTER (WHERE status = 'spike') AS spikes, count(*) FILTER (WHERE status = 'dip') AS dips FROM dashboard`;

function describeStream(data) {
  const live = data.events.filter((e) => e.table === 'page_views').length;
  const history = data.events.length - live;
  console.log(`Dashboard example, seed ${seed}: ${history} history minutes, then ${live} live page views ${clockText(data.start)} to ${clockText(data.end)} (UTC)`);
  console.log('Planted:');
  for (const p of data.planted) console.log(`  ${p.minute}  ${p.what}`);
}

async function show(run, label) {
  printTable(`dashboard at ${label}, newest 12 minutes (the newest is still filling):`, await run(NEWEST));
  printTable('the whole hour:', await run(SUMMARY));
}

if (server !== undefined) {
  // The server's clock is real time: the stream ends now.
  const data = generate({ seed, start: Math.floor((Date.now() - 90 * MINUTE) / MINUTE) * MINUTE });
  describeStream(data);
  await postSql(server, 'DROP SINK IF EXISTS archive; DROP TABLE IF EXISTS page_views CASCADE; DROP TABLE IF EXISTS minute_history CASCADE');
  await postSchema(server, SCHEMA);
  console.log(`sent ${await replayOverHttp(server, data.events)} rows to ${server}`);
  await show((q) => postSql(server, q), 'now');
} else {
  const Engine = await loadEngine();
  const data = generate({ seed });
  describeStream(data);
  const clock = manualClock(data.start);
  const engine = new Engine({ clock: clock.read });
  await loadSchema(engine, SCHEMA);
  const run = (q) => engine.sql(q);
  const moments = new Set([data.start + 30 * MINUTE, data.start + 75 * MINUTE]);
  await replay(engine, clock, data.events, {
    from: data.start,
    until: data.end,
    tickMs: SECOND,
    onTick: async (t) => {
      if (moments.has(t)) await show(run, clockText(t));
    },
  });
  await show(run, `${clockText(data.end)} (end of stream)`);
  printTable('archived into minute_history by the sink (closed minutes of the stream):', await run(
    `SELECT count(*) AS minutes, min(minute) AS first, max(minute) AS last, sum(views) AS views FROM minute_history WHERE minute >= '${new Date(data.start).toISOString().slice(0, 19).replace('T', ' ')}'`,
  ));
  printTable('freshet_quarantine:', await run("SELECT table_name, reason, event_time, closed_before FROM freshet_quarantine"));
  await engine.close();
}
