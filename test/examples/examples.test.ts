// The three event-time examples (examples/fraud, heartbeat, dashboard) run
// as their runners run them — the example's schema.sql, its seeded
// generator, the replay under an injected clock — and at checkpoints each
// view must equal a recomputation written here in plain JS over the
// generated events: which rows the watermark accepted, which transfers must
// be flagged, which sensors are silent, per-minute counts against 7-day
// averages. The planted near-misses are checked by name as well.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import type { QueryResult } from '../../src/query-result.js';
import { generate as generateFraud } from '../../examples/fraud/generate.mjs';
import { generate as generateHeartbeat } from '../../examples/heartbeat/generate.mjs';
import { generate as generateDashboard } from '../../examples/dashboard/generate.mjs';
import { loadSchema, manualClock, replay } from '../../examples/lib/replay.mjs';
import type { StreamEvent } from '../../examples/lib/replay.mjs';
import { DAY, MINUTE, SECOND, parseSqlTime, sqlTime } from '../../examples/lib/sql-time.mjs';

const schema = (name: string): string => fileURLToPath(new URL(`../../examples/${name}/schema.sql`, import.meta.url));

type Row = Readonly<Record<string, unknown>>;

/**
 * The rows of `table` a watermark `ts - delayMs` with `latenessMs` allowed
 * lateness accepts, among events arrived by `until`: an insert (the events
 * of one arrival time and table) is judged against the watermark before it;
 * a row whose ts is before watermark - lateness is late and not applied.
 */
function accepted(events: readonly StreamEvent[], table: string, delayMs: number, latenessMs: number, until: number): { rows: Row[]; late: Row[] } {
  const rows: Row[] = [];
  const late: Row[] = [];
  let maxTs = -Infinity;
  for (let i = 0; i < events.length; ) {
    const first = events[i]!;
    let j = i;
    while (j < events.length && events[j]!.at === first.at && events[j]!.table === first.table) j++;
    if (first.at > until) break;
    if (first.table === table) {
      const closed = maxTs - delayMs - latenessMs;
      let groupMax = maxTs;
      for (let k = i; k < j; k++) {
        const row = events[k]!.row;
        const ts = parseSqlTime(row['ts'] as string);
        if (ts < closed) late.push(row);
        else {
          rows.push(row);
          groupMax = Math.max(groupMax, ts);
        }
      }
      maxTs = groupMax;
    }
    i = j;
  }
  return { rows, late };
}

function arrivedBy(events: readonly StreamEvent[], table: string, until: number): Row[] {
  return events.filter((e) => e.table === table && e.at <= until).map((e) => e.row);
}

/** The result's rows as objects keyed by column name. */
function objects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((r) => Object.fromEntries(result.fields.map((f, c) => [f.name, r[c]])));
}

const cents = (amount: string): number => Math.round(Number(amount) * 100);

describe('fraud example: flagged_transfers', () => {
  /** Transfers over 1,000 with >= 10 accepted failed logins of the account in [ts - 10 min, ts], as arrived by `until`. */
  function expectedFlags(events: readonly StreamEvent[], until: number): string[] {
    const logins = accepted(events, 'logins', 5 * SECOND, MINUTE, until).rows.filter((l) => l['success'] === false);
    const transfers = accepted(events, 'transfers', 5 * SECOND, MINUTE, until).rows;
    const out: string[] = [];
    for (const t of transfers) {
      if (cents(t['amount'] as string) <= 100_000) continue;
      const ts = parseSqlTime(t['ts'] as string);
      const within = logins.filter((l) => l['account'] === t['account'] && parseSqlTime(l['ts'] as string) >= ts - 10 * MINUTE && parseSqlTime(l['ts'] as string) <= ts);
      if (within.length < 10) continue;
      const first = Math.min(...within.map((l) => parseSqlTime(l['ts'] as string)));
      out.push(`${t['id']} ${t['account']} ${cents(t['amount'] as string)} n=${within.length} first=${first}`);
    }
    return out.sort();
  }

  async function actualFlags(engine: Engine): Promise<string[]> {
    const rows = objects(await engine.sql('SELECT id, account, amount, failed_logins, first_failure FROM flagged_transfers'));
    return rows.map((r) => `${r['id']} ${r['account']} ${cents(r['amount'] as string)} n=${r['failed_logins']} first=${parseSqlTime(r['first_failure'] as string)}`).sort();
  }

  for (const seed of [42, 7]) {
    it(`seed ${seed}: the view equals the recomputation every 5 minutes, and each planted case comes out as planted`, async () => {
      const data = generateFraud({ seed });
      const clock = manualClock(data.start);
      const engine = new Engine({ clock: clock.read });
      await loadSchema(engine, schema('fraud'));
      let checks = 0;
      await replay(engine, clock, data.events, {
        from: data.start,
        until: data.end,
        tickMs: 5 * MINUTE,
        onTick: async (t) => {
          expect(await actualFlags(engine), `at ${sqlTime(t)}`).toEqual(expectedFlags(data.events, t));
          checks++;
        },
      });
      expect(checks).toBe(12);
      const final = expectedFlags(data.events, data.end);
      const flaggedAccounts = new Set(final.map((f) => f.split(' ')[1]));
      for (const p of data.planted) expect(flaggedAccounts.has(p.account), `${p.name}: ${p.what}`).toBe(p.flagged);

      // The near-misses by name: the transfer of exactly 1,000.00 is in the stream and not flagged,
      // the 1,000.01 after it is; the too-late 10th login sits in the quarantine.
      const transfers = objects(await engine.sql("SELECT id, amount FROM transfers WHERE account = (SELECT account FROM flagged_accounts WHERE at_risk = 1000.01)"));
      expect(transfers.map((t) => t['amount']).sort()).toEqual(['1000.00', '1000.01']);
      const tooLate = data.planted.find((p) => p.name === 'too-late')!;
      const quarantined = objects(await engine.sql('SELECT account FROM late_logins'));
      expect(quarantined).toEqual([{ account: tooLate.account }]);
      expect(accepted(data.events, 'logins', 5 * SECOND, MINUTE, data.end).late.map((r) => r['account'])).toEqual([tooLate.account]);
      const accounts = objects(await engine.sql('SELECT account, flagged FROM flagged_accounts ORDER BY account'));
      expect(accounts.map((a) => a['account'])).toEqual([...flaggedAccounts].sort());
      await engine.close();
    });
  }
});

