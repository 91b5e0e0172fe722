// The cases of the PostgreSQL-semantics test (pg-semantics.test.ts): the
// random table, the query templates drawn for random cases, and the fixed
// table and queries. Each query notes what PostgreSQL decides and, where a
// case is left out, why.

import { Prng } from './prng.js';

// ---------------------------------------------------------------- the table

export const tableDdl =
  'CREATE TABLE t (id INTEGER, g INTEGER, a INTEGER, b INTEGER, x DOUBLE PRECISION, s TEXT, ' +
  'ts TIMESTAMP, tz TIMESTAMPTZ, iv INTERVAL, j JSONB, n NUMERIC, m NUMERIC(8, 2))';

/** One row as SQL literals, in column order; ids are unique within a case. */
export type SqlRow = readonly string[];

export const q = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const textPool = [
  '', 'a', 'abc', 'hello world', 'a,b,,c', ',x,', 'x y-z', 'mIxEd cAsE_word', '  12 ', '-7', '+3', '0',
  '1e3', '2.5', ' 2.5 ', 'abc1', 'Infinity', '-inf', 'NaN', 'TRUE', 'no', 'on', 'of', 't', ' yes ', '2147483648',
  'héllo wörld', "it's", 'b',
];
const doublePool = [
  '0', '-0.5', '0.5', '1.5', '-1.5', '2.5', '-2.5', '3.25', '100', '1e10', '-7', '1e16', '1.5e-7', '1.2345678901234568e20',
  "'NaN'", "'Infinity'", "'-Infinity'", "'-0'",
];
const tsPool = [
  '2020-01-31 10:00:00', '2020-02-29 00:00:00', '2021-12-31 23:59:59.999999', '1999-03-31 12:30:00',
  '2024-02-29 00:00:00.5', '2023-05-31 08:15:30.25', '2000-01-01 00:00:00',
];
const tzPool = [
  '2020-01-01 10:00:00+02', '2020-06-30 23:30:00-05:30', '1999-12-31 23:59:59.123456+00', '2024-02-29 01:00:00+01',
  '2021-03-14 12:00:00.5-08', '2000-01-01 00:00:00+00',
];
const intervalPool = [
  '1 day', '24 hours', '-1 day 2 hours', '1 mon -3 days', '25 hours', '1 year 2 mons 3 days 04:05:06.5',
  '-00:00:01', '0', '3 mons', '-1 year', '1 mon', '30 days', '36:00:00', '00:00:00.000001', '-2 days -03:00:00',
];
const jsonPool = [
  '{"b":1,"a":[1,2,{"c":null}]}', '{"a":1,"a":2}', '[1, 1.0, 1e2, 1.50, -3]', '"str"', 'null', '{"aa":1,"b":2,"a":3}',
  '{}', '[]', '{"x":{"y":"z"},"a":"1"}', '3.14159', 'true', '"\\u00e9\\t"', '[{"a":1},{"a":2}]', '{"a":{"b":[10,20]}}',
];

// No two equal values with different scales (1.5 and 1.50): which spelling MIN, MAX
// or a group key shows among equal values is unspecified in PostgreSQL.
const numericPool = [
  '0.00', '1.5', '-2.25', '12345678901234567890.123', '-0.001', '100', '2.675', "'NaN'", '1e3', '0.1', '-7',
  '999999.99', '3.14159265358979323846', '-0.5', '0.333', '25',
];
const numericTypmodPool = ['0', '1.005', '-2.5', '123456.78', '0.1', '99.999', '-0.004', '42', '-999999.994'];

function nullOr(r: Prng, p: number, f: () => string): string {
  return r.chance(p) ? 'NULL' : f();
}

export function genRow(r: Prng, id: number): SqlRow {
  return [
    String(id),
    nullOr(r, 0.15, () => String(r.int(0, 2))),
    nullOr(r, 0.2, () => String(r.int(-9, 9))),
    nullOr(r, 0.2, () => String(r.int(-3, 3))),
    nullOr(r, 0.2, () => r.pick(doublePool)),
    nullOr(r, 0.15, () => q(r.pick(textPool))),
    nullOr(r, 0.15, () => q(r.pick(tsPool))),
    nullOr(r, 0.15, () => q(r.pick(tzPool))),
    nullOr(r, 0.15, () => q(r.pick(intervalPool))),
    nullOr(r, 0.15, () => q(r.pick(jsonPool))),
    nullOr(r, 0.15, () => r.pick(numericPool)),
    nullOr(r, 0.15, () => r.pick(numericTypmodPool)),
  ];
}

export function insertSql(rows: readonly SqlRow[]): string {
  return `INSERT INTO t VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}`;
}

// ---------------------------------------------------------------- the queries

export interface SemQuery {
  readonly sql: string;
  /** Rows are compared in order (one-shot only); ORDER BY always ends in a unique key. */
  readonly ordered: boolean;
}

const frameBounds = ['UNBOUNDED PRECEDING', '2 PRECEDING', '1 PRECEDING', 'CURRENT ROW', '1 FOLLOWING', '3 FOLLOWING', 'UNBOUNDED FOLLOWING'];

/** A frame; now and then an invalid one (start after end), which PostgreSQL rejects with 42P20. */
function genFrame(r: Prng, unit: 'ROWS' | 'RANGE'): string {
  let i = r.int(0, frameBounds.length - 2);
  let k = r.int(1, frameBounds.length - 1);
  if (i > k && !r.chance(0.1)) [i, k] = [k, i];
  // A lone bound is the start, ending at CURRENT ROW (a FOLLOWING start is 42P20).
  if (r.chance(0.15)) return `${unit} ${frameBounds[i]}`;
  return `${unit} BETWEEN ${frameBounds[i]} AND ${frameBounds[k]}`;
}

