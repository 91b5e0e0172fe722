import { describe, expect, it } from 'vitest';
import { parseSql } from '../../src/sql/parse-sql.js';
import { col, expr, noPos, one } from './sql-test-helpers.js';

describe('identifiers', () => {
  it('unquoted names are lower-cased, quoted ones keep case and unescape ""', () => {
    expect(expr('MyCol')).toEqual(col('mycol'));
    expect(expr('"MyCol"')).toEqual(col('MyCol'));
    expect(expr('"a""b"')).toEqual(col('a"b'));
    expect(expr('"select"')).toEqual(col('select'));
  });

  it('non-reserved keywords work as column and table names', () => {
    const words = ['date', 'timestamp', 'time', 'interval', 'text', 'name', 'key', 'value', 'year', 'month', 'day', 'hour',
      'minute', 'second', 'tables', 'views', 'view', 'first', 'last', 'replace', 'filter', 'over', 'position', 'extract',
      'substring', 'trim', 'values', 'set', 'show', 'drop', 'delete', 'insert', 'update', 'materialized', 'if', 'rows', 'range',
      'nulls', 'current', 'by', 'ts', 'amount', 'id', 'k', 'v', 'x', 'y'];
    for (const w of words) {
      const sql = `SELECT ${w}, t.${w} FROM ${w} t WHERE ${w} = 1 ORDER BY ${w}`;
      const s = one(sql);
      if (s.kind !== 'query' || s.query.kind !== 'select') throw new Error(sql);
      expect(noPos(s.query.items), sql).toEqual([
        { kind: 'exprItem', expr: col(w), alias: null },
        { kind: 'exprItem', expr: col(w, 't'), alias: null },
      ]);
      expect(noPos(s.query.from), sql).toEqual([{ kind: 'tableRef', name: w, alias: 't' }]);
    }
  });

  it('non-reserved keywords work as aliases, column definitions and in DDL', () => {
    const s = one('CREATE TABLE tables (date date, key text, value int, name varchar, last timestamp)');
    expect(s.kind === 'createTable' && s.columns.map((c) => [c.name, c.type.name])).toEqual([
      ['date', 'date'], ['key', 'text'], ['value', 'int'], ['name', 'varchar'], ['last', 'timestamp'],
    ]);
    const q = one('SELECT a AS date, b value FROM t');
    expect(q.kind === 'query' && q.query.kind === 'select' && q.query.items.map((i) => i.kind === 'exprItem' && i.alias)).toEqual(['date', 'value']);
    expect(noPos(one('update views set set = 1'))).toMatchObject({ table: 'views', assignments: [{ column: 'set' }] });
    expect(noPos(one('insert into values (values) values (1)'))).toMatchObject({ table: 'values', columns: ['values'] });
    expect(noPos(one('drop table if'))).toMatchObject({ names: ['if'], ifExists: false });
    expect(noPos(one('create table if (a int)'))).toMatchObject({ name: 'if', ifNotExists: false });
  });

  it('reserved words need quotes', () => {
    expect(() => parseSql('SELECT select FROM t')).toThrow(/syntax error at or near "select"/);
    expect(() => parseSql('CREATE TABLE t (from int)')).toThrow(/syntax error at or near "from"/);
    expect(() => parseSql('SELECT * FROM left')).toThrow(/syntax error/);
  });

  it('keywords are case-insensitive', () => {
    expect(noPos(one('sElEcT a FrOm t'))).toEqual(noPos(one('SELECT a FROM t')) && noPos(one('sElEcT a FrOm t')));
    const s = one('SeLeCt A fRoM T');
    expect(s.kind === 'query' && s.query.kind === 'select' && s.query.from[0]).toMatchObject({ name: 't' });
  });
});
