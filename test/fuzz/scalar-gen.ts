// A typed random generator of scalar expression ASTs (node-sql-parser format)
// over the columns in scope, for expressions that PostgreSQL, DuckDB (with
// integer_division) and Freshet evaluate alike. Each result carries a bound on
// |value| so integer arithmetic never overflows, and whether a double is exact
// (order-independent sums, safe to compare or DISTINCT) and half-safe (never
// ends in .5, so round() and casts to integer agree). Where the dialects
// differ, the generator avoids the case and says why.

import type { GenType } from '../differential/case-model.js';
import { textVocabulary } from '../differential/literal-gen.js';
import type { Prng } from '../differential/prng.js';
import { literalScalar } from './literal-scalar.js';
import { binary, boolLit, call, caseExpr, cast, exprList, extract, nullLit, numLit, strLit, unary, type AstNode } from './sql-ast.js';

/** What the generators know about an expression's values. */
export interface ValueInfo {
  readonly type: GenType;
  /** Upper bound of |value| for number types. */
  readonly bound: number;
  readonly halfSafe: boolean;
  readonly exact: boolean;
}

/** An expression (or column reference) with what is known of its values. */
export interface Scalar extends ValueInfo {
  readonly node: AstNode;
}

/** int4 results stay below this (PostgreSQL raises on int4 overflow). */
const intLimit = 1e9;
/** bigint results stay below this: exact in a double and far from int64 overflow. */
const bigintLimit = 1e15;

export function isNumberType(t: GenType): boolean {
  return t === 'integer' || t === 'bigint' || t === 'double' || t === 'numeric';
}

/** Types whose values compare exactly (and order alike) in every engine. */
export function isExact(v: ValueInfo): boolean {
  return v.type !== 'double' || v.exact;
}

function scalar(node: AstNode, type: GenType, bound = 0, halfSafe = false, exact = true): Scalar {
  return { node, type, bound, halfSafe, exact };
}

export interface ScalarGenOptions {
  /** Only exact doubles (no division, no inexact columns): for aggregate arguments and DISTINCT. */
  readonly exactOnly?: boolean;
  /** Probability of stopping at a leaf before the depth runs out. */
  readonly leafChance?: number;
}

type Production = (d: number) => Scalar | null;

export class ScalarGen {
  private readonly exactOnly: boolean;
  private readonly leafChance: number;
  private readonly usable: readonly Scalar[];

  constructor(
    private readonly rng: Prng,
    columns: readonly Scalar[],
    options: ScalarGenOptions = {},
  ) {
    this.exactOnly = options.exactOnly ?? false;
    this.leafChance = options.leafChance ?? 0.35;
    this.usable = this.exactOnly ? columns.filter(isExact) : columns;
  }

  /** A random type some column has (optionally filtered), else integer. */
  pickColumnType(filter: (t: GenType) => boolean = () => true): GenType {
    const types = [...new Set(this.usable.map((c) => c.type))].filter(filter);
    return types.length === 0 ? 'integer' : this.rng.pick(types);
  }

