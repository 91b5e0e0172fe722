// Binding window calls: the plan shape (calls sharing a PARTITION BY / ORDER
// BY share one Window node, a Project appends only keys and arguments that
// are not plain columns, identical calls are computed once), frames parsed
// from their text, and PostgreSQL's errors for what is invalid or not
// supported. Hand-derived values are checked in conformance/slt/window.slt.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { Catalog } from '../../src/plan/catalog.js';
import { bindQuery } from '../../src/plan/bind-query.js';
import type { LogicalPlan, WindowNode } from '../../src/plan/logical-plan.js';
import { parseSql } from '../../src/sql/parse-sql.js';

function catalog(): Catalog {
  const c = new Catalog();
  c.add({
    kind: 'table',
    name: 't',
    primaryKey: [0],
    columns: [
      { name: 'id', type: 'integer', notNull: true },
      { name: 'g', type: 'text', notNull: false },
      { name: 'x', type: 'integer', notNull: false },
      { name: 'y', type: 'double', notNull: false },
    ],
  });
  return c;
}

function bind(sql: string, params: unknown[] = []): LogicalPlan {
  const stmt = parseSql(sql)[0]!;
  if (stmt.kind !== 'query') throw new Error('not a query');
  return bindQuery(stmt.query, { catalog: catalog(), params, forView: true }).root;
}

/** The nodes from the root down, following first inputs. */
function spine(plan: LogicalPlan): LogicalPlan[] {
  const out: LogicalPlan[] = [plan];
  let p: LogicalPlan = plan;
  while ('input' in p) {
    p = p.input;
    out.push(p);
  }
  return out;
}

function windows(plan: LogicalPlan): WindowNode[] {
  return spine(plan).filter((p): p is WindowNode => p.kind === 'window');
}

