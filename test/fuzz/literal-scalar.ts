// Random literal ASTs per type, drawn from the differential harness's small
// value domains (literal-gen.ts) so that predicates hit and groups collide.
// Promises the same value rules: doubles are multiples of 1/8 never ending in
// .5, and bigint literals carry an explicit cast so their type is bigint in
// every dialect.

import type { GenType } from '../differential/case-model.js';
import { dateDays, doubleLiteral, formatDate, formatTimestamp, intLiteral, textVocabulary, timestampMicros } from '../differential/literal-gen.js';
import type { Prng } from '../differential/prng.js';
import type { Scalar } from './scalar-gen.js';
import { boolLit, cast, numLit, strLit, typedLit, type AstNode } from './sql-ast.js';

function lit(node: AstNode, type: GenType, bound = 0, halfSafe = false): Scalar {
  return { node, type, bound, halfSafe, exact: true };
}

/**
 * A non-NULL literal of the type (`numeric` has no literal of its own: an integer
 * stands in). A double that is a value, not a comparison operand, is cast: `23.375`
 * alone is numeric in PostgreSQL and DECIMAL in DuckDB, whose decimals cap width and
 * scale (coalesce(sum(-70.75), 23.375) gave 23.38), so only a cast makes it a double
 * in every engine. Comparisons of decimals are exact everywhere, so operands stay plain.
 */
export function literalScalar(rng: Prng, type: GenType, comparand = false): Scalar {
  switch (type) {
    case 'integer': {
      const v = intLiteral(rng);
      return lit(numLit(v), 'integer', Math.abs(v));
    }
    case 'bigint': {
      const v = rng.int(-1000, 1000) * (rng.chance(0.3) ? 10_000_000 : 1);
      // A small literal is int4 in both dialects; the cast makes the assumed type explicit.
      return lit(cast(numLit(v), 'BIGINT'), 'bigint', Math.abs(v));
    }
    case 'double': {
      const v = doubleLiteral(rng);
      const plain = numLit(doubleText(v));
      return lit(comparand ? plain : cast(plain, 'DOUBLE PRECISION', rng.chance(0.5) ? 'as' : '::'), 'double', Math.abs(v), true);
    }
    case 'numeric':
      return lit(numLit(rng.int(0, 9)), 'integer', 9);
    case 'text':
      return lit(strLit(rng.pick(textVocabulary)), 'text');
    case 'boolean':
      return lit(boolLit(rng.chance(0.5)), 'boolean');
    case 'timestamp':
      return lit(typedLit('timestamp', formatTimestamp(timestampMicros(rng))), 'timestamp');
    case 'date':
      return lit(typedLit('date', formatDate(dateDays(rng))), 'date');
  }
}

/** A double's literal text, always with a decimal point so both dialects read a non-integer constant. */
export function doubleText(x: number): string {
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
