// View mode's plan: which relations a query reads (CTEs and table functions are not
// relations) and where each query's view is created, or why it gets none. Expected
// placements are derived by hand from the small files below.
import { describe, expect, it } from 'vitest';
import { parseSlt } from '../../conformance/slt-parser.js';
import { planViewChecks, relationsRead, type ViewPlan } from '../../conformance/view-mode.js';
import type { Query } from '../../src/sql/ast.js';
import { parseSql } from '../../src/sql/parse-sql.js';

function queryOf(sql: string): Query {
  const stmt = parseSql(sql)[0];
  if (stmt?.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return stmt.query;
}

const readsOf = (sql: string): string[] => [...relationsRead(queryOf(sql))].sort();

describe('relationsRead', () => {
  it('finds tables in FROM, joins, derived tables and subquery expressions', () => {
    expect(readsOf('SELECT 1')).toEqual([]);
    expect(readsOf('SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (y)')).toEqual(['a', 'b', 'c']);
    expect(readsOf('SELECT (SELECT max(z) FROM d) FROM (SELECT * FROM e) AS s WHERE EXISTS (SELECT 1 FROM f) AND x IN (SELECT y FROM g)')).toEqual(['d', 'e', 'f', 'g']);
    expect(readsOf('SELECT x FROM a UNION SELECT x FROM b EXCEPT SELECT x FROM c')).toEqual(['a', 'b', 'c']);
    expect(readsOf('SELECT sum(x) FILTER (WHERE x > (SELECT 1 FROM h)) FROM a')).toEqual(['a', 'h']);
  });

  it('does not count CTE names where they are in scope, nor table functions', () => {
    expect(readsOf('WITH w AS (SELECT * FROM a) SELECT * FROM w JOIN b ON true')).toEqual(['a', 'b']);
    // A non-recursive CTE does not see itself: `w` inside its own body is a table.
    expect(readsOf('WITH w AS (SELECT * FROM w) SELECT * FROM w')).toEqual(['w']);
    // Later CTEs see earlier ones.
    expect(readsOf('WITH u AS (SELECT * FROM a), v AS (SELECT * FROM u) SELECT * FROM v')).toEqual(['a']);
    expect(readsOf('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r')).toEqual([]);
    expect(readsOf('SELECT * FROM generate_series(1, 3) AS g')).toEqual([]);
    // The CTE is not visible outside the subquery that defines it.
    expect(readsOf('SELECT * FROM (WITH w AS (SELECT 1 AS k) SELECT * FROM w) AS s, w')).toEqual(['w']);
  });
});

/** Plans a file as if every record ran and every statement committed. */
function planOf(lines: readonly string[], notRun: readonly number[] = []): { plan: ViewPlan; lineOf: (i: number) => number } {
  const records = parseSlt(lines.join('\n'), 'x.slt');
  const plan = planViewChecks({
    records,
    executed: (i) => !notRun.includes(records[i]?.line ?? -1),
    committedStatements: () => Number.POSITIVE_INFINITY,
  });
  return { plan, lineOf: (i) => records[i]?.line ?? -1 };
}

/** The plan as `query line -> line of the record its view is created after`. */
function placements(lines: readonly string[], notRun: readonly number[] = []): Record<number, number> {
  const { plan, lineOf } = planOf(lines, notRun);
  const out: Record<number, number> = {};
  for (const [after, checks] of plan.createAfter) for (const c of checks) out[lineOf(c.queryIndex)] = lineOf(after);
  return out;
}

function skipReasons(lines: readonly string[], notRun: readonly number[] = []): Record<number, string> {
  const { plan, lineOf } = planOf(lines, notRun);
  const out: Record<number, string> = {};
  for (const [i, reason] of plan.skips) out[lineOf(i)] = reason;
  return out;
}

const file = [
  'statement ok', //                                      1
  'CREATE TABLE a (x INT)', //                            2
  '', //                                                  3
  'statement ok', //                                      4
  'INSERT INTO a VALUES (1)', //                          5
  '', //                                                  6
  'statement ok', //                                      7
  'CREATE TABLE b (x INT); CREATE TABLE c (x INT)', //    8
  '', //                                                  9
  'statement ok', //                                      10
  'CREATE MATERIALIZED VIEW m AS SELECT x FROM c', //     11
  '', //                                                  12
  'query I rowsort', //                                   13
  'SELECT x FROM a', //                                   14
  '----', //                                              15
  '1', //                                                 16
  '', //                                                  17
  'query I rowsort', //                                   18
  'SELECT a.x FROM a JOIN b ON a.x = b.x', //             19
  '----', //                                              20
  '', //                                                  21
  'query I rowsort', //                                   22
  'SELECT x FROM m', //                                   23
  '----', //                                              24
  '', //                                                  25
  'query I', //                                           26
  'SELECT 1', //                                          27
  '----', //                                              28
  '1', //                                                 29
  '', //                                                  30
  'query I', //                                           31
  'SELECT x FROM nowhere', //                             32
  '----', //                                              33
  '', //                                                  34
  'statement ok', //                                      35
  'DROP TABLE a', //                                      36
  '', //                                                  37
  'statement ok', //                                      38
  'CREATE TABLE a (x INT)', //                            39
  '', //                                                  40
  'query I', //                                           41
  'SELECT x FROM a', //                                   42
  '----', //                                              43
  '', //                                                  44
  'query I', //                                           45
  'SELECT x FROM m UNION ALL SELECT x FROM a', //         46
  '----', //                                              47
  '', //                                                  48
  'statement ok', //                                      49
  'DROP MATERIALIZED VIEW m; DROP TABLE c', //            50
  '', //                                                  51
  'query I', //                                           52
  'SELECT x FROM b', //                                   53
  '----', //                                              54
  '', //                                                  55
  'query I', //                                           56
  'INSERT INTO b VALUES (2); SELECT x FROM b', //         57
  '----', //                                              58
  '2', //                                                 59
  '', //                                                  60
  'query I', //                                           61
  'SHOW TABLES', //                                       62
  '----', //                                              63
  '', //                                                  64
];

describe('planViewChecks', () => {
  it('creates each view right after the last CREATE of a relation the query reads', () => {
    expect(placements(file)).toEqual({
      13: 1, // a, created at 1 (before the insert at 4)
      18: 7, // a and b: b is created last, at 7
      22: 10, // the view m
      41: 38, // a, recreated at 38: its latest creation counts
      45: 38, // m (10) and a (38)
      52: 7,
      56: 7, // a multi-statement record is checked on its last statement
    });
  });

  it('says why a query gets no view', () => {
    const reasons = skipReasons(file);
    expect(Object.keys(reasons).map(Number).sort((x, y) => x - y)).toEqual([26, 31, 61]);
    expect(reasons[26]).toBe('reads no table');
    expect(reasons[31]).toMatch(/^reads "nowhere", which does not exist there/);
    expect(reasons[61]).toBe('not a SELECT (show)');
  });

  it('marks records that may change the state to run again', () => {
    const { plan, lineOf } = planOf(file);
    // Anything but a single SELECT runs again in view mode (SHOW too: harmless).
    expect([...plan.rerun].map(lineOf)).toEqual([56, 61]);
  });

  it('skips a query whose relations are dropped between the view and the query', () => {
    const lines = [
      'statement ok', //                         1
      'CREATE TABLE t (x INT)', //               2
      '', //                                     3
      'statement ok', //                         4
      'CREATE MATERIALIZED VIEW v AS SELECT x FROM t', // 5
      '', //                                     6
      'statement ok', //                         7
      'CREATE TABLE u (x INT)', //               8
      '', //                                     9
      'statement ok', //                         10
      'DROP MATERIALIZED VIEW v; CREATE MATERIALIZED VIEW v AS SELECT x FROM t', // 11
      '', //                                     12
      'query I', //                              13
      'SELECT * FROM u, v', //                   14
      '----', //                                 15
      '', //                                     16
    ];
    // v is created again in the same record it is dropped in, which is after u's creation:
    // the view goes after that record and nothing is dropped in between.
    expect(placements(lines)).toEqual({ 13: 10 });
    // Dropping t, which v reads, between u's creation and the query takes v with it.
    const dropped = [...lines.slice(0, 9), 'statement ok', 'DROP TABLE t CASCADE', '', ...lines.slice(12)];
    expect(placements(dropped)).toEqual({});
    expect(Object.values(skipReasons(dropped))).toEqual([`"t" is dropped or recreated between the view's creation and the query`]);
    const viaBase = [
      'statement ok', 'CREATE TABLE t (x INT)', '',
      'statement ok', 'CREATE MATERIALIZED VIEW v AS SELECT x FROM t', '',
      'query I', 'SELECT * FROM v', '----', '',
      'statement ok', 'CREATE TABLE w (x INT)', '',
      'query I', 'SELECT * FROM v, w', '----', '',
    ];
    expect(placements(viaBase)).toEqual({ 7: 4, 14: 11 });
  });

  it('ignores statements that did not run and skips queries that did not run', () => {
    const lines = [
      'statement ok', 'CREATE TABLE t (x INT)', '', // 1
      'skipif postgresql', 'statement ok', 'CREATE TABLE t2 (x INT)', '', // 5
      'query I', 'SELECT x FROM t', '----', '', // 8
      'skipif postgresql', 'query I', 'SELECT x FROM t', '----', '', // 13
      'query I', 'SELECT x FROM t2', '----', '', // 17
    ];
    expect(placements(lines, [5, 13])).toEqual({ 8: 1 });
    const reasons = skipReasons(lines, [5, 13]);
    expect(reasons[13]).toBe('not run (skipif/onlyif)');
    expect(reasons[17]).toMatch(/^reads "t2"/);
  });

  it('counts only the statements of a record that committed', () => {
    const lines = ['statement ok', 'CREATE TABLE t (x INT); CREATE TABLE u (x INT)', '', 'query I', 'SELECT x FROM u', '----', ''];
    const records = parseSlt(lines.join('\n'), 'x.slt');
    const plan = planViewChecks({ records, executed: () => true, committedStatements: () => 1 });
    expect(plan.checks.size).toBe(0);
    expect([...plan.skips.values()][0]).toMatch(/^reads "u"/);
  });
});
