// A typed random generator of scalar SQL expressions over a set of columns,
// producing text that PostgreSQL, Freshet and DuckDB (with integer_division)
// all evaluate the same way. Each production tracks a bound on |value| so
// integer arithmetic never overflows, and whether doubles stay exact/half-safe.
// Where PostgreSQL and DuckDB differ, the generator avoids the case; each such
// place says why in a comment.

import type { ColumnInfo, GenType } from './case-model.js';
import {
  doubleLiteral,
  doubleSql,
  intLiteral,
  literalSql,
  numberSql,
  sqlString,
  textVocabulary,
} from './literal-gen.js';
import type { Prng } from './prng.js';

/** Results of int4 arithmetic stay below this (PostgreSQL raises on int4 overflow). */
const intLimit = 1e9;
/** bigint results stay below this: exact in Freshet's float64 layout and far from int64 overflow. */
const bigintLimit = 1e15;

export interface ExprGenOptions {
  /** Only exact double expressions (no division, no inexact columns): for sum/avg arguments. */
  readonly exactOnly?: boolean;
  /** Probability of ending at a leaf before the depth runs out. */
  readonly leafChance?: number;
}

type Production = (d: number) => ColumnInfo | null;

const numberTypes: readonly GenType[] = ['integer', 'bigint', 'double', 'numeric'];

function info(sql: string, type: GenType, bound: number, halfSafe = false, exact = true): ColumnInfo {
  return { sql, type, bound, halfSafe, exact };
}

export function isNumberType(t: GenType): boolean {
  return t === 'integer' || t === 'bigint' || t === 'double' || t === 'numeric';
}

export class ExprGen {
  private readonly exactOnly: boolean;
  private readonly leafChance: number;

  constructor(
    private readonly rng: Prng,
    private readonly columns: readonly ColumnInfo[],
    options: ExprGenOptions = {},
  ) {
    this.exactOnly = options.exactOnly ?? false;
    this.leafChance = options.leafChance ?? 0.3;
  }

  /** Column types present, for choosing what to compare or aggregate. */
  columnTypes(): GenType[] {
    return [...new Set(this.columns.map((c) => c.type))];
  }

  /** Whether an expression of this type can be produced (numeric needs a source). */
  canGen(type: GenType): boolean {
    if (type !== 'numeric') return true;
    return this.columns.some((c) => c.type === 'numeric' || c.type === 'timestamp' || c.type === 'date');
  }

  /** A random type that has a column, falling back to integer. */
  pickColumnType(filter: (t: GenType) => boolean = () => true): GenType {
    const types = this.columnTypes().filter(filter);
    return types.length === 0 ? 'integer' : this.rng.pick(types);
  }

  gen(type: GenType, depth: number): ColumnInfo {
    if (depth <= 0 || this.rng.chance(this.leafChance)) {
      const leaf = this.leaf(type);
      if (leaf !== null) return leaf;
    }
    const productions = this.productions(type);
    for (let attempt = 0; attempt < 6; attempt++) {
      const p = this.rng.pick(productions);
      const r = p(Math.max(0, depth - 1));
      if (r !== null) return r;
    }
    return this.leaf(type) ?? this.literal(type);
  }

  bool(depth: number): ColumnInfo {
    return this.gen('boolean', depth);
  }

  // ---------------------------------------------------------------------------
  // Leaves

  private usable(c: ColumnInfo): boolean {
    return !(this.exactOnly && c.type === 'double' && !c.exact);
  }

  leaf(type: GenType): ColumnInfo | null {
    const cols = this.columns.filter((c) => c.type === type && this.usable(c));
    if (cols.length > 0 && (type === 'numeric' || this.rng.chance(0.8))) return this.rng.pick(cols);
    if (type === 'numeric') return this.extract();
    if (cols.length === 0 && this.rng.chance(0.7)) {
      const converted = this.convert(type);
      if (converted !== null) return converted;
    }
    // A constant TRUE/FALSE predicate tests little: prefer a predicate on a column.
    if (type === 'boolean' && this.columns.length > 0 && this.rng.chance(0.85)) return this.atom();
    return this.literal(type);
  }

