// The Nexmark queries (bench/nexmark/queries.ts) as Freshet views, fed 20,000
// generated events in batches of 2,000, must equal DuckDB computing each query
// once over all the events — the correctness half of the Nexmark benchmark,
// at a size npm test can afford.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Engine } from '../../src/engine.js';
import { NexmarkGenerator } from '../../bench/nexmark/generator.js';
import { appendToDuckDb, arrowTable, nexmarkDdl } from '../../bench/nexmark/load.js';
import { NEXMARK_QUERIES } from '../../bench/nexmark/queries.js';
import { canonDuckDb, diffMultisets, formatRow } from '../differential/comparator.js';
import { freshetRows } from '../engine/oracle-views.js';

const EVENTS = 20_000;
const BATCH = 2_000;

describe('Nexmark queries: Freshet views fed in batches equal DuckDB over all events', () => {
  const engine = new Engine();
  let instance: DuckDBInstance;
  let duck: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
    for (const ddl of nexmarkDdl()) {
      await engine.sql(ddl);
      await duck.run(ddl);
    }
    for (const q of NEXMARK_QUERIES) await engine.sql(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.freshet}`);
    // Ten seconds between events, up to 30 s out of order: 20,000 events span 2.3 days, so per-day and time-of-day queries see several values.
    const generator = new NexmarkGenerator({ seed: 2026, eventsPerSecond: 0.1, outOfOrderMicros: 30_000_000 });
    for (let at = 0; at < EVENTS; at += BATCH) {
      const batch = generator.generate(at, at + BATCH);
      for (const table of ['person', 'auction', 'bid'] as const) if (batch[table].length > 0) await engine.insertArrow(table, arrowTable(table, batch[table]));
      await appendToDuckDb(duck, batch);
    }
  }, 120_000);

  afterAll(async () => {
    duck.closeSync();
    instance.closeSync();
    await engine.close();
  });

  for (const q of NEXMARK_QUERIES) {
    test(q.name, async () => {
      const reader = await duck.runAndReadAll(q.duckdb ?? q.freshet);
      const types = reader.columnTypes().map((t) => t.toString());
      const expected = reader.getRowsJson().map((row) => row.map((v, i) => canonDuckDb(v, types[i]!)));
      const actual = await freshetRows(engine, `SELECT * FROM ${q.name}`);
      expect(expected.length).toBeGreaterThan(0);
      const diff = diffMultisets(expected, actual);
      expect(diff, `${q.name}: ${expected.length} rows expected, ${actual.length} held; missing ${diff?.missing.slice(0, 3).map(formatRow).join(' | ')}; unexpected ${diff?.unexpected.slice(0, 3).map(formatRow).join(' | ')}`).toBeNull();
    });
  }
});
