// The sqllogictest parser, value formatting, SQLite's md5 result hashing, and the
// runner's verdicts, checked against a scripted fake engine (independent of Freshet).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareResult, hashLineOf, md5OfValues, renderingsFor } from '../../conformance/compare-results.js';
import { formatValue, pgFloatText } from '../../conformance/format-value.js';
import { parseSlt } from '../../conformance/slt-parser.js';
import { runSltText, type SqlTarget } from '../../conformance/slt-runner.js';
import { EngineError, SqlState } from '../../src/common/errors.js';
import type { QueryResult, ResultValue } from '../../src/query-result.js';

describe('parseSlt', () => {
  it('reads the SQLite dialect: hash-threshold, conditions, value-wise results, labels, halt', () => {
    const text = [
      'hash-threshold 8',
      '',
      'statement ok',
      'CREATE TABLE t1(a INTEGER, b INTEGER)',
      '',
      '# a comment',
      'skipif postgresql # not there',
      'onlyif sqlite',
      'query II rowsort label-1',
      'SELECT a,',
      '  b FROM t1',
      '----',
      '1',
      '2',
      '',
      'query I nosort',
      'SELECT 1',
      '----',
      '9 values hashing to 0123456789abcdef0123456789abcdef',
      '',
      'statement error',
      'SELECT x',
      '',
      'halt',
      '',
    ].join('\r\n');
    const records = parseSlt(text, 'x.test');
    expect(records.map((r) => [r.kind, r.line])).toEqual([
      ['hash-threshold', 1],
      ['statement', 3],
      ['query', 9],
      ['query', 16],
      ['statement', 21],
      ['halt', 24],
    ]);
    const q = records[2];
    expect(q?.kind === 'query' && q).toMatchObject({
      sql: 'SELECT a,\n  b FROM t1',
      types: 'II',
      sortMode: 'rowsort',
      label: 'label-1',
      expected: ['1', '2'],
      conditions: [
        { kind: 'skipif', engine: 'postgresql' },
        { kind: 'onlyif', engine: 'sqlite' },
      ],
    });
    expect(records[3]).toMatchObject({ conditions: [], expected: ['9 values hashing to 0123456789abcdef0123456789abcdef'] });
    expect(records[4]).toMatchObject({ kind: 'statement', expect: 'error', sql: 'SELECT x' });
  });

  it('reads the sqllogictest-rs dialect: error regexes, error blocks, count, retry, control', () => {
    const text = `statement error 23502|not null
INSERT INTO t VALUES (NULL);

statement count 2
DELETE FROM t;

query error division by zero
SELECT 1/0;

statement error
create view v as select nope
----
db error: ERROR: Failed

Caused by:
  column not found


query TI retry 3 backoff 1s
select a, b from t;
----
x 1

control sortmode rowsort

include other.slt

query I
select 1;
----

`;
    const records = parseSlt(text, 'y.slt');
    expect(records[0]).toMatchObject({ kind: 'statement', expect: 'error', errorPattern: '23502|not null', line: 1 });
    expect(records[1]).toMatchObject({ kind: 'statement', expect: 'count', count: 2 });
    expect(records[2]).toMatchObject({ kind: 'query-error', errorPattern: 'division by zero', sql: 'SELECT 1/0;' });
    expect(records[3]).toMatchObject({ kind: 'statement', expect: 'error', errorPattern: 'db error: ERROR: Failed\n\nCaused by:\n  column not found', line: 10 });
    expect(records[4]).toMatchObject({ kind: 'query', types: 'TI', label: undefined, expected: ['x 1'], line: 19 });
    expect(records[5]).toMatchObject({ kind: 'control-sortmode', sortMode: 'rowsort' });
    expect(records[6]).toMatchObject({ kind: 'unsupported', countAsSkipped: true });
    expect(records[7]).toMatchObject({ kind: 'query', expected: [], line: 28 });
  });

  it('rejects unknown directives with the line number', () => {
    expect(() => parseSlt('statement ok\nselect 1\n\nbogus thing\n', 'z.slt')).toThrow(/z\.slt:4: unknown directive 'bogus'/);
  });
});

