// Random view definitions over one table or one earlier view: projections with
// filters, GROUP BY with aggregates (some COUNT/SUM(DISTINCT x) over exact
// types) and HAVING, and global aggregates, some of them SELECT DISTINCT. No joins, subqueries or window functions. Every output
// column gets an alias (c<view>_<i>) so both engines name it the same way.

import type { ColumnInfo, GenType, ViewItem, ViewSpec } from './case-model.js';
import { ExprGen, isNumberType } from './expr-gen.js';
import type { Prng } from './prng.js';

export interface Relation {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
}

/** The largest number of rows a generated case can hold in one table (bounds sum()). */
const maxRows = 10_000;

export function genView(rng: Prng, name: string, source: Relation): ViewSpec {
  const kind = rng.weighted<'project' | 'group' | 'global'>([
    [45, 'project'],
    [40, 'group'],
    [15, 'global'],
  ]);
  switch (kind) {
    case 'project':
      return maybeDistinct(rng, genProjection(rng, name, source));
    case 'group':
      return maybeDistinct(rng, genGrouped(rng, name, source, true));
    case 'global':
      return genGrouped(rng, name, source, false);
  }
}

/** Share of projections and grouped views made SELECT DISTINCT. */
const distinctChance = 0.3;

/**
 * Makes a view SELECT DISTINCT, sometimes. Only when every item is exact:
 * DISTINCT compares values exactly, so doubles computed with rounding noise
 * could make the two engines count different rows. ViewSpec has no DISTINCT
 * flag (case-model.ts renders `SELECT <items>`), so the keyword rides on the
 * first item's text; the shrinker dropping that item drops DISTINCT with it.
 */
function maybeDistinct(rng: Prng, v: ViewSpec): ViewSpec {
  const [first, ...rest] = v.items;
  if (v.star || first === undefined || !rng.chance(distinctChance)) return v;
  if (!v.items.every((i) => i.info.exact)) return v;
  return { ...v, items: [{ ...first, expr: `DISTINCT ${first.expr}` }, ...rest] };
}

/** The columns a view exposes to views defined over it. */
export function viewColumns(v: ViewSpec, source: Relation): ColumnInfo[] {
  if (v.star) return [...source.columns];
  return v.items.map((i) => ({ ...i.info, sql: i.alias }));
}

function genProjection(rng: Prng, name: string, source: Relation): ViewSpec {
  const g = new ExprGen(rng, source.columns);
  const where = rng.chance(0.65) ? g.bool(rng.int(1, 3)).sql : null;
  if (rng.chance(0.1)) {
    return { name, source: source.name, star: true, items: [], where, groupBy: [], having: null };
  }
  const n = rng.int(1, 5);
  const items: ViewItem[] = [];
  for (let i = 0; i < n; i++) {
    const type = rng.chance(0.75) ? g.pickColumnType() : rng.pick(['integer', 'double', 'text', 'boolean', 'timestamp'] as const);
    const e = rng.chance(0.3) ? g.gen(type, 0) : g.gen(type, rng.int(1, 3));
    items.push({ expr: e.sql, alias: alias(name, i), info: e });
  }
  return { name, source: source.name, star: false, items, where, groupBy: [], having: null };
}

