import { describe, expect, it } from 'vitest';
import { parseSql } from '../../src/sql/parse-sql.js';
import { bin, col, expr, fn, num, str, type, un } from './sql-test-helpers.js';

describe('operator precedence', () => {
  it('OR < AND < NOT < comparison < + < *', () => {
    expect(expr('a OR b AND NOT c = 1 + 2 * 3')).toEqual(
      bin('or', col('a'), bin('and', col('b'), un('not', bin('=', col('c'), bin('+', num('1'), bin('*', num('2'), num('3'))))))),
    );
  });

  it('binary operators are left-associative', () => {
    expect(expr('a - b - c')).toEqual(bin('-', bin('-', col('a'), col('b')), col('c')));
    expect(expr('a / b * c % d')).toEqual(bin('%', bin('*', bin('/', col('a'), col('b')), col('c')), col('d')));
    expect(expr("a || 'x' || b")).toEqual(bin('||', bin('||', col('a'), str('x')), col('b')));
  });

  it('|| binds looser than + and tighter than comparison', () => {
    expect(expr("a + 1 || 'x' = b")).toEqual(bin('=', bin('||', bin('+', col('a'), num('1')), str('x')), col('b')));
  });

  it('unary minus binds tighter than *, :: tighter than unary minus', () => {
    expect(expr('-a * b')).toEqual(bin('*', un('-', col('a')), col('b')));
    expect(expr('-x::int')).toEqual(un('-', { kind: 'cast', operand: col('x'), type: type('int') }));
    expect(expr('+ - 1')).toEqual(un('+', un('-', num('1'))));
  });

  it('IS binds looser than comparison', () => {
    expect(expr('a = b IS NULL')).toEqual({ kind: 'isNull', operand: bin('=', col('a'), col('b')), negated: false });
    expect(expr('NOT a IS NOT TRUE')).toEqual(
      un('not', { kind: 'isBool', operand: col('a'), value: true, negated: true }),
    );
  });

  it('BETWEEN / IN / LIKE bind tighter than comparison', () => {
    expect(expr('a LIKE b = c')).toEqual(
      bin('=', { kind: 'like', operand: col('a'), pattern: col('b'), escape: null, negated: false, caseInsensitive: false }, col('c')),
    );
  });

  it('BETWEEN ... AND does not swallow a following AND', () => {
    expect(expr('a BETWEEN 1 AND 2 AND b')).toEqual(
      bin('and', { kind: 'between', operand: col('a'), low: num('1'), high: num('2'), negated: false, symmetric: false }, col('b')),
    );
  });

  it('parentheses override precedence', () => {
    expect(expr('(a + b) * c')).toEqual(bin('*', bin('+', col('a'), col('b')), col('c')));
    expect(expr('(a OR b) AND c')).toEqual(bin('and', bin('or', col('a'), col('b')), col('c')));
  });

  it('!= is normalized to <>', () => {
    expect(expr('a != b')).toEqual(bin('<>', col('a'), col('b')));
    expect(expr('a <> b')).toEqual(bin('<>', col('a'), col('b')));
    for (const op of ['<', '<=', '>', '>=', '=']) expect(expr(`a ${op} b`)).toEqual(bin(op, col('a'), col('b')));
  });
});