describe('formatValue', () => {
  it('writes NULL and the empty string the same way in both styles', () => {
    for (const style of ['sqlite', 'pg'] as const) {
      expect(formatValue(null, 'T', style)).toBe('NULL');
      expect(formatValue('', 'T', style)).toBe('(empty)');
    }
  });
  it('SQLite style: I truncates toward zero, R is %.3f, booleans are 1/0', () => {
    expect(formatValue(2.9, 'I', 'sqlite')).toBe('2');
    expect(formatValue(-2.9, 'I', 'sqlite')).toBe('-2');
    expect(formatValue(true, 'I', 'sqlite')).toBe('1');
    expect(formatValue(7, 'R', 'sqlite')).toBe('7.000');
    expect(formatValue(-0.0625, 'R', 'sqlite')).toBe('-0.063');
    expect(formatValue('tab\there', 'T', 'sqlite')).toBe('tab@here');
  });
  it('pg style: PostgreSQL text output whatever the letter; booleans t/f', () => {
    expect(formatValue(false, 'I', 'pg')).toBe('f');
    expect(formatValue(2.5, 'I', 'pg')).toBe('2.5');
    expect(formatValue(3, 'R', 'pg', 'float8')).toBe('3');
    expect(formatValue(3000000000, 'I', 'pg', 'int8')).toBe('3000000000');
  });
  it('prints float8 as PostgreSQL 12+ does', () => {
    expect(pgFloatText(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pgFloatText(1e15)).toBe('1e+15');
    expect(pgFloatText(123456789012345)).toBe('123456789012345');
    expect(pgFloatText(0.0001)).toBe('0.0001');
    expect(pgFloatText(0.00001)).toBe('1e-05');
    expect(pgFloatText(-1.5e-7)).toBe('-1.5e-07');
    expect(pgFloatText(1.25e100)).toBe('1.25e+100');
    expect(pgFloatText(-0)).toBe('-0');
  });
});

describe('result hashing and comparison', () => {
  it('hashes each value followed by a newline, as SQLite does', () => {
    // Hand-checked with `printf '1\n2\n3\n' | md5sum`.
    expect(md5OfValues(['1', '2', '3'])).toBe('c0710d6b4f15dfa88f600b0e6b624077');
    const independent = createHash('md5').update('a\nNULL\n(empty)\n').digest('hex');
    expect(hashLineOf(['a', 'NULL', '(empty)'])).toBe(`3 values hashing to ${independent}`);
  });

  const actual = (rows: ResultValue[][], pgTypes: string[]) => ({ rows, pgTypes });
  const twoCols = actual([[3, 'c'], [1, 'a'], [2, null]], ['int4', 'text']);

  it('accepts value-wise and row-wise expectations; rowsort ignores the order', () => {
    const base = { actual: twoCols, types: 'IT', sortMode: 'rowsort' as const, renderings: renderingsFor.pg };
    expect(compareResult({ ...base, expected: ['1', 'a', '2', 'NULL', '3', 'c'] }).ok).toBe(true);
    expect(compareResult({ ...base, expected: ['2 NULL', '3 c', '1 a'] }).ok).toBe(true);
    expect(compareResult({ ...base, expected: ['1 a', '2 NULL'] }).ok).toBe(false);
    expect(compareResult({ ...base, expected: ['1 a', '2 NULL', '3 d'] }).ok).toBe(false);
  });

  it('nosort keeps the order; valuesort sorts every value', () => {
    const base = { actual: twoCols, types: 'IT', renderings: renderingsFor.pg };
    expect(compareResult({ ...base, sortMode: 'nosort', expected: ['3 c', '1 a', '2 NULL'] }).ok).toBe(true);
    expect(compareResult({ ...base, sortMode: 'nosort', expected: ['1 a', '2 NULL', '3 c'] }).ok).toBe(false);
    expect(compareResult({ ...base, sortMode: 'valuesort', expected: ['1', '2', '3', 'NULL', 'a', 'c'] }).ok).toBe(true);
  });

  it('compares a hashed expectation after sorting', () => {
    const expectedLine = hashLineOf(['1', 'a', '2', 'NULL', '3', 'c']);
    const base = { actual: twoCols, types: 'IT', renderings: renderingsFor.sqlite, expected: [expectedLine] };
    expect(compareResult({ ...base, sortMode: 'rowsort' }).ok).toBe(true);
    expect(compareResult({ ...base, sortMode: 'nosort' }).ok).toBe(false);
  });

  it('R columns: %.3f in the SQLite dialect; text or %.3f in the pg dialect; no truncation in pg', () => {
    const r = actual([[2.5, 7 / 3]], ['float8', 'float8']);
    expect(compareResult({ actual: r, types: 'RR', sortMode: 'nosort', expected: ['2.500', '2.333'], renderings: renderingsFor.sqlite }).ok).toBe(true);
    expect(compareResult({ actual: r, types: 'RR', sortMode: 'nosort', expected: ['2.500 2.333'], renderings: renderingsFor.pg }).ok).toBe(true);
    expect(compareResult({ actual: actual([[2.5]], ['float8']), types: 'R', sortMode: 'nosort', expected: ['2.5'], renderings: renderingsFor.pg }).ok).toBe(true);
    expect(compareResult({ actual: actual([[2.5]], ['float8']), types: 'I', sortMode: 'nosort', expected: ['2'], renderings: renderingsFor.pg }).ok).toBe(false);
    expect(compareResult({ actual: actual([[2.5]], ['float8']), types: 'I', sortMode: 'nosort', expected: ['2'], renderings: renderingsFor.sqlite }).ok).toBe(true);
  });
});

/** A scripted engine: each statement text maps to a result or an error. */
class FakeEngine implements SqlTarget {
  closed = false;
  readonly seen: string[] = [];
  constructor(private readonly answers: Readonly<Record<string, QueryResult | EngineError>>) {}
  async sqlAll(sql: string): Promise<QueryResult[]> {
    const out: QueryResult[] = [];
    for (const stmt of sql.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
      this.seen.push(stmt);
      const a = this.answers[stmt];
      if (a === undefined) throw new EngineError(SqlState.syntaxError, `fake engine has no answer for ${stmt}`);
      if (a instanceof EngineError) throw a;
      out.push(a);
    }
    return out;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const rowsOf = (types: string[], rows: ResultValue[][]): QueryResult => ({
  command: 'SELECT',
  rowCount: rows.length,
  fields: types.map((type, i) => ({ name: `c${i}`, type, dataTypeID: 0 })),
  rows,
});
const affected = (n: number): QueryResult => ({ command: 'DELETE', rowCount: n, fields: [], rows: [] });

describe('runSltText', () => {
  const answers = {
    'CREATE TABLE t (a INT)': affected(0),
    'DELETE FROM t': affected(2),
    'SELECT a FROM t': rowsOf(['int4'], [[2], [1]]),
    'SELECT a, a > 1 FROM t': rowsOf(['int4', 'bool'], [[1, false], [2, true]]),
    'SELECT 1 / 0': new EngineError(SqlState.divisionByZero, 'division by zero'),
    'SELECT * FROM t JOIN u': new EngineError(SqlState.featureNotSupported, 'JOIN is not supported yet'),
  };

  it('passes, fails and skips records and counts them', async () => {
    const text = `statement ok
CREATE TABLE t (a INT);

statement ok
flush;

statement ok
SET RW_IMPLICIT_FLUSH TO true;

query I rowsort
SELECT a FROM t;
----
1
2

query IT nosort
SELECT a, a > 1 FROM t;
----
1 f
2 t

query I nosort
SELECT a FROM t;
----
1
2

statement error 22012
SELECT 1 / 0;

statement error 42601
SELECT 1 / 0;

statement ok
SELECT * FROM t JOIN u;

skipif postgresql
statement ok
SELECT never;

onlyif mysql
statement ok
SELECT never;

onlyif postgresql
statement count 2
DELETE FROM t;

statement count 3
DELETE FROM t;

statement error
CREATE TABLE t (a INT);

halt

statement ok
SELECT never;
`;
    const engine = new FakeEngine(answers);
    const report = await runSltText(text, 'fake.slt', { createEngine: () => engine });
    const byLine = Object.fromEntries(report.outcomes.map((o) => [o.line, o]));
    expect(byLine[1]?.status).toBe('passed');
    expect(byLine[4]?.status).toBe('passed');
    expect(byLine[7]?.status).toBe('passed');
    expect(byLine[10]?.status).toBe('passed');
    expect(byLine[16]?.status).toBe('passed');
    expect(byLine[22]).toMatchObject({ status: 'failed', reason: 'wrong result' });
    expect(byLine[22]?.detail).toContain('2\n');
    expect(byLine[28]?.status).toBe('passed');
    expect(byLine[31]).toMatchObject({ status: 'failed', reason: 'error did not match' });
    expect(byLine[31]?.detail).toContain('22012: division by zero');
    expect(byLine[34]).toMatchObject({ status: 'failed', reason: '0A000 JOIN is not supported yet' });
    expect(byLine[38]?.status).toBe('skipped');
    expect(byLine[42]?.status).toBe('skipped');
    expect(byLine[46]?.status).toBe('passed');
    expect(byLine[49]).toMatchObject({ status: 'failed', reason: 'wrong row count' });
    expect(byLine[52]).toMatchObject({ status: 'failed', reason: 'expected an error, statement succeeded' });
    expect(report).toMatchObject({ passed: 7, failed: 5, skipped: 2 });
    expect(engine.seen).not.toContain('SELECT never');
    expect(engine.seen).not.toContain('flush');
    expect(engine.closed).toBe(true);
  });

  it('compares labelled results across queries and hashes above the threshold', async () => {
    const hash = hashLineOf(['1', '2']);
    const text = `hash-threshold 1

query I rowsort label-a
SELECT a FROM t
----
${hash}

query I nosort label-a
SELECT a FROM t
----
2
1

query IT rowsort label-b
SELECT a, a > 1 FROM t
----
1
0
2
1

query I rowsort label-b
SELECT a FROM t
----
1
2
`;
    const report = await runSltText(text, 'fake.test', { createEngine: () => new FakeEngine(answers) });
    expect(report.outcomes.map((o) => o.status)).toEqual(['passed', 'failed', 'passed', 'failed']);
    expect(report.outcomes[1]?.detail).toContain('label label-a');
  });

  it('can ignore error messages from other engines', async () => {
    const text = 'statement error column "x" not found\nSELECT 1 / 0\n';
    const strict = await runSltText(text, 'e.slt', { createEngine: () => new FakeEngine(answers) });
    const lenient = await runSltText(text, 'e.slt', { createEngine: () => new FakeEngine(answers), matchErrorMessages: false });
    expect(strict.failed).toBe(1);
    expect(lenient.passed).toBe(1);
  });
});
