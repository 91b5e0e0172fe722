// The base of the grammar: calls and special forms (CASE, CAST, EXTRACT,
// SUBSTRING, POSITION, TRIM, typed literals), window specifications, ORDER BY
// items, type names and list rules shared by every layer. The layers build on
// one another: CallParser <- ExprParser <- QueryParser <- SqlParser (parser.ts).

import type { IToken, ParserMethod } from 'chevrotain';
import { EmbeddedActionsParser, tokenMatcher } from './chevrotain-bundle.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { CallExpr, CaseWhen, Expr, OrderItem, Query, TypeName, WindowSpec } from './ast.js';
import { Level, atLevel } from './precedence.js';
import { expectedTokensMessageProvider } from './syntax-error.js';
import {
  Comma,
  Ident,
  Identifier,
  Kw,
  LBracket,
  LParen,
  NumberLiteral,
  RBracket,
  RParen,
  Star,
  StringLiteral,
  allTokens,
  identifierName,
  tokenPosition,
} from './tokens.js';

/** INTERVAL's optional field qualifier words. */
const INTERVAL_FIELDS: ReadonlySet<string> = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);

// Type names made of several words. The grammar reads a further word only
// while the words so far are a prefix of one of these, so `x::int y` still
// reads `y` as an alias (as PostgreSQL does).
const MULTI_WORD_TYPES: readonly (readonly string[])[] = [
  ['double', 'precision'],
  ['character', 'varying'],
  ['char', 'varying'],
  ['bit', 'varying'],
  ['timestamp', 'with', 'time', 'zone'],
  ['timestamp', 'without', 'time', 'zone'],
  ['time', 'with', 'time', 'zone'],
  ['time', 'without', 'time', 'zone'],
];

function continuesTypeName(words: readonly string[], next: string): boolean {
  return MULTI_WORD_TYPES.some(
    (type) =>
      type.length > words.length &&
      type[words.length] === next &&
      words.every((word, i) => type[i] === word),
  );
}

function syntaxError(message: string, token: IToken): EngineError {
  return new EngineError(
    SqlState.syntaxError,
    `${message} (line ${token.startLine}, column ${token.startColumn})`,
    tokenPosition(token),
  );
}

interface CallArgs {
  readonly args: Expr[];
  readonly star: boolean;
  readonly distinct: boolean;
  /** ORDER BY inside the argument list (aggregates), or null. */
  readonly orderBy: OrderItem[] | null;
}

function call(name: string, args: Expr[], token: IToken): CallExpr {
  return {
    kind: 'call',
    name,
    args,
    star: false,
    distinct: false,
    filter: null,
    over: null,
    pos: tokenPosition(token),
  };
}

