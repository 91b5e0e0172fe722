// INTO TABLE sinks, rule by rule: the snapshot at CREATE, upserts into a keyed
// table, retractions that skip rows a user replaced, weights on a table
// without a key, changes the target refuses going to freshet_dead_letters,
// the checks of CREATE SINK (columns, options, URL, cycles), and DROP.
// Expectations are derived by hand from the statements.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function rows(e: Engine, sql: string): Promise<unknown[][]> {
  return (await e.sql(sql)).rows.map((r) => [...r]);
}

describe('INTO TABLE: what the changes do', () => {
  it('copies the current rows at CREATE (unless snapshot = false), then follows every change', async () => {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE t (k INT, v INT); INSERT INTO t VALUES (1, 10), (2, 20);
      CREATE MATERIALIZED VIEW doubled AS SELECT k, v * 2 AS v2 FROM t;
      CREATE TABLE copy (k INT, v2 INT); CREATE TABLE later (k INT, v2 INT);
      CREATE SINK c FROM doubled INTO TABLE copy;
      CREATE SINK l FROM doubled INTO TABLE later WITH (snapshot = false)`);
    expect(await rows(e, 'SELECT * FROM copy ORDER BY k')).toEqual([[1, 20], [2, 40]]);
    expect(await rows(e, 'SELECT * FROM later')).toEqual([]);
    await e.sql('UPDATE t SET v = 11 WHERE k = 1; DELETE FROM t WHERE k = 2; INSERT INTO t VALUES (3, 30)');
    expect(await rows(e, 'SELECT * FROM copy ORDER BY k')).toEqual([[1, 22], [3, 60]]);
    expect(await rows(e, 'SELECT * FROM later ORDER BY k')).toEqual([[1, 22], [3, 60]]); // -(1,20) and -(2,40) found nothing to remove
    expect(e.sinks.state('l')).toMatchObject({ skippedRetractions: 2, deadLetters: 0 });
  });

  it('a keyed target upserts; a retraction removes only the exact row stored under its key', async () => {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE readings (sensor TEXT, value INT);
      CREATE MATERIALIZED VIEW latest AS SELECT sensor, max(value) AS top FROM readings GROUP BY sensor;
      CREATE TABLE tops (sensor TEXT PRIMARY KEY, top INT);
      INSERT INTO tops VALUES ('manual', 1), ('s1', 99);
      CREATE SINK k FROM latest INTO TABLE tops`);
    await e.sql("INSERT INTO readings VALUES ('s1', 5), ('s2', 7)");
    // s1's row (99) is replaced by the upsert of (s1, 5).
    expect(await rows(e, 'SELECT * FROM tops ORDER BY sensor')).toEqual([['manual', 1], ['s1', 5], ['s2', 7]]);
    await e.sql("INSERT INTO readings VALUES ('s1', 8)"); // -(s1,5) +(s1,8)
    expect(await rows(e, 'SELECT * FROM tops ORDER BY sensor')).toEqual([['manual', 1], ['s1', 8], ['s2', 7]]);
    // A user replaces s2's row; the view's later retraction of (s2, 7) must not delete the user's row.
    await e.sql("UPDATE tops SET top = 70 WHERE sensor = 's2'");
    await e.sql("DELETE FROM readings WHERE sensor = 's2'");
    expect(await rows(e, 'SELECT * FROM tops ORDER BY sensor')).toEqual([['manual', 1], ['s1', 8], ['s2', 70]]);
    expect(e.sinks.state('k')).toMatchObject({ skippedRetractions: 1 });
  });

  it('a target without a key keeps multiplicities: weights add and remove copies', async () => {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE src (g INT, x INT);
      CREATE MATERIALIZED VIEW gs AS SELECT g FROM src;
      CREATE TABLE bag (g INT);
      CREATE SINK b FROM gs INTO TABLE bag`);
    await e.sql('INSERT INTO src VALUES (1, 1), (1, 2), (1, 3), (2, 1)');
    expect(await rows(e, 'SELECT g, count(*) FROM bag GROUP BY g ORDER BY g')).toEqual([[1, 3], [2, 1]]);
    await e.sql('DELETE FROM src WHERE g = 1 AND x < 3'); // the view retracts (1) with weight -2
    expect(await rows(e, 'SELECT g, count(*) FROM bag GROUP BY g ORDER BY g')).toEqual([[1, 1], [2, 1]]);
    // A user removes the last (1); the view's retraction of it then finds nothing and is skipped.
    await e.sql('DELETE FROM bag WHERE g = 1');
    await e.sql('DELETE FROM src WHERE g = 1');
    expect(await rows(e, 'SELECT g FROM bag')).toEqual([[2]]);
    expect(e.sinks.state('b')).toMatchObject({ skippedRetractions: 1, deadLetters: 0 });
  });

  it('a change the target refuses goes to freshet_dead_letters; the statement that caused it still commits', async () => {
    const e = new Engine({ clock: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
    await e.sql(`
      CREATE TABLE people (id INT, email TEXT);
      CREATE MATERIALIZED VIEW emails AS SELECT email FROM people;
      CREATE TABLE directory (email TEXT UNIQUE);
      CREATE SINK d FROM emails INTO TABLE directory`);
    await e.sql("INSERT INTO people VALUES (1, 'a@x')");
    const lsn = e.lsn;
    await e.sql("INSERT INTO people VALUES (2, 'a@x')"); // a second a@x breaks UNIQUE in directory
    expect(await rows(e, 'SELECT id FROM people ORDER BY id')).toEqual([[1], [2]]);
    expect(await rows(e, 'SELECT email FROM directory')).toEqual([['a@x']]);
    const letters = await rows(e, "SELECT sink, lsn, error, attempts, failed_at, payload->'changes'->0->>'weight' FROM freshet_dead_letters");
    expect(letters).toEqual([
      ['d', lsn + 1, 'duplicate key value violates unique constraint "directory_email_key": Key (email)=(a@x) already exists.', 1, '2024-01-02 03:04:05+00', '1'],
    ]);
    // delivered_lsn stays at the first insert's LSN (its copy was commit lsn): the refused change was not delivered.
    expect((await rows(e, 'SHOW SINKS'))[0]).toEqual(['d', 'emails', 'table directory', lsn - 1, 0, 1, 'idle', null]);
  });
});

describe('CREATE SINK checks', () => {
  async function base(): Promise<Engine> {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE t (a INT, b TEXT);
      CREATE MATERIALIZED VIEW v AS SELECT a, b FROM t;
      CREATE TABLE narrow (a INT);
      CREATE TABLE wrong (a INT, b INT);
      CREATE TABLE ok (x INT, y TEXT)`);
    return e;
  }

  it('the target must be an existing user table with the same column count and types', async () => {
    const e = await base();
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE missing')).rejects.toMatchObject({ code: '42P01', message: 'sink "s": target table "missing" does not exist' });
    await expect(e.sql('CREATE SINK s FROM nope INTO TABLE ok')).rejects.toMatchObject({ code: '42P01', message: 'sink "s": relation "nope" does not exist' });
    await expect(e.sql('CREATE SINK s FROM t INTO TABLE v')).rejects.toMatchObject({ code: '42809' });
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE freshet_dead_letters')).rejects.toMatchObject({ code: '42809' });
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE narrow')).rejects.toMatchObject({
      code: '42804',
      message: 'sink "s": materialized view "v" has 2 columns but table "narrow" has 1; a table sink needs the same columns in the same order',
    });
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE wrong')).rejects.toMatchObject({
      code: '42804',
      message: 'sink "s": column 2 of "v" (b TEXT) does not match column 2 of table "wrong" (b INTEGER); cast it in the view',
    });
    // Names may differ: columns match by position.
    await e.sql('CREATE SINK s FROM v INTO TABLE ok');
    expect((await rows(e, 'SHOW SINKS')).map((r) => r.slice(0, 3))).toEqual([['s', 'v', 'table ok']]);
  });

  it('names: a sink shares the namespace with relations; IF NOT EXISTS', async () => {
    const e = await base();
    await e.sql('CREATE SINK s FROM v INTO TABLE ok');
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE ok')).rejects.toMatchObject({ code: '42P07', message: 'sink "s" already exists' });
    await e.sql('CREATE SINK IF NOT EXISTS s FROM v INTO TABLE ok');
    await expect(e.sql('CREATE SINK t FROM v INTO TABLE ok')).rejects.toMatchObject({ code: '42P07' });
    await expect(e.sql('CREATE TABLE s (a INT)')).rejects.toMatchObject({ code: '42P07' });
  });

  it('WITH options: unknown keys list the valid ones; values are checked', async () => {
    const e = await base();
    const hook = "INTO WEBHOOK 'http://127.0.0.1:9/h'";
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (retry = 1)`)).rejects.toMatchObject({
      code: '22023',
      message: 'unrecognized option "retry" for a webhook sink; valid options are retries, backoff_ms, timeout_ms, max_batch_rows, snapshot',
      position: { line: 1, column: 64 },
    });
    await expect(e.sql('CREATE SINK s FROM v INTO TABLE ok WITH (retries = 1)')).rejects.toMatchObject({
      message: 'unrecognized option "retries" for a table sink; valid options are snapshot',
    });
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (retries = -1)`)).rejects.toMatchObject({ code: '42601' });
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (retries = 1.5)`)).rejects.toMatchObject({ message: "option \"retries\" must be an integer from 0 to 1000, got '1.5'" });
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (max_batch_rows = 0)`)).rejects.toMatchObject({ message: "option \"max_batch_rows\" must be an integer from 1 to 10000000, got '0'" });
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (snapshot = 'yes')`)).rejects.toMatchObject({ message: "option \"snapshot\" must be true or false, got 'yes'" });
    await expect(e.sql(`CREATE SINK s FROM v ${hook} WITH (retries = 1, retries = 2)`)).rejects.toMatchObject({ message: 'option "retries" is given more than once' });
    for (const url of ['not a url', 'ftp://h/x', 'file:///etc/passwd']) {
      await expect(e.sql(`CREATE SINK s FROM v INTO WEBHOOK '${url}'`)).rejects.toMatchObject({
        code: '22023',
        message: `sink "s": invalid webhook URL '${url}'; expected 'http://host:port/path' or https`,
      });
    }
    expect(await rows(e, 'SHOW SINKS')).toEqual([]);
  });

  it('cycles are refused, naming the path: directly and through another sink', async () => {
    const e = await base();
    await e.sql(`
      CREATE TABLE a (x INT); CREATE TABLE b (x INT);
      CREATE MATERIALIZED VIEW va AS SELECT x FROM a;
      CREATE MATERIALIZED VIEW vb AS SELECT x + 1 AS x FROM b`);
    await expect(e.sql('CREATE SINK self FROM va INTO TABLE a')).rejects.toMatchObject({
      code: '42P19',
      message: 'sink "self" would feed its own source: a -> va -> sink self -> a',
    });
    await expect(e.sql('CREATE SINK raw FROM a INTO TABLE a')).rejects.toMatchObject({ message: 'sink "raw" would feed its own source: a -> sink raw -> a' });
    await e.sql('CREATE SINK ab FROM va INTO TABLE b');
    await expect(e.sql('CREATE SINK ba FROM vb INTO TABLE a')).rejects.toMatchObject({
      message: 'sink "ba" would feed its own source: a -> va -> sink ab -> b -> vb -> sink ba -> a',
    });
    expect((await rows(e, 'SHOW SINKS')).map((r) => r[0])).toEqual(['ab']);
  });
});

describe('DROP with sinks', () => {
  it('a view, its input or the target table cannot be dropped under a sink without CASCADE; CASCADE drops the sink', async () => {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE t (x INT); CREATE TABLE out (x INT);
      CREATE MATERIALIZED VIEW v AS SELECT x FROM t;
      CREATE SINK s FROM v INTO TABLE out`);
    await expect(e.sql('DROP MATERIALIZED VIEW v')).rejects.toMatchObject({
      code: '2BP01',
      message: 'cannot drop materialized view v because other objects depend on it: sink s; use DROP ... CASCADE to drop the dependent objects too',
    });
    await expect(e.sql('DROP TABLE t')).rejects.toMatchObject({ message: /depend on it: materialized view v, sink s;/ });
    await expect(e.sql('DROP TABLE out')).rejects.toMatchObject({ message: /depend on it: sink s;/ });
    await e.sql('DROP MATERIALIZED VIEW v CASCADE');
    expect(await rows(e, 'SHOW SINKS')).toEqual([]);
    await e.sql('INSERT INTO t VALUES (1)');
    expect(await rows(e, 'SELECT * FROM out')).toEqual([]);
    await e.sql('DROP TABLE out'); // nothing depends on it any more
  });

  it('DROP TABLE target CASCADE drops the sink writing into it; DROP SINK then lets a plain DROP through', async () => {
    const e = new Engine();
    await e.sql(`
      CREATE TABLE t (x INT); CREATE TABLE out (x INT); CREATE TABLE out2 (x INT);
      CREATE SINK s FROM t INTO TABLE out; CREATE SINK s2 FROM t INTO TABLE out2`);
    await e.sql('DROP TABLE out CASCADE');
    expect((await rows(e, 'SHOW SINKS')).map((r) => r[0])).toEqual(['s2']);
    await e.sql('DROP SINK s2');
    await e.sql('DROP TABLE t');
    expect(await rows(e, 'SHOW TABLES')).toEqual([['out2']]);
  });
});
