// Subqueries in expressions: `x [NOT] IN (SELECT ...)`, `[NOT] EXISTS (SELECT 1
// ... WHERE inner.c = outer.c)` and correlated scalar aggregates `(SELECT
// max(inner.c) FROM ... WHERE inner.k = outer.k)`, which return exactly one row.
// Correlation uses only qualified outer columns, so an inner column of the same
// name can never capture the reference.

import type { Prng } from '../differential/prng.js';
import type { FeatureSet } from './fuzz-features.js';
import type { RelationInfo } from './relation-info.js';
import { ScalarGen, isExact, type Scalar } from './scalar-gen.js';
import { aggregate, binary, colRef, conjunction, exprList, numLit, select, type AstNode } from './sql-ast.js';

/** A subquery used as an expression: sqlify reads its `ast` field; a scalar or EXISTS one needs the parentheses. */
function subqueryNode(query: AstNode, parentheses: boolean): AstNode {
  return { type: 'subquery', ast: query, parentheses };
}

export class SubqueryGen {
  private next = 0;

  constructor(
    private readonly rng: Prng,
    private readonly features: FeatureSet,
    private readonly relations: readonly RelationInfo[],
    /** Keeps inner aliases unique across the case. */
    private readonly prefix: string,
  ) {}

  /** Whether any subquery expression may be generated. */
  enabled(): boolean {
    return this.features.has('inSubquery') || this.features.has('existsSubquery') || this.features.has('scalarSubquery');
  }

  /** A boolean subquery predicate over the outer columns, or null when none fits. */
  predicate(outer: readonly Scalar[]): Scalar | null {
    const kinds: ('in' | 'exists')[] = [];
    if (this.features.has('inSubquery')) kinds.push('in');
    if (this.features.has('existsSubquery')) kinds.push('exists');
    if (kinds.length === 0) return null;
    return this.rng.pick(kinds) === 'in' ? this.inSubquery(outer) : this.exists(outer);
  }

  /** A correlated scalar aggregate subquery, or null when no column pair fits. */
  scalar(outer: readonly Scalar[]): Scalar | null {
    if (!this.features.has('scalarSubquery')) return null;
    const pair = this.correlation(outer);
    if (pair === null) return null;
    const { rel, alias, on } = pair;
    const cols = rel.columns.filter((c) => c.type !== 'boolean' && isExact(c));
    const fn = cols.length === 0 || this.rng.chance(0.3) ? 'COUNT' : this.rng.pick(['MIN', 'MAX'] as const);
    const arg = fn === 'COUNT' ? null : this.rng.pick(cols);
    const item = aggregate(fn, arg === null ? null : colRef(arg.name, alias));
    const query = select({ items: [{ expr: item, alias: `${alias}_v` }], from: [{ source: { kind: 'relation', name: rel.name }, alias, join: null }], where: on });
    const node = subqueryNode(query, true);
    if (arg === null) return { node, type: 'bigint', bound: 1_000_000, halfSafe: false, exact: true };
    return { ...arg, node };
  }

  private inSubquery(outer: readonly Scalar[]): Scalar | null {
    const candidates: [Scalar, RelationInfo, string][] = [];
    for (const o of outer) {
      if (!isExact(o) || o.type === 'boolean') continue;
      for (const rel of this.relations) for (const c of rel.columns) if (c.type === o.type && isExact(c)) candidates.push([o, rel, c.name]);
    }
    if (candidates.length === 0) return null;
    const [o, rel, col] = this.rng.pick(candidates);
    const alias = `${this.prefix}q${this.next++}`;
    const inner = rel.columns.map((c) => ({ ...c, node: colRef(c.name, alias) }));
    const where = this.rng.chance(0.5) ? new ScalarGen(this.rng, inner).bool(this.rng.int(0, 1)).node : null;
    const query = select({ items: [{ expr: colRef(col, alias), alias: `${alias}_v` }], from: [{ source: { kind: 'relation', name: rel.name }, alias, join: null }], where });
    const op = this.rng.chance(0.3) ? 'NOT IN' : 'IN';
    return { node: binary(op, o.node, exprList([subqueryNode(query, false)])), type: 'boolean', bound: 0, halfSafe: false, exact: true };
  }

  private exists(outer: readonly Scalar[]): Scalar | null {
    const pair = this.correlation(outer);
    if (pair === null) return null;
    const { rel, alias, on } = pair;
    let where = on;
    if (this.rng.chance(0.4)) {
      const inner = rel.columns.map((c) => ({ ...c, node: colRef(c.name, alias) }));
      where = conjunction('AND', [on, new ScalarGen(this.rng, inner).bool(0).node]);
    }
    const query = select({ items: [{ expr: numLit(1), alias: `${alias}_v` }], from: [{ source: { kind: 'relation', name: rel.name }, alias, join: null }], where });
    // EXISTS is a unary operator in node-sql-parser's AST.
    const exists: AstNode = { type: 'unary_expr', operator: this.rng.chance(0.3) ? 'NOT EXISTS' : 'EXISTS', expr: subqueryNode(query, true), parentheses: true };
    return { node: exists, type: 'boolean', bound: 0, halfSafe: false, exact: true };
  }

  /** An inner relation and `inner.c = outer.c` over a same-typed exact pair (the key `k` preferred). */
  private correlation(outer: readonly Scalar[]): { rel: RelationInfo; alias: string; on: AstNode } | null {
    const qualified = outer.filter((o) => o.node.type === 'column_ref' && o.node['table'] !== null && isExact(o) && o.type !== 'boolean');
    const pairs: [Scalar, RelationInfo, string, boolean][] = [];
    for (const o of qualified) {
      const oName = String((o.node['column'] as { expr: { value: unknown } }).expr.value);
      for (const rel of this.relations) {
        for (const c of rel.columns) if (c.type === o.type && isExact(c)) pairs.push([o, rel, c.name, c.name === 'k' && oName === 'k']);
      }
    }
    if (pairs.length === 0) return null;
    const keys = pairs.filter((p) => p[3]);
    const [o, rel, col] = this.rng.pick(keys.length > 0 && this.rng.chance(0.8) ? keys : pairs);
    const alias = `${this.prefix}q${this.next++}`;
    return { rel, alias, on: binary('=', colRef(col, alias), o.node) };
  }
}
