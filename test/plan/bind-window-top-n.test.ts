// The per-group top-N rewrite: which plans it changes (a bound on a
// row_number column over a Window of row_number calls only) and which it
// leaves alone; that the rewritten plan's circuit produces exactly the rows a
// from-scratch top-N per group (written here) gives, through random inserts
// and deletes; and that a change at a large partition's top renumbers only
// the top rows instead of the whole partition.

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import type { ZBatch } from '../../src/columnar/z-batch.js';
import { WindowOperator } from '../../src/dataflow/window.js';
import type { Circuit } from '../../src/dataflow/circuit.js';
import { lowerPlan } from '../../src/engine/lower-plan.js';
import { Catalog } from '../../src/plan/catalog.js';
import { bindQuery } from '../../src/plan/bind-query.js';
import type { LogicalPlan } from '../../src/plan/logical-plan.js';
import { rewritePerGroupTopN } from '../../src/plan/rewrite-top-n.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import { Prng } from '../differential/prng.js';
import type { Row } from '../dataflow/zset-test-helpers.js';
import { batchOf, canonRow, Multiset, rowsOf } from '../dataflow/zset-test-helpers.js';

const TYPES: SqlType[] = ['integer', 'text', 'integer'];

function bind(sql: string): LogicalPlan {
  const c = new Catalog();
  c.add({
    kind: 'table',
    name: 't',
    primaryKey: [0],
    columns: [
      { name: 'id', type: 'integer', notNull: true },
      { name: 'g', type: 'text', notNull: false },
      { name: 'x', type: 'integer', notNull: false },
    ],
  });
  const stmt = parseSql(sql)[0]!;
  if (stmt.kind !== 'query') throw new Error('not a query');
  // nested: bindQuery applies the rewrite to top-level queries only; the tests apply it themselves.
  return bindQuery(stmt.query, { catalog: c, params: [], forView: true, nested: true }).root;
}

function nodes(plan: LogicalPlan): LogicalPlan[] {
  const out: LogicalPlan[] = [plan];
  if ('input' in plan) out.push(...nodes(plan.input));
  if ('left' in plan) out.push(...nodes(plan.left), ...nodes(plan.right));
  return out;
}

function topNs(plan: LogicalPlan): Extract<LogicalPlan, { kind: 'topN' }>[] {
  return nodes(plan).filter((p): p is Extract<LogicalPlan, { kind: 'topN' }> => p.kind === 'topN');
}

const inner = (fns = 'row_number() OVER (PARTITION BY g ORDER BY x DESC, id) AS rn'): string => `(SELECT id, g, x, ${fns} FROM t) s`;

describe('rewritePerGroupTopN: where it applies', () => {
  it.each([
    ['rn <= 3', 3],
    ['rn < 3', 2],
    ['rn = 1', 1],
    ['3 >= rn', 3],
    ['rn <= 3 AND x > 0', 3],
    ['rn BETWEEN 2 AND 4', 4],
    ['x > 0 AND rn < 10 AND rn <= 5', 5],
  ])('WHERE %s: a TopN of %i rows per g, ordered like the window, under the Window', (where, limit) => {
    const plan = rewritePerGroupTopN(bind(`SELECT id, g, x FROM ${inner()} WHERE ${where}`));
    const [topN] = topNs(plan);
    expect(topN).toBeDefined();
    expect(topN!.limit).toBe(limit);
    expect(topN!.partitionBy).toEqual([1]);
    expect(topN!.sortKeys).toEqual([
      { column: 2, descending: true, nullsFirst: true },
      { column: 0, descending: false, nullsFirst: false },
    ]);
    const window = nodes(plan).find((p) => p.kind === 'window');
    expect(window !== undefined && 'input' in window && window.input).toBe(topN);
    // Applying it again changes nothing.
    expect(rewritePerGroupTopN(plan)).toBe(plan);
  });

  it.each([
    ['another function over the window', `SELECT id FROM ${inner('row_number() OVER (PARTITION BY g ORDER BY x) AS rn, sum(x) OVER (PARTITION BY g ORDER BY x) AS s')} WHERE rn <= 3`],
    ['rank, not row_number', `SELECT id FROM ${inner('rank() OVER (PARTITION BY g ORDER BY x) AS rn')} WHERE rn <= 3`],
    ['a lower bound', `SELECT id FROM ${inner()} WHERE rn > 3`],
    ['a bound on another column', `SELECT id FROM ${inner()} WHERE x <= 3`],
    ['a disjunction', `SELECT id FROM ${inner()} WHERE rn <= 3 OR x = 1`],
    ['a non-constant bound', `SELECT id FROM ${inner()} WHERE rn <= x`],
  ])('leaves the plan alone for %s', (_, sql) => {
    const plan = bind(sql);
    expect(rewritePerGroupTopN(plan)).toBe(plan);
  });

  it('does not reach through a second window spec above the row_number one', () => {
    const sql = `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY x, id) AS rn, count(*) OVER () AS n FROM t) s WHERE rn <= 2`;
    const plan = bind(sql);
    // A TopN under the row_number Window would also cut the rows count(*) OVER () counts.
    expect(rewritePerGroupTopN(plan)).toBe(plan);
  });
});

