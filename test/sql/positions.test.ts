import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/sql/ast.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import { query } from './sql-test-helpers.js';

const at = (offset: number, line: number, column: number) => ({ offset, line, column });

describe('positions', () => {
  it('every expression node starts at its first token', () => {
    //          1234567890123456789012345678901234
    const q = query('SELECT (a + b) * -c, f(x)::int FROM t');
    if (q.kind !== 'select') throw new Error(q.kind);
    const [first, second] = q.items;
    if (first?.kind !== 'exprItem' || second?.kind !== 'exprItem') throw new Error('items');
    const mul = first.expr as Extract<Expr, { kind: 'binary' }>;
    expect(mul.pos).toEqual(at(8, 1, 8)); // the '(' of (a + b)
    expect(mul.left.pos).toEqual(at(9, 1, 9)); // a + b starts at a
    expect(mul.right.pos).toEqual(at(18, 1, 18)); // unary minus
    expect(first.pos).toEqual(at(8, 1, 8));
    const cast = second.expr as Extract<Expr, { kind: 'cast' }>;
    expect(cast.pos).toEqual(at(22, 1, 22));
    expect(cast.type.pos).toEqual(at(28, 1, 28));
    expect(q.from[0]!.pos).toEqual(at(37, 1, 37));
    expect(q.pos).toEqual(at(1, 1, 1));
  });

  it('lines and columns count from 1 across line breaks (\\n, \\r\\n)', () => {
    const [s] = parseSql('SELECT\r\n  a,\n\tb\nFROM t');
    if (s?.kind !== 'query' || s.query.kind !== 'select') throw new Error('query');
    expect(s.query.items.map((i) => i.pos)).toEqual([at(11, 2, 3), at(15, 3, 2)]);
    expect(s.query.from[0]!.pos).toEqual(at(22, 4, 6));
  });

  it('statement text and position in a multi-statement request', () => {
    const statements = parseSql('SELECT 1;\nSELECT\n 2 ;');
    expect(statements.map((s) => [s.text, s.pos])).toEqual([
      ['SELECT 1', at(1, 1, 1)],
      ['SELECT\n 2', at(11, 2, 1)],
    ]);
  });

  it('join, subquery and set operation nodes', () => {
    const q = query('(SELECT 1) UNION SELECT * FROM (SELECT 2) s JOIN t ON true');
    expect(q.pos).toEqual(at(1, 1, 1));
    if (q.kind !== 'setOp' || q.right.kind !== 'select') throw new Error('shape');
    expect(q.left.pos).toEqual(at(2, 1, 2));
    const join = q.right.from[0]!;
    expect(join.kind).toBe('joinRef');
    expect(join.pos).toEqual(at(32, 1, 32));
  });
});

describe('positions of single-token operands', () => {
  it('VALUES rows, parameters and columns', () => {
    //                       123456789012345678901234567890123
    const [s] = parseSql("INSERT INTO t VALUES (1, -2), ('x', $1, b)");
    if (s?.kind !== 'insert' || s.source.kind !== 'values') throw new Error('insert');
    const rows = s.source.rows;
    expect(rows.map((row) => row.map((e) => e.pos))).toEqual([
      [at(23, 1, 23), at(26, 1, 26)],
      [at(32, 1, 32), at(37, 1, 37), at(41, 1, 41)],
    ]);
    const neg = rows[0]![1] as Extract<Expr, { kind: 'unary' }>;
    expect(neg.operand.pos).toEqual(at(27, 1, 27));
  });
});
