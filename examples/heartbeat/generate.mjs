// Generates a deterministic sensor stream for the heartbeat example: 12
// sensors on three sites reporting about every 10 seconds (with jitter),
// plus planted cases: a gap of 59 s (must never appear), gaps of 61 s and
// 3 minutes (appear, then disappear on the next reading), a sensor that
// dies, one installed that never reports, one installed mid-stream, and a
// reading delayed in transit that clears a silence when it arrives.
//
//   node examples/heartbeat/generate.mjs [--seed N]   prints NDJSON {at, table, row}

import { Prng } from '../lib/prng.mjs';
import { MINUTE, SECOND, sqlTime } from '../lib/sql-time.mjs';

export const DEFAULT_START = Date.UTC(2026, 10, 27, 8, 0, 0);

/** @returns {{start: number, end: number, events: {at: number, table: string, row: object}[], planted: {sensor: string, what: string}[]}} */
export function generate({ seed = 42, start = DEFAULT_START, minutes = 10 } = {}) {
  const rng = new Prng(seed);
  const end = start + minutes * MINUTE;
  const events = [];
  const sites = ['north-hall', 'cold-store', 'roof'];
  const name = (k) => `sensor-${String(k).padStart(2, '0')}`;
  const install = (k, at) => events.push({ at, table: 'sensors', row: { sensor: name(k), site: sites[k % 3], installed_at: sqlTime(at) } });
  const reading = (k, ts, at = ts) =>
    events.push({ at, table: 'readings', row: { sensor: name(k), ts: sqlTime(ts), temperature: Math.round((18 + (k % 3) * 4 + rng.normal()) * 10) / 10 } });

  /** Readings every ~10 s from `from` while `keep(ts)` says so; the gap in `skip` ([a, b)) has none. */
  const report = (k, from, until, skip = null) => {
    for (let ts = from + rng.int(0, 9_999); ts < until; ts += rng.int(8_500, 11_500)) {
      if (skip !== null && ts >= skip[0] && ts < skip[1]) continue;
      reading(k, ts);
    }
  };

  const planted = [];
  const plant = (k, what) => planted.push({ sensor: name(k), what });
  for (let k = 1; k <= 12; k++) if (k !== 12) install(k, start);

  // Ordinary sensors: 1, 2, 4, 6, 8, 10.
  for (const k of [1, 2, 4, 6, 8, 10]) report(k, start, end);

  // A gap of exactly 59 s: never silent.
  const g3 = start + 2 * MINUTE;
  report(3, start, g3);
  reading(3, g3);
  reading(3, g3 + 59 * SECOND);
  report(3, g3 + 59 * SECOND + 10 * SECOND, end);
  plant(3, `no reading between ${sqlTime(g3).slice(11)} and ${sqlTime(g3 + 59 * SECOND).slice(11)} (59 s): never silent`);

  // A gap of 61 s: silent for one second.
  const g5 = start + 3 * MINUTE;
  report(5, start, g5);
  reading(5, g5);
  reading(5, g5 + 61 * SECOND);
  report(5, g5 + 71 * SECOND, end);
  plant(5, `no reading for 61 s after ${sqlTime(g5).slice(11)}: silent for 1 s`);

  // Down for three minutes, then back.
  const g7 = start + 3 * MINUTE + 17 * SECOND;
  report(7, start, g7);
  reading(7, g7);
  report(7, g7 + 3 * MINUTE, end);
  plant(7, `down after ${sqlTime(g7).slice(11)} for 3 minutes: silent from 60 s after, until it reports again`);

  // Dies for good.
  const g9 = start + 6 * MINUTE + 40 * SECOND;
  report(9, start, g9);
  reading(9, g9);
  plant(9, `last reading at ${sqlTime(g9).slice(11)}: silent from 60 s later to the end`);

  // Installed, never reports.
  plant(11, 'installed at the start, never reports: silent after 60 s');

  // Installed mid-stream, first reading 30 s later.
  const i12 = start + 4 * MINUTE;
  install(12, i12);
  report(12, i12 + 30 * SECOND, end);
  plant(12, `installed at ${sqlTime(i12).slice(11)}, first reading 30 s later: never silent`);

  // Sensor 4's reading taken 50 s after the previous one arrives 25 s late
  // (buffered): silent at 60 s by arrival, cleared when the reading lands.
  const g4 = start + 8 * MINUTE;
  const before = events.filter((e) => e.table === 'readings' && e.row.sensor === name(4));
  for (const e of before) if (e.at >= g4 - 10 * SECOND) e.dropped = true;
  reading(4, g4 - 10 * SECOND);
  reading(4, g4 + 40 * SECOND, g4 + 65 * SECOND);
  report(4, g4 + 75 * SECOND, end);
  plant(4, `reading at ${sqlTime(g4 + 40 * SECOND).slice(11)} arrives 25 s late: silent from ${sqlTime(g4 + 50 * SECOND).slice(11)} to ${sqlTime(g4 + 65 * SECOND).slice(11)}`);

  const stream = events.filter((e) => e.dropped !== true).sort((a, b) => a.at - b.at);
  return { start, end, events: stream, planted };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seedArg = process.argv.indexOf('--seed');
  const { events } = generate({ seed: seedArg > 0 ? Number(process.argv[seedArg + 1]) : 42 });
  process.stdout.write(events.map((e) => JSON.stringify(e) + '\n').join(''));
}
