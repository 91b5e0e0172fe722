// The runner's view mode: each query re-checked as a materialized view created before
// the rows arrive, read where the query stands. Checked on Freshet with a recording
// wrapper (what runs, in which order) and on doctored engines that return wrong view
// rows or fail statements while a view is open; expected results are hand-derived.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alignRows, renderingsFor } from '../../conformance/compare-results.js';
import { runSltText, type SqlTarget } from '../../conformance/slt-runner.js';
import { EngineError, SqlState } from '../../src/common/errors.js';
import { Engine } from '../../src/engine.js';
import type { QueryResult } from '../../src/query-result.js';

/** Freshet, with every request logged and a hook to doctor results. */
class Recording implements SqlTarget {
  readonly log: string[] = [];
  private readonly engine = new Engine();
  constructor(private readonly hook?: (sql: string, run: () => Promise<QueryResult[]>) => Promise<QueryResult[]>) {}
  async sqlAll(sql: string): Promise<QueryResult[]> {
    this.log.push(sql);
    const run = (): Promise<QueryResult[]> => this.engine.sqlAll(sql);
    return this.hook === undefined ? run() : this.hook(sql, run);
  }
}

/** Runs `text` in both modes with a fresh `Recording` per mode; returns the report and logs. */
async function runBoth(text: string, file: string, hook?: ConstructorParameters<typeof Recording>[0]) {
  const targets: Recording[] = [];
  const report = await runSltText(text, file, {
    viewMode: true,
    createEngine: () => {
      const t = new Recording(hook);
      targets.push(t);
      return t;
    },
  });
  const viewLog = targets[1]?.log ?? [];
  return { report, view: report.view!, viewLog };
}

const lifeOfATable = [
  'statement ok', //                                        1
  'CREATE TABLE t (k INT PRIMARY KEY, v INT)', //           2
  '',
  'statement ok', //                                        4
  'INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)', //      5
  '',
  'statement ok', //                                        7
  'UPDATE t SET v = v + 1 WHERE k = 2', //                  8
  '',
  'statement ok', //                                        10
  'DELETE FROM t WHERE k = 3', //                           11
  '',
  'query II nosort', //                                     13
  'SELECT k, v FROM t ORDER BY k DESC', //                  14
  '----',
  '2 21',
  '1 10',
  '',
  'query I', //                                             19
  'INSERT INTO t VALUES (4, 40); SELECT sum(v) FROM t', //  20
  '----',
  '71',
  '',
  'query II', //                                            24
  'SELECT k + 1, v + 1 FROM t WHERE k < 4 ORDER BY 1', //   25
  '----',
  '2 11',
  '3 22',
  '',
  'query I', //                                             30
  'SELECT 1', //                                            31
  '----',
  '1',
  '',
].join('\n');