describe('predicates', () => {
  it('IS forms', () => {
    expect(expr('a IS NULL')).toEqual({ kind: 'isNull', operand: col('a'), negated: false });
    expect(expr('a IS NOT NULL')).toEqual({ kind: 'isNull', operand: col('a'), negated: true });
    expect(expr('a ISNULL')).toEqual({ kind: 'isNull', operand: col('a'), negated: false });
    expect(expr('a NOTNULL')).toEqual({ kind: 'isNull', operand: col('a'), negated: true });
    expect(expr('a IS FALSE')).toEqual({ kind: 'isBool', operand: col('a'), value: false, negated: false });
    expect(expr('a IS NOT UNKNOWN')).toEqual({ kind: 'isBool', operand: col('a'), value: null, negated: true });
    expect(expr('a IS DISTINCT FROM b')).toEqual({ kind: 'isDistinct', left: col('a'), right: col('b'), negated: false });
    expect(expr('a IS NOT DISTINCT FROM b + 1')).toEqual({
      kind: 'isDistinct',
      left: col('a'),
      right: bin('+', col('b'), num('1')),
      negated: true,
    });
  });

  it('BETWEEN forms', () => {
    expect(expr('a NOT BETWEEN SYMMETRIC 1 AND 2')).toEqual({
      kind: 'between', operand: col('a'), low: num('1'), high: num('2'), negated: true, symmetric: true,
    });
  });

  it('IN list and IN subquery', () => {
    expect(expr('a IN (1, 2)')).toEqual({ kind: 'inList', operand: col('a'), list: [num('1'), num('2')], negated: false });
    const sub = expr('a NOT IN (SELECT b FROM t)') as { kind: string; negated: boolean; query: { kind: string } };
    expect(sub.kind).toBe('inSubquery');
    expect(sub.negated).toBe(true);
    expect(sub.query.kind).toBe('select');
  });

  it('LIKE / ILIKE with ESCAPE', () => {
    expect(expr("a NOT ILIKE 'x%' ESCAPE '!'")).toEqual({
      kind: 'like', operand: col('a'), pattern: str('x%'), escape: str('!'), negated: true, caseInsensitive: true,
    });
  });

  it('EXISTS and NOT EXISTS', () => {
    const e = expr('EXISTS (SELECT 1)') as { kind: string };
    expect(e.kind).toBe('exists');
    const ne = expr('NOT EXISTS (SELECT 1)') as { kind: string; op: string; operand: { kind: string } };
    expect(ne.kind).toBe('unary');
    expect(ne.op).toBe('not');
    expect(ne.operand.kind).toBe('exists');
  });

  it('comparisons do not chain', () => {
    expect(() => expr('a = b = c')).toThrow(/syntax error at or near "="/);
  });
});

describe('literals and primaries', () => {
  it('numbers keep their text', () => {
    for (const text of ['0', '42', '3.14', '.5', '1.', '1e10', '2.5E-3']) expect(expr(text)).toEqual(num(text));
  });

  it('strings unescape doubled quotes', () => {
    expect(expr("'it''s'")).toEqual(str("it's"));
    expect(expr("''")).toEqual(str(''));
    expect(expr("'line\nbreak'")).toEqual(str('line\nbreak'));
  });

  it('booleans, null, parameters', () => {
    expect(expr('TRUE')).toEqual({ kind: 'boolean', value: true });
    expect(expr('false')).toEqual({ kind: 'boolean', value: false });
    expect(expr('NULL')).toEqual({ kind: 'null' });
    expect(expr('$1 + $12')).toEqual(bin('+', { kind: 'param', index: 1 }, { kind: 'param', index: 12 }));
  });

  it('typed literals', () => {
    expect(expr("DATE '2024-01-01'")).toEqual({ kind: 'typedLiteral', type: type('date'), value: '2024-01-01' });
    expect(expr("timestamp '2024-01-01 10:00'")).toEqual({ kind: 'typedLiteral', type: type('timestamp'), value: '2024-01-01 10:00' });
    expect(expr("INTERVAL '5 minutes'")).toEqual({ kind: 'typedLiteral', type: type('interval'), value: '5 minutes' });
    expect(expr("TIMESTAMPTZ '2024-01-01'")).toEqual({ kind: 'typedLiteral', type: type('timestamptz'), value: '2024-01-01' });
  });

  it('column references', () => {
    expect(expr('t.a')).toEqual(col('a', 't'));
    expect(expr('"T"."A b"')).toEqual(col('A b', 'T'));
  });

  it('scalar subquery and nested parentheses', () => {
    const e = expr('(SELECT max(a) FROM t)') as { kind: string };
    expect(e.kind).toBe('scalarSubquery');
    expect(expr('((a))')).toEqual(col('a'));
  });
});

describe('casts', () => {
  it(':: chains and accepts multi-word types and modifiers', () => {
    expect(expr("'1'::int::text")).toEqual({
      kind: 'cast', operand: { kind: 'cast', operand: str('1'), type: type('int') }, type: type('text'),
    });
    expect(expr('x::double precision')).toEqual({ kind: 'cast', operand: col('x'), type: type('double precision') });
    expect(expr('x::numeric(10, 2)')).toEqual({ kind: 'cast', operand: col('x'), type: type('numeric', [10, 2]) });
    expect(expr('x::timestamp(3) WITH TIME ZONE')).toEqual({
      kind: 'cast', operand: col('x'), type: type('timestamp with time zone', [3]),
    });
    expect(expr('x::CHARACTER VARYING(20)')).toEqual({ kind: 'cast', operand: col('x'), type: type('character varying', [20]) });
  });

  it('CAST(x AS type)', () => {
    expect(expr('CAST(a + 1 AS bigint)')).toEqual({ kind: 'cast', operand: bin('+', col('a'), num('1')), type: type('bigint') });
  });

  it('a word after a one-word type is an alias, not part of the type', () => {
    const q = expr('x::int y');
    expect(q).toEqual({ kind: 'cast', operand: col('x'), type: type('int') });
  });
});

