// Generates a deterministic bank event stream for the fraud example: logins
// and transfers of 40 ordinary accounts (typos, abandoned logins, large but
// legitimate transfers), plus planted cases on their own accounts: patterns
// that must be flagged and near-misses that must not (9 failures, a transfer
// of exactly 1,000, failures 11 minutes before, failures after the transfer,
// a late 10th failure inside the allowed lateness and one beyond it).
//
//   node examples/fraud/generate.mjs [--seed N]   prints NDJSON {at, table, row}

import { Prng } from '../lib/prng.mjs';
import { MINUTE, SECOND, sqlTime } from '../lib/sql-time.mjs';

export const DEFAULT_START = Date.UTC(2026, 10, 27, 9, 0, 0);

/** @returns {{start: number, end: number, events: {at: number, table: string, row: object}[], planted: {name: string, account: string, transferAt: number, flagged: boolean, what: string}[]}} */
export function generate({ seed = 42, start = DEFAULT_START, minutes = 60 } = {}) {
  const rng = new Prng(seed);
  const end = start + minutes * MINUTE;
  const drafts = []; // {at, table, row} with ts in ms; transfer ids assigned at the end
  const ip = () => `${rng.pick([10, 172, 185, 91])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;

  const login = (account, ts, success, from, at = ts) => drafts.push({ at, table: 'logins', row: { account, ts, success, ip: from } });
  const transfer = (account, ts, amount, at = ts) =>
    drafts.push({ at, table: 'transfers', row: { account, ts, amount: amount.toFixed(2), to_account: `ACC-${rng.int(5000, 5999)}` } });

  // Ordinary customers: a session every few minutes, sometimes with a typo or two.
  for (let a = 1; a <= 40; a++) {
    const account = `ACC-${1000 + a}`;
    const home = ip();
    for (let t = start + rng.int(0, 6 * MINUTE); t < end - 2 * MINUTE; t += rng.int(3 * MINUTE, 14 * MINUTE)) {
      let s = t;
      const roll = rng.next();
      const typos = roll < 0.12 ? rng.int(1, 2) : roll < 0.15 ? 3 : 0;
      for (let k = 0; k < typos; k++, s += rng.int(4, 20) * SECOND) login(account, s, false, home);
      if (roll >= 0.12 && roll < 0.15) continue; // gave up after three failures
      login(account, s, true, home);
      if (rng.chance(0.5)) {
        const big = rng.chance(0.15);
        const amount = big ? rng.int(100_100, 400_000) / 100 : rng.int(1_000, 90_000) / 100;
        transfer(account, s + rng.int(30, 300) * SECOND, amount);
      }
    }
  }

  // Planted cases, each on its own account, four minutes apart.
  const planted = [];
  let slot = 0;
  const plant = (name, flagged, what, build) => {
    const T = start + 12 * MINUTE + slot++ * 4 * MINUTE;
    const account = `ACC-${2001 + planted.length}`;
    const attacker = ip();
    const fail = (ts, at = ts) => login(account, ts, false, rng.chance(0.7) ? attacker : ip(), at);
    const other = `ACC-${2101 + planted.length}`;
    build({ T, account, fail, ok: (ts) => login(account, ts, true, ip()), pay: (ts, amount, at = ts) => transfer(account, ts, amount, at), otherFail: (ts) => login(other, ts, false, attacker) });
    planted.push({ name, account, transferAt: T, flagged, what });
  };
  plant('burst', true, '14 failed logins in 6 minutes, a success, then 2,500.00', ({ T, fail, ok, pay }) => {
    for (let k = 0; k < 14; k++) fail(T - 6 * MINUTE + k * 20 * SECOND);
    ok(T - 30 * SECOND);
    pay(T, 2500);
  });
  plant('edges', true, '10 failures from exactly 10:00 before to the transfer instant, 1,200.00', ({ T, fail, pay }) => {
    for (let k = 0; k < 10; k++) fail(T - 10 * MINUTE + Math.round((k * 10 * MINUTE) / 9));
    pay(T, 1200);
  });
  plant('nine', false, 'only 9 failures, then 5,000.00', ({ T, fail, pay }) => {
    for (let k = 0; k < 9; k++) fail(T - 5 * MINUTE + k * 25 * SECOND);
    pay(T, 5000);
  });
  plant('exactly-1000', true, '12 failures, 1,000.00 (not over 1,000), then 1,000.01 two minutes later', ({ T, fail, pay }) => {
    for (let k = 0; k < 12; k++) fail(T - 5 * MINUTE + k * 20 * SECOND);
    pay(T, 1000);
    pay(T + 2 * MINUTE, 1000.01);
  });
  plant('eleven-minutes', false, '10 failures 11 minutes before 3,000.00', ({ T, fail, pay }) => {
    for (let k = 0; k < 10; k++) fail(T - 11 * MINUTE - 30 * SECOND + k * 3 * SECOND);
    pay(T, 3000);
  });
  plant('one-second-out', false, '10 failures, the first 10:01 before 2,200.00', ({ T, fail, pay }) => {
    fail(T - 10 * MINUTE - SECOND);
    for (let k = 1; k < 10; k++) fail(T - 8 * MINUTE + k * 30 * SECOND);
    pay(T, 2200);
  });
  plant('after', false, '4,000.00, then 12 failures after it', ({ T, fail, pay }) => {
    pay(T, 4000);
    for (let k = 0; k < 12; k++) fail(T + 10 * SECOND + k * 15 * SECOND);
  });
  plant('two-accounts', false, '5 failures here and 5 on another account from the same IP, then 2,000.00', ({ T, fail, otherFail, pay }) => {
    for (let k = 0; k < 5; k++) fail(T - 4 * MINUTE + k * 30 * SECOND);
    for (let k = 0; k < 5; k++) otherFail(T - 4 * MINUTE + 15 * SECOND + k * 30 * SECOND);
    pay(T, 2000);
  });
  plant('late-tenth', true, '9 failures, 3,000.00, and a 10th failure (10 s before it) arriving 40 s late', ({ T, fail, pay }) => {
    for (let k = 0; k < 9; k++) fail(T - 8 * MINUTE + k * 40 * SECOND);
    pay(T, 3000);
    fail(T - 10 * SECOND, T + 30 * SECOND);
  });
  plant('too-late', false, '9 failures, 3,500.00, and a 10th failure arriving 5 minutes late (quarantined)', ({ T, fail, pay }) => {
    for (let k = 0; k < 9; k++) fail(T - 8 * MINUTE + k * 40 * SECOND);
    pay(T, 3500);
    fail(T - 30 * SECOND, T + 5 * MINUTE);
  });

  // Arrival order; ids in order of arrival; timestamps as SQL text.
  drafts.sort((a, b) => a.at - b.at);
  let id = 0;
  const events = drafts.map((d) => ({
    at: d.at,
    table: d.table,
    row: d.table === 'transfers' ? { id: ++id, ...d.row, ts: sqlTime(d.row.ts) } : { ...d.row, ts: sqlTime(d.row.ts) },
  }));
  return { start, end, events, planted };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seedArg = process.argv.indexOf('--seed');
  const { events } = generate({ seed: seedArg > 0 ? Number(process.argv[seedArg + 1]) : 42 });
  process.stdout.write(events.map((e) => JSON.stringify(e) + '\n').join(''));
}
