import { describe, expect, it } from 'vitest';
import { parseSql } from '../../src/sql/parse-sql.js';
import { bin, col, noPos, num, one, str, type } from './sql-test-helpers.js';

describe('CREATE TABLE', () => {
  it('columns, constraints and a table-level key', () => {
    const sql = 'CREATE TABLE IF NOT EXISTS Orders (id BIGINT NOT NULL, amount double precision NULL, "Name" varchar(20) PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE, PRIMARY KEY (id, "Name"))';
    expect(noPos(one(sql))).toEqual({
      kind: 'createTable',
      text: sql,
      name: 'orders',
      ifNotExists: true,
      columns: [
        { name: 'id', type: type('bigint'), notNull: true, primaryKey: false },
        { name: 'amount', type: type('double precision'), notNull: false, primaryKey: false },
        { name: 'Name', type: type('varchar', [20]), notNull: false, primaryKey: true },
        { name: 'ts', type: type('timestamp with time zone'), notNull: false, primaryKey: false },
      ],
      primaryKey: ['id', 'Name'],
    });
  });

  it('without IF NOT EXISTS or key', () => {
    const s = one('create table t (a int)');
    expect(s.kind === 'createTable' && s.ifNotExists).toBe(false);
    expect(s.kind === 'createTable' && s.primaryKey).toBe(null);
  });

  it('rejects two table-level keys and conflicting nullability', () => {
    expect(() => parseSql('create table t (a int, primary key (a), primary key (a))')).toThrow(/multiple primary keys for table "t"/);
    expect(() => parseSql('create table t (a int not null null)')).toThrow(/conflicting NULL\/NOT NULL declarations for column "a"/);
  });
});

describe('CREATE VIEW', () => {
  it('materialized, with queryText', () => {
    const sql = 'CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT k, count(*) AS n FROM t GROUP BY k';
    const s = one(sql);
    if (s.kind !== 'createView') throw new Error(s.kind);
    expect(s.materialized).toBe(true);
    expect(s.orReplace).toBe(false);
    expect(s.ifNotExists).toBe(true);
    expect(s.name).toBe('v');
    expect(s.text).toBe(sql);
    expect(s.queryText).toBe('SELECT k, count(*) AS n FROM t GROUP BY k');
    expect(s.query.kind).toBe('select');
  });

  it('plain and OR REPLACE', () => {
    const s = one('create or replace view v as (select 1)  ;');
    if (s.kind !== 'createView') throw new Error(s.kind);
    expect([s.materialized, s.orReplace, s.ifNotExists]).toEqual([false, true, false]);
    expect(s.queryText).toBe('(select 1)');
    expect(s.text).toBe('create or replace view v as (select 1)');
  });
});

describe('INSERT', () => {
  it('VALUES with columns', () => {
    expect(noPos(one("INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL)"))).toEqual({
      kind: 'insert',
      text: "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL)",
      table: 't',
      columns: ['a', 'b'],
      source: { kind: 'values', rows: [[num('1'), str('x')], [{ kind: 'unary', op: '-', operand: num('2') }, { kind: 'null' }]] },
    });
  });

  it('from a query, with and without a column list', () => {
    const a = one('insert into t select * from u');
    expect(a.kind === 'insert' && a.columns).toBe(null);
    expect(a.kind === 'insert' && a.source.kind).toBe('select');
    const b = one('insert into t (x) (select 1)');
    expect(b.kind === 'insert' && b.columns).toEqual(['x']);
    expect(b.kind === 'insert' && b.source.kind).toBe('select');
    const c = one('insert into t (select 1)');
    expect(c.kind === 'insert' && c.columns).toBe(null);
  });
});

describe('DELETE and UPDATE', () => {
  it('DELETE with and without WHERE', () => {
    expect(noPos(one('DELETE FROM t WHERE a = 1'))).toEqual({ kind: 'delete', text: 'DELETE FROM t WHERE a = 1', table: 't', where: bin('=', col('a'), num('1')) });
    expect(noPos(one('delete from t'))).toEqual({ kind: 'delete', text: 'delete from t', table: 't', where: null });
  });

  it('UPDATE with several assignments', () => {
    expect(noPos(one('UPDATE t SET a = a + 1, b = $1 WHERE id = 7'))).toEqual({
      kind: 'update',
      text: 'UPDATE t SET a = a + 1, b = $1 WHERE id = 7',
      table: 't',
      assignments: [
        { column: 'a', value: bin('+', col('a'), num('1')) },
        { column: 'b', value: { kind: 'param', index: 1 } },
      ],
      where: bin('=', col('id'), num('7')),
    });
  });
});

