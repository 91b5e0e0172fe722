// Generates a deterministic web-traffic stream for the dashboard example:
// 8 days of per-minute history (daily seasonality, weekends quieter) and 90
// minutes of live page views, with planted cases: a spike and a dip in the
// live traffic, a missing history minute (counts as 0), an outlier 8 days
// back (outside the 7-day window) and one 1 day back (inside), views on the
// exact minute boundaries, views arriving 20 s late (counted) and one 2
// minutes late (quarantined).
//
//   node examples/dashboard/generate.mjs [--seed N]   prints NDJSON {at, table, row}

import { Prng } from '../lib/prng.mjs';
import { DAY, MINUTE, SECOND, sqlTime } from '../lib/sql-time.mjs';

export const DEFAULT_START = Date.UTC(2026, 10, 27, 10, 30, 0);

/** Mean views per minute at an instant: a daily curve peaking mid-afternoon, quieter on weekends. */
function rate(ms) {
  const minuteOfDay = (ms % DAY) / MINUTE;
  const weekday = new Date(ms).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.6 : 1;
  return 40 * weekend * (1 + 0.5 * Math.sin((2 * Math.PI * (minuteOfDay - 540)) / 1440));
}

/** @returns {{start: number, end: number, events: {at: number, table: string, row: object}[], planted: {minute: string, what: string}[]}} */
export function generate({ seed = 42, start = DEFAULT_START, minutes = 90 } = {}) {
  const rng = new Prng(seed);
  const end = start + minutes * MINUTE;
  const events = [];
  const planted = [];
  const at = (offsetMinutes) => start + offsetMinutes * MINUTE;

  // History: every minute of the 8 days before the stream, loaded when it starts.
  const history = new Map();
  for (let m = start - 8 * DAY; m < start; m += MINUTE) history.set(m, rng.poisson(rate(m)));
  const outlierOut = at(50) - 8 * DAY;
  history.set(outlierOut, 5000);
  planted.push({ minute: sqlTime(outlierOut), what: '5,000 views 8 days back: outside the 7-day window' });
  const outlierIn = at(60) - DAY;
  history.set(outlierIn, 400);
  planted.push({ minute: sqlTime(outlierIn), what: '400 views 1 day back: raises that minute\'s average' });
  const missing = at(45) - 3 * DAY;
  history.delete(missing);
  planted.push({ minute: sqlTime(missing), what: 'no history row 3 days back: counts as 0' });
  for (const [m, views] of history) events.push({ at: start, table: 'minute_history', row: { minute: sqlTime(m), views } });

  // Live views.
  const paths = ['/', '/search', '/product', '/product', '/cart', '/checkout'];
  const view = (ts, arrival = ts) =>
    events.push({ at: arrival, table: 'page_views', row: { ts: sqlTime(ts), path: rng.pick(paths), user_id: rng.int(1, 5000), latency_ms: Math.round(20 + 80 * rng.next() ** 3 * 10) / 10 } });
  const spike = at(71);
  const dip = at(80);
  planted.push({ minute: sqlTime(spike), what: 'three times the usual traffic: spike' });
  planted.push({ minute: `${sqlTime(dip)} to ${sqlTime(dip + 2 * MINUTE).slice(11)}`, what: 'a tenth of the usual traffic: dip' });
  for (let m = start; m < end; m += MINUTE) {
    const factor = m === spike ? 3 : m >= dip && m < dip + 3 * MINUTE ? 0.1 : 1;
    const n = Math.max(1, rng.poisson(rate(m) * factor));
    for (let k = 0; k < n; k++) {
      const ts = m + rng.int(0, MINUTE - 1);
      // About one view in 200 is buffered by a proxy and arrives 20 s late (still counted).
      view(ts, rng.chance(0.005) && ts + 20 * SECOND < end ? ts + 20 * SECOND : ts);
    }
  }
  view(at(30)); // exactly on a minute boundary: belongs to the minute it starts
  view(at(30) - 1);
  planted.push({ minute: sqlTime(at(30)), what: 'views at 11:00:00.000 and 10:59:59.999 fall in different minutes' });
  view(at(84) + 5 * SECOND, at(86) + 5 * SECOND);
  planted.push({ minute: sqlTime(at(84)), what: 'a view arriving 2 minutes late: quarantined, not counted' });

  events.sort((a, b) => a.at - b.at);
  return { start, end, events, planted };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seedArg = process.argv.indexOf('--seed');
  const { events } = generate({ seed: seedArg > 0 ? Number(process.argv[seedArg + 1]) : 42 });
  process.stdout.write(events.map((e) => JSON.stringify(e) + '\n').join(''));
}
