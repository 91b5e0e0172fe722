// `node bin/freshet.js ...` as a real process: statements as an argument and on
// stdin, the error format and exit codes. Needs the compiled dist (npm test
// builds first). Expected tables are derived by hand from psql's layout.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/freshet.js');

function freshet(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: input ?? '', timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('freshet sql', () => {
  test('statements as an argument: command tags, then an aligned table', () => {
    const result = freshet(['sql',
      "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (2, 'bob'), (1, 'alice'), (3, NULL); SELECT id, name FROM t ORDER BY id"]);
    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        'CREATE TABLE',
        'INSERT 0 3',
        ' id | name',
        '----+-------',
        '  1 | alice',
        '  2 | bob',
        '  3 |',
        '(3 rows)',
        '',
        '',
      ].join('\n'),
    });
  });

  test('statements on stdin', () => {
    expect(freshet(['sql'], 'SELECT 1 + 1 AS two;\n')).toEqual({ code: 0, err: '', out: ' two\n-----\n   2\n(1 row)\n\n' });
  });

  test('each invocation is a fresh engine: a table from a previous run is gone', () => {
    expect(freshet(['sql', 'CREATE TABLE gone (a int)']).code).toBe(0);
    const result = freshet(['sql', 'SELECT a FROM gone']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^ERROR: {2}.*"gone".* \(SQLSTATE 42P01\)\n/);
  });

  test('a syntax error on line 2: message, LINE and caret on stderr, exit 1', () => {
    const result = freshet(['sql', 'SELECT 1;\nSELEC 2']);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    const lines = result.err.split('\n');
    expect(lines[0]).toMatch(/^ERROR: {2}.+ \(SQLSTATE 42601\)$/);
    expect(lines.slice(1)).toEqual(['LINE 2: SELEC 2', '        ^', '']);
  });

  test('--help exits 0; an unknown command exits 2 with usage', () => {
    const help = freshet(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:\n/);
    const bad = freshet(['query', 'SELECT 1']);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^freshet: unknown command 'query'; commands are 'serve', 'sql' and 'replay'\n\nUsage:\n/);
  });
});
