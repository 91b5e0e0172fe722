// Operator precedence of Freshet's SQL expressions, as tables the precedence-
// climbing expression parser (expr-parser.ts) reads by token type. The levels
// and associativity are PostgreSQL's: OR < AND < NOT < IS < comparison <
// BETWEEN/IN/LIKE < || and the JSONB and array operators (PostgreSQL's "any other
// operator" level) < + - < * / % < unary + - < :: and [ ] (casts and
// subscripts bind tightest, left to right).

import type { TokenType } from 'chevrotain';
import type { BinaryOp } from './ast.js';
import {
  AmpAmp,
  Arrow,
  ArrowText,
  BangEqual,
  Concat,
  ContainedBy,
  Contains,
  Tilde,
  TildeStar,
  BangTilde,
  BangTildeStar,
  HashArrow,
  HashArrowText,
  Equal,
  Greater,
  GreaterEq,
  Kw,
  Less,
  LessEq,
  Minus,
  NotEqual,
  Percent,
  Plus,
  Slash,
  Star,
  allTokens,
} from './tokens.js';

/** Binding strength of each operator level, loosest first. 0 means "not an infix operator". */
export const Level = {
  Or: 1,
  And: 2,
  /** Prefix NOT: its operand extends over everything tighter than AND. */
  Not: 3,
  Is: 4,
  Comparison: 5,
  /** [NOT] BETWEEN, [NOT] IN, [NOT] LIKE / ILIKE. */
  Predicate: 6,
  Concat: 7,
  Additive: 8,
  Multiplicative: 9,
  /** Prefix + and -; only casts bind tighter. */
  Unary: 10,
} as const;

/** A level above every infix operator: nothing limits what may follow. */
export const NO_LIMIT = 255;

// Tables indexed by tokenTypeIdx (small dense integers chevrotain assigns), so
// the parser's per-token decisions are one typed-array read.
const size = Math.max(...allTokens.map((type) => type.tokenTypeIdx ?? 0)) + 1;

/** The level of the infix or postfix operator a token starts (0: none). */
export const infixLevel = new Uint8Array(size);
/**
 * Once an operator starting with this token has been applied, the highest level
 * another operator may have and still take the result as its left operand.
 * Left-associative operators allow their own level again; comparisons and the
 * BETWEEN/IN/LIKE predicates are non-associative (`a = b = c` is an error, as in
 * PostgreSQL); IS tests may repeat (`a IS NULL IS NOT TRUE`).
 */
export const levelAfter = new Uint8Array(size);
/** The AST operator of each binary-operator token. */
export const binaryOpOf: (BinaryOp | undefined)[] = new Array<BinaryOp | undefined>(size).fill(undefined);
/** Tokens that may follow NOT when it negates a predicate (`a NOT LIKE b`). */
export const negatablePredicate = new Uint8Array(size);

function binary(type: TokenType, level: number, op: BinaryOp, after: number = level): void {
  const idx = type.tokenTypeIdx!;
  infixLevel[idx] = level;
  levelAfter[idx] = after;
  binaryOpOf[idx] = op;
}

function postfix(type: TokenType, level: number, after: number): void {
  const idx = type.tokenTypeIdx!;
  infixLevel[idx] = level;
  levelAfter[idx] = after;
}

binary(Kw.Or, Level.Or, 'or');
binary(Kw.And, Level.And, 'and');
postfix(Kw.Is, Level.Is, Level.Is);
postfix(Kw.IsNull, Level.Is, Level.Is);
postfix(Kw.NotNull, Level.Is, Level.Is);
binary(Equal, Level.Comparison, '=', Level.Is);
binary(NotEqual, Level.Comparison, '<>', Level.Is);
binary(BangEqual, Level.Comparison, '<>', Level.Is);
binary(Less, Level.Comparison, '<', Level.Is);
binary(LessEq, Level.Comparison, '<=', Level.Is);
binary(Greater, Level.Comparison, '>', Level.Is);
binary(GreaterEq, Level.Comparison, '>=', Level.Is);
for (const word of [Kw.Not, Kw.Between, Kw.In, Kw.Like, Kw.ILike]) postfix(word, Level.Predicate, Level.Comparison);
for (const word of [Kw.Between, Kw.In, Kw.Like, Kw.ILike]) negatablePredicate[word.tokenTypeIdx!] = 1;
binary(Concat, Level.Concat, '||');
binary(Arrow, Level.Concat, '->');
binary(ArrowText, Level.Concat, '->>');
binary(HashArrow, Level.Concat, '#>');
binary(HashArrowText, Level.Concat, '#>>');
binary(Contains, Level.Concat, '@>');
binary(ContainedBy, Level.Concat, '<@');
binary(AmpAmp, Level.Concat, '&&');
binary(Tilde, Level.Concat, '~');
binary(TildeStar, Level.Concat, '~*');
binary(BangTilde, Level.Concat, '!~');
binary(BangTildeStar, Level.Concat, '!~*');
binary(Plus, Level.Additive, '+');
binary(Minus, Level.Additive, '-');
binary(Star, Level.Multiplicative, '*');
binary(Slash, Level.Multiplicative, '/');
binary(Percent, Level.Multiplicative, '%');

/** Rule-argument objects for `SUBRULE(expr, ...)`, one per level, built once (no allocation per call). */
export const atLevel: readonly { readonly ARGS: [number] }[] = Array.from({ length: Level.Unary + 2 }, (_, level) => ({
  ARGS: [level] as [number],
}));