/** An aggregate call over the source columns, typed as PostgreSQL types it. */
export function genAggregate(rng: Prng, source: readonly ColumnInfo[]): ColumnInfo {
  const exactGen = new ExprGen(rng, source, { exactOnly: true, leafChance: 0.6 });
  const fn = rng.weighted<'count*' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct' | 'sumDistinct'>([
    [3, 'count*'],
    [2, 'count'],
    [3, 'sum'],
    [2, 'avg'],
    [2, 'min'],
    [2, 'max'],
    [1, 'countDistinct'],
    [1, 'sumDistinct'],
  ]);
  const depth = rng.chance(0.7) ? 0 : 1;
  switch (fn) {
    case 'count*':
      return { sql: 'count(*)', type: 'bigint', bound: maxRows, halfSafe: false, exact: true };
    case 'count': {
      const x = exactGen.gen(exactGen.pickColumnType(), depth);
      return { sql: `count(${x.sql})`, type: 'bigint', bound: maxRows, halfSafe: false, exact: true };
    }
    case 'sum':
    case 'avg': {
      const t = exactGen.pickColumnType((ct) => isNumberType(ct));
      const x = exactGen.gen(isNumberType(t) ? t : 'integer', depth);
      if (fn === 'avg') {
        // PostgreSQL's avg is numeric for integer inputs, Freshet's and DuckDB's double:
        // equal within tolerance, and never rounded or compared for equality downstream.
        return { sql: `avg(${x.sql})`, type: 'double', bound: x.bound, halfSafe: false, exact: false };
      }
      // sum(int4) is int8; sum(int8) is numeric in PostgreSQL (HUGEINT in DuckDB).
      const type: GenType = x.type === 'integer' ? 'bigint' : x.type === 'double' ? 'double' : 'numeric';
      return { sql: `sum(${x.sql})`, type, bound: x.bound * maxRows, halfSafe: false, exact: x.exact };
    }
    case 'countDistinct': {
      // DISTINCT compares values exactly: only exact types, so both engines see the same set.
      const t = exactGen.pickColumnType((ct) => ct === 'integer' || ct === 'bigint' || ct === 'text');
      const x = exactGen.gen(t === 'bigint' || t === 'text' ? t : 'integer', depth);
      return { sql: `count(DISTINCT ${x.sql})`, type: 'bigint', bound: maxRows, halfSafe: false, exact: true };
    }
    case 'sumDistinct': {
      const t = exactGen.pickColumnType((ct) => ct === 'integer' || ct === 'bigint');
      const x = exactGen.gen(t === 'bigint' ? t : 'integer', depth);
      const type: GenType = x.type === 'integer' ? 'bigint' : 'numeric';
      return { sql: `sum(DISTINCT ${x.sql})`, type, bound: x.bound * maxRows, halfSafe: false, exact: x.exact };
    }
    case 'min':
    case 'max': {
      // No min/max of booleans: PostgreSQL has bool_and/bool_or instead.
      const t = exactGen.pickColumnType((ct) => ct !== 'boolean');
      const x = exactGen.gen(t === 'boolean' ? 'integer' : t, depth);
      return { ...x, sql: `${fn}(${x.sql})` };
    }
  }
}

function genGrouped(rng: Prng, name: string, source: Relation, grouped: boolean): ViewSpec {
  const g = new ExprGen(rng, source.columns);
  const where = rng.chance(0.4) ? g.bool(rng.int(1, 2)).sql : null;
  const keys: ColumnInfo[] = [];
  if (grouped) {
    const n = rng.chance(0.7) ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const col = rng.chance(0.7);
      const k = col ? g.gen(g.pickColumnType(), 0) : g.gen(g.pickColumnType(), 1);
      // Keys must reference a column: a literal key groups everything together, and an
      // integer literal in GROUP BY means an output position in PostgreSQL.
      if (!referencesColumn(k.sql, source.columns) || keys.some((o) => o.sql === k.sql)) continue;
      keys.push(k);
    }
    if (keys.length === 0) {
      const c = rng.pick(source.columns);
      keys.push(c);
    }
  }
  const aggs: ColumnInfo[] = [];
  const nAggs = rng.int(1, 4);
  for (let i = 0; i < nAggs; i++) aggs.push(genAggregate(rng, source.columns));

  // Items: the keys (mostly), the aggregates, sometimes an expression over them.
  const outputs: ColumnInfo[] = [];
  for (const k of keys) if (rng.chance(0.85)) outputs.push(k);
  outputs.push(...aggs);
  // Expressions over the groups use only the keys that are plain columns: DuckDB's
  // binder does not always recognise an expression key inside a larger expression
  // (e.g. NOT (c <= 0) when grouping by (c <= 0)), which PostgreSQL accepts.
  const plainKeys = keys.filter((k) => /^\w+$/.test(k.sql));
  if (rng.chance(0.25)) {
    const over = new ExprGen(rng, [...plainKeys, ...aggs], { leafChance: 0 });
    const t = over.pickColumnType();
    outputs.push(over.gen(t, 1));
  }
  shuffle(rng, outputs);
  const items: ViewItem[] = outputs.map((o, i) => ({ expr: o.sql, alias: alias(name, i), info: o }));

  let having: string | null = null;
  if (rng.chance(grouped ? 0.35 : 0.1)) {
    const extra = genAggregate(rng, source.columns);
    const hg = new ExprGen(rng, [...plainKeys, ...aggs, extra], { leafChance: 0.2 });
    having = hg.bool(rng.int(1, 2)).sql;
  }
  return {
    name,
    source: source.name,
    star: false,
    items,
    where,
    groupBy: keys.map((k) => k.sql),
    having,
  };
}

function referencesColumn(sql: string, columns: readonly ColumnInfo[]): boolean {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''");
  return columns.some((c) => new RegExp(`\\b${c.sql}\\b`).test(code));
}

/**
 * Output aliases are unique across the case (`c<view>_<i>`): PostgreSQL resolves a
 * name in GROUP BY to an input column before an output alias, DuckDB the other way
 * round, so a view must never output a name its source also has.
 */
function alias(viewName: string, i: number): string {
  return `c${viewName.replace(/^v/, '')}_${i}`;
}

function shuffle<T>(rng: Prng, xs: T[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = t;
  }
}
