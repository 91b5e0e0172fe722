// The expression layer of the grammar, parsed by precedence climbing: `expr`
// reads one operand (after any prefix NOT, + or -) and then every operator whose
// level (precedence.ts) is at least its `minLevel` argument, parsing each right
// operand one level up. One rule instead of one per level keeps a literal a few
// calls deep; a one-token operand with nothing after it is taken without any.

import type { IOrAlt, IToken } from 'chevrotain';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { BinaryOp, ComparisonOp, Expr, OrderItem, WindowSpec } from './ast.js';
import { CallParser, stringValue } from './call-parser.js';
import { Level, NO_LIMIT, atLevel, binaryOpOf, infixLevel, levelAfter, negatablePredicate } from './precedence.js';
import {
  AmpAmp,
  BangEqual,
  Colon,
  Concat,
  Arrow,
  ArrowText,
  HashArrow,
  HashArrowText,
  Contains,
  Tilde,
  TildeStar,
  BangTilde,
  BangTildeStar,
  ContainedBy,
  Dot,
  DoubleColon,
  Equal,
  Greater,
  GreaterEq,
  Ident,
  Identifier,
  Kw,
  LBracket,
  LParen,
  Less,
  LessEq,
  Minus,
  NotEqual,
  NumberLiteral,
  Parameter,
  Percent,
  Plus,
  QuotedIdentifier,
  RBracket,
  RParen,
  Slash,
  Star,
  StringLiteral,
  identifierName,
  tokenPosition,
} from './tokens.js';

const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['=', '<>', '<', '<=', '>', '>=']);

/**
 * `x op ANY|ALL (SELECT ...)`: `= ANY` is IN and `<> ALL` is NOT IN (the same
 * NULL rules); the other forms are refused with 0A000.
 */
function quantifiedSubquery(operand: Expr, op: ComparisonOp, all: boolean, query: Expr & { kind: 'scalarSubquery' }, pos: Expr['pos']): Expr {
  if (op === '=' && !all) return { kind: 'inSubquery', operand, query: query.query, negated: false, pos };
  if (op === '<>' && all) return { kind: 'inSubquery', operand, query: query.query, negated: true, pos };
  throw unsupported(`${op} ${all ? 'ALL' : 'ANY'} (subquery) (only = ANY and <> ALL, which are IN and NOT IN)`, pos);
}

function syntaxErrorAt(message: string, token: IToken): EngineError {
  return new EngineError(SqlState.syntaxError, `${message} (line ${token.startLine}, column ${token.startColumn})`, tokenPosition(token));
}

/** Highest `$n` accepted; PostgreSQL's protocol cannot bind more parameters. */
const MAX_PARAMETER = 65535;

function numberNode(token: IToken): Expr {
  return { kind: 'number', text: token.image, pos: tokenPosition(token) };
}

function stringNode(token: IToken): Expr {
  return { kind: 'string', value: stringValue(token), pos: tokenPosition(token) };
}

function parameterNode(token: IToken): Expr {
  const index = Number(token.image.slice(1));
  if (!(index >= 1 && index <= MAX_PARAMETER)) {
    throw new EngineError(
      SqlState.undefinedParameter,
      `there is no parameter ${token.image} (line ${token.startLine}, column ${token.startColumn}): parameters are numbered from $1 to $${MAX_PARAMETER}`,
      tokenPosition(token),
    );
  }
  return { kind: 'param', index, pos: tokenPosition(token) };
}

export abstract class ExprParser extends CallParser {
  // Per-parse scratch state. Alternatives lists are built once and shared by
  // every call (for performance: no arrays or closures allocated per operand),
  // so their actions take their inputs from these fields, reading them before
  // anything can recurse and overwrite them.
  private infixLeft!: Expr;
  private infixStart!: IToken;
  private prefixLimit = NO_LIMIT;
  private castSubject!: Expr;
  private castStart!: IToken;
  private infixOp!: BinaryOp;

