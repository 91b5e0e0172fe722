// Tests of the differential harness itself, independent of Freshet: the PRNG,
// the generators (every generated statement must be valid DuckDB SQL), the
// comparator, and runner + shrinker against a DuckDB stand-in that is right,
// and one that is deliberately wrong.

import { describe, expect, it } from 'vitest';
import { genCase } from './case-gen.js';
import { renderChange, renderCreateTable, renderCreateView, type DiffCase } from './case-model.js';
import { runCase, type CaseOutcome } from './case-runner.js';
import { canonicalTimestamp, cellsEqual, diffMultisets } from './comparator.js';
import { openDuckDbSut } from './duckdb-sut.js';
import { formatTimestamp } from './literal-gen.js';
import { Prng } from './prng.js';
import { shrinkCase } from './shrinker.js';
import { renderSltRepro } from './slt-repro.js';

function caseText(c: DiffCase): string {
  const lines = c.tables.map(renderCreateTable);
  for (const s of c.steps) {
    if (s.kind === 'createView') lines.push(renderCreateView(s.view, 'freshet'));
    else for (const st of s.statements) lines.push(renderChange(st, 'freshet', c.tables));
  }
  return lines.join(';\n');
}

describe('Prng', () => {
  it('replays the same stream for the same seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 50 }, () => a.nextU32());
    expect(Array.from({ length: 50 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('draws integers over the whole inclusive range, roughly uniformly', () => {
    const r = new Prng(7);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const v = r.int(-2, 3);
      counts[v + 2] = (counts[v + 2] ?? 0) + 1;
    }
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});

describe('generators', () => {
  it('are deterministic per seed', () => {
    expect(caseText(genCase(123))).toBe(caseText(genCase(123)));
    expect(caseText(genCase(123))).not.toBe(caseText(genCase(124)));
  });

  it('cover the SQL surface the brief asks for', () => {
    const text = Array.from({ length: 300 }, (_, i) => caseText(genCase(1000 + i))).join('\n');
    const features = [
      'PRIMARY KEY', 'NOT NULL', 'DOUBLE PRECISION', 'TIMESTAMP', 'DATE', 'BOOLEAN', 'BIGINT', 'TEXT',
      'GROUP BY', 'HAVING', 'count(*)', 'count(', 'sum(', 'avg(', 'min(', 'max(', ' WHERE ',
      ' IS NULL', ' IS NOT NULL', ' BETWEEN ', ' IN (', ' LIKE ', ' ILIKE ', 'CASE ', 'CAST(', ')::',
      'COALESCE(', 'NULLIF(', 'abs(', 'round(', 'floor(', 'ceil(', 'lower(', 'upper(', 'length(',
      'substr(', 'concat(', ' || ', 'date_trunc(', 'extract(', ' % ', ' / ', ' AND ', ' OR ', 'NOT ',
      'INSERT INTO', 'DELETE FROM', 'UPDATE ', 'NULL)', 'IS DISTINCT FROM',
    ];
    for (const f of features) expect(text, f).toContain(f);
    // Views over views, and views over tables created after data arrived.
    expect(text).toMatch(/CREATE MATERIALIZED VIEW v\d AS SELECT .* FROM v\d/);
    expect(text).toMatch(/DELETE FROM t\d(;|$)/m);
  });

  it('produce statements DuckDB accepts, and a correct system passes every case', async () => {
    let steps = 0;
    for (let i = 0; i < 80; i++) {
      const c = genCase(5000 + i);
      steps += c.steps.length;
      const out = await runCase(c, () => openDuckDbSut());
      expect(out, `seed ${c.seed}: ${JSON.stringify(out).slice(0, 400)}`).toEqual({ kind: 'pass' });
    }
    expect(steps).toBeGreaterThan(80 * 4);
  }, 120_000);
});

describe('comparator', () => {
  it('compares doubles with a relative tolerance and integers exactly', () => {
    expect(cellsEqual(0.1 + 0.2, 0.3)).toBe(true);
    expect(cellsEqual(1e6, 1e6 + 1)).toBe(false);
    expect(cellsEqual(1, '1')).toBe(false);
    expect(cellsEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(cellsEqual(null, null)).toBe(true);
    expect(cellsEqual(null, 0)).toBe(false);
  });

  it('canonicalizes timestamps with and without fractions', () => {
    expect(canonicalTimestamp('2024-03-05 10:11:12.5')).toBe('2024-03-05 10:11:12.500000');
    expect(canonicalTimestamp('2024-03-05 10:11:12')).toBe('2024-03-05 10:11:12.000000');
    expect(canonicalTimestamp('2024-03-05T10:11:12.000001')).toBe('2024-03-05 10:11:12.000001');
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59) * 1000 + 120_000)).toBe('2024-02-29 23:59:59.12');
  });

  it('treats rows as a multiset: order is free, multiplicity is not', () => {
    expect(diffMultisets([[1, 'a'], [2, null]], [[2, null], [1, 'a']])).toBeNull();
    const d = diffMultisets([[1, 'a'], [1, 'a']], [[1, 'a']]);
    expect(d?.missing).toEqual([[1, 'a']]);
    expect(d?.unexpected).toEqual([]);
    expect(diffMultisets([[0.30000000000000004]], [[0.3]])).toBeNull();
    expect(diffMultisets([[1]], [[2]])?.unexpected).toEqual([[2]]);
  });
});

describe('runner and shrinker', () => {
  it('catch a wrong answer and shrink it to a small .slt repro', async () => {
    // Loses one row of every result with at least two: a stand-in for a retraction bug.
    const broken = () => openDuckDbSut((rows) => (rows.length >= 2 ? rows.slice(1) : rows));
    let found: { c: DiffCase; out: CaseOutcome } | null = null;
    for (let i = 0; i < 50 && found === null; i++) {
      const c = genCase(9000 + i);
      const out = await runCase(c, broken);
      if (out.kind !== 'pass') found = { c, out };
    }
    expect(found).not.toBeNull();
    if (found === null) return;
    expect(found.out.kind).toBe('mismatch');
    const shrunk = await shrinkCase(found.c, found.out, (c) => runCase(c, broken), { maxRuns: 300, maxMillis: 60_000 });
    expect(shrunk.outcome.kind).toBe('mismatch');
    const before = caseText(found.c).length;
    const after = caseText(shrunk.case).length;
    expect(after).toBeLessThan(before);
    const slt = renderSltRepro(shrunk.case, shrunk.outcome, 'FRESHET_DIFF_SEED=x');
    expect(slt).toContain('statement ok');
    expect(slt).toMatch(/query [ITR]+ rowsort\nSELECT \* FROM v\d\n----\n/);
    // The minimal repro needs two rows in one view; it should be tiny.
    expect(shrunk.case.steps.length).toBeLessThanOrEqual(4);
  }, 120_000);
});