export abstract class CallParser extends EmbeddedActionsParser {
  /** The request text being parsed; statements and frames slice it. */
  protected source = '';

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion...)
   * while building; they take most of the start-up time, so the shared instance
   * skips them and a test builds a validating parser instead.
   */
  constructor(validate: boolean) {
    super(allTokens, {
      maxLookahead: 3,
      skipValidations: !validate,
      errorMessageProvider: expectedTokensMessageProvider,
    });
  }

  /** Supplied by QueryParser: a full query (WITH, set operations, ORDER BY, LIMIT). */
  protected abstract readonly query: ParserMethod<[], Query>;
  /** Supplied by ExprParser: an expression; with a Level argument, one whose operators bind at least that tightly. */
  abstract readonly expr: ParserMethod<[minLevel?: number], Expr>;

  /** The source text from the start of `first` to the end of the last consumed token. */
  protected textFrom(first: IToken): string {
    const last = this.LA(0);
    return this.source.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
  }

  /** True when LA(1) opens a subquery: `(` followed by SELECT or WITH. */
  protected opensSubquery(): boolean {
    const next = this.LA(2).tokenType;
    return this.LA(1).tokenType === LParen && (next === Kw.Select || next === Kw.With);
  }

  protected readonly caseExpr = this.RULE('caseExpr', (): Expr => {
    const token = this.CONSUME(Kw.Case);
    let operand: Expr | null = null;
    this.OPTION(() => {
      operand = this.SUBRULE(this.expr);
    });
    const whens: CaseWhen[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(Kw.When);
      const when = this.SUBRULE2(this.expr);
      this.CONSUME(Kw.Then);
      const then = this.SUBRULE3(this.expr);
      whens.push({ when, then });
    });
    let otherwise: Expr | null = null;
    this.OPTION2(() => {
      this.CONSUME(Kw.Else);
      otherwise = this.SUBRULE4(this.expr);
    });
    this.CONSUME(Kw.End);
    return { kind: 'case', operand, whens, else: otherwise, pos: tokenPosition(token) };
  });

  protected readonly castCall = this.RULE('castCall', (): Expr => {
    const token = this.CONSUME(Kw.Cast);
    this.CONSUME(LParen);
    const operand = this.SUBRULE(this.expr);
    this.CONSUME(Kw.As);
    const type = this.SUBRULE(this.typeName);
    this.CONSUME(RParen);
    return { kind: 'cast', operand, type, pos: tokenPosition(token) };
  });

  /** EXTRACT(field FROM x) -> call 'extract' ['field', x]. */
  protected readonly extractCall = this.RULE('extractCall', (): Expr => {
    const token = this.CONSUME(Kw.Extract);
    this.CONSUME(LParen);
    const field = this.OR([
      {
        ALT: (): Expr => {
          const token = this.CONSUME(Ident);
          return { kind: 'string', value: identifierName(token).toLowerCase(), pos: tokenPosition(token) };
        },
      },
      {
        ALT: (): Expr => {
          const token = this.CONSUME(StringLiteral);
          return { kind: 'string', value: stringValue(token).toLowerCase(), pos: tokenPosition(token) };
        },
      },
    ]);
    this.CONSUME(Kw.From);
    const source = this.SUBRULE(this.expr);
    this.CONSUME(RParen);
    return call('extract', [field, source], token);
  });

  /** SUBSTRING(x FROM a [FOR b]) and substring(x, a [, b]) -> call 'substring' [x, a, b?]. */
  protected readonly substringCall = this.RULE('substringCall', (): Expr => {
    const token = this.CONSUME(Kw.Substring);
    this.CONSUME(LParen);
    const args = [this.SUBRULE(this.expr)];
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.From);
          args.push(this.SUBRULE2(this.expr));
          this.OPTION(() => {
            this.CONSUME(Kw.For);
            args.push(this.SUBRULE3(this.expr));
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Comma);
          args.push(this.SUBRULE4(this.expr));
          this.OPTION2(() => {
            this.CONSUME2(Comma);
            args.push(this.SUBRULE5(this.expr));
          });
        },
      },
    ]);
    this.CONSUME(RParen);
    return call('substring', args, token);
  });

  /** POSITION(a IN b) -> call 'position' [a, b]; `a` stops before IN. */
  protected readonly positionCall = this.RULE('positionCall', (): Expr => {
    const token = this.CONSUME(Kw.Position);
    this.CONSUME(LParen);
    const needle = this.SUBRULE(this.expr, atLevel[Level.Concat]);
    this.CONSUME(Kw.In);
    const haystack = this.SUBRULE2(this.expr);
    this.CONSUME(RParen);
    return call('position', [needle, haystack], token);
  });

  /** TRIM([LEADING|TRAILING|BOTH] [c] FROM s) and trim(s [, c]) -> 'btrim'|'ltrim'|'rtrim' [s, c?]. */
  protected readonly trimCall = this.RULE('trimCall', (): Expr => {
    const token = this.CONSUME(Kw.Trim);
    this.CONSUME(LParen);
    let name = 'btrim';
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.Leading) && (name = 'ltrim') },
        { ALT: () => this.CONSUME(Kw.Trailing) && (name = 'rtrim') },
        { ALT: () => this.CONSUME(Kw.Both) && (name = 'btrim') },
      ]);
    });
    const args = this.OR2([
      {
        ALT: () => {
          this.CONSUME(Kw.From);
          return [this.SUBRULE(this.expr)];
        },
      },
      {
        ALT: () => {
          const first = this.SUBRULE2(this.expr);
          let result = [first];
          this.OPTION2(() => {
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME2(Kw.From);
                  result = [this.SUBRULE3(this.expr), first];
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Comma);
                  result = [first, this.SUBRULE4(this.expr)];
                },
              },
            ]);
          });
          return result;
        },
      },
    ]);
    this.CONSUME(RParen);
    return call(name, args, token);
  });

  /** DATE '...', TIME '...', TIMESTAMP '...', TIMESTAMPTZ '...', INTERVAL '...' [field]. */
  protected readonly typedLiteral = this.RULE('typedLiteral', (): Expr => {
    const typeToken = this.OR([
      { ALT: () => this.CONSUME(Kw.Date) },
      { ALT: () => this.CONSUME(Kw.Time) },
      { ALT: () => this.CONSUME(Kw.Timestamp) },
      { ALT: () => this.CONSUME(Kw.TimestampTz) },
      { ALT: () => this.CONSUME(Kw.Interval) },
    ]);
    const value = this.CONSUME(StringLiteral);
    // SQL's field qualifier: INTERVAL '5' MINUTE is five minutes.
    const unit = this.OPTION({
      GATE: () => typeToken.tokenType === Kw.Interval && this.LA(1).tokenType === Identifier && INTERVAL_FIELDS.has(this.LA(1).image.toLowerCase()),
      DEF: () => this.CONSUME(Identifier),
    });
    return this.ACTION((): Expr => {
      const pos = tokenPosition(typeToken);
      const text = stringValue(value);
      return {
        kind: 'typedLiteral',
        type: { name: typeToken.image.toLowerCase(), args: [], pos },
        value: unit !== undefined && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(text) ? `${text.trim()} ${unit.image.toLowerCase()}` : text,
        pos,
      };
    });
  });

  /** left(s, n) and right(s, n): reserved words, but also function names. */
  protected readonly joinWordCall = this.RULE('joinWordCall', (): Expr => {
    const token = this.OR([{ ALT: () => this.CONSUME(Kw.Left) }, { ALT: () => this.CONSUME(Kw.Right) }]);
    this.CONSUME(LParen);
    const args = this.SUBRULE(this.exprList);
    this.CONSUME(RParen);
    return this.ACTION(() => call(token.image.toLowerCase(), args, token));
  });

  protected readonly callArgs = this.RULE('callArgs', (): CallArgs => {
    let result: CallArgs = { args: [], star: false, distinct: false, orderBy: null };
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Star);
            result = { args: [], star: true, distinct: false, orderBy: null };
          },
        },
        {
          ALT: () => {
            let distinct = false;
            this.OPTION2(() => {
              this.OR2([
                { ALT: () => this.CONSUME(Kw.Distinct) && (distinct = true) },
                { ALT: () => this.CONSUME(Kw.All) },
              ]);
            });
            const args = this.SUBRULE(this.exprList);
            let orderBy: OrderItem[] | null = null;
            this.OPTION3(() => {
              orderBy = this.SUBRULE(this.orderByClause);
            });
            result = { args, star: false, distinct, orderBy };
          },
        },
      ]);
    });
    return result;
  });

  /** True when the tokens ahead read `WITHIN GROUP (`: WITHIN is no keyword, so `f(x) within` alone is an alias. */
  protected opensWithinGroup(): boolean {
    const next = this.LA(1);
    return tokenMatcher(next, Ident) && next.image.toLowerCase() === 'within' &&
      this.LA(2).tokenType === Kw.Group && this.LA(3).tokenType === LParen;
  }

  /** `WITHIN GROUP (ORDER BY ...)` after an ordered-set aggregate's arguments. */
  protected readonly withinGroupClause = this.RULE('withinGroupClause', (): OrderItem[] => {
    this.CONSUME(Ident);
    this.CONSUME(Kw.Group);
    this.CONSUME(LParen);
    const items = this.SUBRULE(this.orderByClause);
    this.CONSUME(RParen);
    return items;
  });

  protected readonly windowSpec = this.RULE('windowSpec', (): WindowSpec => {
    const over = this.CONSUME(Kw.Over);
    this.CONSUME(LParen);
    let partitionBy: Expr[] = [];
    this.OPTION(() => {
      this.CONSUME(Kw.Partition);
      this.CONSUME(Kw.By);
      partitionBy = this.SUBRULE(this.exprList);
    });
    let orderBy: OrderItem[] = [];
    this.OPTION2(() => {
      orderBy = this.SUBRULE(this.orderByClause);
    });
    let frameText: string | null = null;
    this.OPTION3(() => {
      const frameStart = this.LA(1);
      this.SUBRULE(this.frameClause);
      frameText = this.textFrom(frameStart);
    });
    this.CONSUME(RParen);
    return { partitionBy, orderBy, frameText, pos: tokenPosition(over) };
  });

  /** Parsed only to validate it: the AST keeps the frame as text. */
  protected readonly frameClause = this.RULE('frameClause', (): void => {
    this.OR([
      { ALT: () => this.CONSUME(Kw.Rows) },
      { ALT: () => this.CONSUME(Kw.Range) },
      { ALT: () => this.CONSUME(Kw.Groups) },
    ]);
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(Kw.Between);
          this.SUBRULE(this.frameBound);
          this.CONSUME(Kw.And);
          this.SUBRULE2(this.frameBound);
        },
      },
      { ALT: () => this.SUBRULE3(this.frameBound) },
    ]);
    this.OPTION(() => {
      this.CONSUME(Kw.Exclude);
      this.OR3([
        {
          ALT: () => {
            this.CONSUME(Kw.Current);
            this.CONSUME(Kw.Row);
          },
        },
        { ALT: () => this.CONSUME(Kw.Group) },
        { ALT: () => this.CONSUME(Kw.Ties) },
        {
          ALT: () => {
            this.CONSUME(Kw.No);
            this.CONSUME(Kw.Others);
          },
        },
      ]);
    });
  });

  protected readonly frameBound = this.RULE('frameBound', (): void => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(Kw.Unbounded);
            this.SUBRULE(this.frameDirection);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.Current);
            this.CONSUME(Kw.Row);
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.expr, atLevel[Level.Concat]);
            this.SUBRULE2(this.frameDirection);
          },
        },
      ],
    });
  });

  protected readonly frameDirection = this.RULE('frameDirection', (): void => {
    this.OR([{ ALT: () => this.CONSUME(Kw.Preceding) }, { ALT: () => this.CONSUME(Kw.Following) }]);
  });

  protected readonly orderByClause = this.RULE('orderByClause', (): OrderItem[] => {
    this.CONSUME(Kw.Order);
    this.CONSUME(Kw.By);
    const items: OrderItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.orderItem)) });
    return items;
  });

  protected readonly orderItem = this.RULE('orderItem', (): OrderItem => {
    const start = this.LA(1);
    const expr = this.SUBRULE(this.expr);
    let direction: 'asc' | 'desc' = 'asc';
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.Asc) },
        { ALT: () => this.CONSUME(Kw.Desc) && (direction = 'desc') },
      ]);
    });
    let nulls: 'first' | 'last' | null = null;
    this.OPTION2(() => {
      this.CONSUME(Kw.Nulls);
      this.OR2([
        { ALT: () => this.CONSUME(Kw.First) && (nulls = 'first') },
        { ALT: () => this.CONSUME(Kw.Last) && (nulls = 'last') },
      ]);
    });
    return { expr, direction, nulls, pos: tokenPosition(start) };
  });

  protected readonly exprList = this.RULE('exprList', (): Expr[] => {
    const list: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE(this.expr)) });
    return list;
  });

  protected readonly identList = this.RULE('identList', (): string[] => {
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => names.push(identifierName(this.CONSUME(Ident))),
    });
    return names;
  });

  /**
   * A type name: one word, or a known multi-word name, with optional (n[, m])
   * modifiers, and an array suffix (`[]`, `[3]`, repeated, or `ARRAY [n]`) that
   * appends '[]' to the name; sizes and dimensions are ignored, as in PostgreSQL.
   */
  readonly typeName = this.RULE('typeName', (): TypeName => {
    const first = this.CONSUME(Ident);
    const words = [identifierName(first)];
    const moreWords = {
      GATE: () => this.nextContinuesType(words),
      DEF: () => {
        this.OR([
          { ALT: () => words.push(this.CONSUME2(Ident).image.toLowerCase()) },
          { ALT: () => words.push(this.CONSUME(Kw.With).image.toLowerCase()) },
        ]);
      },
    };
    this.MANY(moreWords);
    const args: number[] = [];
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          const token = this.CONSUME(NumberLiteral);
          if (!this.RECORDING_PHASE && !/^\d+$/.test(token.image)) {
            throw syntaxError(`type modifier must be an integer, not ${token.image}`, token);
          }
          args.push(Number(token.image));
        },
      });
      this.CONSUME(RParen);
    });
    // `timestamp(3) with time zone`: the rest of the name may follow the modifiers.
    this.MANY2({
      GATE: moreWords.GATE,
      DEF: () => {
        this.OR2([
          { ALT: () => words.push(this.CONSUME3(Ident).image.toLowerCase()) },
          { ALT: () => words.push(this.CONSUME2(Kw.With).image.toLowerCase()) },
        ]);
      },
    });
    let array = false;
    this.OPTION5(() => {
      this.OR3([
        {
          ALT: () => {
            this.AT_LEAST_ONE(() => {
              this.CONSUME(LBracket);
              this.OPTION2(() => this.CONSUME2(NumberLiteral));
              this.CONSUME(RBracket);
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.Array);
            this.OPTION3(() => {
              this.CONSUME2(LBracket);
              this.OPTION4(() => this.CONSUME3(NumberLiteral));
              this.CONSUME2(RBracket);
            });
          },
        },
      ]);
      array = true;
    });
    return { name: words.join(' ') + (array ? '[]' : ''), args, pos: tokenPosition(first) };
  });

  private nextContinuesType(words: readonly string[]): boolean {
    const next = this.LA(1);
    if (next.tokenType !== Kw.With && !tokenMatcher(next, Ident)) return false;
    return continuesTypeName(words, next.image.toLowerCase());
  }

}

/** The value of a string literal token: quotes removed, '' unescaped. */
export function stringValue(token: IToken): string {
  const inner = token.image.slice(1, -1);
  return inner.includes("''") ? inner.replaceAll("''", "'") : inner;
}
