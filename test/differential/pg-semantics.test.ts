// Freshet vs PostgreSQL (PGlite) where DuckDB is no oracle: errors and their
// SQLSTATEs (division by zero, overflow, bad casts), NULL order, window frames,
// INTERVAL/TIMESTAMPTZ/JSONB output text, string functions, empty aggregates.
// Each case runs as a one-shot SELECT and as a materialized view fed by insert
// and delete batches; both must give PostgreSQL's rows (in order under ORDER
// BY) or fail with its SQLSTATE. Skips itself when @electric-sql/pglite is absent.
//   FRESHET_PGSEM_CASES=N  random cases (default 300); FRESHET_PGSEM_SEED=S first seed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { canonFreshet, cellsEqual, diffMultisets, formatRow, type Row } from './comparator.js';
import { PgliteOracle, PgOracleError, numericAsNumber, pgliteMissing } from './pglite-oracle.js';
import type { SemQuery, SqlRow } from './pg-semantics-cases.js';
import { fixedQueries, fixedRows, genQuery, genRow, insertSql, tableDdl } from './pg-semantics-cases.js';
import { Prng } from './prng.js';

const randomCases = Number(process.env['FRESHET_PGSEM_CASES'] ?? 300);
const firstSeed = Number(process.env['FRESHET_PGSEM_SEED'] ?? 7_300_001);

// ---------------------------------------------------------------- running one case

type Outcome =
  | { readonly kind: 'rows'; readonly rows: readonly Row[]; readonly oids: readonly number[] }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

interface SemCase {
  readonly label: string;
  readonly rows: readonly SqlRow[];
  readonly query: SemQuery;
  /** Feeds the view through these batches; the last state equals `rows`. */
  readonly batches: readonly string[];
}

function errorOutcome(e: unknown): Outcome {
  const code = (e as { code?: unknown }).code;
  return { kind: 'error', code: typeof code === 'string' ? code : '?', message: e instanceof Error ? e.message : String(e) };
}

/** NUMERIC is compared as PostgreSQL's exact text (digits and scale), not as a rounded number. */
const NUMERIC_OID = 1700;

async function freshetRows(engine: Engine, sql: string): Promise<Outcome> {
  const res = await engine.sql(sql);
  const oids = res.fields.map((f) => f.dataTypeID);
  const rows = res.rows.map((row) =>
    row.map((v, i) => {
      const oid = oids[i] ?? 25;
      return oid === NUMERIC_OID && v !== null ? String(v) : canonFreshet(v, oid);
    }));
  return { kind: 'rows', rows, oids };
}

/**
 * PostgreSQL's NUMERIC results compared with a Freshet DOUBLE PRECISION column
 * (AVG of integers, sqrt of NUMERIC: documented differences) compare as numbers.
 */
type RowsOutcome = Extract<Outcome, { kind: 'rows' }>;

function alignNumeric(expected: RowsOutcome, actual: RowsOutcome): RowsOutcome {
  const loose = expected.oids.map((o, i) => o === NUMERIC_OID && actual.oids[i] !== NUMERIC_OID);
  if (!loose.some((x) => x)) return expected;
  return { ...expected, rows: expected.rows.map((r) => r.map((c, i) => (loose[i] ? numericAsNumber(c) : c))) };
}

async function runPostgres(pg: PgliteOracle, c: SemCase): Promise<Outcome> {
  await pg.reset();
  await pg.exec(tableDdl);
  if (c.rows.length > 0) await pg.exec(insertSql(c.rows));
  try {
    const res = await pg.query(c.query.sql);
    return { kind: 'rows', rows: res.rows, oids: res.typeOids };
  } catch (e) {
    if (!(e instanceof PgOracleError)) throw e;
    return errorOutcome(e);
  }
}

async function runOneShot(c: SemCase): Promise<Outcome> {
  const engine = new Engine({ clock: () => 0 });
  try {
    await engine.sql(tableDdl);
    if (c.rows.length > 0) await engine.sql(insertSql(c.rows));
    return await freshetRows(engine, c.query.sql);
  } catch (e) {
    return errorOutcome(e);
  } finally {
    await engine.close();
  }
}

async function runView(c: SemCase): Promise<Outcome> {
  const engine = new Engine({ clock: () => 0 });
  try {
    await engine.sql(tableDdl);
    await engine.sql(`CREATE MATERIALIZED VIEW v AS ${c.query.sql}`);
    for (const b of c.batches) await engine.sql(b);
    return await freshetRows(engine, 'SELECT * FROM v');
  } catch (e) {
    return errorOutcome(e);
  } finally {
    await engine.close();
  }
}

/**
 * The view's input: the rows in two insert batches, plus copies of some rows
 * under ids >= 1000 that a later DELETE retracts. Copies hold the same values,
 * so they raise no error the final rows do not raise.
 */
