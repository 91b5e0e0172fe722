// SELECT DISTINCT views against recomputation: random inserts, deletes and
// updates (duplicates of a distinct row added and removed one at a time, NULLs,
// NaN, -0) go through an Engine with DISTINCT views over the table, over an
// aggregate and over another DISTINCT view; after every change each view, and
// the same query run one-shot, must equal a naive JS DISTINCT over the rows.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

interface Row {
  readonly a: number | null;
  readonly b: string | null;
  /** SQL literal text: doubles include '-0' and 'NaN'. */
  readonly x: string;
}

type Change =
  | { readonly kind: 'insert'; readonly rows: readonly Row[] }
  | { readonly kind: 'delete'; readonly picks: readonly number[] }
  | { readonly kind: 'update'; readonly picks: readonly number[]; readonly a: number | null };

const rowArb: fc.Arbitrary<Row> = fc.record({
  a: fc.constantFrom(null, -1, 0, 1, 2),
  b: fc.constantFrom(null, 'p', 'q', 'r'),
  x: fc.constantFrom('NULL', '0', "'-0'", "'NaN'", '1.5', '-2.25'),
});

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), rows: fc.array(rowArb, { minLength: 1, maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
      a: fc.constantFrom(null, 0, 1, 3),
    }),
  },
);

const sqlText = (v: string | number | null): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);

/** The literal's value as the engine should return it (-0 and 0 both print as 0 below). */
function doubleOf(lit: string): number | null {
  if (lit === 'NULL') return null;
  return Number(lit.replace(/'/g, ''));
}

/**
 * One canonical string per value: NULL = NULL, NaN = NaN and -0 = 0, as DISTINCT
 * compares. Results carry NaN as the text 'NaN' (node-postgres's form); no text
 * column here holds that word.
 */
function canon(v: unknown): string {
  if (v === null) return 'NULL';
  if (v === 'NaN') return 'NaN';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v === 0 ? 0 : v);
  return JSON.stringify(v);
}

/** Each row once, sorted: duplicates in `rows` are kept, so a duplicate in the view fails. */
function render(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => r.map(canon).join(' | ')).sort();
}

function distinctOf(rows: readonly (readonly unknown[])[]): string[] {
  return [...new Set(render(rows))].sort();
}

interface ViewCase {
  readonly name: string;
  readonly query: string;
  readonly oracle: (rows: readonly Row[]) => string[];
}

const VIEWS: ViewCase[] = [
  { name: 'v_ab', query: 'SELECT DISTINCT a, b FROM t', oracle: (rs) => distinctOf(rs.map((r) => [r.a, r.b])) },
  {
    name: 'v_b_pos',
    query: 'SELECT DISTINCT b FROM t WHERE a > 0',
    oracle: (rs) => distinctOf(rs.filter((r) => r.a !== null && r.a > 0).map((r) => [r.b])),
  },
  {
    name: 'v_counts',
    query: 'SELECT DISTINCT count(*) AS n FROM t GROUP BY a',
    oracle: (rs) => {
      const counts = new Map<string, number>();
      for (const r of rs) counts.set(canon(r.a), (counts.get(canon(r.a)) ?? 0) + 1);
      return distinctOf([...counts.values()].map((n) => [n]));
    },
  },
  // Over the first view: b of every distinct (a, b).
  { name: 'v_b_of_ab', query: 'SELECT DISTINCT b FROM v_ab', oracle: (rs) => distinctOf(rs.map((r) => [r.b])) },
  { name: 'v_x', query: 'SELECT DISTINCT x FROM t', oracle: (rs) => distinctOf(rs.map((r) => [doubleOf(r.x)])) },
];

async function runScenario(changes: readonly Change[]): Promise<void> {
  const engine = new Engine({ clock: () => 0 });
  await engine.sql('CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT, x DOUBLE PRECISION)');
  // Half the views start before any data, half hydrate from existing rows.
  for (const v of VIEWS.slice(0, 2)) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`);
  const live = new Map<number, Row>();
  let nextId = 1;
  const viewsCreated = (step: number): ViewCase[] => (step < 1 ? VIEWS.slice(0, 2) : VIEWS);
  for (let step = 0; step < changes.length; step++) {
    const c = changes[step]!;
    const ids = [...live.keys()];
    switch (c.kind) {
      case 'insert': {
        const values = c.rows.map((r) => {
          const id = nextId++;
          live.set(id, r);
          return `(${id}, ${sqlText(r.a)}, ${sqlText(r.b)}, ${r.x})`;
        });
        await engine.sql(`INSERT INTO t VALUES ${values.join(', ')}`);
        break;
      }
      case 'delete': {
        if (ids.length === 0) break;
        const chosen = [...new Set(c.picks.map((p) => ids[p % ids.length]!))];
        chosen.forEach((id) => live.delete(id));
        await engine.sql(`DELETE FROM t WHERE id IN (${chosen.join(', ')})`);
        break;
      }
      case 'update': {
        if (ids.length === 0) break;
        const chosen = [...new Set(c.picks.map((p) => ids[p % ids.length]!))];
        chosen.forEach((id) => live.set(id, { ...live.get(id)!, a: c.a }));
        await engine.sql(`UPDATE t SET a = ${sqlText(c.a)} WHERE id IN (${chosen.join(', ')})`);
        break;
      }
    }
    if (step === 0) for (const v of VIEWS.slice(2)) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`);
    const rows = [...live.values()];
    for (const v of viewsCreated(step)) {
      const expected = v.oracle(rows);
      const view = await engine.sql(`SELECT * FROM ${v.name}`);
      expect(render(view.rows as unknown[][]), `${v.name} after step ${step}`).toEqual(expected);
      const once = await engine.sql(v.query);
      expect(render(once.rows as unknown[][]), `one-shot ${v.name} after step ${step}`).toEqual(expected);
    }
  }
}

describe('SELECT DISTINCT views equal recomputation', () => {
  it('under random inserts, deletes and updates', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(changeArb, { minLength: 1, maxLength: 12 }), (changes) => runScenario(changes)),
      { seed: 20_240_611, numRuns: 150 },
    );
  }, 120_000);

  it('keeps a row until its last duplicate goes, then brings it back', async () => {
    await runScenario([
      { kind: 'insert', rows: [{ a: 1, b: 'p', x: '0' }, { a: 1, b: 'p', x: "'-0'" }, { a: 1, b: 'p', x: "'NaN'" }] },
      { kind: 'delete', picks: [0] },
      { kind: 'delete', picks: [0] },
      { kind: 'delete', picks: [0] },
      { kind: 'insert', rows: [{ a: 1, b: 'p', x: "'NaN'" }] },
    ]);
  });
});