describe('view mode', () => {
  it('creates the views before the first row arrives and checks every query through them', async () => {
    const { report, view, viewLog } = await runBoth(lifeOfATable, 'life.slt');
    expect(report.failed).toBe(0);
    expect(view.outcomes.map((o) => [o.line, o.status])).toEqual([
      [13, 'passed'],
      [19, 'passed'],
      [24, 'passed'],
      [30, 'skipped'],
    ]);
    expect(view.outcomes[3]?.reason).toBe('reads no table');
    expect({ passed: view.passed, failed: view.failed, skipped: view.skipped }).toEqual({ passed: 3, failed: 0, skipped: 1 });
    // Every view is created right after CREATE TABLE t, before the INSERT at line 5.
    const insertAt = viewLog.indexOf('INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
    const creates = viewLog.map((sql, i) => [sql, i] as const).filter(([sql]) => sql.startsWith('CREATE MATERIALIZED VIEW'));
    expect(creates.length).toBeGreaterThanOrEqual(3);
    for (const [, i] of creates) expect(i).toBeLessThan(insertAt);
    expect(viewLog[0]).toBe('CREATE TABLE t (k INT PRIMARY KEY, v INT)');
    // `k + 1, v + 1` are both named ?column?: a view needs distinct names, so the runner renames.
    expect(viewLog).toContain('CREATE MATERIALIZED VIEW "__slt_q24" AS SELECT * FROM (SELECT k + 1, v + 1 FROM t WHERE k < 4 ORDER BY 1) AS __slt_renamed(c1, c2)');
    // Only the multi-statement query record runs again; each view is read, then dropped.
    expect(viewLog.filter((sql) => sql.startsWith('SELECT'))).toEqual(['SELECT * FROM "__slt_q13"', 'SELECT * FROM "__slt_q19"', 'SELECT * FROM "__slt_q24"']);
    expect(viewLog).toContain('INSERT INTO t VALUES (4, 40); SELECT sum(v) FROM t');
    expect(viewLog.filter((sql) => sql.startsWith('DROP'))).toEqual(['DROP MATERIALIZED VIEW "__slt_q13"', 'DROP MATERIALIZED VIEW "__slt_q19"', 'DROP MATERIALIZED VIEW "__slt_q24"']);
  });

  it('renames duplicate column names by the column count of the result, not the type letters', async () => {
    // Both columns are named max; the record claims four columns (RisingWave files do this).
    const text = ['statement ok', 'CREATE TABLE t (a INT, b INT)', '', 'statement ok', 'INSERT INTO t VALUES (1, 30), (3, 10)', '', 'query IIII', 'SELECT max(a), max(b) FROM t', '----', '3 30', ''].join('\n');
    const { report, view, viewLog } = await runBoth(text, 'x.slt');
    expect([report.failed, view.passed, view.failed]).toEqual([0, 1, 0]);
    expect(viewLog).toContain('CREATE MATERIALIZED VIEW "__slt_q7" AS SELECT * FROM (SELECT max(a), max(b) FROM t) AS __slt_renamed(c1, c2)');
  });

  it('fails a query whose view returns other rows than expected, with its line and SQL', async () => {
    // The doctored engine loses the last row of every view read.
    const { report, view } = await runBoth(lifeOfATable, 'life.slt', async (sql, run) => {
      const results = await run();
      if (!sql.startsWith('SELECT * FROM "__slt_q')) return results;
      const last = results[results.length - 1]!;
      return [{ ...last, rows: last.rows.slice(0, -1) }];
    });
    expect(report.failed).toBe(0);
    expect(view.outcomes.filter((o) => o.status === 'failed').map((o) => o.line)).toEqual([13, 19, 24]);
    const first = view.outcomes[0]!;
    expect(first.reason).toBe('wrong result in view mode');
    expect(first.sql).toContain('SELECT k, v FROM t ORDER BY k DESC');
    expect(first.detail).toContain('actual (view):');
  });

  it('compares a nosort hash through the one-shot order, and still catches a wrong view', async () => {
    // SQLite hashes each value followed by a newline, in the order the query returns them.
    const md5 = createHash('md5').update('5\n4\n3\n2\n1\n').digest('hex');
    const text = [
      'hash-threshold 2',
      '',
      'statement ok',
      'CREATE TABLE t (x INTEGER)',
      '',
      'statement ok',
      'INSERT INTO t VALUES (3), (1), (5), (2), (4)',
      '',
      'query I nosort',
      'SELECT x FROM t ORDER BY x DESC',
      '----',
      `5 values hashing to ${md5}`,
      '',
    ].join('\n');
    const good = await runBoth(text, 'hash.test');
    expect([good.report.failed, good.view.passed, good.view.failed]).toEqual([0, 1, 0]);
    const bad = await runBoth(text, 'hash.test', async (sql, run) => {
      const results = await run();
      if (!sql.startsWith('SELECT * FROM "__slt_q')) return results;
      const last = results[results.length - 1]!;
      return [{ ...last, rows: last.rows.map((r) => (r[0] === 3 ? [6] : r)) }];
    });
    expect([bad.report.failed, bad.view.passed, bad.view.failed]).toEqual([0, 0, 1]);
  });

  it('blames the view whose maintenance fails a statement, and the statement still commits', async () => {
    const text = [
      'statement ok', //                          1
      'CREATE TABLE t (a INT, b INT)',
      '',
      'statement ok', //                          4
      'INSERT INTO t VALUES (1, 1), (2, 0)',
      '',
      'query I rowsort', //                       7
      'SELECT a FROM t',
      '----',
      '1',
      '2',
      '',
      'query I rowsort', //                       13
      'SELECT 10 / b FROM t',
      '----',
      '10',
      'NULL',
      '',
    ].join('\n');
    const { report, view } = await runBoth(text, 'div.slt');
    // One-shot: the division by zero fails the query (PostgreSQL raises 22012).
    expect(report.outcomes.map((o) => [o.line, o.status])).toEqual([[1, 'passed'], [4, 'passed'], [7, 'passed'], [13, 'failed']]);
    expect(view.outcomes.map((o) => [o.line, o.status])).toEqual([[7, 'passed'], [13, 'failed']]);
    expect(view.outcomes[1]?.reason).toMatch(/^maintaining the view fails the statement at line 4: 22012 /);
  });

  it('finds a failing view that its one-shot query does not predict by dropping views in order', async () => {
    const text = [
      'statement ok', //                          1
      'CREATE TABLE t (a INT)',
      '',
      'statement ok', //                          4
      'INSERT INTO t VALUES (1)',
      '',
      'query I', //                               7
      'SELECT a FROM t',
      '----',
      '1',
      '',
      'query I', //                               12
      'SELECT a + 0 FROM t',
      '----',
      '1',
      '',
      'query I', //                               17
      'SELECT a * 1 FROM t',
      '----',
      '1',
      '',
    ].join('\n');
    // The doctored engine fails every INSERT while view __slt_q12 exists.
    let culpritOpen = false;
    const { report, view } = await runBoth(text, 'x.slt', async (sql, run) => {
      if (sql.startsWith('INSERT') && culpritOpen) throw new EngineError(SqlState.divisionByZero, 'division by zero');
      const results = await run();
      if (sql.startsWith('CREATE MATERIALIZED VIEW "__slt_q12"')) culpritOpen = true;
      if (sql === 'DROP MATERIALIZED VIEW "__slt_q12"') culpritOpen = false;
      return results;
    });
    expect(report.failed).toBe(0);
    expect(view.outcomes.map((o) => [o.line, o.status])).toEqual([[7, 'skipped'], [12, 'failed'], [17, 'passed']]);
    expect(view.outcomes[0]?.reason).toBe('dropped while finding the view that fails the statement at line 4');
    expect(view.outcomes[1]?.reason).toBe('maintaining the view fails the statement at line 4: 22012 division by zero');
  });

  it('reports a statement that fails only in view mode when no view is to blame', async () => {
    const text = ['statement ok', 'CREATE TABLE t (a INT)', '', 'statement ok', 'INSERT INTO t VALUES (1)', ''].join('\n');
    let calls = 0;
    const { view } = await runBoth(text, 'x.slt', async (sql, run) => {
      // The second INSERT is view mode's.
      if (sql.startsWith('INSERT') && ++calls === 2) throw new EngineError(SqlState.divisionByZero, 'division by zero');
      return run();
    });
    expect(view.outcomes).toMatchObject([{ line: 4, status: 'failed', reason: 'statement fails in view mode only: 22012 division by zero' }]);
  });
});

describe('alignRows', () => {
  const rendering = renderingsFor.sqlite[0];
  it('puts rows in the reference order when both hold the same multiset', () => {
    const rows = { rows: [[1, 'a'], [2, 'b'], [1, 'a'], [3, null]], pgTypes: ['integer', 'text'] };
    const reference = { rows: [[3, null], [1, 'a'], [2, 'b'], [1, 'a']], pgTypes: ['integer', 'text'] };
    expect(alignRows(rows, reference, 'IT', rendering)?.rows).toEqual([[3, null], [1, 'a'], [2, 'b'], [1, 'a']]);
  });
  it('gives up when the multisets differ', () => {
    const reference = { rows: [[1], [1], [2]], pgTypes: ['integer'] };
    expect(alignRows({ rows: [[1], [2], [2]], pgTypes: ['integer'] }, reference, 'I', rendering)).toBeUndefined();
    expect(alignRows({ rows: [[1], [2]], pgTypes: ['integer'] }, reference, 'I', rendering)).toBeUndefined();
  });
});
