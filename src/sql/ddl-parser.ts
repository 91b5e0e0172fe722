// The DDL productions of the grammar: CREATE TABLE with its PRIMARY KEY and
// UNIQUE constraints, CREATE [UNIQUE] INDEX and DROP INDEX, CREATE/DROP SINK,
// and the small clauses statements share. INDEX, UNIQUE, CONSTRAINT,
// CONCURRENTLY, INCLUDE, INDEXES, SINK(S) and WEBHOOK have no keyword tokens: they are read as words (`isWord`), so
// they stay usable as names wherever no statement needs them.

import type { IToken } from 'chevrotain';
import { EOF, tokenMatcher } from './chevrotain-bundle.js';
import { EngineError, SqlState } from '../common/errors.js';
import type {
  ColumnDef,
  CreateIndexStmt,
  CreateTableStmt,
  DropIndexStmt,
  Expr,
  OrderItem,
  TableOption,
  UniqueConstraintDef,
  WatermarkDef,
} from './ast.js';
import type { CreateSinkStmt, DropSinkStmt, SinkOption, SinkTarget } from './ast.js';
import { QueryParser } from './query-parser.js';
import { Comma, Equal, Ident, Identifier, Kw, LParen, NumberLiteral, RParen, StringLiteral, identifierName, tokenPosition } from './tokens.js';
import { stringValue } from './call-parser.js';
import { positionAt } from './syntax-error.js';

/** A column with what its inline constraints add to the table. */
interface ColumnElement {
  readonly column: ColumnDef;
  readonly unique: UniqueConstraintDef[];
  /** Name of an inline `CONSTRAINT name PRIMARY KEY`. */
  readonly primaryKeyName: string | null;
}

type TableElement =
  | { readonly kind: 'column'; readonly element: ColumnElement }
  | { readonly kind: 'primaryKey'; readonly columns: string[]; readonly token: IToken; readonly name: string | null }
  | { readonly kind: 'unique'; readonly constraint: UniqueConstraintDef }
  | { readonly kind: 'watermark'; readonly def: WatermarkDef };

/** What may follow `CONSTRAINT name` in a table or column definition. */
type ConstraintBody =
  | { readonly kind: 'primaryKey'; readonly columns: string[]; readonly token: IToken }
  | { readonly kind: 'unique'; readonly columns: string[]; readonly nullsNotDistinct: boolean; readonly token: IToken };
