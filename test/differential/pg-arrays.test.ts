// Freshet vs PostgreSQL (PGlite) on arrays and BYTEA: literals and their
// canonical text, subscripts, ANY/ALL with NULLs, ||, array functions,
// containment, element-wise order, array_agg (ORDER BY, DISTINCT, FILTER),
// grouping and joining on arrays, bytea input/output, encode/decode, MIN/MAX.
// Each query runs one-shot and as a materialized view fed by insert, update and
// delete batches, over rows drawn from small pools by several seeds; array and
// bytea results are cast to text in the query so both sides compare
// PostgreSQL's own output text. Skips itself when @electric-sql/pglite is absent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { canonFreshet, diffMultisets, formatRow, type Row } from './comparator.js';
import { PgliteOracle, PgOracleError, pgliteMissing } from './pglite-oracle.js';
import { Prng } from './prng.js';

const ddl = 'CREATE TABLE t (id INTEGER, g INTEGER, a INTEGER[], s TEXT[], x INTEGER, w TEXT, b BYTEA)';

const q = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const intArrays = ['{}', '{1,2,3}', '{3,NULL,1}', '{2}', '{10,9}', '{1,1,2}', '{ 02 , 7 }', '{NULL}', '{9,10}'];
const textArrays = ['{"a b",c}', '{"",NULL}', '{x,y,z}', '{"\\"q\\"","back\\\\slash"}', '{NULL}', '{}', '{c,"a b"}', '{null,"NULL"}', '{x}'];
const texts = ['a b', 'hello world', '', 'x', 'ab cd ef', 'c', 'NULL', 'x,y'];
const byteas = ['\\x', '\\x3132', 'abc', '\\x00ff5c', '\\\\', '\\101\\102', '\\x31', 'zzzzzzzzzz'];

function nullOr(r: Prng, p: number, f: () => string): string {
  return r.chance(p) ? 'NULL' : f();
}

function genRow(r: Prng, id: number): string[] {
  return [
    String(id),
    nullOr(r, 0.1, () => String(r.int(0, 2))),
    nullOr(r, 0.15, () => q(r.pick(intArrays))),
    nullOr(r, 0.15, () => q(r.pick(textArrays))),
    nullOr(r, 0.2, () => String(r.int(0, 10))),
    nullOr(r, 0.15, () => q(r.pick(texts))),
    nullOr(r, 0.15, () => q(r.pick(byteas))),
  ];
}

const insertSql = (rows: readonly string[][]): string => `INSERT INTO t VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}`;