  /**
   * An expression whose operators all have at least `minLevel` (callers pass a
   * Level to parse an operand of a given operator; the default is a whole expression).
   */
  readonly expr = this.RULE('expr', (minLevel: number = Level.Or): Expr => {
    if (!this.RECORDING_PHASE) {
      const single = this.singleTokenOperand(minLevel);
      if (single !== null) return single;
      // NOT starts no operand of a tighter operator (`a = NOT b` is an error, `a AND NOT b` is not):
      // parsing an operand here raises exactly the error the grammar implies.
      if (minLevel > Level.Not && this.LA(1).tokenType === Kw.Not) return this.SUBRULE(this.operand);
    }
    const start = this.LA(1);
    let left = this.OR(this.prefixAlts);
    let limit = this.prefixLimit;
    this.MANY({
      GATE: () => this.continuesAt(minLevel, limit),
      DEF: () => {
        const opIdx = this.LA(1).tokenTypeIdx;
        this.infixLeft = left;
        this.infixStart = start;
        left = this.OR2(this.infixAlts);
        limit = levelAfter[opIdx]!;
      },
    });
    return left;
  });

  /**
   * For performance: a literal, parameter or plain column name that no operator
   * at this level continues is the whole expression; build it without the rule
   * machinery (the result is the one the full path would build).
   */
  private singleTokenOperand(minLevel: number): Expr | null {
    const next = this.LA(2);
    if (infixLevel[next.tokenTypeIdx]! >= minLevel || next.tokenType === DoubleColon || next.tokenType === LBracket) return null;
    const token = this.LA(1);
    switch (token.tokenType) {
      case NumberLiteral:
        this.CONSUME(NumberLiteral);
        return numberNode(token);
      case StringLiteral:
        this.CONSUME(StringLiteral);
        return stringNode(token);
      case Parameter:
        this.CONSUME(Parameter);
        return parameterNode(token);
      case Identifier:
      case QuotedIdentifier:
        if (next.tokenType === LParen || next.tokenType === Dot) return null;
        this.CONSUME(Ident);
        return { kind: 'column', table: null, name: identifierName(token), pos: tokenPosition(token) };
      default:
        return null;
    }
  }

  /** True when LA(1) is an operator this `expr` call may apply next. */
  private continuesAt(minLevel: number, limit: number): boolean {
    const token = this.LA(1);
    const level = infixLevel[token.tokenTypeIdx]!;
    if (level < minLevel || level > limit) return false;
    // NOT after an operand only negates a predicate (a NOT LIKE b).
    return token.tokenType !== Kw.Not || negatablePredicate[this.LA(2).tokenTypeIdx] === 1;
  }

