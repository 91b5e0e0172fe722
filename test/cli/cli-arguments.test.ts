// main() in-process with captured output: usage errors exit 2 with a message
// and the usage text; --help and --version exit 0; --server talks to a live
// server (built here over a stub engine).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/cli.js';
import { EngineError, SqlState } from '../../src/common/errors.js';
import { buildServer } from '../../src/server/build-server.js';
import { StubEngine } from '../server/stub-engine.js';

interface Captured { code: number; out: string; err: string }

async function run(argv: string[], stdin?: string): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => { out += text; },
    err: (text) => { err += text; },
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('usage errors exit 2 with a message and the usage', () => {
  const cases: ReadonlyArray<readonly [string[], string]> = [
    [[], 'freshet: missing command'],
    [['frobnicate'], "freshet: unknown command 'frobnicate'; commands are 'serve', 'sql' and 'replay'"],
    [['--nope'], "freshet: unknown option '--nope'"],
    [['sql', '--nope', 'SELECT 1'], "freshet: unknown option '--nope' for 'freshet sql'"],
    [['serve', '--colour'], "freshet: unknown option '--colour' for 'freshet serve'"],
    [['serve', '--port', 'http'], "freshet: --port must be an integer from 0 to 65535, got 'http'"],
    [['serve', '--port', '65536'], "freshet: --port must be an integer from 0 to 65535, got '65536'"],
    [['serve', '--body-limit', '0'], "freshet: --body-limit must be an integer from 1 to 9007199254740991, got '0'"],
    [['serve', '--fsync', 'sometimes'], "freshet: --fsync must be 'always' or 'batch', got 'sometimes'"],
    [['serve', '--fsync-delay-ms', '0'], "freshet: --fsync-delay-ms must be an integer from 1 to 1000, got '0'"],
    [['serve', '--checkpoint-ms', '5'], "freshet: --checkpoint-ms must be an integer from 100 to 2147483647, got '5'"],
    [['serve', '--hot-memory', '12 parsecs'], "freshet: --hot-memory must be a size such as 512MB or 2GiB (at least 1 byte), got '12 parsecs'"],
    [['serve', '--hot-memory', '0'], "freshet: --hot-memory must be a size such as 512MB or 2GiB (at least 1 byte), got '0'"],
    [['serve', '--state-memory', 'lots'], "freshet: --state-memory must be a size such as 512MB or 2GiB (at least 1 byte), got 'lots'"],
    [['serve', '--hot-age-ms', '1.5'], "freshet: --hot-age-ms must be an integer from 1 to 9007199254740991, got '1.5'"],
    [['sql', 'SELECT 1', 'SELECT 2'], 'freshet: expected the statements as one argument, got 2; quote them: freshet sql "SELECT 1; SELECT 2"'],
    [['sql'], 'freshet: no statements: give them as an argument or pipe them to standard input'],
    [['sql', '--server', 'not a url', 'SELECT 1'], "freshet: --server must be a URL like http://127.0.0.1:8787, got 'not a url'"],
    [['replay', '--into', 'w'], 'freshet: expected one view to replay, got 0: freshet replay VIEW --into NAME'],
    [['replay', 'v', 'x', '--into', 'w'], 'freshet: expected one view to replay, got 2: freshet replay VIEW --into NAME'],
    [['replay', 'v'], 'freshet: missing --into NAME: the new view the replay creates beside the old one'],
    [['replay', 'v', '--into', 'w', '--server', 'nope'], "freshet: --server must be a URL like http://127.0.0.1:8787, got 'nope'"],
  ];
  test.each(cases)('%j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.startsWith(`${message}\n\nUsage:\n`)).toBe(true);
  });

  test('an argument to serve is rejected', async () => {
    const result = await run(['serve', 'now']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^freshet: .*'now'/);
  });
});

describe('help and version', () => {
  test.each([['--help'], ['-h'], ['help'], ['sql', '--help'], ['serve', '--help']])('%s prints usage and exits 0', async (...argv) => {
    const result = await run(argv);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/^Usage:\n {2}freshet serve \[--host 127\.0\.0\.1\] \[--port 8787\]/);
    expect(result.out).toContain('freshet sql [--server URL] "<statements>"');
  });

  test('--version prints the version in package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, out: `freshet ${pkg.version}\n`, err: '' });
  });
});

describe('sql on the in-process engine', () => {
  test('SQL that starts with a -- comment is taken as the statements, not an option', async () => {
    expect(await run(['sql', '-- the answer\nSELECT 42 AS x'])).toEqual({ code: 0, out: ' x\n----\n 42\n(1 row)\n\n', err: '' });
  });
});

describe('sql --server', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => { await app?.close(); app = undefined; });

  async function serverWith(engine: StubEngine): Promise<string> {
    app = buildServer(engine, { logger: false });
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  test('prints each result of a running server', async () => {
    const engine = new StubEngine(() => [
      { command: 'INSERT', rowCount: 2, fields: [], rows: [] },
      { command: 'SELECT', rowCount: 1, fields: [{ name: 'x', dataTypeID: 23, type: 'int4' }], rows: [[5]] },
    ]);
    const url = await serverWith(engine);
    const result = await run(['sql', '--server', url, 'INSERT ...; SELECT 5 AS x']);
    expect(result).toEqual({ code: 0, out: 'INSERT 0 2\n x\n---\n 5\n(1 row)\n\n', err: '' });
    expect(engine.calls).toEqual([{ text: 'INSERT ...; SELECT 5 AS x', params: undefined }]);
  });

  test('a single result is printed too, statements read from stdin', async () => {
    const url = await serverWith(new StubEngine(() => [{ command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] }]));
    expect(await run(['sql', '--server', url], 'CREATE TABLE t (a int)')).toEqual({ code: 0, out: 'CREATE TABLE\n', err: '' });
  });

  test('the server\'s error is printed with a caret, exit 1', async () => {
    const url = await serverWith(new StubEngine(() => {
      throw new EngineError(SqlState.undefinedColumn, 'column "y" does not exist', { offset: 8, line: 1, column: 8 });
    }));
    const result = await run(['sql', '--server', url, 'SELECT y FROM t']);
    expect(result).toEqual({
      code: 1, out: '',
      err: 'ERROR:  column "y" does not exist (SQLSTATE 42703)\nLINE 1: SELECT y FROM t\n               ^\n',
    });
  });

  test('an unreachable server is exit 1 with a clear message', async () => {
    // Port 1 (tcpmux) is privileged and unused on test machines: connection refused.
    const result = await run(['sql', '--server', 'http://127.0.0.1:1', 'SELECT 1']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^freshet: could not reach the server at http:\/\/127\.0\.0\.1:1/);
  });
});
