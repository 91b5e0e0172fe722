// Random FROM clauses: one relation, or a chain of 2-3 joined items (INNER,
// LEFT, RIGHT, FULL, CROSS; ON equalities between same-typed columns, often the
// shared small-domain key `k`, sometimes with an extra condition; USING when a
// column name is unambiguous on both sides), where an item is a table, an
// earlier view, a subquery or a CTE. Only enabled features are emitted. The
// resulting scope lists every column the select list may reference.

import type { Prng } from '../differential/prng.js';
import type { FeatureSet } from './fuzz-features.js';
import { crossJoinFanout, equiJoinFanout, maxFanout, type OutColumn, type RelationInfo } from './relation-info.js';
import { ScalarGen, isExact, type Scalar } from './scalar-gen.js';
import { binary, colRef, conjunction, type AstNode, type FromItem } from './sql-ast.js';

export type JoinKind = NonNullable<FromItem['join']>['kind'];

/** The columns a query body may reference, and the FROM items and CTEs that provide them. */
export interface Scope {
  readonly from: readonly FromItem[];
  readonly withs: readonly { readonly name: string; readonly query: AstNode }[];
  readonly columns: readonly Scalar[];
  /** Estimated rows relative to a base table (see RelationInfo.fanout). */
  readonly fanout: number;
}

/** Makes subqueries for FROM items; supplied by the query generator (mutual recursion). */
export type SubqueryMaker = (depth: number) => { readonly ast: AstNode; readonly columns: readonly OutColumn[]; readonly fanout: number };

const joinFeatures = [
  ['innerJoin', 'INNER JOIN'],
  ['leftJoin', 'LEFT JOIN'],
  ['rightJoin', 'RIGHT JOIN'],
  ['fullJoin', 'FULL JOIN'],
  ['crossJoin', 'CROSS JOIN'],
] as const;

export class FromGen {
  private nextAlias = 0;
  private nextCte = 0;

  constructor(
    private readonly rng: Prng,
    private readonly features: FeatureSet,
    /** Tables and (when views over views are on) earlier views. */
    private readonly relations: readonly RelationInfo[],
    /** Prefix that keeps CTE and alias names unique across the case. */
    private readonly prefix: string,
  ) {}

  gen(depth: number, makeSubquery: SubqueryMaker): Scope {
    const kinds = joinFeatures.filter(([f]) => this.features.has(f)).map(([, k]) => k);
    let n = 1;
    if (kinds.length > 0 && this.rng.chance(0.55)) n = this.features.has('multiJoin') && this.rng.chance(0.3) ? 3 : 2;
    const withs: { name: string; query: AstNode }[] = [];
    const ctes: RelationInfo[] = [];
    const from: FromItem[] = [];
    const columns: Scalar[] = [];
    /** How many FROM items expose each column name (USING merges two into one). */
    const nameCount = new Map<string, number>();
    let fanout = 1;
    for (let i = 0; i < n; i++) {
      const alias = `${this.prefix}r${this.nextAlias++}`;
      let kind: JoinKind | null = i === 0 ? null : this.rng.pick(kinds);
      // Cross joins only of two base-sized inputs; other joins while the estimate stays small.
      if (kind === 'CROSS JOIN' && (i > 1 || fanout > 1)) kind = kinds.find((k) => k !== 'CROSS JOIN') ?? null;
      if (i > 0 && kind === null) break;
      const growth = kind === null ? 1 : kind === 'CROSS JOIN' ? crossJoinFanout : equiJoinFanout;
      const budget = Math.floor(maxFanout / (fanout * growth));
      if (budget < 1) break;
      const rel = this.pickSource(depth, makeSubquery, withs, ctes, i === 0 ? Number.POSITIVE_INFINITY : budget);
      if (rel === null) break;
      // A lone FROM item is sometimes referenced without its alias.
      const qualify = n > 1 || this.rng.chance(0.7);
      const itemCols = rel.info.columns.map((c) => ({ ...c, node: colRef(c.name, qualify ? alias : null) }));
      let join: FromItem['join'] = null;
      if (kind === 'CROSS JOIN') {
        join = { kind, on: null, using: null };
      } else if (kind !== null) {
        const using = this.features.has('joinUsing') && this.rng.chance(0.3) ? this.usingColumn(rel.info, columns, nameCount) : null;
        const on = using === null ? this.onCondition(columns, itemCols) : null;
        // No comparable columns: stop at the items so far.
        if (using === null && on === null) break;
        join = using !== null ? { kind, on: null, using: [using.name] } : { kind, on, using: null };
      }
      from.push({ source: rel.source, alias, join });
      this.addColumns(columns, itemCols, nameCount, join);
      fanout = i === 0 ? rel.info.fanout : fanout * rel.info.fanout * growth;
    }
    return { from, withs, columns, fanout };
  }

