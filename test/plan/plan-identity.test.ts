// Plan identity (plan/plan-identity.ts), which decides whether CREATE OR
// REPLACE may keep a view's state: equal for the same computation spelled
// differently or with other output names, different whenever the rows could
// differ — an expression, a constant (the sign of zero included), a filter,
// an aggregate's FILTER or DISTINCT, a limit, an input.

import { describe, expect, it } from 'vitest';
import { abxCatalog } from './abx-catalog.js';
import { bindQuery } from '../../src/plan/bind-query.js';
import { planIdentity } from '../../src/plan/plan-identity.js';
import { parseSql } from '../../src/sql/parse-sql.js';

function identity(sql: string, params: readonly unknown[] = []): string {
  const [stmt] = parseSql(sql);
  if (stmt?.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return planIdentity(bindQuery(stmt.query, { catalog: abxCatalog('t', 'u'), params, forView: true }));
}

describe('plan identity', () => {
  it('is the same for the same computation spelled differently or naming its columns otherwise', () => {
    const base = identity('SELECT b, count(*) AS n, sum(x) AS s FROM t WHERE a > 1 GROUP BY b');
    expect(identity('select  B , COUNT(*) n, SUM(x) total from T where A > 1 group by B')).toBe(base);
    expect(identity('SELECT b AS key, count(*) AS cnt, sum(x) AS s FROM t WHERE a > 1 GROUP BY b')).toBe(base);
  });

  it('differs whenever the rows could', () => {
    const base = identity('SELECT b, count(*) AS n FROM t WHERE a > 1 GROUP BY b');
    const others = [
      'SELECT b, count(*) AS n FROM t WHERE a > 2 GROUP BY b',
      'SELECT b, count(*) AS n FROM t WHERE a >= 1 GROUP BY b',
      'SELECT b, count(*) AS n FROM u WHERE a > 1 GROUP BY b',
      'SELECT b, count(a) AS n FROM t WHERE a > 1 GROUP BY b',
      'SELECT b, count(DISTINCT a) AS n FROM t WHERE a > 1 GROUP BY b',
      'SELECT b, count(*) FILTER (WHERE x > 0) AS n FROM t WHERE a > 1 GROUP BY b',
      'SELECT b, count(*) AS n FROM t WHERE a > 1 GROUP BY b HAVING count(*) > 1',
      'SELECT b, count(*) AS n FROM t WHERE a > 1 GROUP BY b ORDER BY n DESC LIMIT 3',
      'SELECT upper(b), count(*) AS n FROM t WHERE a > 1 GROUP BY upper(b)',
    ];
    for (const sql of others) expect(identity(sql), sql).not.toBe(base);
  });

  it('tells constants apart, -0 from 0 too', () => {
    const times = (v: number): string => identity('SELECT a, CAST(x * $1 AS TEXT) AS s FROM t', [v]);
    expect(times(-0)).not.toBe(times(0));
    expect(times(Number.NaN)).not.toBe(times(Number.POSITIVE_INFINITY));
    expect(times(2)).toBe(times(2));
  });
});
