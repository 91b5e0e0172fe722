// Arrays: the literal syntax (parse and canonical output, round trip), the
// parser's array forms, what PostgreSQL's rules decide by hand (expected values
// derived from the PostgreSQL documentation, not from Freshet), Freshet-only
// names (array_join), the errors, and array_agg maintained under random
// inserts and deletes against a naive recompute written here.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatArrayLiteral, parseArrayLiteral } from '../../src/columnar/array-text.js';
import { Engine } from '../../src/engine.js';
import { parseSql } from '../../src/sql/parse-sql.js';

async function one(sql: string): Promise<readonly unknown[]> {
  const e = new Engine();
  const r = await e.sql(sql);
  return r.rows[0]!;
}

describe('array literal text', () => {
  it('parses quoting, escapes, spaces and NULL', () => {
    expect(parseArrayLiteral('{}')).toEqual([]);
    expect(parseArrayLiteral('  { }  ')).toEqual([]);
    expect(parseArrayLiteral('{1, 02 ,3}')).toEqual(['1', '02', '3']);
    expect(parseArrayLiteral('{"a b", c d ,""}')).toEqual(['a b', 'c d', '']);
    expect(parseArrayLiteral('{NULL,null,"NULL",\\NULL}')).toEqual([null, null, 'NULL', 'NULL']);
    expect(parseArrayLiteral('{"x\\"y","c\\\\d",e\\,f}')).toEqual(['x"y', 'c\\d', 'e,f']);
    expect(parseArrayLiteral('{a\\ }')).toEqual(['a ']);
  });

  it('rejects malformed literals with 22P02 and nested ones with 0A000', () => {
    for (const bad of ['', '1,2', '{1,2', '{1,,2}', '{,}', '{1}x', '{"a"b}', '{a"b"}', '{1,}']) {
      expect(() => parseArrayLiteral(bad), bad).toThrow(expect.objectContaining({ code: '22P02' }));
    }
    expect(() => parseArrayLiteral('{{1,2},{3,4}}')).toThrow(expect.objectContaining({ code: '0A000' }));
    expect(() => parseArrayLiteral('[0:1]={1,2}')).toThrow(expect.objectContaining({ code: '0A000' }));
  });

  it('quotes exactly what array output quotes', () => {
    expect(formatArrayLiteral(['a', 'a b', '', null, 'NULL', 'null', 'x"y', 'c\\d', '{', 'p,q', '\t'])).toBe(
      '{a,"a b","",NULL,"NULL","null","x\\"y","c\\\\d","{","p,q","\t"}',
    );
  });

  it('round-trips any list of strings and NULLs', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string(), { nil: null })), (xs) => {
        expect(parseArrayLiteral(formatArrayLiteral(xs))).toEqual(xs);
      }),
    );
  });
});

describe('array syntax', () => {
  it('parses ARRAY[...], subscripts, ANY/ALL and array type names', () => {
    const [stmt] = parseSql('SELECT ARRAY[1, 2][1], x::int[], y = ANY (z), w <> ALL (v) FROM t');
    const items = (stmt as unknown as { query: { items: { expr: { kind: string; op?: string; type?: { name: string } } }[] } }).query.items;
    expect(items.map((i) => i.expr.op ?? i.expr.type?.name ?? i.expr.kind)).toEqual(['[]', 'int[]', '= ANY', '<> ALL']);
    const [table] = parseSql('CREATE TABLE t (a int ARRAY, b text[3], c double precision[][])');
    expect((table as unknown as { columns: { type: { name: string } }[] }).columns.map((c) => c.type.name)).toEqual(['int[]', 'text[]', 'double precision[]']);
  });

  it('reads = ANY (subquery) as IN and refuses other quantified subqueries', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (NULL)');
    expect((await e.sql('SELECT x FROM t WHERE x = ANY (SELECT 2) ORDER BY x')).rows).toEqual([[2]]);
    expect((await e.sql('SELECT x FROM t WHERE x <> ALL (SELECT 2) ORDER BY x')).rows).toEqual([[1]]);
    await expect(e.sql('SELECT x FROM t WHERE x < ANY (SELECT 2)')).rejects.toMatchObject({ code: '0A000' });
  });
});

