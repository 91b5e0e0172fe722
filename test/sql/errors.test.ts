import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/common/errors.js';
import { parseSql } from '../../src/sql/parse-sql.js';

function failure(sql: string): EngineError {
  try {
    parseSql(sql);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(sql)} to fail`);
}

describe('syntax errors', () => {
  it('names the offending token, its position and what was expected', () => {
    const e = failure('SELECT * FROMM t');
    expect(e.code).toBe('42601');
    expect(e.position).toEqual({ offset: 10, line: 1, column: 10 });
    expect(e.message).toMatch(/^syntax error at or near "FROMM" \(line 1, column 10\): expected one of /);
    expect(e.message).toContain('FROM');
    expect(e.message).toContain('WHERE');
  });

  it('says "at end of input" when the input ran out', () => {
    const e = failure('SELECT a FROM t WHERE');
    expect(e.message).toBe('syntax error at end of input (line 1, column 22): expected expression');
    expect(e.position).toEqual({ offset: 22, line: 1, column: 22 });
  });

  it('reports a missing keyword', () => {
    const e = failure('SELECT a FROM t\nORDER a');
    expect(e.message).toBe('syntax error at or near "a" (line 2, column 7): expected BY');
    expect(e.position).toEqual({ offset: 23, line: 2, column: 7 });
  });

  it('lists the continuations of an unfinished list', () => {
    expect(failure('INSERT INTO t VALUES (1, 2').message).toBe(
      "syntax error at end of input (line 1, column 27): expected one of operator, ',', ')'",
    );
    expect(failure('CREATE TABLE t (a int not null nul)').message).toBe(
      "syntax error at or near \"nul\" (line 1, column 32): expected one of NOT, NULL, PRIMARY, ',', ')'",
    );
    expect(failure('SHOW foo').message).toBe(
      'syntax error at or near "foo" (line 1, column 6): expected one of TABLES, MATERIALIZED, VIEWS',
    );
  });

  it('keeps long expected lists short', () => {
    const e = failure('SELECT 1 SELECT 2');
    expect(e.message).toMatch(/^syntax error at or near "SELECT" \(line 1, column 10\): expected one of .*, \.\.\.$/);
    const listed = e.message.split(': expected one of ')[1]!.split(', ');
    expect(listed.length).toBeLessThanOrEqual(9);
  });

  it('points into the failing statement of a script', () => {
    const e = failure('SELECT 1;\nSELECT 2;\nSELECT FROM');
    expect(e.position).toEqual({ offset: 28, line: 3, column: 8 });
    expect(e.message).toBe(`syntax error at or near "FROM" (line 3, column 8): expected one of expression, ALL, DISTINCT, '*'`);
  });

  it('lexer errors: unterminated string, identifier, comment; bad character', () => {
    const s = failure("SELECT 'abc");
    expect([s.code, s.message, s.position]).toEqual([
      '42601', 'unterminated quoted string at or near "\'abc" (line 1, column 8)', { offset: 8, line: 1, column: 8 },
    ]);
    expect(failure('SELECT "abc').message).toBe('unterminated quoted identifier at or near ""abc" (line 1, column 8)');
    expect(failure('SELECT 1 /* open /* nested */').message).toBe(
      'unterminated /* comment at or near "/* open /* nested */" (line 1, column 10)',
    );
    const bad = failure('SELECT a\n  FROM t # x');
    expect(bad.message).toBe('syntax error at or near "#" (line 2, column 10): unexpected character');
    expect(bad.position).toEqual({ offset: 19, line: 2, column: 10 });
  });

  it('$0 is not a parameter', () => {
    const e = failure('SELECT $0');
    expect(e.code).toBe('42P02');
    expect(e.message).toMatch(/^there is no parameter \$0 \(line 1, column 8\)/);
    expect(e.position).toEqual({ offset: 8, line: 1, column: 8 });
  });

  it('other rejected constructs', () => {
    expect(failure('SELECT "" FROM t').message).toMatch(/^zero-length delimited identifier/);
    expect(failure('SELECT x::numeric(1.5)').message).toMatch(/^type modifier must be an integer/);
    expect(failure('SELECT a FROM t WHERE a = = 1').message).toBe(
      'syntax error at or near "=" (line 1, column 27): expected expression',
    );
  });

  it('every failure is an EngineError with a position', () => {
    for (const sql of ['SELECT', 'CREATE', 'CREATE TABLE t', 'DROP', 'SELECT (1', 'SELECT 1)', 'INSERT t VALUES (1)', 'UPDATE t a = 1', 'EXPLAIN', ')']) {
      const e = failure(sql);
      expect(e.code, sql).toBe('42601');
      expect(e.position, sql).toBeDefined();
    }
  });
});