describe('heartbeat example: silent_sensors', () => {
  /** Sensors registered by `t` whose newest accepted reading (or installation) is at least 60 s old at `t`. */
  function expectedSilent(events: readonly StreamEvent[], t: number): string[] {
    const last = new Map<string, number>();
    for (const r of accepted(events, 'readings', 5 * SECOND, 30 * SECOND, t).rows) {
      const ts = parseSqlTime(r['ts'] as string);
      last.set(r['sensor'] as string, Math.max(last.get(r['sensor'] as string) ?? -Infinity, ts));
    }
    const out: string[] = [];
    for (const s of arrivedBy(events, 'sensors', t)) {
      const since = last.get(s['sensor'] as string) ?? parseSqlTime(s['installed_at'] as string);
      if (since <= t - 60 * SECOND) out.push(`${s['sensor']} ${last.has(s['sensor'] as string) ? since : 'never'}`);
    }
    return out.sort();
  }

  for (const seed of [42, 3]) {
    it(`seed ${seed}: the view equals the recomputation after every one-second tick; the near-misses never appear`, async () => {
      const data = generateHeartbeat({ seed });
      const clock = manualClock(data.start);
      const engine = new Engine({ clock: clock.read });
      await loadSchema(engine, schema('heartbeat'));
      const appeared = new Map<string, number[]>(); // sensor -> instants it entered the view
      let before = new Set<string>();
      await replay(engine, clock, data.events, {
        from: data.start,
        until: data.end,
        tickMs: SECOND,
        onTick: async (t) => {
          const rows = objects(await engine.sql('SELECT sensor, last_seen FROM silent_sensors'));
          const actual = rows.map((r) => `${r['sensor']} ${r['last_seen'] === null ? 'never' : parseSqlTime(r['last_seen'] as string)}`).sort();
          expect(actual, `at ${sqlTime(t)}`).toEqual(expectedSilent(data.events, t));
          const now = new Set(rows.map((r) => r['sensor'] as string));
          for (const s of now) if (!before.has(s)) appeared.set(s, [...(appeared.get(s) ?? []), t]);
          before = now;
        },
      });
      // By name, hand-derived from the generator's plan (start S = 08:00:00):
      const S = data.start;
      expect(appeared.get('sensor-03')).toBeUndefined(); // 59 s gap
      expect(appeared.get('sensor-12')).toBeUndefined(); // installed at S+4m, first reading 30 s later
      expect(appeared.get('sensor-05')).toEqual([S + 4 * MINUTE]); // gap of 61 s after S+3m: silent at S+4m only
      expect(appeared.get('sensor-11')).toEqual([S + MINUTE]); // never reports
      expect(appeared.get('sensor-09')).toEqual([S + 7 * MINUTE + 40 * SECOND]); // dies at S+6m40s
      expect(appeared.get('sensor-04')).toEqual([S + 8 * MINUTE + 50 * SECOND]); // cleared by its late reading
      expect(before).toEqual(new Set(['sensor-09', 'sensor-11']));
      // The per-site rollup follows.
      const perSite = objects(await engine.sql('SELECT site, silent FROM silent_per_site ORDER BY site'));
      const sites = new Map<string, number>();
      for (const s of arrivedBy(data.events, 'sensors', data.end)) if (before.has(s['sensor'] as string)) sites.set(s['site'] as string, (sites.get(s['site'] as string) ?? 0) + 1);
      expect(perSite).toEqual([...sites].sort().map(([site, silent]) => ({ site, silent })));
      await engine.close();
    });
  }
});