/** Queries in both dialects; every array or bytea result is cast to text. */
const queries: readonly string[] = [
  'SELECT id, a::text, s::text, b::text FROM t',
  // unnest() in the select list: lockstep over several arrays, NULL-padded; a NULL or empty array alone gives no row.
  'SELECT id, unnest(a) AS e FROM t',
  'SELECT id, unnest(a) AS e, unnest(s) AS f, x FROM t WHERE g IS NOT NULL',
  'SELECT g, unnest(ARRAY[x, g]) AS e FROM t',
  'SELECT DISTINCT unnest(s) AS e FROM t',
  'SELECT id, a[1], a[2], a[0], s[1], s[2], cardinality(a), array_length(a, 1), array_upper(a, 1), array_lower(a, 1) FROM t',
  'SELECT id, a[2:]::text, a[:2]::text, a[0:1]::text, a[2:1]::text, s[1:1]::text, a[x:]::text, a[g:x]::text FROM t',
  'SELECT id, x = ANY (a), x <> ALL (a), x < ANY (a), x >= ALL (a), x = SOME (a), w = ANY (s) FROM t',
  "SELECT id, 2 = ANY ('{1,2}'), x = ANY ('{}'::int[]), x <> ALL ('{}'::int[]), x = ANY (ARRAY[1, NULL]) FROM t",
  "SELECT id, (a || x)::text, (x || a)::text, (a || a)::text, array_cat(a, '{7}')::text, (a || '{5,6}')::text FROM t",
  'SELECT id, array_append(a, x)::text, array_prepend(x, a)::text, array_append(s, w)::text, (s || w)::text FROM t',
  "SELECT id, array_to_string(a, ','), array_to_string(a, '-', '*'), array_to_string(s, '|'), array_to_string(s, '+', '?') FROM t",
  'SELECT id, array_position(a, x), array_remove(a, x)::text, array_position(s, w), array_position(a, 1, 2), array_remove(s, NULL)::text FROM t',
  "SELECT id, a @> ARRAY[x], a <@ '{1,2,3}', a && '{2,9}', s @> '{c}', s && ARRAY[w] FROM t",
  "SELECT id, a = '{1,2,3}', a < '{2}', a >= '{1,2}', a > '{9}', a IS DISTINCT FROM '{2}', s < '{x}' FROM t",
  'SELECT id, ARRAY[x, g, 1]::text, ARRAY[w, \'z\']::text, ARRAY[x]::text[]::text, CAST(a AS bigint[])::text, CAST(a AS text[])::text FROM t',
  "SELECT id, string_to_array(w, ' ')::text, string_to_array(w, NULL)::text, string_to_array(w, '', 'c')::text FROM t",
  "SELECT id, regexp_match(w, '(\\w)(\\w)?')::text, regexp_match(w, 'o\\w*')::text, regexp_split_to_array(w, '\\s+')::text, regexp_split_to_array(w, '')::text FROM t",
  'SELECT g, array_agg(x ORDER BY id)::text, array_agg(DISTINCT x)::text, array_agg(w ORDER BY id DESC)::text FROM t GROUP BY g',
  'SELECT g, array_agg(x ORDER BY x NULLS FIRST)::text, array_agg(x ORDER BY x DESC)::text, array_agg(id ORDER BY id) FILTER (WHERE x > 3)::text FROM t GROUP BY g',
  'SELECT array_agg(id ORDER BY id)::text, array_agg(b ORDER BY id)::text, array_agg(w ORDER BY w DESC)::text FROM t',
  'SELECT array_agg(id ORDER BY id)::text FROM t WHERE x > 100',
  'SELECT a::text, count(*), count(DISTINCT s) FROM t GROUP BY a',
  'SELECT DISTINCT s::text FROM t',
  'SELECT t1.id, t2.id FROM t t1 JOIN t t2 ON t1.a = t2.a AND t1.id < t2.id',
  "SELECT id, length(b), octet_length(b), encode(b, 'hex'), encode(b, 'base64'), encode(b, 'escape'), (b || '\\x00'::bytea)::text FROM t",
  "SELECT id, decode(encode(b, 'base64'), 'base64')::text, decode(encode(b, 'escape'), 'escape')::text, b = '\\x3132', b < '\\x31' FROM t",
  'SELECT min(b)::text, max(b)::text, count(b), count(DISTINCT b) FROM t',
  'SELECT g, min(b)::text, max(b)::text FROM t GROUP BY g',
  "SELECT id, octet_length(w), (w || 'x')::bytea::text FROM t",
  "SELECT id, ARRAY[x::float8 / 4, 2.5::float8, 'NaN']::text, ARRAY[x > 3, NULL]::text, ARRAY[DATE '2020-01-02' + x]::text, ARRAY[TIMESTAMP '2020-01-01 10:00:00.5']::text FROM t",
  "SELECT id, '{t,false,1}'::boolean[]::text, '{2020-01-01}'::date[]::text, '{\"1 day\", \"25 hours\"}'::interval[]::text, '{\"\\\\x31\", abc}'::bytea[]::text, ARRAY['{\"b\":1,\"a\":2}'::jsonb]::text FROM t",
  "SELECT id, ARRAY['a\"b', 'c\\d', '{x}', ' lead', w]::text, ARRAY[w]::text[] = s, ARRAY[b]::text, ('{' || x || '}')::int[]::text FROM t",
];

/** Statements that must fail with the same SQLSTATE in both. */
const errorQueries: readonly string[] = [
  'SELECT ARRAY[]',
  "SELECT ARRAY[1, 'a']",
  'SELECT ARRAY[1, true]',
  "SELECT '{1,2'::int[]",
  "SELECT 'a'::int[]",
  "SELECT '{1,x}'::int[]",
  "SELECT '\\xzz'::bytea",
  "SELECT '\\x1'::bytea",
  "SELECT '\\q'::bytea",
  "SELECT decode('a', 'base64')",
  "SELECT ARRAY[1] < ARRAY['a']",
  "SELECT regexp_match('a', 'a', 'g')",
  'SELECT 1 = ANY (1)',
];

type Outcome =
  | { readonly kind: 'rows'; readonly rows: readonly Row[]; readonly columns: readonly string[] }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

function errorOutcome(e: unknown): Outcome {
  const code = (e as { code?: unknown }).code;
  return { kind: 'error', code: typeof code === 'string' ? code : '?', message: e instanceof Error ? e.message : String(e) };
}

async function freshetRows(engine: Engine, sql: string): Promise<Row[]> {
  const res = await engine.sql(sql);
  return res.rows.map((row) => row.map((v, i) => canonFreshet(v, res.fields[i]?.dataTypeID ?? 25)));
}

function batchesFor(r: Prng, rows: readonly string[][]): string[] {
  const cut = r.int(0, rows.length);
  const copies = rows.filter(() => r.chance(0.4)).map((row) => [String(Number(row[0]) + 1000), ...row.slice(1)]);
  const out: string[] = [];
  if (cut > 0) out.push(insertSql(rows.slice(0, cut)));
  if (copies.length > 0) out.push(insertSql(copies));
  if (cut < rows.length) out.push(insertSql(rows.slice(cut)));
  // Updates that change arrays and bytea, then change them back: retractions of both.
  out.push('UPDATE t SET a = a || 42 WHERE id % 2 = 0 AND a IS NOT NULL');
  out.push("UPDATE t SET s = 'u'::text || s WHERE id % 3 = 0 AND s IS NOT NULL");
  out.push("UPDATE t SET b = b || '\\xee'::bytea WHERE id % 2 = 1");
  out.push('UPDATE t SET a = array_remove(a, 42) WHERE id % 2 = 0 AND a IS NOT NULL');
  out.push("UPDATE t SET s = array_remove(s, 'u') WHERE id % 3 = 0 AND s IS NOT NULL");
  out.push("UPDATE t SET b = decode(substring(encode(b, 'hex') FROM '^(.*)ee$'), 'hex') WHERE id % 2 = 1");
  if (copies.length > 0) out.push('DELETE FROM t WHERE id >= 1000');
  return out;
}

