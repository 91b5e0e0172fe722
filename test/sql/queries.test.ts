import { describe, expect, it } from 'vitest';
import type { Query } from '../../src/sql/ast.js';
import { bin, col, fn, noPos, num, query } from './sql-test-helpers.js';

const tail = { with: [], withRecursive: false, orderBy: [], limit: null, offset: null };
const sel = (items: unknown[], rest: Record<string, unknown> = {}) => ({
  kind: 'select', distinct: false, items, from: [], where: null, groupBy: [], having: null, ...tail, ...rest,
});
const item = (e: unknown, alias: string | null = null) => ({ kind: 'exprItem', expr: e, alias });
const table = (name: string, alias: string | null = null) => ({ kind: 'tableRef', name, alias });
const one = (n: string) => sel([item(num(n))]);
const setOp = (op: string, all: boolean, left: unknown, right: unknown, rest: Record<string, unknown> = {}) => ({
  kind: 'setOp', op, all, left, right, ...tail, ...rest,
});
const q = (sql: string): unknown => noPos(query(sql));

describe('SELECT clauses', () => {
  it('all clauses of one SELECT', () => {
    expect(q('SELECT DISTINCT a, sum(b) AS s, c d, * FROM t WHERE a > 1 GROUP BY a, c HAVING sum(b) > 2')).toEqual(
      sel(
        [item(col('a')), item(fn('sum', [col('b')]), 's'), item(col('c'), 'd'), { kind: 'star', table: null }],
        {
          distinct: true,
          from: [table('t')],
          where: bin('>', col('a'), num('1')),
          groupBy: [col('a'), col('c')],
          having: bin('>', fn('sum', [col('b')]), num('2')),
        },
      ),
    );
  });

  it('DISTINCT ON, ALL, t.*', () => {
    expect(q('SELECT DISTINCT ON (a, b) t.* FROM t')).toEqual(
      sel([{ kind: 'star', table: 't' }], { distinct: [col('a'), col('b')], from: [table('t')] }),
    );
    expect(q('SELECT ALL a FROM t')).toEqual(sel([item(col('a'))], { from: [table('t')] }));
  });

  it('ORDER BY, LIMIT, OFFSET in both orders, LIMIT ALL', () => {
    expect(q('SELECT a FROM t ORDER BY a DESC NULLS FIRST, b LIMIT 10 OFFSET 5 ROWS')).toEqual(
      sel([item(col('a'))], {
        from: [table('t')],
        orderBy: [
          { expr: col('a'), direction: 'desc', nulls: 'first' },
          { expr: col('b'), direction: 'asc', nulls: null },
        ],
        limit: num('10'),
        offset: num('5'),
      }),
    );
    expect(q('SELECT 1 OFFSET 2 LIMIT 3')).toEqual(sel([item(num('1'))], { limit: num('3'), offset: num('2') }));
    expect(q('SELECT 1 LIMIT ALL')).toEqual(one('1'));
  });
});

describe('set operations', () => {
  it('INTERSECT binds tighter than UNION and EXCEPT; all left-associative', () => {
    expect(q('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4')).toEqual(
      setOp('except', true, setOp('union', false, one('1'), setOp('intersect', false, one('2'), one('3'))), one('4')),
    );
    expect(q('SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3')).toEqual(
      setOp('union', false, setOp('union', true, one('1'), one('2')), one('3')),
    );
  });

  it('parenthesized operands and a trailing ORDER BY / LIMIT on the whole', () => {
    expect(q('(SELECT 1 UNION SELECT 2) INTERSECT (SELECT 3 LIMIT 1) ORDER BY 1 LIMIT 5')).toEqual(
      setOp(
        'intersect',
        false,
        setOp('union', false, one('1'), one('2')),
        sel([item(num('3'))], { limit: num('1') }),
        { orderBy: [{ expr: num('1'), direction: 'asc', nulls: null }], limit: num('5') },
      ),
    );
  });

  it('a parenthesized query takes an outer tail, but not twice', () => {
    expect(q('(SELECT 1) LIMIT 2')).toEqual(sel([item(num('1'))], { limit: num('2') }));
    expect(() => query('(SELECT 1 LIMIT 1) LIMIT 2')).toThrow(/multiple LIMIT clauses not allowed/);
    expect(() => query('(SELECT 1 ORDER BY 1) ORDER BY 1')).toThrow(/multiple ORDER BY clauses not allowed/);
  });
});