type Template = (r: Prng) => SemQuery;

export const unordered = (sql: string): SemQuery => ({ sql, ordered: false });

const templates: readonly (readonly [number, Template])[] = [
  // Integer division and modulo: truncation toward zero, the dividend's sign, 22012.
  [6, (r) => {
    const k = r.pick(['b', 'b', 'b', '(b - 1)', '(b - 1)', '2', '-2', '3', '-3']);
    const e = r.pick([`a / ${k}`, `a % ${k}`, `mod(a, ${k})`, `-a / ${k}`, `(a * 7) % ${k}`, `a::bigint / ${k}`]);
    const where = r.chance(0.2) ? ' WHERE b <> 0' : '';
    return unordered(`SELECT id, ${e} AS v FROM t${where}`);
  }],
  // Overflow of INTEGER (22003); BIGINT stays within 2^53 (README, Differences).
  [2, (r) => {
    const e = r.pick(['a * 1000000000', 'a + 2147483640', 'a - 2147483640', '-(a + 2147483639)', 'abs(a - 2147483640)',
      'a::bigint * 1000000000', 'b * 536870912 * 2', 'sum(a * 300000000)', 'a * 214748364']);
    return unordered(e.startsWith('sum') ? `SELECT g, ${e} AS v FROM t GROUP BY g` : `SELECT id, ${e} AS v FROM t`);
  }],
  // Casts of text: 22P02 on bad input, PostgreSQL's whitespace and prefix rules.
  [3, (r) => {
    const ty = r.pick(['INTEGER', 'BIGINT', 'DOUBLE PRECISION', 'BOOLEAN']);
    const where = r.chance(0.5) ? ` WHERE id <= ${r.int(1, 4)}` : '';
    return unordered(`SELECT id, CAST(s AS ${ty}) AS v FROM t${where}`);
  }],
  // NULL order with every ASC/DESC/NULLS combination, also as a view's top-N.
  [3, (r) => {
    const col = r.pick(['a', 'x', 's', 'g', 'ts', 'a + b']);
    const dir = r.pick(['', ' ASC', ' DESC']);
    const nulls = r.pick(['', ' NULLS FIRST', ' NULLS LAST']);
    const limit = r.chance(0.4) ? ` LIMIT ${r.int(1, 5)}` : '';
    return { sql: `SELECT id, ${col} AS k FROM t ORDER BY ${col}${dir}${nulls}, id${limit}`, ordered: true };
  }],
  // ROWS frames (a total order, so the frame contents are determined).
  [3, (r) => {
    const f = r.pick(['sum(a)', 'count(a)', 'count(*)', 'min(a)', 'max(s)', 'avg(x)', 'first_value(a)', 'last_value(s)']);
    const part = r.chance(0.6) ? 'PARTITION BY g ' : '';
    return unordered(`SELECT id, ${f} OVER (${part}ORDER BY b, id ${genFrame(r, 'ROWS')}) AS w FROM t`);
  }],
  // RANGE frames: peers (no offset) and offsets over a numeric key with NULLs.
  [3, (r) => {
    const f = r.pick(['sum(a)', 'count(*)', 'min(a)', 'max(a)', 'last_value(b)', 'first_value(b)']);
    const part = r.chance(0.5) ? 'PARTITION BY g ' : '';
    const dir = r.pick(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST']);
    const frame = r.chance(0.3) ? '' : ` ${genFrame(r, 'RANGE')}`;
    return unordered(`SELECT id, ${f} OVER (${part}ORDER BY b${dir}${frame}) AS w FROM t`);
  }],
  // LAG/LEAD with offsets and defaults; ranking with peers.
  [3, (r) => {
    // Not over INTERVAL: lag/lead of an interval is 0A000 in Freshet today.
    const col = r.pick(['a', 's', 'x', 'ts']);
    const dflt = col === 's' ? q('none') : col === 'ts' ? "TIMESTAMP '2001-02-03 04:05:06'" : '-1';
    const f = r.pick([
      `lag(${col})`, `lead(${col})`, `lag(${col}, ${r.int(0, 3)})`, `lead(${col}, ${r.int(1, 3)}, ${dflt})`,
      `lag(${col}, 2, ${dflt})`, 'rank()', 'dense_rank()', 'row_number()',
    ]);
    const order = f.includes('rank') ? r.pick(['b', 'b DESC', 'a NULLS FIRST']) : r.pick(['id', 'b, id', 'id DESC']);
    const part = r.chance(0.5) ? 'PARTITION BY g ' : '';
    return unordered(`SELECT id, ${f} OVER (${part}ORDER BY ${order}) AS w FROM t`);
  }],
  // Aggregates over empty and non-empty input, with and without GROUP BY.
  [3, (r) => {
    const aggs = [
      'count(*)', 'count(a)', 'sum(a)', 'avg(a)', 'min(s)', 'max(x)', 'sum(x)', 'bool_and(a > 0)', 'bool_or(b < 0)',
      // One ORDER BY key (more are 0A000 in Freshet); tied texts are equal, so the result is determined.
      "string_agg(s, ',' ORDER BY s)", "string_agg(s, '|' ORDER BY s DESC NULLS FIRST)", "string_agg(s, '' ORDER BY s)",
      'percentile_cont(0.5) WITHIN GROUP (ORDER BY a)', 'percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC)',
      'percentile_disc(0.5) WITHIN GROUP (ORDER BY a)', 'stddev_samp(a)', 'var_pop(a)', 'count(DISTINCT b)',
      'sum(DISTINCT a)', 'sum(a) FILTER (WHERE b > 0)',
    ];
    // Distinct names: a view refuses two columns called sum.
    const picked = [r.pick(aggs), r.pick(aggs), r.pick(aggs)].map((a, i) => `${a} AS c${i}`);
    const where = r.pick(['', ' WHERE false', ' WHERE a > 5', ' WHERE g = 1', ' WHERE id < 0']);
    const grouped = r.chance(0.4);
    return unordered(`SELECT ${grouped ? 'g, ' : ''}${picked.join(', ')} FROM t${where}${grouped ? ' GROUP BY g' : ''}`);
  }],
  // String functions at their edges: negative counts and indexes, truncation, word starts.
  [4, (r) => {
    const n = r.int(-3, 8);
    const f = r.pick([
      `split_part(s, ',', ${r.int(-4, 4)})`, `lpad(s, ${n}, 'xy')`, `rpad(s, ${n}, 'xy')`, `lpad(s, ${n})`, `rpad(s, ${n}, '')`,
      'initcap(s)', `position(${q(r.pick(['b', '', 'a,', ' ']))} IN s)`, `left(s, ${r.int(-4, 4)})`,
      `right(s, ${r.int(-4, 4)})`, `substr(s, ${r.int(-2, 4)}, ${r.int(-1, 4)})`, `substr(s, ${r.int(-2, 4)})`,
      `repeat(s, ${r.int(-1, 3)})`, 'reverse(s)', 'length(s)', 'upper(s)', 'lower(s)', `trim(s)`, `replace(s, 'a', 'AA')`,
      `concat(s, a, NULL, x)`, 's || a', `ascii(s)`, `starts_with(s, 'a')`, `strpos(s, 'b')`,
    ]);
    return unordered(`SELECT id, ${f} AS v FROM t`);
  }],
  // INTERVAL arithmetic and output text, timestamp ± interval month-end rules.
  [4, (r) => {
    const k = r.pick(['2', '-1', '0.5', '3', '0']);
    const f = r.pick([
      'iv', `iv * ${k}`, `iv / ${k}`, '-iv', `iv + ${q(r.pick(intervalPool))}::interval`, `iv - INTERVAL ${q(r.pick(intervalPool))}`,
      'ts + iv', 'ts - iv', `ts + INTERVAL '1 month'`, `ts - INTERVAL '1 year 1 day'`, `ts - TIMESTAMP ${q(r.pick(tsPool))}`,
      'justify_hours(iv)', 'justify_days(iv)', 'justify_interval(iv)', 'extract(epoch FROM iv)', 'extract(day FROM iv)',
      `age(ts, TIMESTAMP ${q(r.pick(tsPool))})`, `iv < INTERVAL ${q(r.pick(intervalPool))}`, `iv = INTERVAL '1 day'`,
      'date_trunc(\'month\', ts)', 'ts::date + 1', 'tz + iv',
    ]);
    return unordered(`SELECT id, ${f} AS v FROM t`);
  }],
  // Interval order and equality across units (1 day = 24 hours, 1 mon = 30 days).
  [1, (r) => {
    const dir = r.pick(['', ' DESC']);
    return r.chance(0.5)
      ? { sql: `SELECT id, iv FROM t ORDER BY iv${dir}, id`, ordered: true }
      : unordered('SELECT count(DISTINCT iv) AS distinct_ivs, count(*) AS n FROM t');
  }],
  // TIMESTAMPTZ output text (session zone UTC), truncation and conversion.
  [2, (r) => {
    const f = r.pick([
      'tz', "tz + INTERVAL '1 day 1 hour'", "date_trunc('day', tz)", "date_trunc('hour', tz)", 'tz::timestamp', 'tz::date',
      'extract(hour FROM tz)', 'extract(epoch FROM tz)', 'ts::timestamptz', "to_char(tz, 'YYYY-MM-DD HH24:MI:SS.US')",
    ]);
    return unordered(`SELECT id, ${f} AS v FROM t`);
  }],
  // JSONB canonical text, access operators and their errors.
  [4, (r) => {
    const f = r.pick([
      // `->` by index only on containers: PostgreSQL 18 returns a scalar itself for
      // `scalar -> 0` and `-> -1` where Freshet gives NULL (pg-semantics report, bug 1).
      ...['j -> 0', 'j ->> 1', 'j -> -1'].map((e) => `CASE WHEN jsonb_typeof(j) IN ('array', 'object') THEN ${e} END`),
      'j', "j -> 'a'", "j ->> 'a'", "j #> '{a,0}'", "j #>> '{a,b,1}'", 'jsonb_typeof(j)',
      'j @> \'{"a":1}\'', 'j <@ \'{"a":1,"b":1}\'', 'j || \'{"z":1}\'::jsonb', 'j || \'[9]\'::jsonb', 'jsonb_array_length(j)',
      "jsonb_build_object('k', a, 's', s, 'x', x)", 'jsonb_build_array(a, s, NULL)', 'to_jsonb(s)', 'to_jsonb(x)', 'to_jsonb(a)',
      "jsonb_extract_path_text(j, 'a', '0')",
    ]);
    return unordered(`SELECT id, ${f} AS v FROM t`);
  }],
];

/** Value formatting, calendar edges and equality across spellings. */
const moreTemplates: readonly (readonly [number, Template])[] = [
  // Values as text: float8 output (shortest form, exponents, -0, NaN), the other types' casts to text.
  [3, (r) => {
    const e = r.pick(['x::text', 'ts::text', 'tz::text', 'iv::text', 'j::text', '(a > 0)::text', "x || ''", 'concat(x, \'|\', iv)',
      'sign(x)',
      // Not x::bigint or x::int (README, Differences): 1e16 is past Freshet's exact BIGINT range, and
      // 2.5 rounds away from zero where float8 rounds to even.
      '-x', 'x * 0', 'x / 3', 'x + 1', 'ceil(x)', 'floor(x)', 'trunc(x)', 'abs(x)']);
    return unordered(`SELECT id, ${e} AS v FROM t`);
  }],
  // Doubles' order, equality and grouping: NaN above every number, -0 = 0.
  [2, (r) => {
    return r.pick([
      { sql: `SELECT id, x FROM t ORDER BY x${r.pick(['', ' DESC', ' NULLS FIRST'])}, id`, ordered: true },
      unordered('SELECT x = 0 AS z, x > 1e300 AS big, x = \'NaN\' AS nan, count(*) AS n FROM t GROUP BY 1, 2, 3'),
      unordered('SELECT count(DISTINCT x) AS d, min(x) AS lo, max(x) AS hi, sum(x) AS s FROM t'),
    ]);
  }],
  // Equality across spellings: '1 day' = '24 hours', jsonb '{"a":1,"a":2}' = '{"a":2}'.
  [2, (r) => {
    const col = r.pick(['iv', 'j']);
    return r.pick([
      unordered(`SELECT count(*) AS n FROM t GROUP BY ${col}`),
      unordered(`SELECT count(*) AS n FROM (SELECT DISTINCT ${col} FROM t) d`),
      unordered(`SELECT l.id AS l, r.id AS r FROM t AS l JOIN t AS r ON l.${col} = r.${col}`),
    ]);
  }],
  // to_char of timestamps, intervals and numbers: PostgreSQL's templates and fill rules.
  // Left out (pg-semantics report, bugs 4-6): the PL, RN and EEEE number patterns; date-only
  // patterns (Day, Month, IYYY, IW, ID, TZ, DDD, WW, J, Q) on intervals; DOUBLE PRECISION
  // arguments (NaN, infinities and exponent-form values print wrongly; halves round
  // away from zero, a documented difference, where float8 rounds to even).
  [3, (r) => {
    const tsFormats = ['YYYY-MM-DD HH24:MI:SS.MS', 'Day, DD Month YYYY', 'FMDay FMDD FMMonth', 'HH12:MI AM', 'IYYY-IW-ID', 'DDD WW Q CC',
      'YY-MON-DY', 'J', 'fmMM/DD/YY', 'SSSS US', '"quoted" YYYY', 'Mon dd'];
    // Intervals only with non-negative day fields: a negative DD prints as -01 where
    // PostgreSQL prints -1 (report, bug 7).
    const ivFormats = ['HH24:MI:SS.MS', 'HH12:MI AM', 'SSSS US', '"quoted" YYYY', 'FMHH24 "h" MI "m"', 'YYYY-MM HH:MI:SS.US'];
    // Not 'FM999.9' or 'FM999.99': zero prints as '.' where PostgreSQL prints '0.' (report, bug 9).
    const intFormats = ['999', '0000', 'FM990.00', '9,999', 'S999', '999MI', '99.9', 'FM990.9', '9G999D99'];
    // Fractions only where nothing rounds: they are DOUBLE PRECISION here and NUMERIC
    // in PostgreSQL (README, Differences), and -0.25 rounds to a signed zero in float8.
    const fractionFormats = ['FM990.00', '9G999D99', 'S990.999', '999.99MI'];
    return r.pick([
      unordered(`SELECT id, to_char(${r.pick(['ts', 'tz'])}, ${q(r.pick(tsFormats))}) AS v FROM t`),
      // Zone fields: a TIMESTAMPTZ prints the session zone (UTC), a TIMESTAMP nothing.
      unordered(`SELECT id, to_char(${r.pick(['ts', 'tz'])}, 'TZ tz OF') AS v FROM t`),
      unordered(`SELECT id, to_char(iv, ${q(r.pick(ivFormats))}) AS v FROM t`),
      unordered(`SELECT id, to_char(${r.pick(['a', 'a * 1000'])}, ${q(r.pick(intFormats))}) AS v FROM t`),
      unordered(`SELECT id, to_char(${r.pick(['a * 0.25', '-a * 1.5'])}, ${q(r.pick(fractionFormats))}) AS v FROM t`),
    ]);
  }],
  // date_trunc and extract at PostgreSQL's calendar edges (century from year 1, ISO weeks).
  [3, (r) => {
    const unit = r.pick(['week', 'quarter', 'decade', 'century', 'millennium', 'month', 'year', 'second', 'milliseconds']);
    const field = r.pick(['dow', 'isodow', 'doy', 'week', 'isoyear', 'quarter', 'decade', 'century', 'millennium', 'epoch',
      'microseconds', 'milliseconds', 'second', 'julian']);
    return r.pick([
      unordered(`SELECT id, date_trunc(${q(unit)}, ${r.pick(['ts', 'tz', 'iv'])}) AS v FROM t`),
      unordered(`SELECT id, extract(${field} FROM ${r.pick(['ts', 'tz'])}) AS v FROM t`),
      // Of a DATE only date fields: PostgreSQL refuses time fields (0A000), Freshet reads
      // midnight (report, bug 8).
      unordered(`SELECT id, extract(${r.pick(['dow', 'doy', 'week', 'isoyear', 'century', 'epoch', 'julian'])} FROM ts::date) AS v FROM t`),
      unordered(`SELECT id, ts::date + ${r.int(-40, 40)} AS v, ts::date - DATE '2020-02-29' AS d FROM t`),
      unordered(`SELECT id, make_interval(${[r.int(-2, 2), r.int(-13, 13), r.int(-1, 1), r.int(-40, 40), r.int(-30, 30)].join(', ')}) AS v FROM t`),
    ]);
  }],
  // DISTINCT ON under NULL order, set operations treating NULLs as equal.
  [2, (r) => {
    return r.pick([
      unordered(`SELECT DISTINCT ON (g) g, id FROM t ORDER BY g, a${r.pick(['', ' DESC', ' NULLS FIRST'])}, id`),
      unordered(`SELECT a FROM t ${r.pick(['UNION', 'INTERSECT', 'EXCEPT', 'EXCEPT ALL', 'INTERSECT ALL'])} SELECT b FROM t`),
      unordered('SELECT id FROM t WHERE a NOT IN (SELECT b FROM t WHERE g = 1)'),
    ]);
  }],
  // NUMERIC: exact arithmetic and PostgreSQL's result scales (division: 16 significant
  // digits), NaN, 22012, NUMERIC(p, s) rounding and overflow, mixed-type promotion.
  [4, (r) => {
    const other = r.pick(['m', 'a', '2', '0.3', '(b - 1)', 'n', '1e-3', '-4.50']);
    const e = r.pick([`n + ${other}`, `n - ${other}`, `n * ${other}`, `n / ${other}`, `n % ${other}`, `m / ${other}`, `-n`,
      `a * 1.5`, `a / 4.0`, 'n * x', 'm + x', `abs(n)`, `sign(n)`, `floor(n)`, `ceil(m)`, `greatest(n, m, 0.5)`, `coalesce(n, m, -1)`]);
    const where = r.chance(0.3) ? ` WHERE ${r.pick(['n > m', 'n <= 0.1', 'm BETWEEN -3 AND 100', "n <> 'NaN'", 'n IN (1.5, 100, -7.0)'])}` : '';
    return unordered(`SELECT id, ${e} AS v FROM t${where}`);
  }],
  [3, (r) => {
    const digits = r.int(-2, 4);
    return r.pick([
      unordered(`SELECT id, round(${r.pick(['n', 'm', 'n * 3'])}, ${digits}) AS v FROM t`),
      unordered(`SELECT id, trunc(${r.pick(['n', 'm'])}, ${digits}) AS v, round(m) AS r FROM t`),
      unordered(`SELECT id, ${r.pick(['n::float8', 'm::int', 'n::numeric(12, 3)', 'n::numeric(6, 1)', 'x::numeric', 's::numeric', 'a::numeric / 3', 'm::text', "(m || '')"])} AS v FROM t`),
      unordered(`SELECT g, ${r.pick(['sum(n)', 'avg(n)', 'sum(m)', 'avg(m)', 'min(n)', 'max(m)', 'count(n)', 'sum(a * 0.5)', 'avg(m * 2)', 'max(n) - min(m)'])} AS v FROM t GROUP BY g`),
      unordered(`SELECT m, count(*) AS c, sum(n) AS s FROM t GROUP BY m`),
      unordered(`SELECT ${r.pick(['g', 'b'])} AS k, sum(iv) AS s, avg(iv) AS a FROM t GROUP BY 1`),
      { sql: `SELECT id, n FROM t ORDER BY n${r.pick(['', ' DESC', ' NULLS FIRST'])}, id`, ordered: true },
      unordered(`SELECT l.id AS l, r.id AS r FROM t AS l JOIN t AS r ON l.n = r.m`),
    ]);
  }],
];

export function genQuery(r: Prng): SemQuery {
  return r.weighted([...templates, ...moreTemplates])(r);
}

// ---------------------------------------------------------------- fixed cases

/** A small table with NULLs, ties, .5 doubles and every kind of value, for the fixed queries. */
export const fixedRows: readonly SqlRow[] = [
  ['1', '0', '7', '2', '2.5', q('a,b,,c'), q('2020-01-31 10:00:00'), q('2020-01-01 10:00:00+02'), q('1 day'), q('{"a":1,"b":[1,2]}'), '1.50', '2.5'],
  ['2', '0', '-7', '-2', '-2.5', q('hello world'), q('2020-02-29 00:00:00'), q('2020-06-30 23:30:00-05:30'), q('24 hours'), q('[1, 1.0, 1e2]'), '-0.125', '-2.50'],
  ['3', '1', 'NULL', '0', '0.5', "''", q('2024-02-29 00:00:00.5'), 'NULL', q('-1 day 02:00:00'), q('"str"'), q('NaN'), '0'],
  ['4', '1', '3', 'NULL', 'NULL', 'NULL', 'NULL', q('1999-12-31 23:59:59.123456+00'), q('1 mon -3 days'), 'NULL', 'NULL', '1.005'],
  ['5', 'NULL', '3', '2', '-0.5', q('b'), q('1999-03-31 12:30:00'), q('2000-01-01 00:00:00+00'), 'NULL', q('{"a":2}'), '12345678901234567890.5', 'NULL'],
  ['6', '1', '0', '2', '1e10', q('mIxEd cAsE_word 1abc'), q('2021-12-31 23:59:59.999999'), q('2021-03-14 12:00:00.5-08'), q('30 days'), q('null'), '0.1', '99.99'],
];

export const ordered = (sql: string): SemQuery => ({ sql, ordered: true });

/**
 * Fixed queries. Left out, as documented differences (README, "Differences from
 * PostgreSQL"): round() and casts to integer of a double
 * half (x = 2.5) round away from zero where PostgreSQL's float8 rounds to even;
 * BIGINT past 2^53 fails with 22003.
 */
export const fixedQueries: readonly SemQuery[] = [
  // NUMERIC: literals keep their scale; exact results at PostgreSQL's display scales.
  unordered('SELECT 1.50 AS a, 1.5 * 2 AS b, 1 / 3::numeric AS c, 10::numeric / 3 AS d, 0::numeric / 3 AS e, 7.5 % 2 AS f, -0.0 AS g'),
  unordered('SELECT round(1.005, 2) AS a, round(-2.5) AS b, round(1234.5, -2) AS c, trunc(-2.349, 2) AS d, 1e300 * 1e10 AS e, 0.1 + 0.2 AS f'),
  unordered("SELECT '12.340'::numeric AS a, ' -1e-3 '::numeric AS b, 'NaN'::numeric + 1 AS c, 0.1::float8::numeric AS d, 2.5::numeric::int AS e"),
  unordered("SELECT 'abc'::numeric"),
  unordered('SELECT 1.5 / 0'),
  unordered('SELECT 12345.6::numeric(5, 2)'),
  unordered("SELECT 'NaN'::numeric::int"),
  // (An integer literal past 2^53 is NUMERIC here and BIGINT in PostgreSQL below 2^63: README, Differences.)
  unordered('SELECT 123456789012345678901234567890 * 10 AS a, -99999999999999999999999 AS b'),
  unordered('SELECT id, n, m, n + m AS s, n * m AS p FROM t'),
  unordered('SELECT g, sum(n) AS s, avg(m) AS a, min(n) AS lo, max(m) AS hi, count(n) AS c FROM t GROUP BY g'),
  unordered('SELECT sum(m) AS s, avg(n) AS a FROM t WHERE id > 100'),
  ordered('SELECT id, n FROM t ORDER BY n DESC NULLS LAST, id'),
  unordered("SELECT jsonb_build_object('n', n, 'm', m) AS j FROM t"),
  // string_agg with a delimiter per row: each value after the first follows its own delimiter.
  unordered("SELECT g, string_agg(s, a::text ORDER BY id) AS v, string_agg(s, '<' || b || '>' ORDER BY id DESC) AS w FROM t GROUP BY g"),
  unordered('SELECT string_agg(s, s ORDER BY id DESC) AS v FROM t'),
  // SUM adds intervals field by field ('1 day' + '24 hours' = '1 day 24:00:00'); AVG divides that sum.
  unordered('SELECT g, sum(iv) AS s, avg(iv) AS a, count(iv) AS c FROM t GROUP BY g'),
  // Integer division and modulo take the dividend's sign; zero divisors raise 22012.
  unordered('SELECT -7 / 2 AS a, -7 % 2 AS b, 7 % -2 AS c, -7 % -2 AS d, mod(-7, 2) AS e, 7 / -2 AS f'),
  unordered('SELECT id, a / b AS q, a % b AS r FROM t WHERE b <> 0'),
  unordered('SELECT id, a / b FROM t'),
  unordered('SELECT 1 / 0'),
  unordered('SELECT 1 % 0'),
  unordered('SELECT mod(5, 0)'),
  unordered('SELECT 1.5 / 0'),
  unordered('SELECT id, x / 0 FROM t'),
  unordered('SELECT id, x / b FROM t WHERE b IS NULL OR b <> 0'),
  unordered("SELECT INTERVAL '1 day' / 0"),
  // INTEGER overflow (22003), including the one quotient that overflows.
  unordered('SELECT 2147483647 + 1'),
  unordered('SELECT (-2147483647 - 1) - 1'),
  unordered('SELECT 2147483647 * 2'),
  unordered('SELECT (-2147483647 - 1) / -1'),
  unordered('SELECT (-2147483647 - 1) % -1'),
  unordered('SELECT -(-2147483647 - 1)'),
  unordered('SELECT abs(-2147483647 - 1)'),
  unordered('SELECT 9007199254740991::bigint - 1'),
  unordered('SELECT 1e308::float8 * 10'),
  unordered('SELECT exp(1000.0::float8)'),
  unordered('SELECT sqrt(-1.0::float8)'),
  unordered('SELECT ln(0.0::float8)'),
  unordered('SELECT power(0.0::float8, -1)'),
  // Casts of text: trimming, signs, range (22003) versus syntax (22P02), boolean words and prefixes.
  unordered("SELECT ' 42 '::int AS a, '+3'::int AS b, '-0'::int AS c, '007'::bigint AS d"),
  unordered("SELECT 'abc'::int"),
  unordered("SELECT ''::int"),
  unordered("SELECT '1.5'::int"),
  unordered("SELECT '1e3'::int"),
  unordered("SELECT '2147483648'::int"),
  unordered("SELECT '9223372036854775808'::bigint"),
  unordered("SELECT ' 1e3 '::float8 AS a, '-inf'::float8 AS b, 'NaN'::float8 AS c, '.5'::float8 AS d"),
  unordered("SELECT '1e400'::float8"),
  unordered("SELECT '-1e400'::float8"),
  unordered("SELECT 'x1'::float8"),
  unordered("SELECT 'yes'::boolean AS a, ' off '::boolean AS b, 'tr'::boolean AS c, 'F'::boolean AS d, '0'::boolean AS e"),
  unordered("SELECT 'o'::boolean"),
  unordered("SELECT 'maybe'::boolean"),
  unordered("SELECT '2020-02-30'::date"),
  unordered("SELECT '2020-01-01 25:00:00'::timestamp"),
  unordered("SELECT 'soon'::interval"),
  unordered("SELECT '{bad'::jsonb"),
  // NULL order: NULL is the largest value.
  ordered('SELECT id, a FROM t ORDER BY a, id'),
  ordered('SELECT id, a FROM t ORDER BY a DESC, id'),
  ordered('SELECT id, a FROM t ORDER BY a NULLS FIRST, id'),
  ordered('SELECT id, a FROM t ORDER BY a DESC NULLS LAST, id'),
  ordered('SELECT id, s FROM t ORDER BY s DESC, id LIMIT 3'),
  ordered('SELECT id, x FROM t ORDER BY x NULLS FIRST, id DESC LIMIT 4'),
  ordered('SELECT id, b FROM t ORDER BY b DESC NULLS FIRST, a NULLS FIRST, id'),
  ordered('SELECT g, count(*) AS n FROM t GROUP BY g ORDER BY g'),
  ordered('SELECT g, count(*) AS n FROM t GROUP BY g ORDER BY g DESC'),
  // Window frames: offsets, peers, NULL order keys, defaults, invalid frames.
  unordered('SELECT id, sum(a) OVER (ORDER BY b RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS w FROM t'),
  unordered('SELECT id, count(*) OVER (ORDER BY b DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY b NULLS FIRST RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY b) AS peers, count(*) OVER (ORDER BY b RANGE UNBOUNDED PRECEDING) AS n FROM t'),
  unordered('SELECT id, last_value(b) OVER (ORDER BY b) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY b, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY id ROWS UNBOUNDED FOLLOWING) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (ORDER BY b, id RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM t'),
  unordered('SELECT id, sum(a) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM t'),
  unordered("SELECT id, sum(a) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM t"),
  unordered('SELECT id, lag(a) OVER (ORDER BY id) AS l1, lag(a, 2, -1) OVER (ORDER BY id) AS l2, lead(a, 1, 0) OVER (ORDER BY id) AS l3 FROM t'),
  unordered('SELECT id, lag(a, 0) OVER (ORDER BY id) AS w FROM t'),
  unordered('SELECT id, lead(s, 2, \'-\') OVER (PARTITION BY g ORDER BY id DESC) AS w FROM t'),
  unordered('SELECT id, rank() OVER (ORDER BY b) AS r, dense_rank() OVER (ORDER BY b DESC) AS d FROM t'),
  unordered('SELECT id, first_value(a) OVER (PARTITION BY g ORDER BY a NULLS FIRST, id) AS w FROM t'),
  // Aggregates over empty input: COUNT is 0, the rest NULL; grouped, no rows.
  unordered('SELECT count(*) AS n, count(a) AS ca, sum(a) AS sa, avg(a) AS aa, min(s) AS ms, max(x) AS mx, bool_and(a > 0) AS ba FROM t WHERE false'),
  unordered("SELECT string_agg(s, ',') AS sa, percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS pc, stddev_samp(a) AS sd FROM t WHERE false"),
  unordered('SELECT g, count(*) AS n, sum(a) AS s FROM t WHERE false GROUP BY g'),
  unordered('SELECT sum(a) AS s, count(*) AS n FROM t WHERE a IS NULL'),
  unordered('SELECT stddev_samp(a) AS s, var_samp(a) AS v, stddev_pop(a) AS p FROM t WHERE id = 1'),
  // string_agg order and separators; percentile_cont interpolation and bounds.
  unordered("SELECT string_agg(s, ', ' ORDER BY s) AS up, string_agg(s, '' ORDER BY s DESC) AS down FROM t"),
  unordered("SELECT g, string_agg(s, '/' ORDER BY s NULLS FIRST) AS v FROM t GROUP BY g"),
  unordered('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS a, percentile_cont(0.25) WITHIN GROUP (ORDER BY x) AS b, percentile_cont(1) WITHIN GROUP (ORDER BY a DESC) AS c FROM t'),
  unordered('SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY a) AS a, percentile_disc(0) WITHIN GROUP (ORDER BY s) AS b FROM t'),
  unordered('SELECT g, percentile_cont(0.4) WITHIN GROUP (ORDER BY x) AS p FROM t GROUP BY g'),
  unordered('SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY a) FROM t'),
  // String functions at their edges.
  unordered("SELECT split_part('a,b,,c', ',', -1) AS a, split_part('a,b,,c', ',', -4) AS b, split_part('a,b,,c', ',', -5) AS c, split_part('a,b,,c', ',', 3) AS d, split_part('abc', '', 1) AS e"),
  unordered("SELECT split_part('a,b', ',', 0)"),
  unordered("SELECT lpad('hello', 3, 'xy') AS a, rpad('hello', 3) AS b, lpad('hi', 7, 'xyz') AS c, rpad('hi', -1, 'x') AS d, lpad('hi', 5, '') AS e"),
  unordered("SELECT initcap('hello wORLD-foo bar_baz 1abc héllo o''neil') AS a, initcap('') AS b"),
  unordered("SELECT position('' IN 'abc') AS a, position('c' IN 'abc') AS b, position('x' IN 'abc') AS c, strpos('héllo', 'l') AS d"),
  unordered("SELECT left('abc', -1) AS a, right('abc', -1) AS b, left('abc', 5) AS c, substr('abc', 0, 2) AS d, substr('abc', -1) AS e"),
  unordered("SELECT substr('abc', 1, -1)"),
  unordered("SELECT repeat('ab', -1) AS a, repeat('', 3) AS b, reverse('héllo') AS c, upper('héllo') AS d, length('héllo') AS e"),
  unordered("SELECT chr(0)"),
  unordered("SELECT ascii('') AS a, ascii('é') AS b, chr(233) AS c"),
  unordered("SELECT concat('a', NULL, 1, 2.5) AS a, 'a' || NULL AS b, trim('  x  ') AS c, replace('aaa', 'aa', 'b') AS d"),
  // round() on numeric literals: halves away from zero in both.
  unordered('SELECT round(2.5) AS a, round(-2.5) AS b, round(0.5) AS c, round(-0.5) AS d, round(3.5) AS e, round(7) AS f'),
  unordered('SELECT 2.5::int AS a, (-2.5)::int AS b, 3.5::integer AS c, round(1234.5678, -2) AS d, trunc(-2.7) AS e'),
  // INTERVAL arithmetic and its output text.
  unordered("SELECT INTERVAL '1 day -1 hours' AS a, INTERVAL '-1 day' * -1 AS b, INTERVAL '1.5 years' AS c, INTERVAL '1 mon' / 3 AS d, INTERVAL '1 day' / 7 AS e"),
  unordered("SELECT INTERVAL '1 mon' * 0.5 AS a, INTERVAL '-1 mon -1 day' AS b, INTERVAL '90 minutes' AS c, INTERVAL '1 day 1 second' * 1.5 AS d"),
  unordered("SELECT TIMESTAMP '2020-01-31 00:00:00' + INTERVAL '1 month' AS a, DATE '2020-02-29' - INTERVAL '1 year' AS b, TIMESTAMP '2020-03-31 00:00:00' - INTERVAL '1 mon 1 day' AS c"),
  unordered("SELECT age(TIMESTAMP '2020-03-31 00:00:00', TIMESTAMP '2020-02-29 12:00:00') AS a, age(TIMESTAMP '2019-01-01', TIMESTAMP '2020-02-29') AS b"),
  unordered("SELECT TIMESTAMP '2020-03-01 00:00:00' - TIMESTAMP '2020-01-30 12:00:00' AS a, DATE '2020-03-01' - DATE '2020-02-01' AS b"),
  unordered("SELECT justify_interval(INTERVAL '1 mon -1 hour') AS a, justify_hours(INTERVAL '-25 hours') AS b, justify_days(INTERVAL '-35 days') AS c"),
  unordered("SELECT INTERVAL '1 day' = INTERVAL '24 hours' AS a, INTERVAL '1 mon' = INTERVAL '30 days' AS b, INTERVAL '1 mon -1 day' < INTERVAL '29 days 1 hour' AS c"),
  ordered('SELECT id, iv FROM t ORDER BY iv, id'),
  unordered("SELECT extract(epoch FROM INTERVAL '1 mon 1 day') AS a, extract(hour FROM INTERVAL '-25 hours') AS b, extract(month FROM INTERVAL '14 mons') AS c"),
  unordered("SELECT INTERVAL '2147483647 days' + INTERVAL '1 day'"),
  // TIMESTAMPTZ: input zones, output in the session zone UTC.
  unordered("SELECT TIMESTAMPTZ '2020-01-01 10:00:00+05:45' AS a, TIMESTAMPTZ '2020-06-01 00:00:00.123-00' AS b, TIMESTAMPTZ '2020-01-01 23:00:00-02'::date AS c"),
  unordered("SELECT id, tz, date_trunc('day', tz) AS d, tz - INTERVAL '1 mon' AS m FROM t"),
  unordered("SELECT TIMESTAMPTZ '2020-03-01 00:30:00+01' - TIMESTAMPTZ '2020-02-28 23:00:00-01' AS a"),
  // JSONB canonical text: key order (length, then bytes), last duplicate wins, numbers as written.
  unordered('SELECT \'{"a":1, "b":[1,2,3], "a":{"c":true}}\'::jsonb AS a, \'{"b":1,"aa":2,"a":3}\'::jsonb AS b'),
  unordered("SELECT '[1.0, 1e2, -0, 0.10, 1E-3, -1.5e+3]'::jsonb AS a, '\"\\u00e9\\n\"'::jsonb AS b, '  {  }  '::jsonb AS c"),
  unordered('SELECT \'{"a":1}\'::jsonb || \'[2]\'::jsonb AS a, \'[1]\'::jsonb || \'"x"\'::jsonb AS b, jsonb_build_object(\'a\', 1.5, \'a\', 2) AS c'),
  unordered("SELECT '[1,2]'::jsonb -> 5 AS a, '[1,2]'::jsonb -> -2 AS b, '{\"a\":[1,{\"b\":null}]}'::jsonb #> '{a,1,b}' AS c, '{\"a\":null}'::jsonb ->> 'a' AS d"),
  unordered("SELECT jsonb_array_length('{}')"),
  unordered("SELECT jsonb_array_length('5')"),
  unordered('SELECT id, j, jsonb_typeof(j) AS ty FROM t'),
  unordered("SELECT to_jsonb(1e20::float8) AS a, to_jsonb(0.1::float8) AS b, to_jsonb('a\"b'::text) AS c, to_jsonb(true) AS d"),
];
