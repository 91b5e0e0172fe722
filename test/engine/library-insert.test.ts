// The library insert APIs: insert(table, row objects) and insertArrow(table,
// apache-arrow Table). Columns match by name (missing ones are NULL), values
// convert by PostgreSQL's input rules, each call is one commit that views see.

import { Float64, Int32, Int64, Table, TimeUnit, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, Utf8, makeData, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function setup(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (id int, name text, score double precision, big bigint, ok boolean, day date, at timestamp)');
  await e.sql('CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n, sum(score) AS s FROM t');
  return e;
}

describe('insert()', () => {
  it('row objects, strings parsed by the column type, missing fields NULL', async () => {
    const e = await setup();
    const lsn = e.lsn;
    const r = await e.insert('t', [
      { id: 1, name: 'a', score: 1.5, big: 2 ** 40, ok: true, day: '2024-02-29', at: '2024-02-29 10:11:12.5' },
      { id: '2', score: '2.5', ok: 'yes', at: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)) },
      { id: 3 },
    ]);
    expect(r.command).toBe('INSERT');
    expect(r.rowCount).toBe(3);
    expect(e.lsn).toBe(lsn + 1);
    expect((await e.sql('SELECT * FROM t ORDER BY id')).rows).toEqual([
      [1, 'a', 1.5, 2 ** 40, true, '2024-02-29', '2024-02-29 10:11:12.5'],
      [2, null, 2.5, null, true, null, '2020-01-02 03:04:05'],
      [3, null, null, null, null, null, null],
    ]);
    expect((await e.sql('SELECT * FROM c')).rows).toEqual([[3, 4]]);
  });

  it('bad values fail the whole call with the row and column named', async () => {
    const e = await setup();
    await expect(e.insert('t', [{ id: 1 }, { id: 'x' }])).rejects.toMatchObject({ code: '22P02' });
    await expect(e.insert('t', [{ id: 1 }, { id: 'x' }])).rejects.toThrow(/row 2.*"id"/);
    await expect(e.insert('t', [{ id: 3_000_000_000 }])).rejects.toMatchObject({ code: '22003' });
    await expect(e.insert('t', [{ nope: 1 }])).rejects.toMatchObject({ code: '42703' });
    await expect(e.insert('missing', [{ id: 1 }])).rejects.toMatchObject({ code: '42P01' });
    await expect(e.insert('c', [{ n: 1 }])).rejects.toMatchObject({ code: '42809' });
    expect((await e.sql('SELECT count(*) FROM t')).rows).toEqual([[0]]);
  });
});