  /** A column of another type converted to `type`, for when no column has that type. */
  private convert(type: GenType): ColumnInfo | null {
    const from = (...types: GenType[]): ColumnInfo | null => {
      const cols = this.columns.filter((c) => types.includes(c.type) && this.usable(c));
      return cols.length === 0 ? null : this.rng.pick(cols);
    };
    switch (type) {
      case 'integer': {
        const t = from('text');
        return t === null ? null : info(`length(${t.sql})`, 'integer', 10_000);
      }
      case 'bigint': {
        const c = from('integer');
        return c === null ? null : info(this.cast(c.sql, 'BIGINT'), 'bigint', c.bound);
      }
      case 'double': {
        const c = from('integer', 'bigint');
        return c === null ? null : info(this.cast(c.sql, 'DOUBLE PRECISION'), 'double', c.bound, true, true);
      }
      case 'text': {
        const c = from('integer', 'bigint');
        return c === null ? null : info(this.cast(c.sql, 'TEXT'), 'text', 0);
      }
      case 'timestamp': {
        const c = from('date');
        return c === null ? null : info(this.cast(c.sql, 'TIMESTAMP'), 'timestamp', 0);
      }
      case 'date': {
        const c = from('timestamp');
        return c === null ? null : info(this.cast(c.sql, 'DATE'), 'date', 0);
      }
      case 'boolean':
      case 'numeric':
        return null;
    }
  }

  /** `column <op> literal` or `column IS [NOT] NULL`: the simplest predicate that depends on a row. */
  private atom(): ColumnInfo {
    const col = this.rng.pick(this.columns.filter((c) => this.usable(c)).length > 0 ? this.columns.filter((c) => this.usable(c)) : this.columns);
    if (this.rng.chance(0.2)) return info(`(${col.sql} IS ${this.rng.chance(0.5) ? 'NOT ' : ''}NULL)`, 'boolean', 0);
    if (col.type === 'boolean') return this.rng.chance(0.5) ? col : info(`(NOT ${col.sql})`, 'boolean', 0);
    const ops = ['=', '<>', '<', '<=', '>', '>='];
    return info(`(${col.sql} ${this.rng.pick(ops)} ${this.literalOfFamily(col.type).sql})`, 'boolean', 0);
  }