describe('window binding: plan shape', () => {
  it('calls over the same spec share one Window node over the input, with no Project when keys are columns', () => {
    const plan = bind('SELECT id, row_number() OVER (PARTITION BY g ORDER BY x DESC), sum(y) OVER (PARTITION BY g ORDER BY x DESC) FROM t');
    expect(spine(plan).map((p) => p.kind)).toEqual(['project', 'window', 'scan']);
    const w = windows(plan)[0]!;
    expect(w.partitionBy).toEqual([1]);
    expect(w.orderBy).toEqual([{ column: 2, descending: true, nullsFirst: true }]);
    expect(w.calls.map((c) => [c.fn, c.arg])).toEqual([['row_number', null], ['sum', 3]]);
    // Window output: the 4 table columns, then the calls; the select list reads columns 4 and 5.
    expect(w.columns.map((c) => c.type)).toEqual(['integer', 'text', 'integer', 'double', 'bigint', 'double']);
    const top = plan as Extract<LogicalPlan, { kind: 'project' }>;
    expect(top.exprs).toEqual([
      { kind: 'column', index: 0, type: 'integer' },
      { kind: 'column', index: 4, type: 'bigint' },
      { kind: 'column', index: 5, type: 'double' },
    ]);
  });

  it('different specs chain Window nodes; expressions become appended Project columns, shared when equal', () => {
    const plan = bind('SELECT x + 1, sum(x + 1) OVER (ORDER BY x + 1), rank() OVER (PARTITION BY g ORDER BY y NULLS FIRST), sum(x + 1) OVER (ORDER BY x + 1) FROM t');
    expect(spine(plan).map((p) => p.kind)).toEqual(['project', 'window', 'window', 'project', 'scan']);
    const [outer, inner] = windows(plan);
    // The first spec: one appended column (x + 1) serving as key and argument.
    const pre = inner!.input as Extract<LogicalPlan, { kind: 'project' }>;
    expect(pre.columns.length).toBe(5);
    expect(inner!.orderBy).toEqual([{ column: 4, descending: false, nullsFirst: false }]);
    expect(inner!.calls).toEqual([expect.objectContaining({ fn: 'sum', arg: 4 })]);
    // The second spec reads table columns only: no Project.
    expect(outer!.input).toBe(inner);
    expect(outer!.orderBy).toEqual([{ column: 3, descending: false, nullsFirst: true }]);
    // The repeated call is computed once: both select items read column 5 (inner's call).
    const top = plan as Extract<LogicalPlan, { kind: 'project' }>;
    expect(top.exprs[1]).toEqual({ kind: 'column', index: 5, type: 'bigint' });
    expect(top.exprs[3]).toEqual({ kind: 'column', index: 5, type: 'bigint' });
    // The outer Window's input has 6 columns (table, x + 1, the inner call): rank is column 6.
    expect(top.exprs[2]).toEqual({ kind: 'column', index: 6, type: 'bigint' });
  });

  it('in a grouped query the window reads the Aggregate output; aggregates inside window calls register there', () => {
    const plan = bind('SELECT g, sum(sum(x)) OVER (), rank() OVER (ORDER BY count(*) DESC) FROM t GROUP BY g');
    const kinds = spine(plan).map((p) => p.kind);
    expect(kinds.slice(0, 3)).toEqual(['project', 'window', 'window']);
    expect(kinds).toContain('aggregate');
    const agg = spine(plan).find((p) => p.kind === 'aggregate') as Extract<LogicalPlan, { kind: 'aggregate' }>;
    expect(agg.aggregates.map((a) => a.fn).sort()).toEqual(['count_star', 'sum']);
  });

  it('frames come from the frame text: ROWS/RANGE, one-bound shorthand, offsets from constant expressions and parameters', () => {
    const calls = windows(bind(
      `SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN $1 PRECEDING AND 1 + 1 FOLLOWING),
              sum(x) OVER (ORDER BY x RANGE UNBOUNDED PRECEDING),
              sum(x) OVER (ORDER BY x ROWS 3 PRECEDING EXCLUDE NO OTHERS),
              sum(x) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),
              sum(x) OVER (ORDER BY x), sum(y) OVER (ORDER BY y RANGE BETWEEN 0.5 FOLLOWING AND 2 FOLLOWING) FROM t`,
      [4],
    )).reverse().flatMap((w) => w.calls.map((c) => c.frame));
    expect(calls).toEqual([
      { mode: 'rows', start: { kind: 'preceding', offset: 4 }, end: { kind: 'following', offset: 2 } },
      { mode: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' } },
      { mode: 'rows', start: { kind: 'preceding', offset: 3 }, end: { kind: 'current_row' } },
      { mode: 'range', start: { kind: 'current_row' }, end: { kind: 'unbounded_following' } },
      undefined,
      { mode: 'range', start: { kind: 'following', offset: 0.5 }, end: { kind: 'following', offset: 2 } },
    ]);
  });

  it('LAG/LEAD: offset and default are constants; value and default meet at a common type; a NULL offset yields NULL', () => {
    const w = windows(bind('SELECT lag(x, 2, 0.5::float8) OVER (ORDER BY id), lead(g, -1, $1) OVER (ORDER BY id), lag(x, NULL) OVER (ORDER BY id) FROM t', ['none']))[0]!;
    expect(w.calls.map((c) => [c.fn, c.offset, c.defaultValue])).toEqual([['lag', 2, 0.5], ['lead', -1, 'none'], ['lag', 0, undefined]]);
    // x cast to double to meet the default 0.5, appended as a Project column.
    expect(w.columns.slice(-3).map((c) => c.type)).toEqual(['double', 'text', 'integer']);
  });
});

describe('window binding: errors', () => {
  const cases: [string, string, RegExp][] = [
    ['SELECT ntile(2) OVER () FROM t', '0A000', /ntile/],
    ['SELECT nth_value(x, 2) OVER () FROM t', '0A000', /nth_value/],
    ['SELECT percent_rank() OVER () FROM t', '0A000', /percent_rank/],
    ['SELECT lower(g) OVER () FROM t', '42809', /OVER specified, but lower is not a window function nor an aggregate function/],
    ['SELECT nosuch(g) OVER () FROM t', '42883', /nosuch.*does not exist/],
    ['SELECT sum(DISTINCT x) OVER () FROM t', '0A000', /DISTINCT/],
    ['SELECT count(*) FILTER (WHERE x > 1) OVER () FROM t', '0A000', /FILTER/],
    ['SELECT string_agg(g, \',\') OVER () FROM t', '0A000', /string_agg/],
    ['SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER () FROM t', '42809', /ordered-set/],
    ['SELECT sum(row_number() OVER ()) OVER () FROM t', '42P20', /cannot be nested/],
    ['SELECT x FROM t WHERE row_number() OVER () > 1', '42P20', /not allowed/],
    ['SELECT lag(x, x) OVER () FROM t', '0A000', /offset that is not a constant/],
    ['SELECT lead(x, 1, x) OVER () FROM t', '0A000', /default that is not a constant/],
    ['SELECT lag(x, 1.5) OVER () FROM t', '42883', /offset must be an integer/],
    ["SELECT lag(x, 1, 'a') OVER () FROM t", '22P02', /./],
    ['SELECT sum(g) OVER () FROM t', '42883', /sum\(text\) does not exist/],
    ['SELECT min(x > 1) OVER () FROM t', '42883', /min\(boolean\)/],
    ['SELECT row_number(x) OVER () FROM t', '42883', /row_number takes 0 arguments/],
    ['SELECT first_value() OVER () FROM t', '42883', /first_value takes 1 arguments/],
    ['SELECT g, rank() OVER (ORDER BY x) FROM t GROUP BY g', '42803', /"x" must appear in the GROUP BY/],
    ['SELECT sum(x) OVER (ROWS 1 FOLLOWING) FROM t', '42P20', /frame starting from following row cannot end with current row/],
    ['SELECT sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t', '42P20', /frame start cannot be UNBOUNDED FOLLOWING/],
    ['SELECT sum(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING) FROM t', '42P20', /frame end cannot be UNBOUNDED PRECEDING/],
    ['SELECT sum(x) OVER (ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t', '42P20', /starting from current row cannot have preceding rows/],
    ['SELECT sum(x) OVER (ROWS BETWEEN 2 FOLLOWING AND CURRENT ROW) FROM t', '42P20', /starting from following row cannot have preceding rows/],
    ['SELECT sum(x) OVER (ROWS BETWEEN 2 FOLLOWING AND 1 PRECEDING) FROM t', '42P20', /starting from following row cannot have preceding rows/],
    ['SELECT sum(x) OVER (ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM t', '22013', /starting offset must not be negative/],
    ['SELECT sum(x) OVER (ROWS BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM t', '22023', /ending offset must not be null/],
    ['SELECT sum(x) OVER (ROWS BETWEEN x PRECEDING AND CURRENT ROW) FROM t', '42P10', /argument of ROWS must not contain variables/],
    ['SELECT sum(x) OVER (ROWS 1.5 PRECEDING) FROM t', '42804', /argument of ROWS must be type bigint/],
    ['SELECT sum(x) OVER (RANGE 1 PRECEDING) FROM t', '42P20', /requires exactly one ORDER BY column/],
    ['SELECT sum(x) OVER (ORDER BY x, y RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM t', '42P20', /requires exactly one ORDER BY column/],
    ['SELECT sum(x) OVER (ORDER BY x RANGE 1.5 PRECEDING) FROM t', '0A000', /column type integer and offset type numeric/],
    ['SELECT sum(x) OVER (ORDER BY g RANGE 1 PRECEDING) FROM t', '0A000', /column type text/],
    ['SELECT sum(x) OVER (ORDER BY x GROUPS 1 PRECEDING) FROM t', '0A000', /GROUPS/],
    ['SELECT sum(x) OVER (ORDER BY x ROWS 1 PRECEDING EXCLUDE CURRENT ROW) FROM t', '0A000', /EXCLUDE CURRENT ROW/],
  ];
  it.each(cases)('%s -> %s', async (sql, code, message) => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (id integer PRIMARY KEY, g text, x integer, y double precision)');
    let caught: { code?: string; message: string } | null = null;
    try {
      await e.sql(sql);
    } catch (err) {
      caught = err as { code?: string; message: string };
    }
    expect(caught, sql).not.toBeNull();
    expect(caught!.code, `${sql}: ${caught!.message}`).toBe(code);
    expect(caught!.message).toMatch(message);
  });
});