describe('function calls', () => {
  it('plain, star, distinct, no args', () => {
    expect(expr('lower(a)')).toEqual(fn('lower', [col('a')]));
    expect(expr('COUNT(*)')).toEqual(fn('count', [], { star: true }));
    expect(expr('count(DISTINCT a)')).toEqual(fn('count', [col('a')], { distinct: true }));
    expect(expr('sum(ALL a)')).toEqual(fn('sum', [col('a')]));
    expect(expr('now()')).toEqual(fn('now', []));
    expect(expr('coalesce(a, b, 0)')).toEqual(fn('coalesce', [col('a'), col('b'), num('0')]));
  });

  it('FILTER and OVER', () => {
    expect(expr('count(*) FILTER (WHERE a > 1)')).toEqual(fn('count', [], { star: true, filter: bin('>', col('a'), num('1')) }));
    expect(expr('sum(a) OVER (PARTITION BY k ORDER BY ts DESC NULLS LAST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)')).toEqual(
      fn('sum', [col('a')], {
        over: {
          partitionBy: [col('k')],
          orderBy: [{ expr: col('ts'), direction: 'desc', nulls: 'last' }],
          frameText: 'ROWS BETWEEN 1 PRECEDING AND CURRENT ROW',
        },
      }),
    );
    expect(expr('row_number() OVER ()')).toEqual(fn('row_number', [], { over: { partitionBy: [], orderBy: [], frameText: null } }));
    expect(expr('sum(a) over (order by b range unbounded preceding)')).toEqual(
      fn('sum', [col('a')], {
        over: { partitionBy: [], orderBy: [{ expr: col('b'), direction: 'asc', nulls: null }], frameText: 'range unbounded preceding' },
      }),
    );
  });

  it('left and right are function names although they are join words', () => {
    expect(expr("left(s, 2) || right(s, 1)")).toEqual(bin('||', fn('left', [col('s'), num('2')]), fn('right', [col('s'), num('1')])));
  });
});

describe('special forms', () => {
  it('CASE simple and searched', () => {
    expect(expr("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END")).toEqual({
      kind: 'case', operand: col('a'),
      whens: [{ when: num('1'), then: str('one') }, { when: num('2'), then: str('two') }],
      else: str('many'),
    });
    expect(expr('CASE WHEN a > 0 THEN 1 END')).toEqual({
      kind: 'case', operand: null, whens: [{ when: bin('>', col('a'), num('0')), then: num('1') }], else: null,
    });
  });

  it('EXTRACT', () => {
    expect(expr('EXTRACT(YEAR FROM ts)')).toEqual(fn('extract', [str('year'), col('ts')]));
    expect(expr("extract('Epoch' from ts)")).toEqual(fn('extract', [str('epoch'), col('ts')]));
  });

  it('SUBSTRING in both spellings', () => {
    expect(expr('SUBSTRING(s FROM 2 FOR 3)')).toEqual(fn('substring', [col('s'), num('2'), num('3')]));
    expect(expr('substring(s from 2)')).toEqual(fn('substring', [col('s'), num('2')]));
    expect(expr('substring(s, 2, 3)')).toEqual(fn('substring', [col('s'), num('2'), num('3')]));
  });

  it('POSITION', () => {
    expect(expr("POSITION('b' IN s)")).toEqual(fn('position', [str('b'), col('s')]));
  });

  it('TRIM variants', () => {
    expect(expr('trim(s)')).toEqual(fn('btrim', [col('s')]));
    expect(expr("TRIM(LEADING 'x' FROM s)")).toEqual(fn('ltrim', [col('s'), str('x')]));
    expect(expr('TRIM(TRAILING FROM s)')).toEqual(fn('rtrim', [col('s')]));
    expect(expr("TRIM(BOTH 'x' FROM s)")).toEqual(fn('btrim', [col('s'), str('x')]));
    expect(expr("trim('x' from s)")).toEqual(fn('btrim', [col('s'), str('x')]));
  });

  it('special-form words alone are plain columns', () => {
    expect(expr('extract + position')).toEqual(bin('+', col('extract'), col('position')));
    expect(expr('date')).toEqual(col('date'));
  });
});

