// The grammar of sinks: CREATE SINK ... INTO WEBHOOK / INTO TABLE with WITH
// options, DROP SINK, SHOW SINKS. SINK, SINKS and WEBHOOK are read as words,
// so they stay usable as names; syntax errors name the line, the column and
// what was expected.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/common/errors.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import { noPos, one } from './sql-test-helpers.js';

function syntaxError(sql: string): EngineError {
  try {
    parseSql(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('42601');
    return err as EngineError;
  }
  throw new Error(`expected a syntax error for: ${sql}`);
}

describe('CREATE SINK', () => {
  it('INTO WEBHOOK with every option kind: numbers, strings and booleans, keys lower-cased', () => {
    const sql = "CREATE SINK alerts FROM flagged INTO WEBHOOK 'http://127.0.0.1:8080/hook?x=''y''' WITH (Retries = 3, backoff_ms = '50', snapshot = FALSE)";
    expect(noPos(one(sql))).toEqual({
      kind: 'createSink',
      text: sql,
      name: 'alerts',
      ifNotExists: false,
      from: 'flagged',
      target: { kind: 'webhook', url: "http://127.0.0.1:8080/hook?x='y'" },
      options: [
        { key: 'retries', value: '3' },
        { key: 'backoff_ms', value: '50' },
        { key: 'snapshot', value: 'false' },
      ],
    });
  });

  it('INTO TABLE, IF NOT EXISTS, quoted names keep their case', () => {
    expect(noPos(one('create sink if not exists "S" from "V" into table "T"'))).toEqual({
      kind: 'createSink',
      text: 'create sink if not exists "S" from "V" into table "T"',
      name: 'S',
      ifNotExists: true,
      from: 'V',
      target: { kind: 'table', table: 'T' },
      options: [],
    });
  });

  it('positions point at the statement, the target and each option', () => {
    const s = one("CREATE SINK s FROM v\n  INTO WEBHOOK 'http://h/'\n  WITH (retries = 1)");
    expect(s.pos).toMatchObject({ line: 1, column: 1 });
    expect(s.kind === 'createSink' && s.target.pos).toMatchObject({ line: 2, column: 8 });
    expect(s.kind === 'createSink' && s.options[0]!.pos).toMatchObject({ line: 3, column: 9 });
  });

  it('sink, sinks and webhook stay usable as names', () => {
    expect(noPos(one('create table sink (webhook int, sinks int)'))).toMatchObject({ kind: 'createTable', name: 'sink' });
    expect(noPos(one('create sink sink from sinks into table webhook'))).toMatchObject({
      kind: 'createSink',
      name: 'sink',
      from: 'sinks',
      target: { kind: 'table', table: 'webhook' },
    });
    expect(noPos(one('select sink from webhook'))).toMatchObject({ kind: 'query' });
    expect(noPos(one('drop table sink'))).toMatchObject({ kind: 'drop', names: ['sink'] });
  });

  it('an unknown connector after INTO names the ones that exist', () => {
    expect(syntaxError("CREATE SINK s FROM v INTO KAFKA 'x'").message).toBe(
      'syntax error at or near "KAFKA" (line 1, column 27): expected TABLE or WEBHOOK after INTO',
    );
  });

  it('a missing FROM is reported as such, not as the ON of CREATE INDEX', () => {
    expect(syntaxError('CREATE SINK s v INTO TABLE t').message).toBe('syntax error at or near "v" (line 1, column 15): expected FROM');
    expect(syntaxError('CREATE SINK IF NOT EXISTS s').message).toBe('syntax error at end of input (line 1, column 28): expected FROM');
  });

  it('other syntax errors carry line, column and the expected tokens', () => {
    expect(syntaxError('CREATE SINK s FROM v').message).toBe('syntax error at end of input (line 1, column 21): expected INTO');
    expect(syntaxError('CREATE SINK s FROM v INTO').message).toMatch(/^syntax error at end of input \(line 1, column 26\): expected one of TABLE, identifier$/);
    expect(syntaxError('CREATE SINK s FROM v INTO WEBHOOK 42').message).toBe('syntax error at or near "42" (line 1, column 35): expected string');
    expect(syntaxError("CREATE SINK s FROM v INTO WEBHOOK 'u' WITH (retries 3)").message).toBe(
      'syntax error at or near "3" (line 1, column 53): expected \'=\'',
    );
    expect(syntaxError("CREATE SINK s FROM v INTO WEBHOOK 'u' WITH ()").message).toMatch(/at or near "\)" \(line 1, column 45\): expected identifier/);
    expect(syntaxError("CREATE SINK s FROM v\nINTO TABLE t WITH (snapshot = maybe)").message).toMatch(/at or near "maybe" \(line 2, column 31\)/);
  });
});

describe('DROP SINK and SHOW SINKS', () => {
  it('DROP SINK [IF EXISTS] with several names; CASCADE and RESTRICT are accepted', () => {
    expect(noPos(one('DROP SINK IF EXISTS a, "B" CASCADE'))).toEqual({ kind: 'dropSink', text: 'DROP SINK IF EXISTS a, "B" CASCADE', names: ['a', 'B'], ifExists: true });
    expect(noPos(one('drop sink a restrict'))).toEqual({ kind: 'dropSink', text: 'drop sink a restrict', names: ['a'], ifExists: false });
  });

  it('SHOW SINKS, in any case', () => {
    expect(noPos(one('show Sinks'))).toEqual({ kind: 'show', text: 'show Sinks', what: 'sinks' });
  });

  it('the sink statements sit in a script like any other', () => {
    const statements = parseSql("create table t (a int); create sink s from t into webhook 'http://h/'; show sinks; drop sink s");
    expect(statements.map((s) => s.kind)).toEqual(['createTable', 'createSink', 'show', 'dropSink']);
  });
});
