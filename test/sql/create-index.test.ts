// The grammar of indexes and UNIQUE constraints: CREATE [UNIQUE] INDEX with its
// PostgreSQL options, DROP INDEX, SHOW INDEXES, inline and table-level UNIQUE,
// and CONSTRAINT names. INDEX, UNIQUE, CONSTRAINT, CONCURRENTLY and INCLUDE are
// read as words, so they stay usable as names where PostgreSQL allows it.

import { describe, expect, it } from 'vitest';
import { parseSql } from '../../src/sql/parse-sql.js';
import { bin, col, noPos, num, one, type } from './sql-test-helpers.js';

describe('CREATE INDEX', () => {
  it('the sqllogictest shape: name, table, columns with a direction', () => {
    const sql = 'CREATE UNIQUE INDEX idx_tab2_0 ON tab2 (col3,col1 DESC)';
    expect(noPos(one(sql))).toEqual({
      kind: 'createIndex',
      text: sql,
      name: 'idx_tab2_0',
      table: 'tab2',
      unique: true,
      ifNotExists: false,
      concurrently: false,
      method: null,
      elements: [
        { expr: col('col3'), direction: 'asc', nulls: null },
        { expr: col('col1'), direction: 'desc', nulls: null },
      ],
      include: [],
      nullsNotDistinct: false,
      where: null,
    });
  });

  it('every option at once', () => {
    const s = noPos(one(
      'create unique index concurrently if not exists "I" on t using HASH ((a + 1) desc nulls first, lower(b) text_pattern_ops nulls last) include (c, d) nulls not distinct where a > 1',
    ));
    expect(s).toMatchObject({
      kind: 'createIndex',
      name: 'I',
      table: 't',
      unique: true,
      ifNotExists: true,
      concurrently: true,
      method: 'hash',
      include: ['c', 'd'],
      nullsNotDistinct: true,
      where: bin('>', col('a'), num('1')),
    });
    expect(s.kind === 'createIndex' && s.elements.map((e) => [e.expr.kind, e.direction, e.nulls])).toEqual([
      ['binary', 'desc', 'first'],
      ['call', 'asc', 'last'],
    ]);
  });

  it('the name is optional, and CONCURRENTLY alone is no name', () => {
    expect(one('create index on t (a)')).toMatchObject({ name: null, concurrently: false });
    expect(one('create index concurrently on t (a)')).toMatchObject({ name: null, concurrently: true });
    expect(one('create index concurrently i on t (a)')).toMatchObject({ name: 'i', concurrently: true });
    expect(one('create index nulls_first on t (a)')).toMatchObject({ name: 'nulls_first' });
  });

  it('index, unique and include remain names elsewhere', () => {
    const s = one('create table index (index int, include text)');
    expect(s.kind === 'createTable' && s.columns.map((c) => c.name)).toEqual(['index', 'include']);
    expect(one('select index from index').kind).toBe('query');
    expect(one('create index index on index (index)')).toMatchObject({ name: 'index', table: 'index' });
  });

  it('syntax errors: no column list, empty list, IF NOT EXISTS without a name', () => {
    expect(() => parseSql('create index i on t')).toThrow(/syntax error/);
    expect(() => parseSql('create index i on t ()')).toThrow(/syntax error/);
    expect(() => parseSql('create index if not exists on t (a)')).toThrow(/syntax error/);
  });

  it('COLLATE in an element is 0A000 naming it', () => {
    expect(() => parseSql('create index i on t (a collate "C")')).toThrow(/COLLATE is not supported/);
  });
});

describe('DROP INDEX and SHOW INDEXES', () => {
  it('DROP INDEX with its options', () => {
    expect(noPos(one('DROP INDEX CONCURRENTLY IF EXISTS a, "B" CASCADE'))).toEqual({
      kind: 'dropIndex',
      text: 'DROP INDEX CONCURRENTLY IF EXISTS a, "B" CASCADE',
      names: ['a', 'B'],
      ifExists: true,
      concurrently: true,
      cascade: true,
    });
    expect(one('drop index i restrict')).toMatchObject({ names: ['i'], ifExists: false, cascade: false });
  });

  it('DROP TABLE and DROP VIEW are unchanged', () => {
    expect(one('drop view index')).toMatchObject({ kind: 'drop', objectKind: 'view', names: ['index'] });
    expect(one('drop table if exists t cascade')).toMatchObject({ kind: 'drop', objectKind: 'table', ifExists: true, cascade: true });
  });

  it('SHOW INDEXES', () => {
    expect(one('show indexes')).toMatchObject({ kind: 'show', what: 'indexes' });
    expect(one('SHOW TABLES')).toMatchObject({ kind: 'show', what: 'tables' });
  });
});

describe('UNIQUE and CONSTRAINT in CREATE TABLE', () => {
  it('inline and table-level UNIQUE, in the order written, with names', () => {
    const s = noPos(one(
      'create table t (a int unique, b int constraint b_u unique nulls not distinct not null, c int, unique (b, c), constraint "U" unique nulls distinct (c))',
    ));
    expect(s).toMatchObject({
      kind: 'createTable',
      primaryKey: null,
      unique: [
        { name: null, columns: ['a'], nullsNotDistinct: false },
        { name: 'b_u', columns: ['b'], nullsNotDistinct: true },
        { name: null, columns: ['b', 'c'], nullsNotDistinct: false },
        { name: 'U', columns: ['c'], nullsNotDistinct: false },
      ],
    });
    expect(s.kind === 'createTable' && s.columns.map((c) => [c.name, c.notNull])).toEqual([['a', false], ['b', true], ['c', false]]);
  });

  it('named primary keys, inline and table-level', () => {
    expect(one('create table t (id int constraint t_id primary key)')).toMatchObject({ primaryKeyName: 't_id', primaryKey: null });
    expect(one('create table t (id int, v int, constraint pk primary key (id, v))')).toMatchObject({ primaryKeyName: 'pk', primaryKey: ['id', 'v'] });
  });

  it('a table without constraints has no unique or primaryKeyName field', () => {
    const s = noPos(one('create table t (a int primary key)'));
    expect(s).toEqual({
      kind: 'createTable',
      text: 'create table t (a int primary key)',
      name: 't',
      ifNotExists: false,
      columns: [{ name: 'a', type: type('int'), notNull: false, primaryKey: true }],
      primaryKey: null,
    });
  });

  it('other constraint kinds after CONSTRAINT name are 0A000 naming them', () => {
    expect(() => parseSql('create table t (a int constraint c check (a > 0))')).toThrow(/CHECK constraints is not supported/);
    expect(() => parseSql('create table t (a int, constraint c check (a > 0))')).toThrow(/CHECK constraints is not supported/);
    expect(() => parseSql('create table t (a int, constraint c foreign key (a) references u (a))')).toThrow(/foreign keys is not supported/);
  });

  it('a UNIQUE without its column list is a syntax error', () => {
    expect(() => parseSql('create table t (a int, unique)')).toThrow(/syntax error/);
  });
});
