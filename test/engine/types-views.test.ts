// Views over TIMESTAMPTZ, INTERVAL and JSONB columns through their life:
// grouping by an interval (by its span, so '1 day' and '24 hours' are one
// group, as in PostgreSQL) and by a jsonb field or value, filtering on
// timestamptz + interval, joining on a jsonb field. After every random change
// each view must equal a recompute done here in plain JS over a mirror of the
// table (JSON.parse for jsonb, the 30-day-month span for intervals).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

const DAY_US = 86_400_000_000;

interface Ev {
  id: number;
  at: number; // µs since epoch, UTC
  dur: { months: number; days: number; micros: number };
  payload: { kind: string; n: number } | null;
}

function durText(d: Ev['dur']): string {
  return `${d.months} mons ${d.days} days ${d.micros} microseconds`;
}
function span(d: Ev['dur']): number {
  return (d.months * 30 + d.days) * DAY_US + d.micros;
}

const evArb = (id: number): fc.Arbitrary<Ev> =>
  fc.record({
    id: fc.constant(id),
    at: fc.integer({ min: 19_000, max: 20_000 }).map((d) => d * DAY_US),
    dur: fc.oneof(
      fc.constantFrom({ months: 1, days: 0, micros: 0 }, { months: 0, days: 30, micros: 0 }, { months: 0, days: 1, micros: 0 }, { months: 0, days: 0, micros: DAY_US }),
      fc.record({ months: fc.integer({ min: 0, max: 2 }), days: fc.integer({ min: 0, max: 3 }), micros: fc.constantFrom(0, 3_600_000_000) }),
    ),
    payload: fc.option(fc.record({ kind: fc.constantFrom('click', 'view', 'buy'), n: fc.integer({ min: 0, max: 3 }) }), { nil: null, freq: 5 }),
  });

function sortRows(rows: unknown[][]): unknown[][] {
  return rows.map((r) => r.map((v) => (v === null ? '\u0000null' : String(v)))).sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
}

async function rows(engine: Engine, sql: string): Promise<unknown[][]> {
  return sortRows((await engine.sql(sql)).rows as unknown[][]);
}

describe('views over the new types, checked against a JS recompute', () => {
  it('random inserts and deletes', async () => {
    const scenarios = fc.sample(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 12 })), { minLength: 5, maxLength: 25 }),
      { numRuns: 8, seed: 4242 },
    );
    for (const ops of scenarios) {
      const engine = new Engine();
      await engine.sql('CREATE TABLE events (id INT PRIMARY KEY, at TIMESTAMPTZ, dur INTERVAL, payload JSONB)');
      await engine.sql("CREATE TABLE kinds (kind TEXT PRIMARY KEY, label TEXT)");
      await engine.sql("INSERT INTO kinds VALUES ('click', 'C'), ('buy', 'B')");
      await engine.sql('CREATE MATERIALIZED VIEW by_span AS SELECT dur, count(*) AS n FROM events GROUP BY dur');
      await engine.sql("CREATE MATERIALIZED VIEW by_kind AS SELECT payload->>'kind' AS kind, count(*) AS n, sum(CAST(payload->'n' AS integer)) AS total FROM events GROUP BY payload->>'kind'");
      await engine.sql('CREATE MATERIALIZED VIEW by_payload AS SELECT payload, count(*) AS n FROM events GROUP BY payload');
      await engine.sql("CREATE MATERIALIZED VIEW long_ones AS SELECT id, at + dur AS ends FROM events WHERE dur > interval '2 days'");
      await engine.sql("CREATE MATERIALIZED VIEW labelled AS SELECT e.id, k.label FROM events e JOIN kinds k ON e.payload->>'kind' = k.kind");
      const mirror = new Map<number, Ev>();
      let applied = 0;
      let step = 0;
      for (const [insert, id] of ops) {
        step++;
        if (insert && !mirror.has(id)) {
          const ev = fc.sample(evArb(id), { numRuns: 1, seed: step * 31 + id })[0]!;
          mirror.set(id, ev);
          await engine.insert('events', [
            { id, at: new Date(ev.at / 1000), dur: durText(ev.dur), payload: ev.payload === null ? null : { n: ev.payload.n, kind: ev.payload.kind } },
          ]);
        } else if (!insert && mirror.has(id)) {
          mirror.delete(id);
          await engine.sql(`DELETE FROM events WHERE id = ${id}`);
        } else continue;
        const evs = [...mirror.values()];
        applied++;

        // by_span: groups by span; each group's key prints as one of its members.
        const spans = new Map<number, number>();
        for (const e of evs) spans.set(span(e.dur), (spans.get(span(e.dur)) ?? 0) + 1);
        const gotSpans = (await engine.sql('SELECT extract(epoch from dur) * 0 + 0, n, dur FROM by_span')).rows as [number, number, string][];
        const gotBySpan = new Map<number, number>();
        for (const [, n, dur] of gotSpans) {
          const member = evs.find((e) => durText(e.dur) !== '' && span(e.dur) === spanOfText(dur));
          expect(member, `group ${dur} has a member`).toBeDefined();
          gotBySpan.set(spanOfText(dur), n);
        }
        expect(gotBySpan).toEqual(spans);

        // by_kind and by_payload: JSON.parse as the oracle.
        const kinds = new Map<string | null, [number, number | null]>();
        for (const e of evs) {
          const k = e.payload?.kind ?? null;
          const [n, t] = kinds.get(k) ?? [0, null];
          kinds.set(k, [n + 1, e.payload === null ? t : (t ?? 0) + e.payload.n]);
        }
        expect(await rows(engine, 'SELECT kind, n, total FROM by_kind')).toEqual(sortRows([...kinds].map(([k, [n, t]]) => [k, n, t])));
        const payloads = new Map<string | null, number>();
        for (const e of evs) {
          const p = e.payload === null ? null : `{"n": ${e.payload.n}, "kind": "${e.payload.kind}"}`;
          payloads.set(p, (payloads.get(p) ?? 0) + 1);
        }
        expect(await rows(engine, 'SELECT payload, n FROM by_payload')).toEqual(sortRows([...payloads]));

        // long_ones: at + dur, months first with the day clamped.
        const long = evs.filter((e) => span(e.dur) > 2 * DAY_US).map((e) => [e.id, tsText(addInterval(e.at, e.dur))]);
        expect(await rows(engine, 'SELECT id, ends FROM long_ones')).toEqual(sortRows(long));

        const labels: Record<string, string> = { click: 'C', buy: 'B' };
        const joined = evs.filter((e) => e.payload !== null && labels[e.payload.kind] !== undefined).map((e) => [e.id, labels[e.payload!.kind]!]);
        expect(await rows(engine, 'SELECT id, label FROM labelled')).toEqual(sortRows(joined));
      }
      // The scenario changed the table at least twice (inserts before deletes can apply).
      expect(applied).toBeGreaterThanOrEqual(2);
    }
  }, 120_000);
});