  literal(type: GenType): ColumnInfo {
    switch (type) {
      case 'integer': {
        const v = intLiteral(this.rng);
        return info(numberSql(v), 'integer', Math.abs(v));
      }
      case 'bigint': {
        const v = this.rng.int(-1000, 1000) * (this.rng.chance(0.3) ? 10_000_000 : 1);
        // A literal within int4 range is int4 in both dialects, and int4 arithmetic on it
        // overflows at 2^31: the cast makes the type the generator assumes explicit.
        return info(`CAST(${v} AS BIGINT)`, 'bigint', Math.abs(v));
      }
      case 'double': {
        const v = doubleLiteral(this.rng);
        return info(v < 0 ? `(${doubleSql(v)})` : doubleSql(v), 'double', Math.abs(v), true, true);
      }
      case 'numeric':
        // Not reachable through leaf(); a plain integer is the closest literal.
        return info(String(this.rng.int(0, 9)), 'integer', 9);
      case 'text':
      case 'boolean':
      case 'timestamp':
      case 'date':
        return info(literalSql(this.rng, type), type, 0);
    }
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
          (d) => {
            const s = this.gen('text', d);
            // length() is int4 in PostgreSQL and BIGINT in DuckDB: equal values, both integer division.
            return info(`length(${s.sql})`, 'integer', 10_000);
          },
          (d) => this.caseExpr('integer', d),
          (d) => this.coalesce('integer', d),
          (d) => this.nullif('integer', d),
          (d) => {
            const x = this.gen('double', d);
            // PostgreSQL rounds float8 -> int4 half-to-even; only half-safe values are cast.
            if (!x.halfSafe || x.bound >= intLimit) return null;
            return info(this.cast(x.sql, this.rng.pick(['INTEGER', 'int'])), 'integer', x.bound + 1);
          },
          (d) => {
            const x = this.gen('bigint', d);
            if (x.bound >= intLimit) return null;
            return info(this.cast(x.sql, 'INTEGER'), 'integer', x.bound);
          },
          (d) => info(this.cast(this.gen('boolean', d).sql, 'INTEGER'), 'integer', 1),
        ];
      case 'bigint':
        return [
          (d) => {
            const x = this.gen('integer', d);
            return info(this.cast(x.sql, this.rng.pick(['BIGINT', 'int8'])), 'bigint', x.bound);
          },
          (d) => this.arith('bigint', d, ['+', '-', '*']),
          (d) => this.divMod('bigint', d),
          (d) => this.negate('bigint', d),
          (d) => this.fn1('abs', 'bigint', d),
          (d) => this.caseExpr('bigint', d),
          (d) => this.coalesce('bigint', d),
        ];
      case 'double': {
        const ps: Production[] = [
          (d) => {
            const x = this.gen(this.rng.pick(['integer', 'bigint'] as const), d);
            return info(this.cast(x.sql, this.rng.pick(['DOUBLE PRECISION', 'float8'])), 'double', x.bound, true, true);
          },
          (d) => this.arith('double', d, ['+', '-', '*']),
          (d) => this.negate('double', d),
          (d) => this.fn1('abs', 'double', d),
          (d) => {
            const x = this.gen('double', d);
            return info(`${this.rng.pick(['floor', 'ceil'])}(${x.sql})`, 'double', x.bound + 1, true, x.exact);
          },
          (d) => {
            const x = this.gen('double', d);
            // PostgreSQL rounds float8 half-to-even, DuckDB half away from zero: half-safe inputs only.
            if (!x.halfSafe) return null;
            return info(`round(${x.sql})`, 'double', x.bound + 1, true, x.exact);
          },
          (d) => this.caseExpr('double', d),
          (d) => this.coalesce('double', d),
          (d) => this.nullif('double', d),
        ];
        if (!this.exactOnly) ps.push((d) => this.divMod('double', d));
        return ps;
      }
      case 'numeric':
        return [
          () => this.extract(),
          (d) => {
            const x = this.gen('numeric', d);
            const y = this.gen('integer', d);
            return info(`(${x.sql} ${this.rng.pick(['+', '-'])} ${y.sql})`, 'numeric', x.bound + y.bound);
          },
          (d) => this.coalesce('numeric', d),
        ];
      case 'text':
        return [
          (d) => info(`${this.rng.pick(['lower', 'upper'])}(${this.gen('text', d).sql})`, 'text', 0),
          (d) => this.substr(d),
          (d) => {
            // concat() skips NULLs. Only text and integers as arguments: PostgreSQL prints
            // booleans as t/f there and DuckDB as true/false, and doubles print differently.
            const n = this.rng.int(2, 3);
            const args: string[] = [];
            for (let i = 0; i < n; i++) args.push(this.gen(this.rng.pick(['text', 'text', 'integer'] as const), d).sql);
            return info(`concat(${args.join(', ')})`, 'text', 0);
          },
          (d) => {
            const l = this.gen('text', d);
            const r = this.gen(this.rng.pick(['text', 'text', 'integer'] as const), d);
            return info(`(${l.sql} || ${r.sql})`, 'text', 0);
          },
          (d) => {
            const t = this.rng.pick(['integer', 'bigint', 'boolean', 'date'] as const);
            return info(this.cast(this.gen(t, d).sql, this.rng.pick(['TEXT', 'text'])), 'text', 0);
          },
          (d) => this.caseExpr('text', d),
          (d) => this.coalesce('text', d),
          (d) => this.nullif('text', d),
        ];
      case 'boolean':
        return [
          (d) => this.comparison(d),
          (d) => this.comparison(d),
          (d) => {
            const l = this.gen('boolean', d);
            const r = this.gen('boolean', d);
            return info(`(${l.sql} ${this.rng.pick(['AND', 'OR'])} ${r.sql})`, 'boolean', 0);
          },
          (d) => info(`(NOT ${this.gen('boolean', d).sql})`, 'boolean', 0),
          (d) => {
            const x = this.gen(this.pickColumnType(), d);
            return info(`(${x.sql} IS ${this.rng.chance(0.5) ? 'NOT ' : ''}NULL)`, 'boolean', 0);
          },
          (d) => this.between(d),
          (d) => this.inList(d),
          (d) => this.like(d),
          (d) => {
            const t = this.pickColumnType();
            const l = this.gen(t, d);
            const r = this.sameFamily(t, d);
            return info(`(${l.sql} IS ${this.rng.chance(0.5) ? 'NOT ' : ''}DISTINCT FROM ${r.sql})`, 'boolean', 0);
          },
          (d) => {
            const x = this.gen('boolean', d);
            const what = this.rng.pick(['TRUE', 'FALSE', 'UNKNOWN']);
            return info(`(${x.sql} IS ${this.rng.chance(0.5) ? 'NOT ' : ''}${what})`, 'boolean', 0);
          },
        ];
      case 'timestamp':
        return [
          (d) => {
            const x = this.gen('timestamp', d);
            // PostgreSQL and DuckDB both start weeks on Monday.
            const field = this.rng.pick(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute']);
            return info(`date_trunc('${field}', ${x.sql})`, 'timestamp', 0);
          },
          (d) => info(this.cast(this.gen('date', d).sql, 'TIMESTAMP'), 'timestamp', 0),
          (d) => this.caseExpr('timestamp', d),
          (d) => this.coalesce('timestamp', d),
        ];
      case 'date':
        return [
          // date_trunc on a date is avoided: PostgreSQL returns timestamptz there, DuckDB timestamp.
          (d) => info(this.cast(this.gen('timestamp', d).sql, 'DATE'), 'date', 0),
          (d) => this.caseExpr('date', d),
          (d) => this.coalesce('date', d),
        ];
    }
  }

  // ---------------------------------------------------------------------------
  // Building blocks

  private cast(sql: string, typeName: string): string {
    return this.rng.chance(0.5) ? `CAST(${sql} AS ${typeName})` : `(${sql})::${typeName}`;
  }

  private limit(type: GenType): number {
    return type === 'integer' ? intLimit : type === 'bigint' ? bigintLimit : Number.POSITIVE_INFINITY;
  }

  /** An operand for arithmetic producing `type`: bigint mixes with integer, double with both. */
  private operand(type: GenType, d: number): ColumnInfo {
    if (type === 'bigint') return this.gen(this.rng.pick(['bigint', 'integer'] as const), d);
    // A double operand mixed with integer keeps the expression double, but only
    // if the other side is double: arith() ensures the left side has the type.
    if (type === 'double') return this.gen(this.rng.pick(['double', 'double', 'integer'] as const), d);
    return this.gen(type, d);
  }

  private arith(type: GenType, d: number, ops: readonly string[]): ColumnInfo | null {
    const l = this.gen(type, d);
    const r = this.operand(type, d);
    const op = this.rng.pick(ops);
    const bound = op === '*' ? l.bound * r.bound : l.bound + r.bound;
    if (bound >= this.limit(type)) return null;
    // Doubles: products of multiples of 1/8 are multiples of 1/64, still exact; but
    // sums and products can end in .5, so the result is no longer half-safe.
    return info(`(${l.sql} ${op} ${r.sql})`, type, bound, false, l.exact && r.exact);
  }

  /**
   * Division and modulo only by a divisor that cannot be zero: PostgreSQL raises
   * division_by_zero where DuckDB returns NULL. `%` is integer-only (PostgreSQL has
   * no float8 %). Integer `/` truncates toward zero in both (integer_division on),
   * and `%` takes the dividend's sign in both.
   */
  private divMod(type: GenType, d: number): ColumnInfo | null {
    const l = this.gen(type, d);
    if (type === 'double') {
      // A numeric literal divisor: PostgreSQL resolves float8 / numeric as float8 / float8.
      const divisor = this.rng.chance(0.5)
        ? this.rng.pick(['2.0', '4.0', '0.5', '1.25', '(-2.5)', '3.0'])
        : `(abs(${this.gen(this.rng.pick(['double', 'integer'] as const), d).sql}) + 1)`;
      return info(`(${l.sql} / ${divisor})`, 'double', l.bound, false, false);
    }
    const op = this.rng.pick(['/', '%']);
    if (this.rng.chance(0.5)) {
      const k = this.rng.pick([1, 2, 3, 7, -2, -5]);
      return info(`(${l.sql} ${op} ${numberSql(k)})`, type, l.bound);
    }
    const r = this.gen(type === 'bigint' ? this.rng.pick(['bigint', 'integer'] as const) : 'integer', d);
    if (r.bound + 1 >= this.limit(type)) return null;
    return info(`(${l.sql} ${op} (abs(${r.sql}) + 1))`, type, l.bound);
  }

  private negate(type: GenType, d: number): ColumnInfo {
    const x = this.gen(type, d);
    return info(`(- ${x.sql})`, type, x.bound, x.halfSafe, x.exact);
  }

  private fn1(name: string, type: GenType, d: number): ColumnInfo {
    const x = this.gen(type, d);
    return info(`${name}(${x.sql})`, type, x.bound, x.halfSafe, x.exact);
  }

  private join(type: GenType, parts: readonly ColumnInfo[], sql: string): ColumnInfo {
    let bound = 0;
    let halfSafe = true;
    let exact = true;
    for (const p of parts) {
      bound = Math.max(bound, p.bound);
      halfSafe &&= p.halfSafe;
      exact &&= p.exact;
    }
    return info(sql, type, bound, halfSafe, exact);
  }

  private caseExpr(type: GenType, d: number): ColumnInfo {
    const parts: ColumnInfo[] = [];
    let sql: string;
    if (this.rng.chance(0.7)) {
      const n = this.rng.int(1, 2);
      sql = 'CASE';
      for (let i = 0; i < n; i++) {
        const then = this.gen(type, d);
        parts.push(then);
        sql += ` WHEN ${this.gen('boolean', d).sql} THEN ${then.sql}`;
      }
    } else {
      // Simple form: CASE x WHEN literal THEN ...
      const t = this.pickColumnType((ct) => ct !== 'numeric' && ct !== 'boolean');
      const operand = this.gen(t, d);
      sql = `CASE ${operand.sql}`;
      const n = this.rng.int(1, 2);
      for (let i = 0; i < n; i++) {
        const then = this.gen(type, d);
        parts.push(then);
        sql += ` WHEN ${this.literalOfFamily(t).sql} THEN ${then.sql}`;
      }
    }
    if (this.rng.chance(0.7)) {
      const e = this.gen(type, d);
      parts.push(e);
      sql += ` ELSE ${e.sql}`;
    }
    return this.join(type, parts, `${sql} END`);
  }

  private coalesce(type: GenType, d: number): ColumnInfo {
    const a = this.gen(type, d);
    const b = type === 'numeric' ? this.gen('integer', d) : this.rng.chance(0.5) ? this.literal(type) : this.gen(type, d);
    return this.join(type, [a, b], `COALESCE(${a.sql}, ${b.sql})`);
  }

  private nullif(type: GenType, d: number): ColumnInfo {
    const a = this.gen(type, d);
    const b = this.rng.chance(0.6) ? this.literal(type) : this.gen(type, d);
    return this.join(type, [a], `NULLIF(${a.sql}, ${b.sql})`);
  }

  /**
   * substr with start >= 1 and length >= 0 only: for a start below 1 DuckDB counts
   * from the end of the string while PostgreSQL counts positions before the first
   * character, and PostgreSQL rejects a negative length.
   */
  private substr(d: number): ColumnInfo {
    const s = this.gen('text', d).sql;
    const start = this.rng.int(1, 4);
    switch (this.rng.int(0, 2)) {
      case 0:
        return info(`substr(${s}, ${start}, ${this.rng.int(0, 4)})`, 'text', 0);
      case 1:
        return info(`substr(${s}, ${start})`, 'text', 0);
      default:
        return info(`substring(${s} FROM ${start} FOR ${this.rng.int(0, 4)})`, 'text', 0);
    }
  }

  /**
   * extract() is numeric in PostgreSQL (BIGINT or DOUBLE in DuckDB): typed `numeric`
   * so it is never divided. Time-of-day fields only from timestamps (PostgreSQL
   * rejects them for dates); 'second' is avoided because PostgreSQL includes the
   * fraction and DuckDB truncates it.
   */
  private extract(): ColumnInfo | null {
    const sources = this.columns.filter((c) => c.type === 'timestamp' || c.type === 'date');
    if (sources.length === 0) {
      const num = this.columns.filter((c) => c.type === 'numeric');
      return num.length > 0 ? this.rng.pick(num) : null;
    }
    const src = this.rng.pick(sources);
    const dateFields = ['year', 'quarter', 'month', 'day', 'dow', 'doy'];
    const fields = src.type === 'timestamp' ? [...dateFields, 'hour', 'minute', 'epoch'] : dateFields;
    const field = this.rng.pick(fields);
    const bound = field === 'epoch' ? 2e9 : 3000;
    return info(`extract(${field} FROM ${src.sql})`, 'numeric', bound);
  }

  /** An expression comparable with one of type `t`. */
  private sameFamily(t: GenType, d: number): ColumnInfo {
    if (isNumberType(t)) {
      const pool = numberTypes.filter((n) => this.canGen(n));
      return this.rng.chance(0.4) ? this.literalOfFamily(t) : this.gen(this.rng.pick(pool), d);
    }
    return this.rng.chance(0.4) ? this.literal(t) : this.gen(t, d);
  }

  private literalOfFamily(t: GenType): ColumnInfo {
    if (t === 'numeric' || t === 'bigint') return this.literal('integer');
    return this.literal(t);
  }

  private comparison(d: number): ColumnInfo {
    const t = this.pickColumnType();
    const l = this.gen(t, d);
    const r = this.sameFamily(t, d);
    // Booleans compare with = and <> only (ordering of booleans is rarely meant).
    const ops = t === 'boolean' ? ['=', '<>'] : ['=', '<>', '<', '<=', '>', '>=', '!='];
    return info(`(${l.sql} ${this.rng.pick(ops)} ${r.sql})`, 'boolean', 0);
  }

  private between(d: number): ColumnInfo | null {
    const t = this.pickColumnType((ct) => ct !== 'boolean');
    if (t === 'boolean') return null;
    const x = this.gen(t, d);
    let a = this.literalOfFamily(t);
    let b = this.literalOfFamily(t);
    if (this.rng.chance(0.7)) {
      // Mostly a non-empty range; sometimes reversed, which selects nothing in both.
      const order = [a, b].sort((p, q) => compareLiteral(p.sql, q.sql));
      a = order[0] ?? a;
      b = order[1] ?? b;
    }
    return info(`(${x.sql} ${this.rng.chance(0.3) ? 'NOT ' : ''}BETWEEN ${a.sql} AND ${b.sql})`, 'boolean', 0);
  }

  private inList(d: number): ColumnInfo {
    const t = this.pickColumnType();
    const x = this.gen(t, d);
    const n = this.rng.int(1, 4);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(this.literalOfFamily(t).sql);
    if (this.rng.chance(0.2)) items.push('NULL');
    return info(`(${x.sql} ${this.rng.chance(0.3) ? 'NOT ' : ''}IN (${items.join(', ')}))`, 'boolean', 0);
  }

  /** LIKE patterns never contain a backslash: PostgreSQL's default escape, DuckDB has none. */
  private like(d: number): ColumnInfo {
    const x = this.gen('text', d);
    const base = this.rng.pick(textVocabulary);
    const pattern = this.rng.pick([
      () => `${base.slice(0, 1)}%`,
      () => `%${base.slice(-1)}`,
      () => `%${base.slice(0, 1)}%`,
      () => base.replace(/./, '_'),
      () => '%',
      () => '_',
      () => base,
      () => base.toUpperCase(),
    ])();
    const op = `${this.rng.chance(0.25) ? 'NOT ' : ''}${this.rng.chance(0.35) ? 'ILIKE' : 'LIKE'}`;
    return info(`(${x.sql} ${op} ${sqlString(pattern)})`, 'boolean', 0);
  }
}

/** Orders two literal texts of the same family (numbers numerically, typed literals as text). */
function compareLiteral(a: string, b: string): number {
  const na = Number(a.replace(/[()]/g, ''));
  const nb = Number(b.replace(/[()]/g, ''));
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
