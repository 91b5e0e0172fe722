// The expression layer of the grammar: scalar expressions with PostgreSQL's
// operator precedence (OR < AND < NOT < IS < comparison < BETWEEN/IN/LIKE < || <
// + - < * / % < unary < ::), literals, parameters, column references and calls.
// Special forms and type names come from CallParser; queries from QueryParser.

import type { TokenType } from 'chevrotain';
import { EngineError, SqlState } from '../common/errors.js';
import type { BinaryOp, Expr, WindowSpec } from './ast.js';
import { CallParser, stringValue } from './call-parser.js';
import {
  BangEqual,
  Concat,
  Dot,
  DoubleColon,
  Equal,
  Greater,
  GreaterEq,
  Ident,
  Kw,
  LParen,
  Less,
  LessEq,
  Minus,
  NotEqual,
  NumberLiteral,
  Parameter,
  Percent,
  Plus,
  RParen,
  Slash,
  Star,
  StringLiteral,
  identifierName,
  tokenPosition,
} from './tokens.js';

/** Highest `$n` accepted; PostgreSQL's protocol cannot bind more parameters. */
const MAX_PARAMETER = 65535;

const COMPARISON_OPS = new Map<TokenType, BinaryOp>([
  [Equal, '='],
  [NotEqual, '<>'],
  [BangEqual, '<>'],
  [Less, '<'],
  [LessEq, '<='],
  [Greater, '>'],
  [GreaterEq, '>='],
]);

export abstract class ExprParser extends CallParser {
  readonly expr = this.RULE('expr', (): Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Kw.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = { kind: 'binary', op: 'or', left, right, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly andExpr = this.RULE('andExpr', (): Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(Kw.And);
      const right = this.SUBRULE2(this.notExpr);
      left = { kind: 'binary', op: 'and', left, right, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly notExpr = this.RULE('notExpr', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(Kw.Not);
          const operand = this.SUBRULE(this.notExpr);
          return { kind: 'unary', op: 'not', operand, pos: tokenPosition(not) } satisfies Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.isExpr) },
    ]),
  );

