// Runs the fraud example: a bank's login and transfer stream replayed into
// an in-process engine under a simulated clock, printing each transfer the
// moment flagged_transfers flags it, each login quarantined as too late, the
// view at a few moments, and whether each planted case came out as planted.
//
//   npm run build && node examples/fraud/run.mjs [--seed N]
//   node examples/fraud/run.mjs --server http://127.0.0.1:8787   (a running freshet serve)

import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { loadEngine } from '../lib/load-engine.mjs';
import { printTable } from '../lib/print-table.mjs';
import { loadSchema, manualClock, replay } from '../lib/replay.mjs';
import { runOptions } from '../lib/run-options.mjs';
import { postSchema, postSql, replayOverHttp } from '../lib/http-sql.mjs';
import { viewChanges } from '../lib/view-changes.mjs';
import { MINUTE, clockText } from '../lib/sql-time.mjs';

const SCHEMA = fileURLToPath(new URL('schema.sql', import.meta.url));
const { seed, server } = runOptions();

function describeStream(data) {
  const count = (t) => data.events.filter((e) => e.table === t).length;
  console.log(`Fraud example, seed ${seed}: ${count('logins')} logins and ${count('transfers')} transfers, ${clockText(data.start)} to ${clockText(data.end)} (UTC)`);
}

function plantedReport(data, flaggedAccounts) {
  console.log('\nPlanted cases (each on its own account):');
  for (const p of data.planted) {
    const got = flaggedAccounts.has(p.account);
    const mark = got === p.flagged ? 'as planted' : 'NOT AS PLANTED';
    console.log(`  ${p.name.padEnd(15)} ${p.account}  ${(p.flagged ? 'flag' : 'no flag').padEnd(8)} ${got ? 'flagged    ' : 'not flagged'}  ${mark}  (${p.what})`);
  }
}

if (server !== undefined) {
  // The server's clock is real time: generate the last hour, ending now.
  const data = generate({ seed, start: Math.floor((Date.now() - 61 * MINUTE) / MINUTE) * MINUTE });
  describeStream(data);
  await postSql(server, 'DROP TABLE IF EXISTS logins CASCADE; DROP TABLE IF EXISTS transfers CASCADE');
  await postSchema(server, SCHEMA);
  console.log(`sent ${await replayOverHttp(server, data.events)} events to ${server}`);
  printTable('flagged_transfers', await postSql(server, 'SELECT * FROM flagged_transfers ORDER BY ts'));
  printTable('late_logins', await postSql(server, 'SELECT * FROM late_logins'));
  const flagged = await postSql(server, 'SELECT account FROM flagged_accounts');
  plantedReport(data, new Set(flagged.rows.map((r) => r[0])));
} else {
  const Engine = await loadEngine();
  const data = generate({ seed });
  describeStream(data);
  const clock = manualClock(data.start);
  const engine = new Engine({ clock: clock.read });
  await loadSchema(engine, SCHEMA);
  const flags = viewChanges(engine, 'SELECT id, account, amount, failed_logins, first_failure, distinct_ips FROM flagged_transfers');
  const late = viewChanges(engine, 'SELECT account, event_time, closed_before FROM late_logins');
  const moments = new Set([data.start + 20 * MINUTE, data.start + 40 * MINUTE]);
  console.log('\nAs it happens (simulated clock):');
  await replay(engine, clock, data.events, {
    from: data.start,
    until: data.end,
    tickMs: MINUTE,
    onInsert: async (at) => {
      const f = await flags();
      for (const [id, account, amount, n, first, ips] of f.added) {
        console.log(`  ${clockText(at)}  FLAG    transfer ${id} of ${amount} from ${account}: ${n} failed logins since ${first} from ${ips} IPs`);
      }
      for (const [id, account] of f.removed) console.log(`  ${clockText(at)}  unflag  transfer ${id} from ${account}`);
      for (const [account, ts, closed] of (await late()).added) {
        console.log(`  ${clockText(at)}  LATE    failed login of ${account} at ${ts} arrived after ${closed} closed: quarantined, not counted`);
      }
    },
    onTick: async (t) => {
      if (moments.has(t)) printTable(`flagged_transfers at ${clockText(t)}:`, await engine.sql('SELECT * FROM flagged_transfers ORDER BY ts'));
    },
  });
  printTable(`flagged_transfers at ${clockText(data.end)} (end of stream):`, await engine.sql('SELECT * FROM flagged_transfers ORDER BY ts'));
  printTable('flagged_accounts:', await engine.sql('SELECT * FROM flagged_accounts ORDER BY account'));
  const flagged = await engine.sql('SELECT account FROM flagged_accounts');
  plantedReport(data, new Set(flagged.rows.map((r) => r[0])));
  await engine.close();
}
