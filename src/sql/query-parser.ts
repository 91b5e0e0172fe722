// The query half of the grammar: WITH, set operations (INTERSECT binds tighter
// than UNION and EXCEPT, all left-associative), SELECT cores, FROM items and
// joins, ORDER BY / LIMIT / OFFSET. Builds on ExprParser; SqlParser adds statements.

import type { IToken } from 'chevrotain';
import { EngineError, SqlState } from '../common/errors.js';
import type {
  CommonTableExpr,
  Expr,
  FromItem,
  JoinRef,
  OrderItem,
  Query,
  SelectItem,
} from './ast.js';
import { ExprParser } from './expr-parser.js';
import { Comma, Dot, Ident, Identifier, Kw, LParen, RParen, Star, identifierName, tokenPosition } from './tokens.js';

interface QueryTailParts {
  readonly with: CommonTableExpr[];
  readonly withRecursive: boolean;
  readonly orderBy: OrderItem[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

type JoinType = JoinRef['joinType'];

function duplicateClause(clause: string, token: IToken): EngineError {
  return new EngineError(
    SqlState.syntaxError,
    `multiple ${clause} clauses not allowed (line ${token.startLine}, column ${token.startColumn})`,
    tokenPosition(token),
  );
}

export abstract class QueryParser extends ExprParser {
  /** WITH ... set-expression ORDER BY ... LIMIT ... OFFSET ... */
  readonly query = this.RULE('query', (): Query => {
    const start = this.LA(1);
    let ctes: CommonTableExpr[] = [];
    let withRecursive = false;
    this.OPTION(() => {
      this.CONSUME(Kw.With);
      withRecursive = this.OPTION2(() => this.CONSUME(Kw.Recursive)) !== undefined;
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => ctes.push(this.SUBRULE(this.commonTableExpr)) });
    });
    const body = this.SUBRULE(this.setExpr);
    let orderBy: OrderItem[] = [];
    const orderToken = this.LA(1);
    this.OPTION3(() => {
      orderBy = this.SUBRULE(this.orderByClause);
    });
    let limit: Expr | null = null;
    let offset: Expr | null = null;
    let limitToken = this.LA(1);
    let offsetToken = this.LA(1);
    this.OPTION4(() => {
      this.OR([
        {
          ALT: () => {
            limitToken = this.LA(1);
            limit = this.SUBRULE(this.limitClause);
            this.OPTION5(() => {
              offsetToken = this.LA(1);
              offset = this.SUBRULE(this.offsetClause);
            });
          },
        },
        {
          ALT: () => {
            offsetToken = this.LA(1);
            offset = this.SUBRULE2(this.offsetClause);
            this.OPTION6(() => {
              limitToken = this.LA(1);
              limit = this.SUBRULE2(this.limitClause);
            });
          },
        },
      ]);
    });
    if (this.RECORDING_PHASE) return body;
    const tail: QueryTailParts = { with: ctes, withRecursive, orderBy, limit, offset };
    if (ctes.length === 0 && orderBy.length === 0 && limit === null && offset === null) return body;
    // A parenthesized operand may carry its own tail: merge, refusing duplicates as PostgreSQL does.
    if (body.orderBy.length > 0 && tail.orderBy.length > 0) throw duplicateClause('ORDER BY', orderToken);
    if (body.limit !== null && tail.limit !== null) throw duplicateClause('LIMIT', limitToken);
    if (body.offset !== null && tail.offset !== null) throw duplicateClause('OFFSET', offsetToken);
    if (body.with.length > 0 && tail.with.length > 0) throw duplicateClause('WITH', start);
    return {
      ...body,
      with: ctes.length > 0 ? ctes : body.with,
      withRecursive: ctes.length > 0 ? withRecursive : body.withRecursive,
      orderBy: orderBy.length > 0 ? orderBy : body.orderBy,
      limit: limit ?? body.limit,
      offset: offset ?? body.offset,
      pos: ctes.length > 0 ? tokenPosition(start) : body.pos,
    };
  });

  /** LIMIT n | LIMIT ALL (null: no limit). */
  private readonly limitClause = this.RULE('limitClause', (): Expr | null => {
    this.CONSUME(Kw.Limit);
    return this.OR([
      { ALT: () => this.SUBRULE(this.expr) },
      { ALT: () => this.CONSUME(Kw.All) && null },
    ]);
  });