describe('dashboard example: the last hour per minute against the 7-day average', () => {
  const roundHalfAway = (num: number, den: number): number => Math.sign(num) * Math.floor((2 * Math.abs(num) + den) / (2 * den));

  function expectedDashboard(events: readonly StreamEvent[], t: number): string[] {
    const counts = new Map<number, number>();
    for (const v of accepted(events, 'page_views', 10 * SECOND, 30 * SECOND, t).rows) {
      const m = Math.floor(parseSqlTime(v['ts'] as string) / MINUTE) * MINUTE;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    const history = new Map<number, number>();
    for (const h of arrivedBy(events, 'minute_history', t)) history.set(parseSqlTime(h['minute'] as string), h['views'] as number);
    const out: string[] = [];
    for (const [m, views] of counts) {
      if (!(m > t - 60 * MINUTE)) continue;
      let sum = 0;
      let days = 0;
      for (let k = 1; k <= 7; k++) {
        const h = history.get(m - k * DAY);
        if (h !== undefined) {
          sum += h;
          days++;
        }
      }
      const avg = roundHalfAway(10 * sum, 7) / 10;
      const change = days === 0 || sum === 0 ? null : roundHalfAway(1000 * (7 * views - sum), sum) / 10;
      const status = days === 0 ? 'no history' : 7 * views > 2 * sum ? 'spike' : 14 * views < sum ? 'dip' : 'normal';
      out.push(`${sqlTime(m)} ${views} ${avg} ${change} ${status}`);
    }
    return out.sort();
  }

  /** Minutes of the stream archived by the sink: closed once watermark - lateness reaches their end. */
  function expectedArchive(events: readonly StreamEvent[], t: number): string[] {
    const views = accepted(events, 'page_views', 10 * SECOND, 30 * SECOND, t).rows.map((v) => parseSqlTime(v['ts'] as string));
    if (views.length === 0) return [];
    const closePoint = Math.max(...views) - 10 * SECOND - 30 * SECOND;
    const counts = new Map<number, number>();
    for (const ts of views) {
      const m = Math.floor(ts / MINUTE) * MINUTE;
      if (m + MINUTE <= closePoint) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    return [...counts].map(([m, n]) => `${sqlTime(m)} ${n}`).sort();
  }

  it('seed 42: dashboard and archive equal the recomputation every 5 minutes; planted cases by name', async () => {
    const data = generateDashboard({ seed: 42 });
    const clock = manualClock(data.start);
    const engine = new Engine({ clock: clock.read });
    await loadSchema(engine, schema('dashboard'));
    const streamStart = sqlTime(data.start);
    const check = async (t: number): Promise<void> => {
      const rows = objects(await engine.sql('SELECT minute, views, avg_7d, change_pct, status FROM dashboard'));
      const actual = rows.map((r) => `${r['minute']} ${r['views']} ${Number(r['avg_7d'])} ${r['change_pct'] === null ? null : Number(r['change_pct'])} ${r['status']}`).sort();
      expect(actual, `dashboard at ${sqlTime(t)}`).toEqual(expectedDashboard(data.events, t));
      const archive = objects(await engine.sql(`SELECT minute, views FROM minute_history WHERE minute >= '${streamStart}'`));
      expect(archive.map((r) => `${r['minute']} ${r['views']}`).sort(), `archive at ${sqlTime(t)}`).toEqual(expectedArchive(data.events, t));
    };
    let checks = 0;
    await replay(engine, clock, data.events, {
      from: data.start,
      until: data.end,
      tickMs: 10 * SECOND,
      onTick: async (t) => {
        if ((t - data.start) % (5 * MINUTE) === 0) {
          await check(t);
          checks++;
        }
      },
    });
    expect(checks).toBe(18);
    // Hand-checked planted cases at the end (12:00): the spike and the dip show, the
    // 8-days-back outlier (5,000) is outside 11:20's average and the 1-day-back one (400) inside 11:30's.
    const byMinute = new Map(objects(await engine.sql('SELECT minute, views, avg_7d, status FROM dashboard')).map((r) => [r['minute'], r]));
    expect(byMinute.get('2026-11-27 11:41:00')?.['status']).toBe('spike');
    for (const m of ['11:50', '11:51', '11:52']) expect(byMinute.get(`2026-11-27 ${m}:00`)?.['status']).toBe('dip');
    expect(Number(byMinute.get('2026-11-27 11:20:00')?.['avg_7d'])).toBeLessThan(100);
    expect(Number(byMinute.get('2026-11-27 11:30:00')?.['avg_7d'])).toBeGreaterThan(400 / 7);
    expect(byMinute.has('2026-11-27 11:00:00')).toBe(false); // an hour old at 12:00: aged out
    const quarantine = objects(await engine.sql("SELECT event_time FROM freshet_quarantine WHERE table_name = 'page_views'"));
    expect(quarantine).toEqual([{ event_time: '2026-11-27 11:54:05' }]);
    await engine.close();
  });
});