describe('precedence climbing: levels, associativity and non-chaining', () => {
  it('NOT, AND, OR', () => {
    expect(expr('NOT a = b AND c')).toEqual(bin('and', un('not', bin('=', col('a'), col('b'))), col('c')));
    expect(expr('NOT NOT a')).toEqual(un('not', un('not', col('a'))));
    expect(expr('a OR b OR c')).toEqual(bin('or', bin('or', col('a'), col('b')), col('c')));
    expect(expr('a AND NOT b OR c')).toEqual(bin('or', bin('and', col('a'), un('not', col('b'))), col('c')));
  });

  it('IS tests repeat and bind looser than arithmetic', () => {
    expect(expr('a IS NULL IS NOT TRUE')).toEqual({
      kind: 'isBool', operand: { kind: 'isNull', operand: col('a'), negated: false }, value: true, negated: true,
    });
    expect(expr('a + b IS NULL')).toEqual({ kind: 'isNull', operand: bin('+', col('a'), col('b')), negated: false });
    expect(expr('a IS DISTINCT FROM b = c')).toEqual({
      kind: 'isDistinct', left: col('a'), right: bin('=', col('b'), col('c')), negated: false,
    });
  });

  it('predicate operands are at the || level', () => {
    expect(expr('a || b LIKE c || d')).toEqual({
      kind: 'like', operand: bin('||', col('a'), col('b')), pattern: bin('||', col('c'), col('d')),
      escape: null, negated: false, caseInsensitive: false,
    });
    expect(expr('a BETWEEN b + 1 AND c * 2 OR d')).toEqual(
      bin('or', {
        kind: 'between', operand: col('a'), low: bin('+', col('b'), num('1')), high: bin('*', col('c'), num('2')),
        negated: false, symmetric: false,
      }, col('d')),
    );
    expect(expr('a NOT BETWEEN 1 AND 2 = TRUE')).toEqual(
      bin('=', {
        kind: 'between', operand: col('a'), low: num('1'), high: num('2'), negated: true, symmetric: false,
      }, { kind: 'boolean', value: true }),
    );
    expect(expr('a IN (1, 2) = b')).toEqual(
      bin('=', { kind: 'inList', operand: col('a'), list: [num('1'), num('2')], negated: false }, col('b')),
    );
  });

  it('unary signs and casts', () => {
    expect(expr('1 - -1')).toEqual(bin('-', num('1'), un('-', num('1'))));
    expect(expr('-a::int * 2')).toEqual(bin('*', un('-', { kind: 'cast', operand: col('a'), type: type('int') }), num('2')));
    expect(expr('2 * 3 + 4 * 5 - 6 / 2')).toEqual(
      bin('-', bin('+', bin('*', num('2'), num('3')), bin('*', num('4'), num('5'))), bin('/', num('6'), num('2'))),
    );
  });

  it('rejects chained comparisons and predicates, and NOT inside a tighter operand', () => {
    const cases: [string, string][] = [
      ['a < b < c', 'syntax error at or near "<" (line 1, column 14)'],
      ['a LIKE b LIKE c', 'syntax error at or near "LIKE" (line 1, column 17)'],
      ['a IS NULL = b', 'syntax error at or near "=" (line 1, column 18)'],
      ['a = NOT b', 'syntax error at or near "NOT" (line 1, column 12): expected expression'],
      ['- NOT a', 'syntax error at or near "NOT" (line 1, column 10): expected expression'],
      ['a NOT b', 'syntax error at or near "NOT" (line 1, column 10)'],
    ];
    for (const [sql, message] of cases) expect(() => expr(sql), sql).toThrow(message);
  });

  it('never lists the offending token as expected', () => {
    // Statically `b = c` could be the LIKE pattern and ESCAPE follow it; by precedence it cannot.
    let message = '';
    try {
      parseSql("INSERT INTO t VALUES (a LIKE b = c ESCAPE 'x')");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`syntax error at or near "ESCAPE" (line 1, column 36): expected one of operator, ',', ')'`);
  });
});