  /** IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM, ISNULL, NOTNULL. */
  private readonly isExpr = this.RULE('isExpr', (): Expr => {
    const start = this.LA(1);
    let operand = this.SUBRULE(this.comparison);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.Is);
            const negated = this.OPTION(() => this.CONSUME(Kw.Not)) !== undefined;
            const pos = tokenPosition(start);
            operand = this.OR2([
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
                  const right = this.SUBRULE2(this.comparison);
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
            operand = { kind: 'isNull', operand, negated: false, pos: tokenPosition(start) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.NotNull);
            operand = { kind: 'isNull', operand, negated: true, pos: tokenPosition(start) };
          },
        },
      ]);
    });
    return operand;
  });

  /** Comparisons do not chain (`a = b = c` is an error), as in PostgreSQL. */
  private readonly comparison = this.RULE('comparison', (): Expr => {
    const start = this.LA(1);
    const left = this.SUBRULE(this.predicate);
    let result = left;
    this.OPTION(() => {
      const opToken = this.OR([
        { ALT: () => this.CONSUME(Equal) },
        { ALT: () => this.CONSUME(NotEqual) },
        { ALT: () => this.CONSUME(BangEqual) },
        { ALT: () => this.CONSUME(Less) },
        { ALT: () => this.CONSUME(LessEq) },
        { ALT: () => this.CONSUME(Greater) },
        { ALT: () => this.CONSUME(GreaterEq) },
      ]);
      const right = this.SUBRULE2(this.predicate);
      const op = COMPARISON_OPS.get(opToken.tokenType) ?? '=';
      result = { kind: 'binary', op, left, right, pos: tokenPosition(start) };
    });
    return result;
  });

  /** [NOT] BETWEEN, [NOT] IN, [NOT] LIKE / ILIKE: bind tighter than comparisons. */
  private readonly predicate = this.RULE('predicate', (): Expr => {
    const start = this.LA(1);
    const operand = this.SUBRULE(this.concatExpr);
    let result = operand;
    this.OPTION(() => {
      const negated = this.OPTION2(() => this.CONSUME(Kw.Not)) !== undefined;
      const pos = tokenPosition(start);
      result = this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.Between);
            const symmetric = this.OPTION3(() => this.CONSUME(Kw.Symmetric)) !== undefined;
            const low = this.SUBRULE2(this.concatExpr);
            this.CONSUME(Kw.And);
            const high = this.SUBRULE3(this.concatExpr);
            return { kind: 'between', operand, low, high, negated, symmetric, pos } satisfies Expr;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.In);
            return this.OR2([
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
            const caseInsensitive = this.OR3([
              { ALT: () => this.CONSUME(Kw.Like) && false },
              { ALT: () => this.CONSUME(Kw.ILike) && true },
            ]);
            const pattern = this.SUBRULE4(this.concatExpr);
            let escape: Expr | null = null;
            this.OPTION4(() => {
              this.CONSUME(Kw.Escape);
              escape = this.SUBRULE5(this.concatExpr);
            });
            return {
              kind: 'like',
              operand,
              pattern,
              escape,
              negated,
              caseInsensitive,
              pos,
            } satisfies Expr;
          },
        },
      ]);
    });
    return result;
  });

  protected readonly concatExpr = this.RULE('concatExpr', (): Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(Concat);
      const right = this.SUBRULE2(this.additive);
      left = { kind: 'binary', op: '||', left, right, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly additive = this.RULE('additive', (): Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Plus) && ('+' as const) },
        { ALT: () => this.CONSUME(Minus) && ('-' as const) },
      ]);
      const right = this.SUBRULE2(this.multiplicative);
      left = { kind: 'binary', op, left, right, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly multiplicative = this.RULE('multiplicative', (): Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Star) && ('*' as const) },
        { ALT: () => this.CONSUME(Slash) && ('/' as const) },
        { ALT: () => this.CONSUME(Percent) && ('%' as const) },
      ]);
      const right = this.SUBRULE2(this.unary);
      left = { kind: 'binary', op, left, right, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly unary = this.RULE('unary', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const sign = this.OR2([
            { ALT: () => this.CONSUME(Minus) },
            { ALT: () => this.CONSUME(Plus) },
          ]);
          const operand = this.SUBRULE(this.unary);
          const op = sign.tokenType === Minus ? ('-' as const) : ('+' as const);
          return { kind: 'unary', op, operand, pos: tokenPosition(sign) } satisfies Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.castExpr) },
    ]),
  );

  /** `x::type`, chainable. */
  private readonly castExpr = this.RULE('castExpr', (): Expr => {
    const start = this.LA(1);
    let operand = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(DoubleColon);
      const type = this.SUBRULE(this.typeName);
      operand = { kind: 'cast', operand, type, pos: tokenPosition(start) };
    });
    return operand;
  });

  // Alternatives are ordered from specific to general and ambiguities are
  // resolved by that order: `extract(` is the special form, `extract` alone a column.
  private readonly primary = this.RULE('primary', (): Expr =>
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const token = this.CONSUME(NumberLiteral);
            return { kind: 'number', text: token.image, pos: tokenPosition(token) } satisfies Expr;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(StringLiteral);
            return { kind: 'string', value: stringValue(token), pos: tokenPosition(token) } satisfies Expr;
          },
        },
        { ALT: () => this.SUBRULE(this.parameter) },
        {
          ALT: () => {
            const token = this.CONSUME(Kw.True);
            return { kind: 'boolean', value: true, pos: tokenPosition(token) } satisfies Expr;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(Kw.False);
            return { kind: 'boolean', value: false, pos: tokenPosition(token) } satisfies Expr;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(Kw.Null);
            return { kind: 'null', pos: tokenPosition(token) } satisfies Expr;
          },
        },
        {
          GATE: () => this.opensSubquery(),
          ALT: () => {
            const open = this.CONSUME(LParen);
            const query = this.SUBRULE(this.query);
            this.CONSUME(RParen);
            return { kind: 'scalarSubquery', query, pos: tokenPosition(open) } satisfies Expr;
          },
        },
        {
          ALT: () => {
            this.CONSUME2(LParen);
            const inner = this.SUBRULE(this.expr);
            this.CONSUME2(RParen);
            return inner;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(Kw.Exists);
            this.CONSUME3(LParen);
            const query = this.SUBRULE2(this.query);
            this.CONSUME3(RParen);
            return { kind: 'exists', query, pos: tokenPosition(token) } satisfies Expr;
          },
        },
        { ALT: () => this.SUBRULE(this.caseExpr) },
        { ALT: () => this.SUBRULE(this.castCall) },
        { ALT: () => this.SUBRULE(this.extractCall) },
        { ALT: () => this.SUBRULE(this.substringCall) },
        { ALT: () => this.SUBRULE(this.positionCall) },
        { ALT: () => this.SUBRULE(this.trimCall) },
        { ALT: () => this.SUBRULE(this.typedLiteral) },
        { ALT: () => this.SUBRULE(this.joinWordCall) },
        { ALT: () => this.SUBRULE(this.nameExpr) },
      ],
    }),
  );

  private readonly parameter = this.RULE('param', (): Expr => {
    const token = this.CONSUME(Parameter);
    const index = Number(token.image.slice(1));
    if (!this.RECORDING_PHASE && !(index >= 1 && index <= MAX_PARAMETER)) {
      throw new EngineError(
        SqlState.undefinedParameter,
        `there is no parameter ${token.image} (line ${token.startLine}, column ${token.startColumn}): parameters are numbered from $1 to $${MAX_PARAMETER}`,
        tokenPosition(token),
      );
    }
    return { kind: 'param', index, pos: tokenPosition(token) };
  });









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