describe('WITH', () => {
  it('CTEs with column lists and RECURSIVE', () => {
    const result = query('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3), s AS (SELECT 2) SELECT n FROM r');
    expect(result.withRecursive).toBe(true);
    expect(noPos(result.with)).toEqual([
      {
        name: 'r',
        columns: ['n'],
        query: setOp('union', true, one('1'), sel([item(bin('+', col('n'), num('1')))], { from: [table('r')], where: bin('<', col('n'), num('3')) })),
      },
      { name: 's', columns: null, query: one('2') },
    ]);
    expect(result.pos).toEqual({ offset: 1, line: 1, column: 1 });
  });

  it('WITH on a set operation attaches to the whole', () => {
    const result = query('WITH c AS (SELECT 1) SELECT * FROM c UNION SELECT 2');
    expect(result.kind).toBe('setOp');
    expect(result.with.map((c) => c.name)).toEqual(['c']);
  });
});

describe('FROM items and joins', () => {
  const from = (sql: string): unknown => (noPos(query(`SELECT * FROM ${sql}`)) as { from: unknown }).from;
  const join = (joinType: string, left: unknown, right: unknown, rest: Record<string, unknown> = {}) => ({
    kind: 'joinRef', joinType, natural: false, left, right, on: null, using: null, ...rest,
  });

  it('aliases, comma lists', () => {
    expect(from('a, b AS x, c y')).toEqual([table('a'), table('b', 'x'), table('c', 'y')]);
  });

  it('every join type, left-associative', () => {
    expect(from('a JOIN b ON a.k = b.k LEFT JOIN c USING (k, j) RIGHT OUTER JOIN d ON true FULL JOIN e ON false CROSS JOIN f INNER JOIN g ON 1 = 1')).toEqual([
      join(
        'inner',
        join(
          'cross',
          join(
            'full',
            join(
              'right',
              join('left', join('inner', table('a'), table('b'), { on: bin('=', col('k', 'a'), col('k', 'b')) }), table('c'), { using: ['k', 'j'] }),
              table('d'),
              { on: { kind: 'boolean', value: true } },
            ),
            table('e'),
            { on: { kind: 'boolean', value: false } },
          ),
          table('f'),
        ),
        table('g'),
        { on: bin('=', num('1'), num('1')) },
      ),
    ]);
  });

  it('NATURAL joins', () => {
    expect(from('a NATURAL JOIN b NATURAL LEFT OUTER JOIN c')).toEqual([
      join('left', join('inner', table('a'), table('b'), { natural: true }), table('c'), { natural: true }),
    ]);
  });

  it('subqueries, table functions, parenthesized joins', () => {
    expect(from('(SELECT 1) AS s (x), generate_series(1, 3) g, (a JOIN b USING (k))')).toEqual([
      { kind: 'subqueryRef', query: one('1'), alias: 's', columnAliases: ['x'] },
      { kind: 'tableFunctionRef', name: 'generate_series', args: [num('1'), num('3')], alias: 'g' },
      join('inner', table('a'), table('b'), { using: ['k'] }),
    ]);
    expect(from('(SELECT 1) s')).toEqual([{ kind: 'subqueryRef', query: one('1'), alias: 's', columnAliases: null }]);
  });

  it('a join needs a condition, a cross join must not have one', () => {
    expect(() => query('SELECT * FROM a JOIN b')).toThrow(/syntax error at end of input/);
    expect(() => query('SELECT * FROM a CROSS JOIN b ON true')).toThrow(/syntax error at or near "ON"/);
  });
});

it('query nodes are the kinds the AST promises', () => {
  const q1: Query = query('SELECT 1');
  expect(q1.kind).toBe('select');
});