describe('window binding: EXPLAIN', () => {
  it('shows the Window node with its calls, frames, keys and cost', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (id integer PRIMARY KEY, g text, x integer, y double precision)');
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT id, row_number() OVER (PARTITION BY g ORDER BY x DESC), sum(y) OVER (PARTITION BY g ORDER BY x DESC ROWS 2 PRECEDING) FROM t');
    const text = (await e.sql('EXPLAIN SELECT * FROM v')).rows.map((r) => r[0]).join('\n')
      + (await e.sql('EXPLAIN SELECT id, row_number() OVER (PARTITION BY g ORDER BY x DESC), sum(y) OVER (PARTITION BY g ORDER BY x DESC ROWS 2 PRECEDING) FROM t')).rows.map((r) => r[0]).join('\n');
    expect(text).toMatch(/Window row_number\(\), sum\(y\) OVER \(PARTITION BY g ORDER BY x DESC\)/);
    expect(text).toMatch(/Window row_number\(\), sum\(y\) ROWS BETWEEN 2 PRECEDING AND CURRENT ROW OVER \(PARTITION BY g ORDER BY x DESC NULLS FIRST\)/);
    expect(text).toMatch(/work: O\(log n\) per changed row to update the partition tree/);
    expect(text).toMatch(/sum\(y\): O\(log\^2 n\) per change/);
  });
});
