// The binder's SELECT DISTINCT: a grouping on every output column with no
// aggregate calls, placed above the select list (and above GROUP BY/HAVING);
// ORDER BY must name a select-list entry (42P10); DISTINCT ON is a top-1 per group.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/common/errors.js';
import type { Catalog } from '../../src/plan/catalog.js';
import { abxCatalog } from './abx-catalog.js';
import { bindQuery } from '../../src/plan/bind-query.js';
import type { QueryPlan } from '../../src/plan/logical-plan.js';
import { parseSql } from '../../src/sql/parse-sql.js';

function catalog(): Catalog {
  return abxCatalog('t');
}

function bind(sql: string, forView = false): QueryPlan {
  const [stmt] = parseSql(sql);
  if (stmt?.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return bindQuery(stmt.query, { catalog: catalog(), params: [], forView });
}

function bindError(sql: string): EngineError {
  try {
    bind(sql);
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error(`expected an error: ${sql}`);
}

describe('SELECT DISTINCT in the binder', () => {
  it('groups on every select-list column, with no aggregate calls, above the Project', () => {
    const plan = bind('SELECT DISTINCT a, b || \'!\' AS c FROM t WHERE x > 0');
    const root = plan.root;
    expect(root.kind).toBe('aggregate');
    if (root.kind !== 'aggregate') return;
    expect(root.distinct).toBe(true);
    expect(root.aggregates).toEqual([]);
    expect(root.groupBy).toEqual([
      { kind: 'column', index: 0, type: 'integer' },
      { kind: 'column', index: 1, type: 'text' },
    ]);
    expect(root.groupLabels).toEqual(['a', 'c']);
    expect(root.columns).toEqual([
      { name: 'a', type: 'integer' },
      { name: 'c', type: 'text' },
    ]);
    expect(root.input.kind).toBe('project');
    expect(root.input.kind === 'project' && root.input.input.kind).toBe('filter');
    expect(plan.visibleColumns).toBe(2);
  });

  it('applies after GROUP BY, HAVING and the select list', () => {
    const root = bind('SELECT DISTINCT count(*) AS n FROM t GROUP BY a HAVING count(*) > 1').root;
    expect(root.kind).toBe('aggregate');
    if (root.kind !== 'aggregate') return;
    expect(root.distinct).toBe(true);
    expect(root.groupBy).toHaveLength(1);
    const project = root.input;
    expect(project.kind).toBe('project');
    if (project.kind !== 'project') return;
    expect(project.input.kind).toBe('filter'); // HAVING
    const grouping = project.input.kind === 'filter' ? project.input.input : null;
    expect(grouping?.kind).toBe('aggregate');
    expect(grouping?.kind === 'aggregate' && grouping.distinct).toBeFalsy();
  });

  it('expands * into the distinct key', () => {
    const root = bind('SELECT DISTINCT * FROM t').root;
    expect(root.kind === 'aggregate' && root.groupLabels).toEqual(['a', 'b', 'x']);
  });

  it('SELECT ALL and plain SELECT add no grouping', () => {
    expect(bind('SELECT ALL a FROM t').root.kind).toBe('project');
    expect(bind('SELECT a FROM t').root.kind).toBe('project');
  });

  it('accepts ORDER BY by position, output name, input name of an output column, or equal expression', () => {
    for (const sql of [
      'SELECT DISTINCT a, b FROM t ORDER BY 2 DESC',
      'SELECT DISTINCT a AS k FROM t ORDER BY k',
      'SELECT DISTINCT a AS k FROM t ORDER BY a',
      'SELECT DISTINCT a FROM t ORDER BY t.a',
      'SELECT DISTINCT a + 1 FROM t ORDER BY a + 1',
      'SELECT DISTINCT count(*) FROM t GROUP BY a ORDER BY count(*)',
    ]) {
      const plan = bind(sql);
      // No hidden sort column: the distinct key is exactly the visible result.
      expect(plan.root.columns.length, sql).toBe(plan.visibleColumns);
      expect(plan.orderBy, sql).toHaveLength(1);
    }
  });

  it('rejects ORDER BY expressions outside the select list with 42P10 at the expression', () => {
    const cases: [string, number][] = [
      ['SELECT DISTINCT b FROM t ORDER BY a', 35],
      ['SELECT DISTINCT a AS k FROM t ORDER BY a + 1', 40],
      ['SELECT DISTINCT count(*) FROM t GROUP BY a ORDER BY a', 53],
      ['SELECT DISTINCT b FROM t ORDER BY b, x DESC', 38],
    ];
    for (const [sql, column] of cases) {
      const e = bindError(sql);
      expect(e.code, sql).toBe('42P10');
      expect(e.message, sql).toContain('for SELECT DISTINCT, ORDER BY expressions must appear in select list');
      expect(e.position?.column, sql).toBe(column);
    }
  });

  it('binds the same ORDER BY for a view (the order is dropped there, the check is not)', () => {
    const e = (() => {
      try {
        bind('SELECT DISTINCT b FROM t ORDER BY a', true);
      } catch (err) {
        return err as EngineError;
      }
      return null;
    })();
    expect(e?.code).toBe('42P10');
    expect(bind('SELECT DISTINCT b FROM t ORDER BY b', true).orderBy).toEqual([]);
  });

  it('binds DISTINCT ON as a top-1 per group, and rejects it when it does not lead ORDER BY (42P10)', () => {
    const plan = bind('SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC', true).root;
    expect(plan.kind).toBe('topN');
    if (plan.kind !== 'topN') return;
    expect(plan.partitionBy).toEqual([0]);
    expect(plan.limit).toBe(1);
    expect(plan.sortKeys.map((k) => [k.column, k.descending])).toEqual([[0, false], [1, true]]);
    const e = bindError('SELECT DISTINCT ON (a) a, b FROM t ORDER BY b');
    expect(e.code).toBe('42P10');
  });
});