describe('insertArrow()', () => {
  it('typed arrays from tableFromArrays, plain Utf8 strings', async () => {
    const e = await setup();
    const data = new Table({
      id: vectorFromArray([1, 2, 3], new Int32()),
      name: vectorFromArray(['x', 'y', 'z'], new Utf8()),
      score: vectorFromArray([0.25, -1, 4], new Float64()),
    });
    const r = await e.insertArrow('t', data);
    expect(r.rowCount).toBe(3);
    expect((await e.sql('SELECT id, name, score, big FROM t ORDER BY id')).rows).toEqual([[1, 'x', 0.25, null], [2, 'y', -1, null], [3, 'z', 4, null]]);
    expect((await e.sql('SELECT * FROM c')).rows).toEqual([[3, 3.25]]);
    await e.insertArrow('t', tableFromArrays({ id: Int32Array.from([4]), score: Float64Array.from([1]) }));
    expect((await e.sql('SELECT * FROM c')).rows).toEqual([[4, 4.25]]);
  });

  it('Int64 values (negative, past 2^32, NULL) from whole and sliced vectors into BIGINT', async () => {
    const e = await setup();
    const bigs = [-5n, 2n ** 40n + 7n, -(2n ** 45n), 0n, 123n];
    // A slice starts past its buffer's first value.
    const sliced = vectorFromArray([99n, ...bigs.slice(3), 98n], new Int64()).slice(1, 3);
    const big = vectorFromArray([...bigs.slice(0, 3), null], new Int64()).concat(sliced);
    const data = new Table({ id: vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()), big });
    await e.insertArrow('t', data);
    expect((await e.sql('SELECT big FROM t ORDER BY id')).rows.map((r) => r[0])).toEqual([-5, 2 ** 40 + 7, -(2 ** 45), null, 0, 123]);
    // Timestamps are 64-bit counts too: a sliced vector of them.
    const micros = [1_700_000_000_000_000n, 1_700_000_000_000_001n, 1_700_000_123_456_789n, 5n];
    const at = makeVector(makeData({ type: new TimestampMicrosecond(), length: 4, data: BigInt64Array.from(micros) })).slice(1, 3);
    await e.insertArrow('t', new Table({ id: vectorFromArray([7, 8], new Int32()), at }));
    expect((await e.sql("SELECT CAST(at AS TEXT) FROM t WHERE id >= 7 ORDER BY id")).rows.map((r) => r[0])).toEqual(['2023-11-14 22:13:20.000001', '2023-11-14 22:15:23.456789']);
  });

  it('Utf8 strings in several chunks, ASCII and not, empty and NULL, come back as they went in', async () => {
    const e = await setup();
    // Chunk 1 all ASCII (decoded at once), chunk 2 with multi-byte characters (decoded value by value), chunk 3 a slice.
    const chunks = [
      ['plain', '', 'x'.repeat(40), 'a b c'],
      ['é', '日本語', 'mixed ünïcödé and ascii', '🦀', ''],
      ['last', null, 'tail'],
    ];
    const names = vectorFromArray(chunks[0]!, new Utf8()).concat(vectorFromArray(chunks[1]!, new Utf8()), vectorFromArray(chunks[2]!, new Utf8()).slice(0, 3));
    const values = chunks.flat();
    const data = new Table({ id: vectorFromArray(values.map((_, i) => i), new Int32()), name: names });
    await e.insertArrow('t', data);
    expect((await e.sql('SELECT name FROM t ORDER BY id')).rows.map((r) => r[0])).toEqual(values);
  });

  it('Arrow timestamps of every unit, with NULLs, into TIMESTAMP columns (and a zone into TIMESTAMPTZ)', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE ev (id int, ts timestamp, tz timestamptz)');
    const at = [Date.UTC(2024, 0, 2, 3, 4, 5, 678), null, Date.UTC(1969, 11, 31, 23, 59, 59, 1)];
    for (const type of [new TimestampSecond(), new TimestampMillisecond(), new TimestampMicrosecond(), new TimestampNanosecond()]) {
      await e.sql('DELETE FROM ev');
      const ms = type.unit === TimeUnit.SECOND ? at.map((x) => (x === null ? null : Math.floor(x / 1000) * 1000)) : at;
      await e.insertArrow('ev', new Table({
        id: vectorFromArray([1, 2, 3], new Int32()),
        ts: vectorFromArray(ms.map((x) => (x === null ? null : new Date(x))), type),
        tz: vectorFromArray(ms.map((x) => (x === null ? null : new Date(x))), new TimestampMillisecond('UTC')),
      }));
      const secs = type.unit === TimeUnit.SECOND;
      expect((await e.sql('SELECT id, ts::text, tz::text FROM ev ORDER BY id')).rows, String(type)).toEqual([
        [1, secs ? '2024-01-02 03:04:05' : '2024-01-02 03:04:05.678', secs ? '2024-01-02 03:04:05+00' : '2024-01-02 03:04:05.678+00'],
        [2, null, null],
        [3, secs ? '1969-12-31 23:59:59' : '1969-12-31 23:59:59.001', secs ? '1969-12-31 23:59:59+00' : '1969-12-31 23:59:59.001+00'],
      ]);
    }
  });

  it('string columns as tableFromArrays builds them (dictionary-encoded Utf8)', async () => {
    const e = await setup();
    await e.insertArrow('t', tableFromArrays({ id: Int32Array.from([1, 2]), name: ['x', 'y'] }));
    expect((await e.sql('SELECT id, name FROM t ORDER BY id')).rows).toEqual([[1, 'x'], [2, 'y']]);
  });

  it('NULLs in arrow vectors', async () => {
    const e = await setup();
    const data = new Table({
      id: vectorFromArray([1, null, 3], new Int32()),
      name: vectorFromArray(['a', null, 'c'], new Utf8()),
      score: vectorFromArray([null, 2, 3], new Float64()),
    });
    await e.insertArrow('t', data);
    expect((await e.sql('SELECT id, name, score FROM t ORDER BY score NULLS FIRST')).rows).toEqual([[1, 'a', null], [null, null, 2], [3, 'c', 3]]);
  });

  it('many rows in one commit', async () => {
    const e = await setup();
    const n = 50_000;
    const lsn = e.lsn;
    await e.insertArrow('t', tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i), score: Float64Array.from({ length: n }, (_, i) => i % 10) }));
    expect(e.lsn).toBe(lsn + 1);
    expect((await e.sql('SELECT * FROM c')).rows).toEqual([[n, 4.5 * n]]);
  });

  it('an unknown column fails and inserts nothing', async () => {
    const e = await setup();
    await expect(e.insertArrow('t', tableFromArrays({ nope: Int32Array.from([1]) }))).rejects.toMatchObject({ code: '42703' });
    expect((await e.sql('SELECT count(*) FROM t')).rows).toEqual([[0]]);
  });
});