/** The rows a from-scratch top-`n` per g gives (ORDER BY x DESC NULLS FIRST, id). */
function naiveTopN(state: Map<number, Row>, n: number): Multiset {
  const byG = new Map<string, Row[]>();
  for (const r of state.values()) {
    const k = r[1] === null ? '\u0000null' : String(r[1]);
    byG.set(k, [...(byG.get(k) ?? []), r]);
  }
  const out = new Multiset();
  for (const rows of byG.values()) {
    rows.sort((a, b) => {
      const xa = a[2] as number | null;
      const xb = b[2] as number | null;
      if (xa !== xb) {
        if (xa === null) return -1;
        if (xb === null) return 1;
        return xb - xa;
      }
      return (a[0] as number) - (b[0] as number);
    });
    for (const r of rows.slice(0, n)) out.add(r, 1);
  }
  return out;
}

function windowOps(c: Circuit): WindowOperator[] {
  return c.nodes.flatMap((n) => (n.kind === 'unary' && n.op instanceof WindowOperator ? [n.op] : []));
}

describe('rewritePerGroupTopN: results and cost', () => {
  const sql = `SELECT id, g, x FROM ${inner()} WHERE rn <= 3`;

  it('the rewritten circuit keeps exactly the top 3 rows per g through random inserts and deletes', () => {
    const circuit = lowerPlan(rewritePerGroupTopN(bind(sql)));
    const rng = new Prng(77);
    const state = new Map<number, Row>();
    const acc = new Multiset();
    let nextId = 0;
    for (let step = 0; step < 200; step++) {
      const rows: Row[] = [];
      const weights: number[] = [];
      for (let i = rng.int(1, 6); i > 0; i--) {
        const ids = [...state.keys()];
        if (ids.length > 0 && rng.chance(0.45)) {
          const id = rng.pick(ids);
          rows.push(state.get(id)!);
          weights.push(-1);
          state.delete(id);
        } else {
          const row: Row = [nextId, rng.chance(0.1) ? null : rng.pick(['a', 'b', 'c']), rng.chance(0.1) ? null : rng.int(0, 6)];
          state.set(nextId++, row);
          rows.push(row);
          weights.push(1);
        }
      }
      const out = circuit.step((r) => (r === 't' ? batchOf(TYPES, rows, weights) : undefined));
      acc.addBatch(out);
      expect(acc.lines(), `step ${step}`).toEqual(naiveTopN(state, 3).lines());
    }
  });

  it('a new top row in a 20k-row partition renumbers a handful of rows, not the partition', () => {
    const plain = lowerPlan(bind(sql));
    const rewritten = lowerPlan(rewritePerGroupTopN(bind(sql)));
    const n = 20_000;
    const load: ZBatch = batchOf(TYPES, Array.from({ length: n }, (_, i) => [i, 'a', i % 1000]), new Array<number>(n).fill(1));
    const feed = (c: Circuit, b: ZBatch): ZBatch => c.step((r) => (r === 't' ? b : undefined));
    feed(plain, load);
    feed(rewritten, load);
    const change = batchOf(TYPES, [[n, 'a', 5000]], [1]);
    const before = (c: Circuit): number => windowOps(c).reduce((s, op) => s + op.rowsEvaluated, 0);
    const p0 = before(plain);
    const r0 = before(rewritten);
    const outPlain = rowsOf(feed(plain, change));
    const outRewritten = rowsOf(feed(rewritten, change));
    const summary = (o: { rows: Row[]; weights: number[] }): string[] => o.rows.map((r, i) => `${canonRow(r)} x${o.weights[i]}`).sort();
    expect(summary(outRewritten)).toEqual(summary(outPlain));
    expect(outRewritten.rows.length).toBeGreaterThan(0);
    expect(before(plain) - p0).toBeGreaterThanOrEqual(n);
    expect(before(rewritten) - r0).toBeLessThanOrEqual(4);
  });
});