function viewBatches(r: Prng, rows: readonly SqlRow[]): string[] {
  const cut = r.int(0, rows.length);
  const copies = rows.filter(() => r.chance(0.4)).map((row) => [String(Number(row[0]) + 1000), ...row.slice(1)]);
  const out: string[] = [];
  if (cut > 0) out.push(insertSql(rows.slice(0, cut)));
  if (copies.length > 0) out.push(insertSql(copies));
  if (cut < rows.length) out.push(insertSql(rows.slice(cut)));
  if (copies.length > 0) out.push('DELETE FROM t WHERE id >= 1000');
  return out;
}

/** Null when `actual` is what PostgreSQL gave; otherwise what differs. */
function compare(expected: Outcome, actual: Outcome, ordered: boolean): string | null {
  if (expected.kind === 'error') {
    if (actual.kind === 'error' && actual.code === expected.code) return null;
    const got = actual.kind === 'error' ? `error ${actual.code} (${actual.message})` : `${actual.rows.length} rows`;
    return `PostgreSQL fails with ${expected.code} (${expected.message}); Freshet gives ${got}`;
  }
  if (actual.kind === 'error') return `PostgreSQL gives ${expected.rows.length} rows; Freshet fails with ${actual.code} (${actual.message})`;
  const want = alignNumeric(expected, actual).rows;
  const diff = diffMultisets(want, actual.rows);
  if (diff !== null) {
    return [
      ...diff.missing.map((row) => `only in PostgreSQL: ${formatRow(row)}`),
      ...diff.unexpected.map((row) => `only in Freshet:    ${formatRow(row)}`),
    ].join('\n');
  }
  if (ordered) {
    for (let i = 0; i < want.length; i++) {
      const e = want[i] ?? [];
      const a = actual.rows[i] ?? [];
      if (!e.every((cell, k) => cellsEqual(cell, a[k] ?? null))) {
        return `same rows, different order from row ${i}: PostgreSQL ${formatRow(e)}, Freshet ${formatRow(a)}`;
      }
    }
  }
  return null;
}

interface CaseResult {
  readonly expected: Outcome;
  /** What differs from PostgreSQL, or null. */
  readonly failure: string | null;
}

async function checkCase(pg: PgliteOracle, c: SemCase): Promise<CaseResult> {
  const expected = await runPostgres(pg, c);
  const problems: string[] = [];
  const oneShot = compare(expected, await runOneShot(c), c.query.ordered);
  if (oneShot !== null) problems.push(`one-shot: ${oneShot}`);
  const view = compare(expected, await runView(c), false);
  if (view !== null) problems.push(`view: ${view}`);
  if (problems.length === 0) return { expected, failure: null };
  const data = c.rows.length === 0 ? '(t empty)' : insertSql(c.rows);
  const lines = [`${c.label}: ${c.query.sql}`, `  data: ${data}`, ...problems.map((p) => `  ${p.replace(/\n/g, '\n    ')}`)];
  return { expected, failure: lines.join('\n') };
}

/** Runs the cases; fails listing every difference. Returns how often PostgreSQL raised each SQLSTATE. */
async function checkAll(pg: PgliteOracle, cases: readonly SemCase[]): Promise<Map<string, number>> {
  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  for (const c of cases) {
    const { expected, failure } = await checkCase(pg, c);
    const key = expected.kind === 'error' ? expected.code : 'rows';
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (failure !== null) failures.push(failure);
  }
  if (failures.length > 0) expect.fail(`${failures.length} of ${cases.length} cases differ from PostgreSQL:\n\n${failures.join('\n\n')}`);
  return outcomes;
}

function randomCase(seed: number): SemCase {
  const r = new Prng(seed);
  const n = r.chance(0.1) ? 0 : r.int(1, 9);
  const rows = Array.from({ length: n }, (_, i) => genRow(r, i + 1));
  const query = genQuery(r.fork());
  return { label: `seed ${seed}`, rows, query, batches: viewBatches(r.fork(), rows) };
}

// ---------------------------------------------------------------- the tests

const missing = await pgliteMissing();
if (missing !== null) console.warn(`pg-semantics: skipped, PGlite cannot load (${missing})`);

describe.skipIf(missing !== null)('Freshet vs PostgreSQL (PGlite) on PostgreSQL-only semantics', () => {
  let pg: PgliteOracle;
  beforeAll(async () => {
    pg = await PgliteOracle.open();
  });
  afterAll(async () => {
    await pg.close();
  });

  it(`${randomCases} random cases from seed ${firstSeed}`, async () => {
    const cases = Array.from({ length: randomCases }, (_, i) => randomCase(firstSeed + i));
    const outcomes = await checkAll(pg, cases);
    // The generator must keep reaching both results and each error it targets.
    if (randomCases >= 200) {
      expect(outcomes.get('rows') ?? 0).toBeGreaterThan(randomCases / 2);
      for (const code of ['22012', '22003', '22P02']) expect(outcomes.get(code) ?? 0, code).toBeGreaterThanOrEqual(2);
    }
  });

  it(`${fixedQueries.length} fixed cases`, async () => {
    const cases = fixedQueries.map((query, i) => ({ label: `fixed ${i}`, rows: fixedRows, query, batches: viewBatches(new Prng(i), fixedRows) }));
    await checkAll(pg, cases);
  });
});