describe('array values and functions', () => {
  it('returns arrays as their PostgreSQL text with array type OIDs', async () => {
    const e = new Engine();
    const r = await e.sql("SELECT ARRAY[1, NULL, 3], ARRAY['a b', ''], ARRAY[true, false], ARRAY[]::text[]");
    expect(r.rows[0]).toEqual(['{1,NULL,3}', '{"a b",""}', '{t,f}', '{}']);
    expect(r.fields.map((f) => [f.dataTypeID, f.type])).toEqual([[1007, '_int4'], [1009, '_text'], [1000, '_bool'], [1009, '_text']]);
  });

  it('re-canonicalizes elements through their type on input', async () => {
    expect(await one("SELECT '{1, 02 ,-0}'::int[], '{ 1.50 , 1e3}'::float8[], '{TRUE,no}'::bool[], '{2020-1-2}'::date[]")).toEqual([
      '{1,2,0}', '{1.5,1000}', '{t,f}', '{2020-01-02}',
    ]);
  });

  it('subscripts are 1-based and NULL out of range', async () => {
    expect(await one('SELECT (ARRAY[10, 20])[1], (ARRAY[10, 20])[2], (ARRAY[10, 20])[3], (ARRAY[10, 20])[0], (ARRAY[10, 20])[NULL]')).toEqual([
      10, 20, null, null, null,
    ]);
  });

  it('slices clip to the array and leave {} when nothing is left', async () => {
    expect(await one('SELECT (ARRAY[1, 2, 3])[2:], (ARRAY[1, 2, 3])[:2], (ARRAY[1, 2, 3])[0:1], (ARRAY[1, 2, 3])[3:1], (ARRAY[1, 2, 3])[5:6], (ARRAY[1, 2, 3])[2:NULL], (ARRAY[1, 2, 3])[:]')).toEqual([
      '{2,3}', '{1,2}', '{1}', '{}', '{}', null, '{1,2,3}',
    ]);
  });

  it('follows SQL NULL rules in ANY and ALL', async () => {
    // x = ANY(a) is TRUE on a match, NULL when no match but a NULL was compared, FALSE otherwise; ALL dually.
    expect(await one('SELECT 1 = ANY (ARRAY[1, NULL]), 2 = ANY (ARRAY[1, NULL]), 2 = ANY (ARRAY[1]), 2 <> ALL (ARRAY[1, NULL]), 1 <> ALL (ARRAY[1, NULL]), NULL::int = ANY (ARRAY[]::int[]), NULL::int = ALL (ARRAY[]::int[])')).toEqual([
      true, null, false, null, false, false, true,
    ]);
  });

  it('has RisingWave-style array_join as array_to_string', async () => {
    expect(await one("SELECT array_join(ARRAY[1, NULL, 3], '_'), array_join(ARRAY['a', NULL], ',', '?')")).toEqual(['1_3', 'a,?']);
  });

  it('compares arrays element by element', async () => {
    expect(await one("SELECT ARRAY[9] < ARRAY[10], ARRAY[1, 2] < ARRAY[1, 2, 0], ARRAY[1, NULL] > ARRAY[1, 5], '{b}'::text[] > '{a,z}'")).toEqual([
      true, true, true, true,
    ]);
  });

  it('widens int[] to bigint[] in comparisons and ||', async () => {
    expect(await one("SELECT ARRAY[1] = ARRAY[1::bigint], (ARRAY[1] || ARRAY[2::bigint])::text")).toEqual([true, '{1,2}']);
  });
});

describe('array errors', () => {
  const cases: [string, string][] = [
    ['SELECT ARRAY[]', '42P18'],
    ['SELECT ARRAY[1, true]', '42804'],
    ['SELECT ARRAY[ARRAY[1]]', '0A000'],
    ['SELECT ARRAY(SELECT 1)', '0A000'],
    ['SELECT (ARRAY[1])[]', '42601'],
    ["SELECT 'x'::int[]", '22P02'],
    ['SELECT (1)[1]', '42804'],
    ['SELECT 1 = ANY (2)', '42809'],
    ["SELECT min(a) FROM (SELECT ARRAY[1] AS a) s", '0A000'],
  ];
  for (const [sql, code] of cases) {
    it(`${sql} fails with ${code}`, async () => {
      await expect(new Engine().sql(sql)).rejects.toMatchObject({ code });
    });
  }
});