  private readonly offsetClause = this.RULE('offsetClause', (): Expr => {
    this.CONSUME(Kw.Offset);
    const offset = this.SUBRULE(this.expr);
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(Kw.Row) }, { ALT: () => this.CONSUME(Kw.Rows) }]);
    });
    return offset;
  });

  private readonly commonTableExpr = this.RULE('commonTableExpr', (): CommonTableExpr => {
    const nameToken = this.CONSUME(Ident);
    let columns: string[] | null = null;
    this.OPTION(() => {
      this.CONSUME(LParen);
      columns = this.SUBRULE(this.identList);
      this.CONSUME(RParen);
    });
    this.CONSUME(Kw.As);
    this.CONSUME2(LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME2(RParen);
    return { name: identifierName(nameToken), columns, query, pos: tokenPosition(nameToken) };
  });

  /** UNION and EXCEPT, left-associative, over INTERSECT terms. */
  private readonly setExpr = this.RULE('setExpr', (): Query => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.setTerm);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Kw.Union) && ('union' as const) },
        { ALT: () => this.CONSUME(Kw.Except) && ('except' as const) },
      ]);
      const all = this.SUBRULE(this.setQuantifier);
      const right = this.SUBRULE2(this.setTerm);
      left = setOperation(op, all, left, right, start);
    });
    return left;
  });

  private readonly setTerm = this.RULE('setTerm', (): Query => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.setPrimary);
    this.MANY(() => {
      this.CONSUME(Kw.Intersect);
      const all = this.SUBRULE(this.setQuantifier);
      const right = this.SUBRULE2(this.setPrimary);
      left = setOperation('intersect', all, left, right, start);
    });
    return left;
  });

  /** [ALL | DISTINCT] after a set operator: true for ALL. */
  private readonly setQuantifier = this.RULE('setQuantifier', (): boolean => {
    let all = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.All) && (all = true) },
        { ALT: () => this.CONSUME(Kw.Distinct) },
      ]);
    });
    return all;
  });

  private readonly setPrimary = this.RULE('setPrimary', (): Query =>
    this.OR([
      { ALT: () => this.SUBRULE(this.selectCore) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.query);
          this.CONSUME(RParen);
          return inner;
        },
      },
    ]),
  );

  private readonly selectCore = this.RULE('selectCore', (): Query => {
    const selectToken = this.CONSUME(Kw.Select);
    let distinct: boolean | Expr[] = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.All) },
        {
          ALT: () => {
            this.CONSUME(Kw.Distinct);
            distinct = true;
            this.OPTION2(() => {
              this.CONSUME(Kw.On);
              this.CONSUME(LParen);
              distinct = this.SUBRULE(this.exprList);
              this.CONSUME(RParen);
            });
          },
        },
      ]);
    });
    const items: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
    const from: FromItem[] = [];
    this.OPTION3(() => {
      this.CONSUME(Kw.From);
      this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => from.push(this.SUBRULE(this.fromItem)) });
    });
    let where: Expr | null = null;
    this.OPTION4(() => {
      this.CONSUME(Kw.Where);
      where = this.SUBRULE(this.expr);
    });
    let groupBy: Expr[] = [];
    this.OPTION5(() => {
      this.CONSUME(Kw.Group);
      this.CONSUME(Kw.By);
      groupBy = this.SUBRULE2(this.exprList);
    });
    let having: Expr | null = null;
    this.OPTION6(() => {
      this.CONSUME(Kw.Having);
      having = this.SUBRULE2(this.expr);
    });
    return {
      kind: 'select',
      distinct,
      items,
      from,
      where,
      groupBy,
      having,
      with: [],
      withRecursive: false,
      orderBy: [],
      limit: null,
      offset: null,
      pos: tokenPosition(selectToken),
    };
  });

  protected readonly selectItem = this.RULE('selectItem', (): SelectItem => {
    // For performance: telling `t.*` from an expression takes chevrotain a long
    // scan of three-token paths; only `*` or a name followed by `.` can be a star item.
    if (!this.RECORDING_PHASE && this.LA(1).tokenType !== Star && this.LA(2).tokenType !== Dot) {
      return this.expressionItem();
    }
    return this.OR([
      {
        ALT: () => {
          const star = this.CONSUME(Star);
          return { kind: 'star', table: null, pos: tokenPosition(star) } satisfies SelectItem;
        },
      },
      {
        ALT: () => {
          const table = this.CONSUME(Ident);
          this.CONSUME(Dot);
          this.CONSUME2(Star);
          return {
            kind: 'star',
            table: identifierName(table),
            pos: tokenPosition(table),
          } satisfies SelectItem;
        },
      },
      { ALT: () => this.expressionItem() },
    ]);
  });

  /** The expression alternative of selectItem: expr [AS] alias. */
  private expressionItem(): SelectItem {
    const start = this.LA(1);
    const expr = this.SUBRULE(this.expr);
    const alias = this.SUBRULE(this.optionalAlias);
    return { kind: 'exprItem', expr, alias, pos: tokenPosition(start) };
  }

  /** [AS] name; null when absent. */
  private readonly optionalAlias = this.RULE('optionalAlias', (): string | null => {
    let alias: string | null = null;
    this.OPTION({
      // `FROM t EMIT ON ...` ends a view's query and `... RETURNING` a DML statement:
      // neither word is an alias there.
      GATE: () =>
        !(this.LA(1).tokenType === Identifier &&
          ((this.LA(1).image.toLowerCase() === 'emit' && this.LA(2).tokenType === Kw.On) || this.LA(1).image.toLowerCase() === 'returning')),
      DEF: () => {
        this.OPTION2(() => this.CONSUME(Kw.As));
        alias = identifierName(this.CONSUME(Ident));
      },
    });
    return alias;
  });

  /** A primary followed by any number of joins, left-associative. */
  private readonly fromItem = this.RULE('fromItem', (): FromItem => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.fromPrimary);
    this.MANY(() => {
      const join = this.SUBRULE(this.joinClause);
      left = { kind: 'joinRef', ...join, left, pos: tokenPosition(start) };
    });
    return left;
  });

  private readonly joinClause = this.RULE('joinClause', (): Omit<JoinRef, 'kind' | 'left' | 'pos'> =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.Cross);
          this.CONSUME(Kw.Join);
          const right = this.SUBRULE(this.fromPrimary);
          return { joinType: 'cross' as const, natural: false, right, on: null, using: null };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.Natural);
          const joinType = this.SUBRULE(this.joinType);
          this.CONSUME2(Kw.Join);
          const right = this.SUBRULE2(this.fromPrimary);
          return { joinType, natural: true, right, on: null, using: null };
        },
      },
      {
        ALT: () => {
          const joinType = this.SUBRULE2(this.joinType);
          this.CONSUME3(Kw.Join);
          const right = this.SUBRULE3(this.fromPrimary);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME(Kw.On);
                const on = this.SUBRULE(this.expr);
                return { joinType, natural: false, right, on, using: null };
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.Using);
                this.CONSUME(LParen);
                const using = this.SUBRULE(this.identList);
                this.CONSUME(RParen);
                return { joinType, natural: false, right, on: null, using };
              },
            },
          ]);
        },
      },
    ]),
  );

  /** [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]]; inner when absent. */
  private readonly joinType = this.RULE('joinType', (): JoinType => {
    let joinType: JoinType = 'inner';
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.Inner) },
        {
          ALT: () => {
            joinType = this.OR2([
              { ALT: () => this.CONSUME(Kw.Left) && ('left' as const) },
              { ALT: () => this.CONSUME(Kw.Right) && ('right' as const) },
              { ALT: () => this.CONSUME(Kw.Full) && ('full' as const) },
            ]);
            this.OPTION2(() => this.CONSUME(Kw.Outer));
          },
        },
      ]);
    });
    return joinType;
  });

  private readonly fromPrimary = this.RULE('fromPrimary', (): FromItem =>
    this.OR([
      {
        GATE: () => this.opensSubquery(),
        ALT: () => {
          const open = this.CONSUME(LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(RParen);
          const alias = this.SUBRULE(this.optionalAlias);
          let columnAliases: string[] | null = null;
          this.OPTION({
            GATE: () => alias !== null,
            DEF: () => {
              this.CONSUME2(LParen);
              columnAliases = this.SUBRULE(this.identList);
              this.CONSUME2(RParen);
            },
          });
          return {
            kind: 'subqueryRef',
            query,
            alias,
            columnAliases,
            pos: tokenPosition(open),
          } satisfies FromItem;
        },
      },
      {
        ALT: () => {
          this.CONSUME3(LParen);
          const inner = this.SUBRULE(this.fromItem);
          this.CONSUME3(RParen);
          return inner;
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(Ident);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME4(LParen);
                let args: Expr[] = [];
                this.OPTION2(() => {
                  args = this.SUBRULE(this.exprList);
                });
                this.CONSUME4(RParen);
                const alias = this.SUBRULE2(this.optionalAlias);
                return {
                  kind: 'tableFunctionRef',
                  name: identifierName(name),
                  args,
                  alias,
                  pos: tokenPosition(name),
                } satisfies FromItem;
              },
            },
            {
              ALT: () => {
                const alias = this.SUBRULE3(this.optionalAlias);
                return {
                  kind: 'tableRef',
                  name: identifierName(name),
                  alias,
                  pos: tokenPosition(name),
                } satisfies FromItem;
              },
            },
          ]);
        },
      },
    ]),
  );
}

function setOperation(
  op: 'union' | 'intersect' | 'except',
  all: boolean,
  left: Query,
  right: Query,
  start: IToken,
): Query {
  return {
    kind: 'setOp',
    op,
    all,
    left,
    right,
    with: [],
    withRecursive: false,
    orderBy: [],
    limit: null,
    offset: null,
    pos: tokenPosition(start),
  };
}