function compare(expected: Outcome, actual: Outcome): string | null {
  if (expected.kind === 'error') {
    if (actual.kind === 'error' && actual.code === expected.code) return null;
    const got = actual.kind === 'error' ? `error ${actual.code} (${actual.message})` : `${actual.rows.length} rows`;
    return `PostgreSQL fails with ${expected.code} (${expected.message}); Freshet gives ${got}`;
  }
  if (actual.kind === 'error') return `PostgreSQL gives ${expected.rows.length} rows; Freshet fails with ${actual.code} (${actual.message})`;
  const diff = diffMultisets(expected.rows, actual.rows);
  if (diff === null) return null;
  return [...diff.missing.map((row) => `only in PostgreSQL: ${formatRow(row)}`), ...diff.unexpected.map((row) => `only in Freshet:    ${formatRow(row)}`)].join('\n');
}

async function runCase(pg: PgliteOracle, rows: readonly string[][], query: string, batches: readonly string[], mustFail = false): Promise<string[]> {
  await pg.reset();
  await pg.exec(ddl);
  if (rows.length > 0) await pg.exec(insertSql(rows));
  let expected: Outcome;
  try {
    const res = await pg.query(query);
    expected = { kind: 'rows', rows: res.rows, columns: res.columns };
  } catch (e) {
    if (!(e instanceof PgOracleError)) throw e;
    expected = errorOutcome(e);
  }
  const problems: string[] = [];
  if (mustFail && expected.kind !== 'error') problems.push('PostgreSQL accepts this statement: the case is wrong');
  const oneShot = new Engine({ clock: () => 0 });
  let actual: Outcome;
  try {
    await oneShot.sql(ddl);
    if (rows.length > 0) await oneShot.sql(insertSql(rows));
    actual = { kind: 'rows', rows: await freshetRows(oneShot, query), columns: [] };
  } catch (e) {
    actual = errorOutcome(e);
  }
  const d1 = compare(expected, actual);
  if (d1 !== null) problems.push(`one-shot: ${d1}`);
  if (expected.kind === 'rows') {
    const view = new Engine({ clock: () => 0 });
    try {
      await view.sql(ddl);
      const names = expected.columns.map((_, i) => `c${i + 1}`).join(', ');
      await view.sql(`CREATE MATERIALIZED VIEW v (${names}) AS ${query}`);
      for (const b of batches) await view.sql(b);
      actual = { kind: 'rows', rows: await freshetRows(view, 'SELECT * FROM v'), columns: [] };
    } catch (e) {
      actual = errorOutcome(e);
    }
    const d2 = compare(expected, actual);
    if (d2 !== null) problems.push(`view: ${d2}`);
  }
  return problems.length === 0 ? [] : [`${query}\n  data: ${rows.length === 0 ? '(empty)' : insertSql(rows)}\n  ${problems.join('\n  ').replace(/\n(?! {2})/g, '\n    ')}`];
}

const seeds = Number(process.env['FRESHET_PGARRAY_SEEDS'] ?? 4);

const missing = await pgliteMissing();
if (missing !== null) console.warn(`pg-arrays: skipped, PGlite cannot load (${missing})`);

describe.skipIf(missing !== null)('arrays and BYTEA vs PostgreSQL (PGlite), one-shot and as views', () => {
  let pg: PgliteOracle;
  beforeAll(async () => {
    pg = await PgliteOracle.open();
  });
  afterAll(async () => {
    await pg.close();
  });

  it(`${queries.length} queries over ${seeds} random tables`, async () => {
    const failures: string[] = [];
    let rowResults = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = new Prng(8_100_000 + seed);
      const rows = Array.from({ length: seed === 1 ? 0 : r.int(3, 9) }, (_, i) => genRow(r, i + 1));
      for (const query of queries) {
        const problems = await runCase(pg, rows, query, batchesFor(r.fork(), rows));
        failures.push(...problems);
        if (problems.length === 0) rowResults++;
      }
    }
    if (failures.length > 0) expect.fail(`${failures.length} cases differ from PostgreSQL:\n\n${failures.join('\n\n')}`);
    expect(rowResults).toBe(queries.length * seeds);
  });

  it(`${errorQueries.length} statements fail with PostgreSQL's SQLSTATE`, async () => {
    const failures: string[] = [];
    for (const query of errorQueries) failures.push(...(await runCase(pg, [], query, [], true)));
    if (failures.length > 0) expect.fail(failures.join('\n\n'));
  });
});