/** The span of an interval printed by PostgreSQL's style (as produced by these tests). */
function spanOfText(text: string): number {
  let months = 0;
  let days = 0;
  let micros = 0;
  const m = /(?:(\d+) years?)?\s*(?:(\d+) mons?)?\s*(?:(\d+) days?)?\s*(?:(\d+):(\d+):(\d+))?/.exec(text)!;
  months = Number(m[1] ?? 0) * 12 + Number(m[2] ?? 0);
  days = Number(m[3] ?? 0);
  micros = (Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0)) * 1e6;
  return span({ months, days, micros });
}

function addInterval(at: number, d: Ev['dur']): number {
  const date = new Date(at / 1000);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + d.months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  const shifted = Date.UTC(y, m, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  return shifted * 1000 + d.days * DAY_US + d.micros;
}

function tsText(us: number): string {
  return new Date(us / 1000).toISOString().replace('T', ' ').replace('.000Z', '+00');
}

describe('a view walks its life with interval and jsonb keys', () => {
  it('groups by interval span, updates, deletes', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE t (id INT PRIMARY KEY, d INTERVAL, j JSONB)');
    await engine.sql('CREATE MATERIALIZED VIEW v AS SELECT d, count(*) AS n FROM t GROUP BY d');
    await engine.sql("CREATE MATERIALIZED VIEW w AS SELECT j->'tags'->>0 AS first_tag, count(*) AS n FROM t WHERE j @> '{\"ok\": true}' GROUP BY 1");
    await engine.insert('t', [
      { id: 1, d: '1 day', j: { ok: true, tags: ['a', 'b'] } },
      { id: 2, d: '24 hours', j: { ok: true, tags: ['a'] } },
      { id: 3, d: '1 mon', j: { ok: false, tags: ['c'] } },
      { id: 4, d: '2 hours 30 minutes', j: { tags: [] } },
    ]);
    expect(await rows(engine, 'SELECT d, n FROM v')).toEqual(sortRows([['1 day', 2], ['1 mon', 1], ['02:30:00', 1]]));
    expect(await rows(engine, 'SELECT * FROM w')).toEqual([['a', '2']]);
    await engine.sql("UPDATE t SET d = d * 2, j = j || '{\"ok\": true}' WHERE id = 3");
    expect(await rows(engine, 'SELECT d, n FROM v')).toEqual(sortRows([['1 day', 2], ['2 mons', 1], ['02:30:00', 1]]));
    expect(await rows(engine, 'SELECT * FROM w')).toEqual(sortRows([['a', 2], ['c', 1]]));
    await engine.sql('DELETE FROM t WHERE id IN (1, 3)');
    expect((await engine.sql('SELECT n FROM v ORDER BY d')).rows).toEqual([[1], [1]]);
    expect(await rows(engine, 'SELECT * FROM w')).toEqual([['a', '1']]);
    expect((await engine.sql('SELECT d FROM t ORDER BY d DESC')).rows).toEqual([['24:00:00'], ['02:30:00']]);
  });
});
