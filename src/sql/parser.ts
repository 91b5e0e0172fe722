// The statement level of the grammar and the concrete parser: a script is
// statements separated by `;` (empty statements allowed). Each statement node
// carries its own source text. One SqlParser instance is built per process
// (building it analyses the whole grammar) and reused for every parse.

import type { IToken } from 'chevrotain';
import { EngineError, SqlState } from '../common/errors.js';
import type {
  Assignment,
  ColumnDef,
  CreateTableStmt,
  CreateViewStmt,
  DropStmt,
  Expr,
  ExplainStmt,
  InsertStmt,
  Query,
  Statement,
  ValuesSource,
} from './ast.js';
import { QueryParser } from './query-parser.js';
import { Comma, Equal, Ident, Kw, LParen, RParen, Semicolon, identifierName, tokenPosition } from './tokens.js';

type TableElement =
  | { readonly kind: 'column'; readonly column: ColumnDef }
  | { readonly kind: 'primaryKey'; readonly columns: string[]; readonly token: IToken };

export class SqlParser extends QueryParser {
  /** The first token of the statement being parsed; error messages start their context there. */
  statementStart: IToken | null = null;

  /** With `validate`, building checks the grammar and throws on any ambiguity or definition error. */
  constructor(options: { readonly validate?: boolean } = {}) {
    super(options.validate ?? false);
    this.performSelfAnalysis();
  }

  /** Parses a whole request; syntax errors are left in `this.errors`. */
  parseScript(tokens: IToken[], source: string): Statement[] {
    this.source = source;
    this.statementStart = null;
    this.input = tokens;
    return this.script();
  }

  private statementInfo(start: IToken): { pos: ReturnType<typeof tokenPosition>; text: string } {
    return { pos: tokenPosition(start), text: this.textFrom(start) };
  }

  readonly script = this.RULE('script', (): Statement[] => {
    const statements: Statement[] = [];
    this.OPTION(() => {
      statements.push(this.SUBRULE(this.statement));
    });
    this.MANY(() => {
      this.CONSUME(Semicolon);
      this.OPTION2(() => {
        statements.push(this.SUBRULE2(this.statement));
      });
    });
    return statements;
  });

  private readonly statement = this.RULE('statement', (): Statement => {
    if (!this.RECORDING_PHASE) this.statementStart = this.LA(1);
    return this.OR([
      { ALT: () => this.SUBRULE(this.createTable) },
      { ALT: () => this.SUBRULE(this.createView) },
      { ALT: () => this.SUBRULE(this.insert) },
      { ALT: () => this.SUBRULE(this.deleteStatement) },
      { ALT: () => this.SUBRULE(this.update) },
      { ALT: () => this.SUBRULE(this.drop) },
      { ALT: () => this.SUBRULE(this.show) },
      { ALT: () => this.SUBRULE(this.explain) },
      {
        ALT: () => {
          const start = this.LA(1);
          const query = this.SUBRULE(this.query);
          return { kind: 'query', query, ...this.statementInfo(start) } satisfies Statement;
        },
      },
    ]);
  });

