// The fuzzer's DuckDB rewrite of TUMBLE/HOP/CUMULATE, checked against windows
// enumerated by brute force from their definition (every aligned start near
// the timestamp, kept when the window holds it) and against hand-derived rows;
// Freshet's rendering of the same source is held to the same rows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { canonFreshet, canonicalTimestamp, diffMultisets, type Row } from '../differential/comparator.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { formatTimestamp } from '../differential/literal-gen.js';
import { renderTimeWindowSource, type TimeWindowKind, type TimeWindowSource } from './time-window-source.js';

const second = 1_000_000;
const minute = 60 * second;
const hour = 60 * minute;
const us = (iso: string): number => Date.parse(`${iso}Z`) * 1000;

/** Timestamps on and next to boundaries, before the epoch, across midnight, sub-second; and a NULL. */
const times: readonly (number | null)[] = [
  us('2024-03-01T12:03:00'),
  us('2024-03-01T12:10:00'),
  us('2024-03-01T12:14:30'),
  us('2024-03-01T12:09:59') + 999_999,
  us('1969-12-31T23:55:30'),
  us('1969-12-31T23:59:59') + 500_000,
  us('1970-01-01T00:00:00'),
  us('2024-02-29T23:58:00'),
  null,
];

function spec(kind: TimeWindowKind, slide: number, size: number, offset = 0): TimeWindowSource {
  const text = (x: number): string => `${x} microseconds`;
  return { kind, placeholder: 'unused', relation: 'events', column: 'ts', slide, size, offset, slideText: text(slide), sizeText: text(size), offsetText: offset === 0 ? null : text(offset), descriptor: true, upperCase: true };
}

/** The windows of one timestamp by enumeration: every start offset + n·step in reach, kept when the window holds ts. */
function bruteForce(w: TimeWindowSource, ts: number | null): [number | null, number | null][] {
  if (ts === null) return w.kind === 'tumble' ? [[null, null]] : [];
  const step = w.kind === 'hop' ? w.slide : w.size;
  const out: [number, number][] = [];
  for (let n = Math.floor((ts - w.size - w.offset) / step) - 2; n <= Math.floor((ts - w.offset) / step) + 2; n++) {
    const s = w.offset + n * step;
    if (w.kind === 'cumulate') {
      if (!(s <= ts && ts < s + w.size)) continue;
      for (let e = s + w.slide; e <= s + w.size; e += w.slide) if (ts < e) out.push([s, e]);
    } else if (s <= ts && ts < s + w.size) {
      out.push([s, s + w.size]);
    }
  }
  return out;
}

const text = (x: number | null): string | null => (x === null ? null : canonicalTimestamp(formatTimestamp(x)));

const specs: readonly TimeWindowSource[] = [
  spec('tumble', 10 * minute, 10 * minute),
  spec('tumble', 7 * minute, 7 * minute, 2 * minute),
  spec('tumble', 1.5 * second, 1.5 * second),
  spec('tumble', 24 * hour, 24 * hour, hour),
  spec('hop', 5 * minute, 15 * minute),
  spec('hop', 5 * minute, 12 * minute, 30 * second),
  spec('hop', 10 * minute, 3 * minute),
  spec('hop', 30 * second, 90 * second, second),
  spec('cumulate', 5 * minute, 15 * minute),
  spec('cumulate', hour, 24 * hour, 7 * minute),
];

const insert = `INSERT INTO events VALUES ${times.map((t, i) => `(${i}, ${t === null ? 'NULL' : `TIMESTAMP '${formatTimestamp(t)}'`})`).join(', ')}`;

describe('time-window sources: the DuckDB rewrite and Freshet vs windows enumerated from the definition', () => {
  let duck: DuckDbOracle;
  let engine: Engine;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
    await duck.exec(`CREATE TABLE events (id INTEGER, ts TIMESTAMP); ${insert}`);
    engine = new Engine({ clock: () => 0 });
    await engine.sql('CREATE TABLE events (id INTEGER, ts TIMESTAMP)');
    await engine.sql(insert);
  });
  afterAll(async () => {
    duck.close();
    await engine.close();
  });

  for (const w of specs) {
    it(`${w.kind} slide ${w.slide} size ${w.size} offset ${w.offset}`, async () => {
      const expected: Row[] = [];
      times.forEach((t, i) => {
        for (const [s, e] of bruteForce(w, t)) expected.push([i, text(s), text(e)]);
      });
      const duckRows = (await duck.query(`SELECT id, window_start, window_end FROM ${renderTimeWindowSource(w, 'duckdb')} AS x`)).rows;
      expect(diffMultisets(expected, duckRows)).toBeNull();
      const res = await engine.sql(`SELECT id, window_start, window_end FROM ${renderTimeWindowSource(w, 'freshet')} AS x`);
      const freshetRows = res.rows.map((r) => r.map((v, j) => canonFreshet(v, res.fields[j]?.dataTypeID ?? 0)));
      expect(diffMultisets(expected, freshetRows)).toBeNull();
    });
  }

  it('hand-derived rows: 7-minute TUMBLE offset 2 minutes, 15-minute HOP every 5', async () => {
    const tumble = await duck.query(`SELECT id, window_start FROM ${renderTimeWindowSource(spec('tumble', 7 * minute, 7 * minute, 2 * minute), 'duckdb')} AS x WHERE id <= 2`);
    expect(diffMultisets([[0, '2024-03-01 11:58:00.000000'], [1, '2024-03-01 12:05:00.000000'], [2, '2024-03-01 12:12:00.000000']], tumble.rows)).toBeNull();
    // 1969-12-31 23:55:30 lies in the windows starting 23:45, 23:50 and 23:55.
    const hop = await duck.query(`SELECT window_start FROM ${renderTimeWindowSource(spec('hop', 5 * minute, 15 * minute), 'duckdb')} AS x WHERE id = 4`);
    expect(diffMultisets([['1969-12-31 23:45:00.000000'], ['1969-12-31 23:50:00.000000'], ['1969-12-31 23:55:00.000000']], hop.rows)).toBeNull();
  });
});