  private addColumns(columns: Scalar[], itemCols: readonly (OutColumn & Scalar)[], nameCount: Map<string, number>, join: FromItem['join']): void {
    const merged = join?.using?.[0] ?? null;
    for (const c of itemCols) {
      const before = nameCount.get(c.name) ?? 0;
      if (c.name === merged) continue;
      nameCount.set(c.name, before + 1);
      if (before > 0) {
        // A second column of this name makes an unqualified reference ambiguous.
        const k = columns.findIndex((s) => isUnqualified(s.node, c.name));
        if (k >= 0) columns.splice(k, 1);
      }
    }
    columns.push(...itemCols);
    if (merged !== null) {
      const c = itemCols.find((x) => x.name === merged);
      // The merged USING column, referenced without a qualifier.
      if (c !== undefined && !columns.some((s) => isUnqualified(s.node, merged))) columns.push({ ...c, node: colRef(merged) });
    }
  }

  /** A relation, a subquery or a CTE (defined now, or one defined earlier, for a self-join), no bigger than `budget`. */
  private pickSource(
    depth: number,
    makeSubquery: SubqueryMaker,
    withs: { name: string; query: AstNode }[],
    ctes: RelationInfo[],
    budget: number,
  ): { source: FromItem['source']; info: RelationInfo } | null {
    const fitting = ctes.filter((c) => c.fanout <= budget);
    if (fitting.length > 0 && this.rng.chance(0.3)) {
      const cte = this.rng.pick(fitting);
      return { source: { kind: 'relation', name: cte.name }, info: cte };
    }
    if (depth < 1 && this.features.has('with') && this.rng.chance(0.15)) {
      const q = makeSubquery(depth + 1);
      if (q.fanout <= budget) {
        const name = `${this.prefix}w${this.nextCte++}`;
        withs.push({ name, query: q.ast });
        const info = { name, columns: q.columns, fanout: q.fanout };
        ctes.push(info);
        return { source: { kind: 'relation', name }, info };
      }
    }
    if (depth < 1 && this.features.has('subqueryInFrom') && this.rng.chance(0.2)) {
      const q = makeSubquery(depth + 1);
      if (q.fanout <= budget) return { source: { kind: 'subquery', query: q.ast }, info: { name: '', columns: q.columns, fanout: q.fanout } };
    }
    const rels = this.relations.filter((r) => r.fanout <= budget);
    if (rels.length === 0) return null;
    const rel = this.rng.pick(rels);
    return { source: { kind: 'relation', name: rel.name }, info: rel };
  }

  /** A column name both sides have once, with the same type, for JOIN ... USING. */
  private usingColumn(right: RelationInfo, left: readonly Scalar[], nameCount: ReadonlyMap<string, number>): OutColumn | null {
    const candidates = right.columns.filter((c) => {
      if (right.columns.filter((o) => o.name === c.name).length !== 1) return false;
      if (nameCount.get(c.name) !== 1) return false;
      const l = left.find((s) => columnName(s.node) === c.name);
      return l !== undefined && l.type === c.type && c.type !== 'boolean' && isExact(c) && isExact(l);
    });
    if (candidates.length === 0) return null;
    const keys = candidates.filter((c) => c.name === 'k' || c.name === 'id');
    return this.rng.pick(keys.length > 0 && this.rng.chance(0.8) ? keys : candidates);
  }

  /** `l.x = r.y` between same-typed exact columns (preferring the key columns), sometimes AND another condition. */
  private onCondition(left: readonly Scalar[], right: readonly (OutColumn & Scalar)[]): AstNode | null {
    const pairs: [Scalar, Scalar, boolean][] = [];
    for (const r of right) {
      if (!isExact(r) || r.type === 'boolean') continue;
      for (const l of left) {
        if (l.type !== r.type || !isExact(l) || isUnqualified(l.node, columnName(l.node))) continue;
        const lName = columnName(l.node);
        pairs.push([l, r, (lName === 'k' || lName === 'id') && (r.name === 'k' || r.name === 'id')]);
      }
    }
    if (pairs.length === 0) return null;
    const keyPairs = pairs.filter((p) => p[2]);
    const [l, r] = this.rng.pick(keyPairs.length > 0 && this.rng.chance(0.85) ? keyPairs : pairs);
    const parts: AstNode[] = [binary('=', l.node, r.node)];
    if (this.rng.chance(0.3)) {
      // An extra condition over either side: on an outer join it decides which rows are null-extended.
      // Not the merged USING column of an earlier join when this item has a column of
      // that name: inside this ON both are in scope, so PostgreSQL calls it ambiguous.
      const visibleLeft = left.filter((l) => !right.some((r) => isUnqualified(l.node, r.name)));
      const g = new ScalarGen(this.rng, this.rng.chance(0.5) ? right : [...visibleLeft, ...right]);
      parts.push(g.bool(1).node);
    }
    return conjunction('AND', parts);
  }
}

function columnName(node: AstNode): string {
  const c = node['column'] as { expr?: { value?: unknown } } | undefined;
  return String(c?.expr?.value ?? '');
}

function isUnqualified(node: AstNode, name: string): boolean {
  return node.type === 'column_ref' && node['table'] === null && columnName(node) === name;
}
