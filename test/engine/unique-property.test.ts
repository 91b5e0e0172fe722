// Random statement sequences against a table with UNIQUE (a) and
// UNIQUE NULLS NOT DISTINCT (b), checked against a naive oracle written here:
// apply each statement to a plain array of rows, and if the end state has two
// rows with one key the statement must fail with 23505 and change nothing;
// otherwise it must succeed. A view over the table must agree afterwards.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

type Row = { id: number; a: number | null; b: number | null };

type Op =
  | { kind: 'insert'; rows: Row[] }
  | { kind: 'delete'; id: number }
  | { kind: 'shiftA'; by: number; whereB: number }
  | { kind: 'setB'; b: number | null; whereA: number };

const small = fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 4 });
const row = fc.record({ id: fc.integer({ min: 0, max: 9 }), a: small, b: small });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), rows: fc.array(row, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('shiftA' as const), by: fc.integer({ min: -2, max: 2 }), whereB: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('setB' as const), b: small, whereA: fc.integer({ min: 0, max: 5 }) }),
);

const lit = (v: number | null): string => (v === null ? 'NULL' : String(v));

function sqlOf(o: Op): string {
  switch (o.kind) {
    case 'insert':
      return `INSERT INTO t VALUES ${o.rows.map((r) => `(${r.id}, ${lit(r.a)}, ${lit(r.b)})`).join(', ')}`;
    case 'delete':
      return `DELETE FROM t WHERE id = ${o.id}`;
    case 'shiftA':
      return `UPDATE t SET a = a + ${o.by} WHERE b = ${o.whereB}`;
    case 'setB':
      return `UPDATE t SET b = ${lit(o.b)} WHERE a = ${o.whereA}`;
  }
}

/** The rows after `o`, by SQL's rules (a comparison with NULL matches nothing). */
function naiveApply(rows: readonly Row[], o: Op): Row[] {
  switch (o.kind) {
    case 'insert':
      return [...rows, ...o.rows];
    case 'delete':
      return rows.filter((r) => r.id !== o.id);
    case 'shiftA':
      return rows.map((r) => (r.b === o.whereB && r.a !== null ? { ...r, a: r.a + o.by } : r));
    case 'setB':
      return rows.map((r) => (r.a === o.whereA ? { ...r, b: o.b } : r));
  }
}

function violates(rows: readonly Row[]): boolean {
  const as = rows.map((r) => r.a).filter((a) => a !== null);
  const bs = rows.map((r) => r.b); // NULLS NOT DISTINCT: NULL counts as a value
  return new Set(as).size !== as.length || new Set(bs).size !== bs.length;
}

const sorted = (rows: readonly Row[]): (number | null)[][] =>
  rows.map((r) => [r.id, r.a, r.b]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));

describe('UNIQUE against a naive oracle', () => {
  it('every statement succeeds exactly when its end state is unique, and a failure changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const e = new Engine();
        await e.sql('CREATE TABLE t (id int, a int UNIQUE, b int, UNIQUE NULLS NOT DISTINCT (b))');
        await e.sql('CREATE MATERIALIZED VIEW v AS SELECT id, a, b FROM t WHERE id >= 0');
        let expected: Row[] = [];
        for (const o of ops) {
          const next = naiveApply(expected, o);
          let code: string | null = null;
          try {
            await e.sql(sqlOf(o));
          } catch (err) {
            code = (err as { code: string }).code;
          }
          expect(code, sqlOf(o)).toBe(violates(next) ? '23505' : null);
          if (code === null) expected = next;
          const actual = (await e.sql('SELECT id, a, b FROM t')).rows as (number | null)[][];
          expect(sorted(actual.map(([id, a, b]) => ({ id: id!, a: a ?? null, b: b ?? null })))).toEqual(sorted(expected));
          const view = (await e.sql('SELECT id, a, b FROM v')).rows as (number | null)[][];
          expect(view.length).toBe(expected.length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