describe('array_agg maintained incrementally', () => {
  it('says its cost in EXPLAIN', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (g int, x int)');
    const r = await e.sql('EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT g, array_agg(x ORDER BY x) FROM t GROUP BY g');
    expect(r.rows.flat().join('\n')).toContain("array_agg: O(log d) per changed row, plus the length of each changed group's array");
  });

  it('equals a naive recompute after every random batch of inserts and deletes', async () => {
    // Naive oracle: group the live rows, sort by k DESC with NULL k first, print PostgreSQL's array text.
    const quote = (v: string | null): string =>
      v === null ? 'NULL' : v === '' || /[\s,"{}\\]/.test(v) || v.toLowerCase() === 'null' ? `"${v.replace(/["\\]/g, '\\$&')}"` : v;
    const naive = (rows: Map<number, [number, number | null, string | null]>): string[] => {
      const groups = new Map<number, [number, number | null, string | null][]>();
      for (const [id, [g, k, v]] of rows) {
        const list = groups.get(g) ?? [];
        list.push([id, k, v]);
        groups.set(g, list);
      }
      const out: string[] = [];
      for (const [g, list] of groups) {
        list.sort((a, b) => (a[1] === b[1] ? b[0] - a[0] : a[1] === null ? -1 : b[1] === null ? 1 : b[1] - a[1]));
        const elems = list.map(([, , v]) => quote(v));
        const distinct = [...new Set(list.map(([, , v]) => v))].filter((v): v is string => v !== null).sort();
        out.push(`${g}|{${elems.join(',')}}|${distinct.length === 0 ? 'NULL' : `{${distinct.map(quote).join(',')}}`}`);
      }
      return out.sort();
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({ del: fc.boolean(), id: fc.integer({ min: 1, max: 12 }), g: fc.integer({ min: 0, max: 2 }), k: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), v: fc.option(fc.constantFrom('a', 'b c', '', 'NULL', 'q"'), { nil: null }) }),
            { minLength: 1, maxLength: 6 },
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (batches) => {
          const e = new Engine();
          await e.sql('CREATE TABLE t (id int PRIMARY KEY, g int, k int, v text)');
          await e.sql('CREATE MATERIALIZED VIEW m AS SELECT g, array_agg(v ORDER BY k DESC NULLS FIRST) AS a FROM t GROUP BY g');
          await e.sql('CREATE MATERIALIZED VIEW m2 AS SELECT g, array_agg(DISTINCT v) FILTER (WHERE v IS NOT NULL) AS d FROM t GROUP BY g');
          const live = new Map<number, [number, number | null, string | null]>();
          for (const batch of batches) {
            for (const op of batch) {
              if (op.del) {
                await e.sql(`DELETE FROM t WHERE id = ${op.id}`);
                live.delete(op.id);
              } else {
                const lit = op.v === null ? 'NULL' : `'${op.v.replace(/'/g, "''")}'`;
                await e.sql(`INSERT INTO t VALUES (${op.id}, ${op.g}, ${op.k ?? 'NULL'}, ${lit})`);
                live.set(op.id, [op.g, op.k, op.v]);
              }
            }
            // Ties in k keep no defined order in PostgreSQL; compare only groups without ties.
            const rows = (await e.sql('SELECT m.g, m.a, m2.d FROM m JOIN m2 ON m.g = m2.g')).rows.map((r) => `${r[0]}|${r[1]}|${r[2] ?? 'NULL'}`);
            const expected = naive(live);
            const tieFree = (g: number): boolean => {
              const ks = [...live.values()].filter(([gg]) => gg === g).map(([, k]) => k);
              return new Set(ks).size === ks.length;
            };
            const keep = (line: string): boolean => tieFree(Number(line.split('|')[0]));
            expect(rows.filter(keep).sort()).toEqual(expected.filter(keep));
            expect(rows.length).toBe(expected.length);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('unnest in the select list', () => {
  it('refuses unnest inside an expression (0A000) and of a non-array (42883); EXPLAIN names it', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE u (id int, a int[])');
    await expect(e.sql('SELECT unnest(a) + 1 FROM u')).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(/unnest\(\) inside an expression/) });
    await expect(e.sql('SELECT unnest(id) FROM u')).rejects.toMatchObject({ code: '42883' });
    await e.sql('CREATE MATERIALIZED VIEW uv AS SELECT id, unnest(a) AS e FROM u');
    const text = (await e.sql('EXPLAIN VIEW uv')).rows.map((r) => String(r[0])).join('\n');
    expect(text).toMatch(/Unnest e/);
  });
});