  private readonly prefixAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const not = this.CONSUME(Kw.Not);
        const operand = this.SUBRULE7(this.expr, atLevel[Level.Not]);
        this.prefixLimit = Level.Not;
        return { kind: 'unary', op: 'not', operand, pos: tokenPosition(not) };
      },
    },
    {
      ALT: () => {
        const sign = this.OR8(this.signAlts);
        const operand = this.SUBRULE8(this.expr, atLevel[Level.Unary]);
        this.prefixLimit = NO_LIMIT;
        return { kind: 'unary', op: sign.tokenType === Minus ? '-' : '+', operand, pos: tokenPosition(sign) };
      },
    },
    {
      ALT: () => {
        const operand = this.SUBRULE(this.operand);
        this.prefixLimit = NO_LIMIT;
        return operand;
      },
    },
  ];

  private readonly signAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME2(Minus) },
    { ALT: () => this.CONSUME2(Plus) },
  ];

  private readonly binaryOperatorAlts: IOrAlt<IToken>[] = [
    Kw.Or, Kw.And, Equal, NotEqual, BangEqual, Less, LessEq, Greater, GreaterEq, Concat, Plus, Minus, Star, Slash, Percent,
    Arrow, ArrowText, HashArrow, HashArrowText, Contains, ContainedBy, AmpAmp, Tilde, TildeStar, BangTilde, BangTildeStar,
  ].map((type) => ({ ALT: () => this.CONSUME(type) }));

  private readonly infixAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const left = this.infixLeft;
        const start = this.infixStart;
        const op = this.OR3(this.binaryOperatorAlts);
        const idx = op.tokenTypeIdx;
        this.infixOp = binaryOpOf[idx]!;
        return this.OR9([
          {
            // `x = ANY (arr)`, `x < ALL (SELECT ...)`: only after a comparison.
            GATE: () => COMPARISONS.has(this.infixOp),
            ALT: () => this.SUBRULE(this.quantified, { ARGS: [left, this.infixOp as ComparisonOp, start] }),
          },
          {
            ALT: (): Expr => {
              const right = this.SUBRULE2(this.expr, atLevel[infixLevel[idx]! + 1]);
              return { kind: 'binary', op: binaryOpOf[idx]!, left, right, pos: tokenPosition(start) };
            },
          },
        ]);
      },
    },
    /** IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM. */
    {
      ALT: () => {
        const operand = this.infixLeft;
        const pos = tokenPosition(this.infixStart);
        this.CONSUME(Kw.Is);
        const negated = this.OPTION(() => this.CONSUME2(Kw.Not)) !== undefined;
        return this.OR4([
          {
            ALT: () => {
              this.CONSUME(Kw.Null);
              return { kind: 'isNull', operand, negated, pos } satisfies Expr;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.True);
              return { kind: 'isBool', operand, value: true, negated, pos } satisfies Expr;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.False);
              return { kind: 'isBool', operand, value: false, negated, pos } satisfies Expr;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.Unknown);
              return { kind: 'isBool', operand, value: null, negated, pos } satisfies Expr;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.Distinct);
              this.CONSUME(Kw.From);
              const right = this.SUBRULE9(this.expr, atLevel[Level.Comparison]);
              // IS DISTINCT FROM is the negation of IS NOT DISTINCT FROM.
              return { kind: 'isDistinct', left: operand, right, negated, pos } satisfies Expr;
            },
          },
        ]);
      },
    },
    {
      ALT: () => {
        this.CONSUME(Kw.IsNull);
        return { kind: 'isNull', operand: this.infixLeft, negated: false, pos: tokenPosition(this.infixStart) };
      },
    },
    {
      ALT: () => {
        this.CONSUME(Kw.NotNull);
        return { kind: 'isNull', operand: this.infixLeft, negated: true, pos: tokenPosition(this.infixStart) };
      },
    },
    /** [NOT] BETWEEN / IN / LIKE / ILIKE; their operands are at the level of `||`. */
    {
      ALT: () => {
        const operand = this.infixLeft;
        const pos = tokenPosition(this.infixStart);
        const negated = this.OPTION2(() => this.CONSUME3(Kw.Not)) !== undefined;
        return this.OR5([
          {
            ALT: () => {
              this.CONSUME(Kw.Between);
              const symmetric = this.OPTION3(() => this.CONSUME(Kw.Symmetric)) !== undefined;
              const low = this.SUBRULE3(this.expr, atLevel[Level.Concat]);
              this.CONSUME2(Kw.And);
              const high = this.SUBRULE4(this.expr, atLevel[Level.Concat]);
              return { kind: 'between', operand, low, high, negated, symmetric, pos } satisfies Expr;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.In);
              return this.OR6([
                {
                  GATE: () => this.opensSubquery(),
                  ALT: () => {
                    this.CONSUME(LParen);
                    const query = this.SUBRULE(this.query);
                    this.CONSUME(RParen);
                    return { kind: 'inSubquery', operand, query, negated, pos } satisfies Expr;
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME2(LParen);
                    const list = this.SUBRULE(this.exprList);
                    this.CONSUME2(RParen);
                    return { kind: 'inList', operand, list, negated, pos } satisfies Expr;
                  },
                },
              ]);
            },
          },
          {
            ALT: () => {
              const caseInsensitive = this.OR7([
                { ALT: () => this.CONSUME(Kw.Like) && false },
                { ALT: () => this.CONSUME(Kw.ILike) && true },
              ]);
              const pattern = this.SUBRULE5(this.expr, atLevel[Level.Concat]);
              let escape: Expr | null = null;
              this.OPTION4(() => {
                this.CONSUME(Kw.Escape);
                escape = this.SUBRULE6(this.expr, atLevel[Level.Concat]);
              });
              return { kind: 'like', operand, pattern, escape, negated, caseInsensitive, pos } satisfies Expr;
            },
          },
        ]);
      },
    },
  ];

  /** The right side of `x op ANY|SOME|ALL (...)`: an array expression or a subquery. */
  private readonly quantified = this.RULE('quantified', (left: Expr, op: ComparisonOp, start: IToken): Expr => {
    const word = this.OR([
      { ALT: () => this.CONSUME(Kw.Any) },
      { ALT: () => this.CONSUME(Kw.Some) },
      { ALT: () => this.CONSUME(Kw.All) },
    ]);
    const all = word.tokenType === Kw.All;
    return this.OR2([
      {
        GATE: () => this.opensSubquery(),
        ALT: () => {
          const open = this.CONSUME(LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(RParen);
          return this.ACTION(() => quantifiedSubquery(left, op, all, { kind: 'scalarSubquery', query, pos: tokenPosition(open) }, tokenPosition(start)));
        },
      },
      {
        ALT: (): Expr => {
          this.CONSUME2(LParen);
          const right = this.SUBRULE(this.expr);
          this.CONSUME2(RParen);
          return this.ACTION((): Expr => ({ kind: 'binary', op: `${op} ${all ? 'ALL' : 'ANY'}`, left, right, pos: tokenPosition(start) }));
        },
      },
    ]);
  });

  /** A primary expression followed by any `::type` casts and `[i]` subscripts (they bind tightest, left to right). */
  private readonly operand = this.RULE('operand', (): Expr => {
    const start = this.LA(1);
    const operand = this.OR(this.operandAlts);
    this.castSubject = operand;
    this.castStart = start;
    this.MANY(this.postfixStep);
    return this.castSubject;
  });

  private readonly postfixStep = (): void => {
    this.OR2(this.postfixAlts);
  };

  private readonly postfixAlts: IOrAlt<void>[] = [
    {
      ALT: () => {
        this.CONSUME(DoubleColon);
        const type = this.SUBRULE(this.typeName);
        this.castSubject = { kind: 'cast', operand: this.castSubject, type, pos: tokenPosition(this.castStart) };
      },
    },
    {
      // a[i] is a binary '[]'; a slice a[lo:hi] (either bound may be left out) a call 'array_slice' [a, lo, hi?].
      ALT: () => {
        const open = this.CONSUME(LBracket);
        const subject = this.castSubject;
        const start = this.castStart;
        let low: Expr | undefined;
        let high: Expr | undefined;
        let slice = false;
        this.OPTION4(() => {
          low = this.SUBRULE(this.expr);
        });
        this.OPTION5(() => {
          this.CONSUME(Colon);
          slice = true;
          this.OPTION6(() => {
            high = this.SUBRULE2(this.expr);
          });
        });
        this.CONSUME(RBracket);
        this.castSubject = this.ACTION((): Expr => {
          const pos = tokenPosition(start);
          if (!slice) {
            if (low === undefined) throw syntaxErrorAt('an array subscript needs an index: a[i] or a[lo:hi]', open);
            return { kind: 'binary', op: '[]', left: subject, right: low, pos };
          }
          const from: Expr = low ?? { kind: 'number', text: '1', pos: tokenPosition(open) };
          const args = high === undefined ? [subject, from] : [subject, from, high];
          return { kind: 'call', name: 'array_slice', args, star: false, distinct: false, filter: null, over: null, pos };
        });
        this.castStart = start;
      },
    },
  ];

  // One alternative per leading token type, so the choice is a single table lookup.
  private readonly operandAlts: IOrAlt<Expr>[] = [
    { ALT: () => numberNode(this.CONSUME(NumberLiteral)) },
    { ALT: () => stringNode(this.CONSUME(StringLiteral)) },
    {
      ALT: () => {
        const token = this.CONSUME(Parameter);
        return this.RECORDING_PHASE ? { kind: 'param', index: 1, pos: tokenPosition(token) } : parameterNode(token);
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(Kw.True);
        return { kind: 'boolean', value: true, pos: tokenPosition(token) };
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(Kw.False);
        return { kind: 'boolean', value: false, pos: tokenPosition(token) };
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(Kw.Null);
        return { kind: 'null', pos: tokenPosition(token) };
      },
    },
    { ALT: () => this.SUBRULE(this.parenExpr) },
    {
      ALT: () => {
        const token = this.CONSUME(Kw.Exists);
        this.CONSUME(LParen);
        const query = this.SUBRULE(this.query);
        this.CONSUME(RParen);
        return { kind: 'exists', query, pos: tokenPosition(token) };
      },
    },
    {
      // ARRAY[e1, e2, ...]: a call 'array'; ARRAY[] takes its type from a cast.
      ALT: () => {
        const token = this.CONSUME(Kw.Array);
        this.CONSUME2(LBracket);
        let elements: Expr[] = [];
        this.OPTION(() => {
          elements = this.SUBRULE(this.exprList);
        });
        this.CONSUME2(RBracket);
        return { kind: 'call', name: 'array', args: elements, star: false, distinct: false, filter: null, over: null, pos: tokenPosition(token) };
      },
    },
    {
      // ARRAY(SELECT ...) is parsed to be refused by name.
      ALT: () => {
        const token = this.CONSUME2(Kw.Array);
        this.CONSUME2(LParen);
        this.SUBRULE2(this.query);
        this.CONSUME2(RParen);
        return this.ACTION((): Expr => {
          throw unsupported('ARRAY(subquery)', tokenPosition(token));
        });
      },
    },
    { ALT: () => this.SUBRULE(this.caseExpr) },
    { ALT: () => this.SUBRULE(this.castCall) },
    { ALT: () => this.SUBRULE(this.joinWordCall) },
    { ALT: () => this.SUBRULE(this.wordExpr) },
  ];

  /** `(SELECT ...)` is a scalar subquery, `(expr)` just groups. */
  private readonly parenExpr = this.RULE('parenExpr', (): Expr => {
    const open = this.CONSUME(LParen);
    const inner = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).tokenType === Kw.Select || this.LA(1).tokenType === Kw.With,
          ALT: (): Expr => ({ kind: 'scalarSubquery', query: this.SUBRULE(this.query), pos: tokenPosition(open) }),
        },
        { ALT: () => this.SUBRULE(this.expr) },
      ],
    });
    this.CONSUME(RParen);
    return inner;
  });

  // Words that are special only when followed by `(` or a string: the
  // alternatives are ordered from specific to general and ambiguities are
  // resolved by that order: `extract(` is the special form, `extract` alone a column.
  private readonly wordExpr = this.RULE('wordExpr', (): Expr => {
    // For performance: chevrotain resolves this choice by trying long lookahead
    // paths in order; a word that is not a keyword can only start a name, so go there directly.
    if (!this.RECORDING_PHASE) {
      const type = this.LA(1).tokenType;
      if (type === Identifier || type === QuotedIdentifier) return this.SUBRULE(this.nameExpr);
    }
    return this.OR({ IGNORE_AMBIGUITIES: true, DEF: this.wordAlts });
  });

  private readonly wordAlts: IOrAlt<Expr>[] = [
    { ALT: () => this.SUBRULE(this.extractCall) },
    { ALT: () => this.SUBRULE(this.substringCall) },
    { ALT: () => this.SUBRULE(this.positionCall) },
    { ALT: () => this.SUBRULE(this.trimCall) },
    { ALT: () => this.SUBRULE(this.typedLiteral) },
    { ALT: () => this.SUBRULE(this.nameExpr) },
  ];

  /** A column reference (`c`, `t.c`) or a function call with optional FILTER and OVER. */
  private readonly nameExpr = this.RULE('nameExpr', (): Expr => {
    const first = this.CONSUME(Ident);
    const pos = tokenPosition(first);
    // Not an empty third alternative: chevrotain's lookahead analysis skips empty
    // alternatives, so the bare-column case is the OPTION's "absent" branch.
    let result: Expr | undefined;
    this.OPTION3(() => {
      result = this.OR([
        {
          ALT: () => {
            this.CONSUME(LParen);
            const callArgs = this.SUBRULE(this.callArgs);
            this.CONSUME(RParen);
            // Typed by a cast: TypeScript does not see the assignment inside the OPTION callback.
            let withinGroup = null as OrderItem[] | null;
            this.OPTION4({
              GATE: () => this.opensWithinGroup(),
              DEF: () => {
                withinGroup = this.SUBRULE(this.withinGroupClause);
              },
            });
            let filter: Expr | null = null;
            this.OPTION({
              GATE: () => this.LA(2).tokenType === LParen,
              DEF: () => {
                this.CONSUME(Kw.Filter);
                this.CONSUME2(LParen);
                this.CONSUME(Kw.Where);
                filter = this.SUBRULE(this.expr);
                this.CONSUME2(RParen);
              },
            });
            let over: WindowSpec | null = null;
            this.OPTION2({
              GATE: () => this.LA(2).tokenType === LParen,
              DEF: () => {
                over = this.SUBRULE(this.windowSpec);
              },
            });
            return {
              kind: 'call',
              name: identifierName(first),
              args: callArgs.args,
              star: callArgs.star,
              distinct: callArgs.distinct,
              filter,
              over,
              pos,
              ...(callArgs.orderBy === null ? {} : { orderBy: callArgs.orderBy }),
              ...(withinGroup === null ? {} : { withinGroup }),
            } satisfies Expr;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Dot);
            const column = this.CONSUME2(Ident);
            return {
              kind: 'column',
              table: identifierName(first),
              name: identifierName(column),
              pos,
            } satisfies Expr;
          },
        },
      ]);
    });
    return result ?? { kind: 'column', table: null, name: identifierName(first), pos };
  });
}
