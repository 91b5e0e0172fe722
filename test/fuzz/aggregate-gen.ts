// Random aggregate calls (count(*), count, sum, avg, min, max, count/sum
// DISTINCT) over the columns in scope, typed as PostgreSQL types them, for the
// GROUP BY, global-aggregate, window-function and time-window query shapes.
// Promises: arguments are exact, so sums do not depend on the order rows are added.

import type { GenType } from '../differential/case-model.js';
import type { Prng } from '../differential/prng.js';
import type { FeatureSet } from './fuzz-features.js';
import { ScalarGen, isNumberType, type Scalar } from './scalar-gen.js';
import { aggregate, type AstNode } from './sql-ast.js';

/** An upper bound of the rows a join of the case's small tables can produce (bounds sums). */
export const maxRows = 1_000_000;

export function scalarOf(node: AstNode, type: GenType, bound: number): Scalar {
  return { node, type, bound, halfSafe: false, exact: true };
}

/** sum(int4) is int8; sum(int8) is numeric in PostgreSQL (HUGEINT in DuckDB); sum(float8) is float8. */
function sumOf(x: Scalar, distinct: boolean): Scalar {
  const type: GenType = x.type === 'integer' ? 'bigint' : x.type === 'double' ? 'double' : 'numeric';
  return { node: aggregate('SUM', x.node, distinct), type, bound: x.bound * maxRows, halfSafe: false, exact: x.exact };
}

/** An aggregate call typed as PostgreSQL types it. */
export function genAggregateCall(rng: Prng, features: FeatureSet, columns: readonly Scalar[]): Scalar {
  const g = new ScalarGen(rng, columns, { exactOnly: true, leafChance: 0.6 });
  const distinctOk = features.has('distinctAggregate');
  const fn = rng.weighted<'count*' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct' | 'sumDistinct'>([
    [3, 'count*'],
    [2, 'count'],
    [3, 'sum'],
    [2, 'avg'],
    [2, 'min'],
    [2, 'max'],
    [distinctOk ? 1 : 0, 'countDistinct'],
    [distinctOk ? 1 : 0, 'sumDistinct'],
  ]);
  const depth = rng.chance(0.7) ? 0 : 1;
  switch (fn) {
    case 'count*':
      return scalarOf(aggregate('COUNT', null), 'bigint', maxRows);
    case 'count':
      return scalarOf(aggregate('COUNT', g.gen(g.pickColumnType(), depth).node), 'bigint', maxRows);
    case 'sum':
    case 'avg': {
      const t = g.pickColumnType(isNumberType);
      const x = g.gen(isNumberType(t) ? t : 'integer', depth);
      // avg is numeric for integers in PostgreSQL, double in Freshet and DuckDB: compared within tolerance.
      if (fn === 'avg') return { node: aggregate('AVG', x.node), type: 'double', bound: x.bound, halfSafe: false, exact: false };
      return sumOf(x, false);
    }
    case 'countDistinct': {
      const t = g.pickColumnType((ct) => ct === 'integer' || ct === 'bigint' || ct === 'text');
      const x = g.gen(t === 'bigint' || t === 'text' ? t : 'integer', depth);
      return scalarOf(aggregate('COUNT', x.node, true), 'bigint', maxRows);
    }
    case 'sumDistinct': {
      const t = g.pickColumnType((ct) => ct === 'integer' || ct === 'bigint');
      return sumOf(g.gen(t === 'bigint' ? t : 'integer', depth), true);
    }
    case 'min':
    case 'max': {
      // No min/max of booleans: PostgreSQL has bool_and/bool_or instead.
      const t = g.pickColumnType((ct) => ct !== 'boolean');
      const x = g.gen(t === 'boolean' ? 'integer' : t, depth);
      return { ...x, node: aggregate(fn === 'min' ? 'MIN' : 'MAX', x.node) };
    }
  }
}
