// The psql-style rendering of results and errors; expected text derived by hand
// from psql's layout (numbers right-aligned, headers centred, NULL blank).
import { describe, expect, test } from 'vitest';
import { formatError, formatResult } from '../../src/cli.js';

describe('formatResult', () => {
  test('a table with numbers right-aligned, text left-aligned and NULL blank', () => {
    const text = formatResult({
      command: 'SELECT', rowCount: 3,
      fields: [{ name: 'id', dataTypeID: 23, type: 'int4' }, { name: 'name', dataTypeID: 25, type: 'text' }],
      rows: [[1, 'alice'], [22, null], [3, 'bob']],
    });
    expect(text).toBe([
      ' id | name',
      '----+-------',
      '  1 | alice',
      ' 22 |',
      '  3 | bob',
      '(3 rows)',
      '',
      '',
    ].join('\n'));
  });

  test('booleans print as t/f and doubles right-aligned', () => {
    const text = formatResult({
      command: 'SELECT', rowCount: 2,
      fields: [{ name: 'ok', dataTypeID: 16, type: 'bool' }, { name: 'ratio', dataTypeID: 701, type: 'float8' }],
      rows: [[true, 0.5], [false, -12.25]],
    });
    expect(text).toBe(' ok | ratio\n----+--------\n t  |    0.5\n f  | -12.25\n(2 rows)\n\n');
  });

  test('a header narrower than its column is centred; one row says "row"', () => {
    const text = formatResult({
      command: 'SELECT', rowCount: 1,
      fields: [{ name: 'n', dataTypeID: 20, type: 'int8' }],
      rows: [[1234567]],
    });
    expect(text).toBe('    n\n---------\n 1234567\n(1 row)\n\n');
  });

  test('an empty SELECT still shows its header', () => {
    const text = formatResult({
      command: 'SELECT', rowCount: 0, fields: [{ name: 'a', dataTypeID: 23, type: 'int4' }], rows: [],
    });
    expect(text).toBe(' a\n---\n(0 rows)\n\n');
  });

  test('statements without rows print their command tag', () => {
    expect(formatResult({ command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] })).toBe('CREATE TABLE\n');
    expect(formatResult({ command: 'INSERT', rowCount: 3, fields: [], rows: [] })).toBe('INSERT 0 3\n');
    expect(formatResult({ command: 'DELETE', rowCount: 2, fields: [], rows: [] })).toBe('DELETE 2\n');
    expect(formatResult({ command: 'UPDATE', rowCount: 0, fields: [], rows: [] })).toBe('UPDATE 0\n');
  });
});

describe('formatError', () => {
  test('without a position: one line with the SQLSTATE', () => {
    expect(formatError({ code: '22012', message: 'division by zero' }, 'SELECT 1/0'))
      .toBe('ERROR:  division by zero (SQLSTATE 22012)\n');
  });

  test('with a position: the offending line and a caret under the column', () => {
    const text = 'SELECT 1;\nSELEC 2';
    expect(formatError({ code: '42601', message: 'syntax error at or near "SELEC"', line: 2, column: 1 }, text)).toBe(
      'ERROR:  syntax error at or near "SELEC" (SQLSTATE 42601)\n' +
      'LINE 2: SELEC 2\n' +
      '        ^\n');
  });

  test('the caret lands mid-line', () => {
    const text = 'SELECT * FROM nope';
    expect(formatError({ code: '42P01', message: 'relation "nope" does not exist', line: 1, column: 15 }, text)).toBe(
      'ERROR:  relation "nope" does not exist (SQLSTATE 42P01)\n' +
      'LINE 1: SELECT * FROM nope\n' +
      '                      ^\n');
  });

  test('tabs before the column are kept so the caret lines up', () => {
    expect(formatError({ code: '42601', message: 'bad', line: 1, column: 3 }, '\tx!'))
      .toBe('ERROR:  bad (SQLSTATE 42601)\nLINE 1: \tx!\n        \t ^\n');
  });
});