describe('DROP, SHOW, EXPLAIN', () => {
  it('DROP variants', () => {
    expect(noPos(one('DROP TABLE IF EXISTS a, b CASCADE'))).toEqual({
      kind: 'drop', text: 'DROP TABLE IF EXISTS a, b CASCADE', objectKind: 'table', materialized: false, names: ['a', 'b'], ifExists: true, cascade: true,
    });
    expect(noPos(one('drop view v restrict'))).toEqual({
      kind: 'drop', text: 'drop view v restrict', objectKind: 'view', materialized: false, names: ['v'], ifExists: false, cascade: false,
    });
    expect(noPos(one('drop materialized view v'))).toEqual({
      kind: 'drop', text: 'drop materialized view v', objectKind: 'view', materialized: true, names: ['v'], ifExists: false, cascade: false,
    });
  });

  it('SHOW', () => {
    expect(noPos(one('SHOW TABLES'))).toEqual({ kind: 'show', text: 'SHOW TABLES', what: 'tables' });
    expect(noPos(one('show views'))).toEqual({ kind: 'show', text: 'show views', what: 'views' });
    expect(noPos(one('show materialized views'))).toEqual({ kind: 'show', text: 'show materialized views', what: 'views' });
  });

  it('EXPLAIN targets', () => {
    const q = one('EXPLAIN SELECT 1');
    expect(q.kind === 'explain' && q.target.kind).toBe('select');
    const v = one('EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT a FROM t');
    if (v.kind !== 'explain' || v.target.kind !== 'createView') throw new Error('not explain create view');
    expect(v.target.text).toBe('CREATE MATERIALIZED VIEW v AS SELECT a FROM t');
    expect(v.target.queryText).toBe('SELECT a FROM t');
    expect(v.target.pos).toEqual({ offset: 9, line: 1, column: 9 });
    expect(one('explain materialized view v')).toEqual({
      kind: 'explain', text: 'explain materialized view v', pos: { offset: 1, line: 1, column: 1 },
      target: { kind: 'viewName', name: 'v', pos: { offset: 9, line: 1, column: 9 } },
    });
    expect(noPos(one('explain view "V"'))).toEqual({ kind: 'explain', text: 'explain view "V"', target: { kind: 'viewName', name: 'V' } });
  });

  it('EXPLAIN with a bare view name', () => {
    expect(one('EXPLAIN totals')).toEqual({
      kind: 'explain', text: 'EXPLAIN totals', pos: { offset: 1, line: 1, column: 1 },
      target: { kind: 'viewName', name: 'totals', pos: { offset: 9, line: 1, column: 9 } },
    });
    expect(noPos(one('explain "Totals" ;'))).toEqual({ kind: 'explain', text: 'explain "Totals"', target: { kind: 'viewName', name: 'Totals' } });
    // Non-reserved words are names too; VIEW and MATERIALIZED are keywords only when more follows.
    for (const name of ['date', 'view', 'materialized', 'tables']) {
      expect(noPos(one(`explain ${name}`))).toEqual({ kind: 'explain', text: `explain ${name}`, target: { kind: 'viewName', name } });
    }
    expect(noPos(one('explain view view'))).toEqual({ kind: 'explain', text: 'explain view view', target: { kind: 'viewName', name: 'view' } });
    const q = one('EXPLAIN (SELECT 1)');
    expect(q.kind === 'explain' && q.target.kind).toBe('select');
    expect(() => parseSql('EXPLAIN v w')).toThrow('syntax error at or near "w" (line 1, column 11)');
    expect(() => parseSql('EXPLAIN materialized v')).toThrow('syntax error at or near "v" (line 1, column 22): expected one of VIEW');
  });
});

describe('scripts', () => {
  it('splits statements and slices their text', () => {
    const sql = '  -- setup\n  CREATE TABLE t (a int);\n\n;INSERT INTO t VALUES (1) ; SELECT a FROM t /* done */ ;;';
    const statements = parseSql(sql);
    expect(statements.map((s) => s.kind)).toEqual(['createTable', 'insert', 'query']);
    expect(statements.map((s) => s.text)).toEqual(['CREATE TABLE t (a int)', 'INSERT INTO t VALUES (1)', 'SELECT a FROM t']);
    expect(statements[0]!.pos).toEqual({ offset: 14, line: 2, column: 3 });
    expect(statements[1]!.pos).toEqual({ offset: 40, line: 4, column: 2 });
  });

  it('empty input, comments only, and lone semicolons give no statements', () => {
    expect(parseSql('')).toEqual([]);
    expect(parseSql('  -- nothing\n /* at /* all */ */ ')).toEqual([]);
    expect(parseSql(';;;')).toEqual([]);
  });

  it('statements must be separated by ;', () => {
    expect(() => parseSql('SELECT 1 SELECT 2')).toThrow(/syntax error at or near "SELECT"/);
  });
});