  gen(type: GenType, depth: number): Scalar {
    if (depth <= 0 || this.rng.chance(this.leafChance)) {
      const leaf = this.leaf(type);
      if (leaf !== null) return leaf;
    }
    const productions = this.productions(type);
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = this.rng.pick(productions)(Math.max(0, depth - 1));
      if (r !== null) return r;
    }
    return this.leaf(type) ?? this.literal(type);
  }

  bool(depth: number): Scalar {
    return this.gen('boolean', depth);
  }

  leaf(type: GenType): Scalar | null {
    const cols = this.usable.filter((c) => c.type === type);
    if (cols.length > 0 && (type === 'numeric' || this.rng.chance(0.85))) return this.rng.pick(cols);
    if (type === 'numeric') return this.extractField();
    if (cols.length === 0 && this.rng.chance(0.7)) {
      const converted = this.convert(type);
      if (converted !== null) return converted;
    }
    // A constant condition tests little: prefer a predicate over a column.
    if (type === 'boolean' && this.usable.length > 0 && this.rng.chance(0.85)) return this.atom();
    return this.literal(type);
  }

  /** A column of another type turned into `type`, for scopes with no column of that type. */
  private convert(type: GenType): Scalar | null {
    const from = (...types: GenType[]): Scalar | null => {
      const cols = this.usable.filter((c) => types.includes(c.type));
      return cols.length === 0 ? null : this.rng.pick(cols);
    };
    switch (type) {
      case 'integer': {
        const t = from('text');
        return t === null ? null : scalar(call('length', [t.node]), 'integer', 10_000);
      }
      case 'bigint': {
        const c = from('integer');
        return c === null ? null : scalar(this.castTo(c.node, 'BIGINT'), 'bigint', c.bound);
      }
      case 'double': {
        const c = from('integer', 'bigint');
        return c === null ? null : scalar(this.castTo(c.node, 'DOUBLE PRECISION'), 'double', c.bound, true, true);
      }
      case 'text': {
        const c = from('integer', 'bigint');
        return c === null ? null : scalar(this.castTo(c.node, 'TEXT'), 'text');
      }
      case 'timestamp': {
        const c = from('date');
        return c === null ? null : scalar(this.castTo(c.node, 'TIMESTAMP'), 'timestamp');
      }
      case 'date': {
        const c = from('timestamp');
        return c === null ? null : scalar(this.castTo(c.node, 'DATE'), 'date');
      }
      case 'boolean':
      case 'numeric':
        return null;
    }
  }

  /** `col <op> literal`, `col IS [NOT] NULL` or a boolean column: the simplest row-dependent predicate. */
  private atom(): Scalar {
    const col = this.rng.pick(this.usable);
    if (this.rng.chance(0.2)) return scalar(binary(this.rng.chance(0.5) ? 'IS NOT' : 'IS', col.node, nullLit()), 'boolean');
    if (col.type === 'boolean') return this.rng.chance(0.5) ? col : scalar(unary('NOT', col.node), 'boolean');
    const op = this.rng.pick(['=', '<>', '<', '<=', '>', '>=']);
    return scalar(binary(op, col.node, this.literalOfFamily(col.type).node), 'boolean');
  }

  literal(type: GenType): Scalar {
    return literalScalar(this.rng, type);
  }

  /** A literal to compare a `t` with. */
  private literalOfFamily(t: GenType): Scalar {
    return literalScalar(this.rng, t === 'numeric' || t === 'bigint' ? 'integer' : t, true);
  }

  private castTo(node: AstNode, typeName: string): AstNode {
    return cast(node, typeName, this.rng.chance(0.5) ? 'as' : '::');
  }

  // ---------------------------------------------------------------------------
  // Productions per result type

  private productions(type: GenType): Production[] {
    switch (type) {
      case 'integer':
        return [
          (d) => this.arith('integer', d, ['+', '-', '*']),
          (d) => this.arith('integer', d, ['+', '-']),
          (d) => this.divMod('integer', d),
          (d) => this.negate('integer', d),
          (d) => this.fn1('abs', 'integer', d),
          // length() is int4 in PostgreSQL and BIGINT in DuckDB: the same values either way.
          (d) => scalar(call('length', [this.gen('text', d).node]), 'integer', 10_000),
          (d) => this.caseOf('integer', d),
          (d) => this.coalesce('integer', d),
          (d) => this.nullif('integer', d),
          (d) => {
            // PostgreSQL rounds float8 -> int4 half to even: only half-safe values are cast.
            const x = this.gen('double', d);
            return x.halfSafe && x.bound < intLimit ? scalar(this.castTo(x.node, 'INTEGER'), 'integer', x.bound + 1) : null;
          },
          (d) => scalar(this.castTo(this.gen('boolean', d).node, 'INTEGER'), 'integer', 1),
        ];
      case 'bigint':
        return [
          (d) => {
            const x = this.gen('integer', d);
            return scalar(this.castTo(x.node, 'BIGINT'), 'bigint', x.bound);
          },
          (d) => this.arith('bigint', d, ['+', '-', '*']),
          (d) => this.divMod('bigint', d),
          (d) => this.negate('bigint', d),
          (d) => this.caseOf('bigint', d),
          (d) => this.coalesce('bigint', d),
        ];
      case 'double': {
        const ps: Production[] = [
          (d) => {
            const x = this.gen(this.rng.pick(['integer', 'bigint'] as const), d);
            return scalar(this.castTo(x.node, 'DOUBLE PRECISION'), 'double', x.bound, true, true);
          },
          (d) => this.arith('double', d, ['+', '-', '*']),
          (d) => this.negate('double', d),
          (d) => this.fn1('abs', 'double', d),
          (d) => {
            const x = this.gen('double', d);
            return scalar(call(this.rng.pick(['floor', 'ceil']), [x.node]), 'double', x.bound + 1, true, x.exact);
          },
          (d) => {
            // PostgreSQL rounds float8 half to even, DuckDB half away from zero.
            const x = this.gen('double', d);
            return x.halfSafe ? scalar(call('round', [x.node]), 'double', x.bound + 1, true, x.exact) : null;
          },
          (d) => this.caseOf('double', d),
          (d) => this.coalesce('double', d),
        ];
        if (!this.exactOnly) ps.push((d) => this.divMod('double', d));
        return ps;
      }
      case 'numeric':
        return [() => this.extractField(), (d) => this.coalesce('numeric', d)];
      case 'text':
        return [
          (d) => scalar(call(this.rng.pick(['lower', 'upper']), [this.gen('text', d).node]), 'text'),
          (d) => this.substr(d),
          (d) => {
            // concat() skips NULLs. Text and integers only: booleans and doubles print differently.
            const args: AstNode[] = [];
            for (let i = this.rng.int(2, 3); i > 0; i--) args.push(this.gen(this.rng.pick(['text', 'text', 'integer'] as const), d).node);
            return scalar(call('concat', args), 'text');
          },
          (d) => scalar(binary('||', this.gen('text', d).node, this.gen(this.rng.pick(['text', 'text', 'integer'] as const), d).node), 'text'),
          (d) => scalar(this.castTo(this.gen(this.rng.pick(['integer', 'bigint', 'date'] as const), d).node, 'TEXT'), 'text'),
          (d) => this.caseOf('text', d),
          (d) => this.coalesce('text', d),
          (d) => this.nullif('text', d),
        ];
      case 'boolean':
        return [
          (d) => this.comparison(d),
          (d) => this.comparison(d),
          (d) => scalar(binary(this.rng.pick(['AND', 'OR']), this.bool(d).node, this.bool(d).node), 'boolean'),
          (d) => scalar(unary('NOT', this.bool(d).node), 'boolean'),
          (d) => scalar(binary(this.rng.chance(0.5) ? 'IS NOT' : 'IS', this.gen(this.pickColumnType(), d).node, nullLit()), 'boolean'),
          (d) => this.between(d),
          (d) => this.inList(d),
          (d) => this.like(d),
          (d) => {
            const t = this.pickColumnType();
            const op = this.rng.chance(0.5) ? 'IS DISTINCT FROM' : 'IS NOT DISTINCT FROM';
            return scalar(binary(op, this.gen(t, d).node, this.sameFamily(t, d).node), 'boolean');
          },
          (d) => scalar(binary(this.rng.chance(0.5) ? 'IS' : 'IS NOT', this.bool(d).node, boolLit(this.rng.chance(0.5))), 'boolean'),
        ];
      case 'timestamp':
        return [
          // PostgreSQL and DuckDB both start weeks on Monday.
          (d) => {
            const field = this.rng.pick(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute']);
            return scalar(call('date_trunc', [strLit(field), this.gen('timestamp', d).node]), 'timestamp');
          },
          (d) => scalar(this.castTo(this.gen('date', d).node, 'TIMESTAMP'), 'timestamp'),
          (d) => this.caseOf('timestamp', d),
          (d) => this.coalesce('timestamp', d),
        ];
      case 'date':
        return [
          // Not date_trunc on a date: PostgreSQL returns timestamptz there, DuckDB timestamp.
          (d) => scalar(this.castTo(this.gen('timestamp', d).node, 'DATE'), 'date'),
          (d) => this.caseOf('date', d),
          (d) => this.coalesce('date', d),
        ];
    }
  }

  // ---------------------------------------------------------------------------
  // Building blocks

  private limit(type: GenType): number {
    return type === 'integer' ? intLimit : type === 'bigint' ? bigintLimit : Number.POSITIVE_INFINITY;
  }

  /** The right operand of arithmetic producing `type`: bigint mixes with integer, double with integer. */
  private operand(type: GenType, d: number): Scalar {
    if (type === 'bigint') return this.gen(this.rng.pick(['bigint', 'integer'] as const), d);
    if (type === 'double') return this.gen(this.rng.pick(['double', 'double', 'integer'] as const), d);
    return this.gen(type, d);
  }

  private arith(type: GenType, d: number, ops: readonly string[]): Scalar | null {
    const l = this.gen(type, d);
    const r = this.operand(type, d);
    const op = this.rng.pick(ops);
    const bound = op === '*' ? l.bound * r.bound : l.bound + r.bound;
    if (bound >= this.limit(type)) return null;
    // Products of multiples of 1/8 stay exact (multiples of 1/64) but may end in .5.
    return scalar(binary(op, l.node, r.node), type, bound, false, l.exact && r.exact);
  }

  /**
   * Division and modulo only by divisors that cannot be zero: PostgreSQL raises
   * division_by_zero where DuckDB returns NULL. `%` on integers only (PostgreSQL
   * has no float8 %); integer `/` truncates in both with integer_division on.
   */
  private divMod(type: GenType, d: number): Scalar | null {
    const l = this.gen(type, d);
    if (type === 'double') {
      const divisor = this.rng.chance(0.5)
        ? numLit(this.rng.pick(['2.0', '4.0', '0.5', '1.25', '-2.5', '3.0']))
        : binary('+', call('abs', [this.gen(this.rng.pick(['double', 'integer'] as const), d).node]), numLit(1));
      return scalar(binary('/', l.node, divisor), 'double', l.bound, false, false);
    }
    const op = this.rng.pick(['/', '%']);
    if (this.rng.chance(0.5)) return scalar(binary(op, l.node, numLit(this.rng.pick([1, 2, 3, 7, -2, -5]))), type, l.bound);
    const r = this.gen(type === 'bigint' ? this.rng.pick(['bigint', 'integer'] as const) : 'integer', d);
    if (r.bound + 1 >= this.limit(type)) return null;
    return scalar(binary(op, l.node, binary('+', call('abs', [r.node]), numLit(1))), type, l.bound);
  }

  private negate(type: GenType, d: number): Scalar {
    const x = this.gen(type, d);
    return { ...x, node: unary('-', x.node) };
  }

  private fn1(name: string, type: GenType, d: number): Scalar {
    const x = this.gen(type, d);
    return { ...x, node: call(name, [x.node]) };
  }

  private combine(node: AstNode, type: GenType, parts: readonly Scalar[]): Scalar {
    let bound = 0;
    let halfSafe = true;
    let exact = true;
    for (const p of parts) {
      bound = Math.max(bound, p.bound);
      halfSafe &&= p.halfSafe;
      exact &&= p.exact;
    }
    return scalar(node, type, bound, halfSafe, exact);
  }

  private caseOf(type: GenType, d: number): Scalar {
    const parts: Scalar[] = [];
    const whens: [AstNode, AstNode][] = [];
    let operand: AstNode | null = null;
    let operandType: GenType = 'boolean';
    if (this.rng.chance(0.3)) {
      // Simple form: CASE x WHEN literal THEN ...
      operandType = this.pickColumnType((t) => t !== 'numeric' && t !== 'boolean');
      if (operandType !== 'boolean') operand = this.gen(operandType, d).node;
    }
    for (let i = this.rng.int(1, 2); i > 0; i--) {
      const then = this.gen(type, d);
      parts.push(then);
      whens.push([operand === null ? this.bool(d).node : this.literalOfFamily(operandType).node, then.node]);
    }
    let otherwise: AstNode | null = null;
    if (this.rng.chance(0.7)) {
      const e = this.gen(type, d);
      parts.push(e);
      otherwise = e.node;
    }
    return this.combine(caseExpr(operand, whens, otherwise), type, parts);
  }

  private coalesce(type: GenType, d: number): Scalar {
    const a = this.gen(type, d);
    const b = type === 'numeric' ? this.gen('integer', d) : this.rng.chance(0.5) ? this.literal(type) : this.gen(type, d);
    return this.combine(call('coalesce', [a.node, b.node]), type, [a, b]);
  }

  private nullif(type: GenType, d: number): Scalar {
    const a = this.gen(type, d);
    const b = this.rng.chance(0.6) ? this.literal(type) : this.gen(type, d);
    return this.combine(call('nullif', [a.node, b.node]), type, [a]);
  }

  /** substr with start >= 1 and length >= 0: DuckDB counts a start below 1 from the end, and PostgreSQL rejects a negative length. */
  private substr(d: number): Scalar {
    const s = this.gen('text', d).node;
    const args = [s, numLit(this.rng.int(1, 4))];
    if (this.rng.chance(0.6)) args.push(numLit(this.rng.int(0, 4)));
    return scalar(call('substr', args), 'text');
  }

  /**
   * extract() is numeric in PostgreSQL (BIGINT or DOUBLE in DuckDB), so it is typed
   * `numeric` and never divided. Time-of-day fields only from timestamps (PostgreSQL
   * rejects them for dates); no 'second' (PostgreSQL keeps the fraction, DuckDB does not).
   */
  private extractField(): Scalar | null {
    const sources = this.usable.filter((c) => c.type === 'timestamp' || c.type === 'date');
    if (sources.length === 0) {
      const num = this.usable.filter((c) => c.type === 'numeric');
      return num.length > 0 ? this.rng.pick(num) : null;
    }
    const src = this.rng.pick(sources);
    const dateFields = ['year', 'quarter', 'month', 'day', 'dow', 'doy'];
    const field = this.rng.pick(src.type === 'timestamp' ? [...dateFields, 'hour', 'minute', 'epoch'] : dateFields);
    return scalar(extract(field, src.node), 'numeric', field === 'epoch' ? 2e9 : 3000);
  }

  /** An expression comparable with one of type `t`. */
  private sameFamily(t: GenType, d: number): Scalar {
    if (isNumberType(t)) {
      if (this.rng.chance(0.4)) return this.literalOfFamily(t);
      return this.gen(this.pickColumnType(isNumberType), d);
    }
    return this.rng.chance(0.4) ? this.literal(t) : this.gen(t, d);
  }

  private comparison(d: number): Scalar {
    const t = this.pickColumnType();
    const ops = t === 'boolean' ? ['=', '<>'] : ['=', '<>', '<', '<=', '>', '>=', '!='];
    return scalar(binary(this.rng.pick(ops), this.gen(t, d).node, this.sameFamily(t, d).node), 'boolean');
  }

  private between(d: number): Scalar | null {
    const t = this.pickColumnType((ct) => ct !== 'boolean');
    if (t === 'boolean') return null;
    const lo = this.literalOfFamily(t);
    const hi = this.literalOfFamily(t);
    const op = this.rng.chance(0.3) ? 'NOT BETWEEN' : 'BETWEEN';
    // Sometimes a reversed (empty) range: it selects nothing in both engines.
    return scalar(binary(op, this.gen(t, d).node, exprList([lo.node, hi.node])), 'boolean');
  }

  private inList(d: number): Scalar {
    const t = this.pickColumnType();
    const items: AstNode[] = [];
    for (let i = this.rng.int(1, 4); i > 0; i--) items.push(this.literalOfFamily(t).node);
    if (this.rng.chance(0.2)) items.push(nullLit());
    return scalar(binary(this.rng.chance(0.3) ? 'NOT IN' : 'IN', this.gen(t, d).node, exprList(items)), 'boolean');
  }

  /** LIKE patterns never contain a backslash: PostgreSQL's default escape character, DuckDB has none. */
  private like(d: number): Scalar {
    const x = this.gen('text', d);
    const base = this.rng.pick(textVocabulary);
    const pattern = this.rng.pick([
      `${base.slice(0, 1)}%`,
      `%${base.slice(-1)}`,
      `%${base.slice(0, 1)}%`,
      base.replace(/./, '_'),
      '%',
      '_',
      base,
      base.toUpperCase(),
    ]);
    const op = `${this.rng.chance(0.25) ? 'NOT ' : ''}${this.rng.chance(0.35) ? 'ILIKE' : 'LIKE'}`;
    return scalar(binary(op, x.node, strLit(pattern)), 'boolean');
  }
}