export abstract class DdlParser extends QueryParser {
  protected readonly createTable = this.RULE('createTable', (): CreateTableStmt => {
    const start = this.CONSUME(Kw.Create);
    this.CONSUME(Kw.Table);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameToken = this.CONSUME(Ident);
    const name = identifierName(nameToken);
    this.CONSUME(LParen);
    const columns: ColumnDef[] = [];
    const unique: UniqueConstraintDef[] = [];
    let primaryKey: string[] | null = null;
    let primaryKeyName: string | null = null;
    let watermark: WatermarkDef | null = null;
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const element = this.SUBRULE(this.tableElement);
        if (this.RECORDING_PHASE) return;
        if (element.kind === 'column') {
          columns.push(element.element.column);
          unique.push(...element.element.unique);
          primaryKeyName ??= element.element.primaryKeyName;
        } else if (element.kind === 'unique') {
          unique.push(element.constraint);
        } else if (element.kind === 'watermark') {
          if (watermark !== null) {
            throw new EngineError(SqlState.syntaxError, `table "${name}" has more than one WATERMARK; a table has one event-time column`, element.def.pos);
          }
          watermark = element.def;
        } else if (primaryKey !== null) {
          throw new EngineError(
            SqlState.syntaxError,
            `multiple primary keys for table "${name}" are not allowed (line ${element.token.startLine}, column ${element.token.startColumn})`,
            tokenPosition(element.token),
          );
        } else {
          primaryKey = element.columns;
          primaryKeyName ??= element.name;
        }
      },
    });
    this.CONSUME(RParen);
    // ) [APPEND ONLY] [WITH (key = value, ...)] [APPEND ONLY]: either order.
    const appendOnly =
      this.OPTION({ GATE: () => this.isWord(1, 'append'), DEF: () => this.SUBRULE(this.appendOnlyClause) }) === true;
    const options: TableOption[] = this.OPTION2(() => this.SUBRULE(this.withOptions)) ?? [];
    const appendOnlyAfter =
      !appendOnly && this.OPTION3({ GATE: () => this.isWord(1, 'append'), DEF: () => this.SUBRULE2(this.appendOnlyClause) }) === true;
    return {
      kind: 'createTable',
      name,
      ifNotExists,
      columns,
      primaryKey,
      ...(watermark === null ? {} : { watermark }),
      ...(appendOnly || appendOnlyAfter ? { appendOnly: true } : {}),
      ...(options.length === 0 ? {} : { options }),
      // Present only when written, so the node of a plain table stays as it was.
      ...(primaryKeyName === null ? {} : { primaryKeyName }),
      ...(unique.length === 0 ? {} : { unique }),
      ...this.statementInfo(start),
    };
  });

  /**
   * For start-up time, one token of lookahead and gates: every alternative but
   * PRIMARY KEY starts with a name, and chevrotain's default three-token analysis
   * expands each name position into every non-reserved keyword (some 50^3 paths),
   * which took most of the time building the parser. `tableElementAhead` makes
   * the choice that analysis made, so the same inputs parse (and fail) alike.
   */
  private readonly tableElement = this.RULE('tableElement', (): TableElement =>
    this.OR({
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // WATERMARK FOR column AS expression
          GATE: () => this.tableElementAhead() === 'watermark',
          ALT: () => {
            const token = this.CONSUME5(Ident);
            this.CONSUME(Kw.For);
            const column = identifierName(this.CONSUME6(Ident));
            this.CONSUME(Kw.As);
            const expr = this.SUBRULE(this.expr);
            return { kind: 'watermark', def: { column, expr, pos: tokenPosition(token) } } satisfies TableElement;
          },
        },
        {
          GATE: () => this.tableElementAhead() === 'constraint',
          ALT: () => {
            const name = this.SUBRULE(this.constraintName);
            const body = this.SUBRULE(this.tableConstraintBody);
            return this.ACTION((): TableElement => {
              if (body.kind === 'primaryKey') return { kind: 'primaryKey', columns: body.columns, token: body.token, name };
              const constraint = { name, columns: body.columns, nullsNotDistinct: body.nullsNotDistinct, pos: tokenPosition(body.token) };
              return { kind: 'unique', constraint };
            });
          },
        },
        {
          GATE: () => this.tableElementAhead() === 'primaryKey',
          ALT: () => {
            const token = this.CONSUME(Kw.Primary);
            this.CONSUME(Kw.Key);
            this.CONSUME(LParen);
            const columns = this.SUBRULE(this.identList);
            this.CONSUME(RParen);
            return { kind: 'primaryKey', columns, token, name: null } satisfies TableElement;
          },
        },
        {
          GATE: () => this.tableElementAhead() === 'column',
          ALT: () => ({ kind: 'column', element: this.SUBRULE(this.columnDef) }) satisfies TableElement,
        },
      ],
    }),
  );

  /**
   * The table element the next three tokens start, or null for none (a syntax
   * error): the three-token prefixes each alternative of tableElement can start
   * with, tried in the alternatives' order.
   */
  private tableElementAhead(): 'watermark' | 'constraint' | 'primaryKey' | 'column' | null {
    const second = this.LA(2);
    if (this.isWord(1, 'watermark') && second.tokenType === Kw.For) return 'watermark';
    if ((this.isWord(1, 'constraint') || this.isWord(1, 'unique')) && this.startsConstraintAfterWord()) return 'constraint';
    const first = this.LA(1);
    if (first.tokenType === Kw.Primary) {
      return second.tokenType === Kw.Key && this.LA(3).tokenType === LParen ? 'primaryKey' : null;
    }
    return tokenMatcher(first, Ident) && tokenMatcher(second, Ident) ? 'column' : null;
  }

  /**
   * After a leading CONSTRAINT or UNIQUE: `UNIQUE (`, `UNIQUE NULLS [NOT] DISTINCT`,
   * or `CONSTRAINT name` followed by PRIMARY or a word (UNIQUE).
   */
  private startsConstraintAfterWord(): boolean {
    const second = this.LA(2);
    if (second.tokenType === LParen) return true;
    const third = this.LA(3).tokenType;
    if (second.tokenType === Kw.Nulls && (third === Kw.Not || third === Kw.Distinct)) return true;
    return tokenMatcher(second, Ident) && (third === Kw.Primary || tokenMatcher(this.LA(3), Ident));
  }

  /** [CONSTRAINT name]: null when absent. */
  private readonly constraintName = this.RULE('constraintName', (): string | null => {
    let name: string | null = null;
    this.OPTION({
      GATE: () => this.isWord(1, 'constraint'),
      DEF: () => {
        this.CONSUME(Ident);
        name = identifierName(this.CONSUME2(Ident));
      },
    });
    return name;
  });

  /** PRIMARY KEY (cols) | UNIQUE [NULLS [NOT] DISTINCT] (cols) */
  private readonly tableConstraintBody = this.RULE('tableConstraintBody', (): ConstraintBody =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(Kw.Primary);
          this.CONSUME(Kw.Key);
          this.CONSUME(LParen);
          const columns = this.SUBRULE(this.identList);
          this.CONSUME(RParen);
          return { kind: 'primaryKey', columns, token } satisfies ConstraintBody;
        },
      },
      {
        GATE: () => this.isWord(1, 'unique'),
        ALT: () => {
          const token = this.CONSUME(Ident);
          const nullsNotDistinct = this.SUBRULE(this.nullsDistinctness);
          this.CONSUME2(LParen);
          const columns = this.SUBRULE2(this.identList);
          this.CONSUME2(RParen);
          return { kind: 'unique', columns, nullsNotDistinct, token } satisfies ConstraintBody;
        },
      },
    ]),
  );

  /** [NULLS [NOT] DISTINCT]: true for NULLS NOT DISTINCT. */
  private readonly nullsDistinctness = this.RULE('nullsDistinctness', (): boolean => {
    let notDistinct = false;
    this.OPTION(() => {
      this.CONSUME(Kw.Nulls);
      this.OPTION2(() => this.CONSUME(Kw.Not) && (notDistinct = true));
      this.CONSUME(Kw.Distinct);
    });
    return notDistinct;
  });

  /** name type { [CONSTRAINT name] (NOT NULL | NULL | PRIMARY KEY | UNIQUE [NULLS [NOT] DISTINCT]) } */
  private readonly columnDef = this.RULE('columnDef', (): ColumnElement => {
    const nameToken = this.CONSUME(Ident);
    const name = identifierName(nameToken);
    const type = this.SUBRULE(this.typeName);
    let notNull: boolean | null = null;
    let primaryKey = false;
    let primaryKeyName: string | null = null;
    const unique: UniqueConstraintDef[] = [];
    const nullability = (value: boolean, token: IToken): void => {
      if (this.RECORDING_PHASE) return;
      if (notNull !== null && notNull !== value) {
        throw new EngineError(
          SqlState.syntaxError,
          `conflicting NULL/NOT NULL declarations for column "${name}" (line ${token.startLine}, column ${token.startColumn})`,
          tokenPosition(token),
        );
      }
      notNull = value;
    };
    this.MANY(() => {
      const constraint = this.SUBRULE(this.constraintName);
      this.OR([
        {
          ALT: () => {
            const token = this.CONSUME(Kw.Not);
            this.CONSUME(Kw.Null);
            nullability(true, token);
          },
        },
        { ALT: () => nullability(false, this.CONSUME2(Kw.Null)) },
        {
          ALT: () => {
            this.CONSUME(Kw.Primary);
            this.CONSUME(Kw.Key);
            primaryKey = true;
            primaryKeyName ??= constraint;
          },
        },
        {
          GATE: () => this.isWord(1, 'unique'),
          ALT: () => {
            const token = this.CONSUME2(Ident);
            const nullsNotDistinct = this.SUBRULE(this.nullsDistinctness);
            unique.push({ name: constraint, columns: [name], nullsNotDistinct, pos: tokenPosition(token) });
          },
        },
      ]);
    });
    return { column: { name, type, notNull: notNull === true, primaryKey, pos: tokenPosition(nameToken) }, unique, primaryKeyName };
  });

  /** True when LA(k) is the unquoted word `word` (a word the dialect has no keyword token for). */
  protected isWord(k: number, word: string): boolean {
    const token = this.LA(k);
    return token.tokenType === Identifier && token.image.toLowerCase() === word;
  }

  /** APPEND ONLY (the caller gates on the word APPEND). */
  private readonly appendOnlyClause = this.RULE('appendOnlyClause', (): boolean => {
    this.CONSUME(Ident);
    this.requireWord(this.CONSUME2(Ident), 'only');
    return true;
  });

  /** WITH (key = value, ...), for tables and sinks: values as written (a string's text, a number's digits, true/false). */
  private readonly withOptions = this.RULE('withOptions', (): TableOption[] => {
    const options: TableOption[] = [];
    this.CONSUME(Kw.With);
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const key = this.CONSUME(Ident);
        this.CONSUME(Equal);
        const value = this.OR([
          { ALT: () => stringValue(this.CONSUME(StringLiteral)) },
          { ALT: () => this.CONSUME(NumberLiteral).image },
          { ALT: () => this.CONSUME(Kw.True) && 'true' },
          { ALT: () => this.CONSUME(Kw.False) && 'false' },
        ]);
        options.push({ key: identifierName(key), value, pos: tokenPosition(key) });
      },
    });
    this.CONSUME(RParen);
    return options;
  });

  /** Fails with a syntax error unless `token` (an identifier just consumed) is the word `word`. */
  protected requireWord(token: IToken, word: string): void {
    if (this.RECORDING_PHASE || token.image.toLowerCase() === word) return;
    throw new EngineError(
      SqlState.syntaxError,
      `syntax error at or near "${token.image}" (line ${token.startLine}, column ${token.startColumn}): expected ${word.toUpperCase()}`,
      tokenPosition(token),
    );
  }

  /** CREATE INDEX or CREATE UNIQUE INDEX ahead. */
  protected opensCreateIndex(): boolean {
    return this.LA(1).tokenType === Kw.Create && (this.isWord(2, 'index') || (this.isWord(2, 'unique') && this.isWord(3, 'index')));
  }

  /**
   * CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON table [USING method]
   * ( element [ASC | DESC] [NULLS FIRST | LAST], ... ) [INCLUDE (cols)] [NULLS [NOT] DISTINCT] [WHERE predicate]
   */
  protected readonly createIndex = this.RULE('createIndex', (): CreateIndexStmt => {
    const start = this.CONSUME(Kw.Create);
    let unique = false;
    this.OPTION({ GATE: () => this.isWord(1, 'unique'), DEF: () => this.CONSUME(Ident) && (unique = true) });
    this.CONSUME2(Ident);
    const concurrently = this.SUBRULE(this.concurrently);
    let ifNotExists = false;
    let name: string | null = null;
    this.OPTION2(() => {
      ifNotExists = this.SUBRULE(this.ifNotExists);
      name = identifierName(this.CONSUME3(Ident));
    });
    this.CONSUME(Kw.On);
    const table = identifierName(this.CONSUME4(Ident));
    let method: string | null = null;
    this.OPTION3(() => {
      this.CONSUME(Kw.Using);
      method = this.CONSUME5(Ident).image.toLowerCase();
    });
    this.CONSUME(LParen);
    const elements: OrderItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => elements.push(this.SUBRULE(this.indexElement)) });
    this.CONSUME(RParen);
    let include: string[] = [];
    this.OPTION4({
      GATE: () => this.isWord(1, 'include'),
      DEF: () => {
        this.CONSUME6(Ident);
        this.CONSUME2(LParen);
        include = this.SUBRULE(this.identList);
        this.CONSUME2(RParen);
      },
    });
    const nullsNotDistinct = this.SUBRULE(this.nullsDistinctness);
    const where = this.SUBRULE(this.optionalWhere);
    return {
      kind: 'createIndex',
      name,
      table,
      unique,
      ifNotExists,
      concurrently,
      method,
      elements,
      include,
      nullsNotDistinct,
      where,
      ...this.statementInfo(start),
    };
  });

  /**
   * column | (expression) | function call, then [opclass] [ASC | DESC] [NULLS FIRST | LAST].
   * An operator class only tunes how an index compares; Freshet has none to tune, so it is skipped.
   */
  private readonly indexElement = this.RULE('indexElement', (): OrderItem => {
    const start = this.LA(1);
    const expr = this.SUBRULE(this.expr);
    this.OPTION({ GATE: () => this.LA(1).tokenType !== Kw.Nulls && !this.isWord(1, 'collate'), DEF: () => this.CONSUME(Ident) });
    let direction: 'asc' | 'desc' = 'asc';
    this.OPTION2(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.Asc) },
        { ALT: () => this.CONSUME(Kw.Desc) && (direction = 'desc') },
      ]);
    });
    let nulls: 'first' | 'last' | null = null;
    this.OPTION3(() => {
      this.CONSUME(Kw.Nulls);
      this.OR2([
        { ALT: () => this.CONSUME(Kw.First) && (nulls = 'first') },
        { ALT: () => this.CONSUME(Kw.Last) && (nulls = 'last') },
      ]);
    });
    return { expr, direction, nulls, pos: tokenPosition(start) };
  });

  /** [CONCURRENTLY]: accepted and ignored (every Freshet statement runs alone). */
  private readonly concurrently = this.RULE('concurrently', (): boolean => {
    let present = false;
    this.OPTION({ GATE: () => this.isWord(1, 'concurrently'), DEF: () => this.CONSUME(Ident) && (present = true) });
    return present;
  });

  /** DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...] [CASCADE | RESTRICT] */
  protected readonly dropIndex = this.RULE('dropIndex', (): DropIndexStmt => {
    const start = this.CONSUME(Kw.Drop);
    this.CONSUME(Ident);
    const concurrently = this.SUBRULE(this.concurrently);
    const ifExists = this.SUBRULE(this.ifExists);
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => names.push(identifierName(this.CONSUME2(Ident))) });
    const cascade = this.SUBRULE(this.dropBehavior);
    return { kind: 'dropIndex', names, ifExists, concurrently, cascade, ...this.statementInfo(start) };
  });

  /** [CASCADE | RESTRICT]: true for CASCADE. */
  protected readonly dropBehavior = this.RULE('dropBehavior', (): boolean => {
    let cascade = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Kw.Cascade) && (cascade = true) },
        { ALT: () => this.CONSUME(Kw.Restrict) },
      ]);
    });
    return cascade;
  });

  protected readonly ifNotExists = this.RULE('ifNotExists', (): boolean => {
    let present = false;
    // Gated: `if` is also a valid name (CREATE TABLE if (...)).
    this.OPTION({
      GATE: () => this.LA(2).tokenType === Kw.Not,
      DEF: () => {
        this.CONSUME(Kw.If);
        this.CONSUME(Kw.Not);
        this.CONSUME(Kw.Exists);
        present = true;
      },
    });
    return present;
  });

  protected readonly ifExists = this.RULE('ifExists', (): boolean => {
    let present = false;
    this.OPTION({
      GATE: () => this.LA(2).tokenType === Kw.Exists,
      DEF: () => {
        this.CONSUME(Kw.If);
        this.CONSUME(Kw.Exists);
        present = true;
      },
    });
    return present;
  });

  protected readonly optionalWhere = this.RULE('optionalWhere', (): Expr | null => {
    let where: Expr | null = null;
    this.OPTION(() => {
      this.CONSUME(Kw.Where);
      where = this.SUBRULE(this.expr);
    });
    return where;
  });

  /** CREATE SINK ahead: SINK is no keyword, so it is read as a word. */
  protected opensCreateSink(): boolean {
    return this.LA(1).tokenType === Kw.Create && this.isWord(2, 'sink');
  }

  /** CREATE SINK [IF NOT EXISTS] name FROM relation INTO (TABLE name | WEBHOOK 'url') [WITH (key = value, ...)] */
  protected readonly createSink = this.RULE('createSink', (): CreateSinkStmt => {
    const start = this.CONSUME(Kw.Create);
    this.CONSUME(Ident);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = identifierName(this.CONSUME2(Ident));
    this.expectSinkFrom();
    this.CONSUME(Kw.From);
    const from = identifierName(this.CONSUME3(Ident));
    this.CONSUME(Kw.Into);
    const target = this.OR([
      {
        ALT: (): SinkTarget => {
          const token = this.CONSUME(Kw.Table);
          return { kind: 'table', table: identifierName(this.CONSUME4(Ident)), pos: tokenPosition(token) };
        },
      },
      {
        ALT: (): SinkTarget => {
          const word = this.CONSUME5(Ident);
          // Any other word here is the wrong connector: say which ones exist.
          if (!this.RECORDING_PHASE && word.image.toLowerCase() !== 'webhook') {
            throw new EngineError(
              SqlState.syntaxError,
              `syntax error at or near "${word.image}" (line ${word.startLine}, column ${word.startColumn}): expected TABLE or WEBHOOK after INTO`,
              tokenPosition(word),
            );
          }
          const url = this.CONSUME(StringLiteral);
          return { kind: 'webhook', url: this.RECORDING_PHASE ? '' : stringValue(url), pos: tokenPosition(word) };
        },
      },
    ]);
    const options: SinkOption[] = this.OPTION(() => this.SUBRULE2(this.withOptions)) ?? [];
    return { kind: 'createSink', name, ifNotExists, from, target, options, ...this.statementInfo(start) };
  });

  /**
   * Up to its name, CREATE SINK reads like CREATE INDEX (SINK and INDEX are both
   * plain words), and content assist lists only the first statement that fits
   * the tokens so far, so a missing FROM would be reported as a missing ON:
   * report it here.
   */
  private expectSinkFrom(): void {
    const next = this.LA(1);
    if (this.RECORDING_PHASE || next.tokenType === Kw.From) return;
    const atEnd = next.tokenType === EOF;
    const pos = atEnd ? positionAt(this.source, this.source.length) : tokenPosition(next);
    const near = atEnd ? 'at end of input' : `at or near "${next.image}"`;
    throw new EngineError(SqlState.syntaxError, `syntax error ${near} (line ${pos.line}, column ${pos.column}): expected FROM`, pos);
  }

  /** DROP SINK [IF EXISTS] name [, ...] [CASCADE | RESTRICT] (nothing depends on a sink: CASCADE changes nothing) */
  protected readonly dropSink = this.RULE('dropSink', (): DropSinkStmt => {
    const start = this.CONSUME(Kw.Drop);
    this.CONSUME(Ident);
    const ifExists = this.SUBRULE(this.ifExists);
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => names.push(identifierName(this.CONSUME2(Ident))) });
    this.SUBRULE(this.dropBehavior);
    return { kind: 'dropSink', names, ifExists, ...this.statementInfo(start) };
  });

  protected statementInfo(start: IToken): { pos: ReturnType<typeof tokenPosition>; text: string } {
    return { pos: tokenPosition(start), text: this.textFrom(start) };
  }
}