  private readonly createTable = this.RULE('createTable', (): CreateTableStmt => {
    const start = this.CONSUME(Kw.Create);
    this.CONSUME(Kw.Table);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameToken = this.CONSUME(Ident);
    const name = identifierName(nameToken);
    this.CONSUME(LParen);
    const columns: ColumnDef[] = [];
    let primaryKey: string[] | null = null;
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const element = this.SUBRULE(this.tableElement);
        if (this.RECORDING_PHASE) return;
        if (element.kind === 'column') {
          columns.push(element.column);
        } else if (primaryKey !== null) {
          throw new EngineError(
            SqlState.syntaxError,
            `multiple primary keys for table "${name}" are not allowed (line ${element.token.startLine}, column ${element.token.startColumn})`,
            tokenPosition(element.token),
          );
        } else {
          primaryKey = element.columns;
        }
      },
    });
    this.CONSUME(RParen);
    return { kind: 'createTable', name, ifNotExists, columns, primaryKey, ...this.statementInfo(start) };
  });

  private readonly tableElement = this.RULE('tableElement', (): TableElement =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(Kw.Primary);
          this.CONSUME(Kw.Key);
          this.CONSUME(LParen);
          const columns = this.SUBRULE(this.identList);
          this.CONSUME(RParen);
          return { kind: 'primaryKey', columns, token } satisfies TableElement;
        },
      },
      { ALT: () => ({ kind: 'column', column: this.SUBRULE(this.columnDef) }) satisfies TableElement },
    ]),
  );

  /** name type { NOT NULL | NULL | PRIMARY KEY } */
  private readonly columnDef = this.RULE('columnDef', (): ColumnDef => {
    const nameToken = this.CONSUME(Ident);
    const name = identifierName(nameToken);
    const type = this.SUBRULE(this.typeName);
    let notNull: boolean | null = null;
    let primaryKey = false;
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
          },
        },
      ]);
    });
    return { name, type, notNull: notNull === true, primaryKey, pos: tokenPosition(nameToken) };
  });

  private readonly ifNotExists = this.RULE('ifNotExists', (): boolean => {
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

  private readonly ifExists = this.RULE('ifExists', (): boolean => {
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

  /** CREATE [OR REPLACE] [MATERIALIZED] VIEW [IF NOT EXISTS] name AS query */
  private readonly createView = this.RULE('createView', (): CreateViewStmt => {
    const start = this.CONSUME(Kw.Create);
    let orReplace = false;
    this.OPTION(() => {
      this.CONSUME(Kw.Or);
      this.CONSUME(Kw.Replace);
      orReplace = true;
    });
    const materialized = this.OPTION2(() => this.CONSUME(Kw.Materialized)) !== undefined;
    this.CONSUME(Kw.View);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = identifierName(this.CONSUME(Ident));
    this.CONSUME(Kw.As);
    const queryStart = this.LA(1);
    const query = this.SUBRULE(this.query);
    const queryText = this.textFrom(queryStart);
    return {
      kind: 'createView',
      name,
      ifNotExists,
      orReplace,
      materialized,
      query,
      queryText,
      ...this.statementInfo(start),
    };
  });

  /** INSERT INTO name [(cols)] (VALUES (...), ... | query) */
  private readonly insert = this.RULE('insert', (): InsertStmt => {
    const start = this.CONSUME(Kw.Insert);
    this.CONSUME(Kw.Into);
    const table = identifierName(this.CONSUME(Ident));
    let columns: string[] | null = null;
    this.OPTION({
      GATE: () => !this.opensSubquery(),
      DEF: () => {
        this.CONSUME(LParen);
        columns = this.SUBRULE(this.identList);
        this.CONSUME(RParen);
      },
    });
    const source = this.OR([
      { ALT: () => this.SUBRULE(this.values) },
      { ALT: (): Query => this.SUBRULE(this.query) },
    ]);
    return { kind: 'insert', table, columns, source, ...this.statementInfo(start) };
  });

  private readonly values = this.RULE('values', (): ValuesSource => {
    const token = this.CONSUME(Kw.Values);
    const rows: Expr[][] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        this.CONSUME(LParen);
        rows.push(this.SUBRULE(this.exprList));
        this.CONSUME(RParen);
      },
    });
    return { kind: 'values', rows, pos: tokenPosition(token) };
  });

  private readonly deleteStatement = this.RULE('delete', (): Statement => {
    const start = this.CONSUME(Kw.Delete);
    this.CONSUME(Kw.From);
    const table = identifierName(this.CONSUME(Ident));
    const where = this.SUBRULE(this.optionalWhere);
    return { kind: 'delete', table, where, ...this.statementInfo(start) };
  });

  private readonly optionalWhere = this.RULE('optionalWhere', (): Expr | null => {
    let where: Expr | null = null;
    this.OPTION(() => {
      this.CONSUME(Kw.Where);
      where = this.SUBRULE(this.expr);
    });
    return where;
  });

  /** UPDATE name SET col = expr [, ...] [WHERE expr] */
  private readonly update = this.RULE('update', (): Statement => {
    const start = this.CONSUME(Kw.Update);
    const table = identifierName(this.CONSUME(Ident));
    this.CONSUME(Kw.Set);
    const assignments: Assignment[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const column = this.CONSUME2(Ident);
        this.CONSUME(Equal);
        const value = this.SUBRULE(this.expr);
        assignments.push({ column: identifierName(column), value, pos: tokenPosition(column) });
      },
    });
    const where = this.SUBRULE(this.optionalWhere);
    return { kind: 'update', table, assignments, where, ...this.statementInfo(start) };
  });

  /** DROP TABLE | VIEW | MATERIALIZED VIEW [IF EXISTS] name [, ...] [CASCADE | RESTRICT] */
  private readonly drop = this.RULE('drop', (): DropStmt => {
    const start = this.CONSUME(Kw.Drop);
    let objectKind: DropStmt['objectKind'] = 'table';
    let materialized = false;
    this.OR([
      { ALT: () => this.CONSUME(Kw.Table) },
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(Kw.Materialized);
            materialized = true;
          });
          this.CONSUME(Kw.View);
          objectKind = 'view';
        },
      },
    ]);
    const ifExists = this.SUBRULE(this.ifExists);
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => names.push(identifierName(this.CONSUME(Ident))) });
    let cascade = false;
    this.OPTION2(() => {
      this.OR2([
        { ALT: () => this.CONSUME(Kw.Cascade) && (cascade = true) },
        { ALT: () => this.CONSUME(Kw.Restrict) },
      ]);
    });
    return { kind: 'drop', objectKind, materialized, names, ifExists, cascade, ...this.statementInfo(start) };
  });

  /** SHOW TABLES | SHOW [MATERIALIZED] VIEWS */
  private readonly show = this.RULE('show', (): Statement => {
    const start = this.CONSUME(Kw.Show);
    const what = this.OR([
      { ALT: () => this.CONSUME(Kw.Tables) && ('tables' as const) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(Kw.Materialized));
          this.CONSUME(Kw.Views);
          return 'views' as const;
        },
      },
    ]);
    return { kind: 'show', what, ...this.statementInfo(start) };
  });

  /**
   * EXPLAIN query | EXPLAIN CREATE ... VIEW ... | EXPLAIN [MATERIALIZED] VIEW name | EXPLAIN name.
   * A query starts with a reserved word or '(', so a name after EXPLAIN is a view;
   * `explain view` and `explain materialized` (nothing after) name views called so.
   */
  private readonly explain = this.RULE('explain', (): ExplainStmt => {
    const start = this.CONSUME(Kw.Explain);
    const target = this.OR([
      { ALT: (): ExplainStmt['target'] => this.SUBRULE(this.query) },
      { ALT: (): ExplainStmt['target'] => this.SUBRULE(this.createView) },
      {
        ALT: (): ExplainStmt['target'] => {
          const first = this.LA(1);
          this.OPTION(() => this.CONSUME(Kw.Materialized));
          this.CONSUME(Kw.View);
          const name = identifierName(this.CONSUME(Ident));
          return { kind: 'viewName', name, pos: tokenPosition(first) };
        },
      },
      {
        ALT: (): ExplainStmt['target'] => {
          const token = this.CONSUME2(Ident);
          return { kind: 'viewName', name: identifierName(token), pos: tokenPosition(token) };
        },
      },
    ]);
    return { kind: 'explain', target, ...this.statementInfo(start) };
  });
}

/** The one parser instance: building it analyses the grammar, so it is built once (test/sql/grammar.test.ts validates the grammar). */
export const sqlParser = new SqlParser();
