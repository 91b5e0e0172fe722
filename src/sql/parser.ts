// The statement level of the grammar and the concrete parser: a script is
// statements separated by `;` (empty statements allowed). Each statement node
// carries its own source text. CREATE TABLE, the index and the sink statements
// live in ddl-parser.ts. One SqlParser instance is built per process
// (building it analyses the whole grammar) and reused for every parse.

import type { IToken } from 'chevrotain';
import type { Assignment, CreateViewStmt, DropStmt, Expr, ExplainStmt, InsertStmt, Query, ReplayStmt, SelectItem, Statement, ValuesSource } from './ast.js';
import { DdlParser } from './ddl-parser.js';
import { Comma, Equal, Ident, Kw, LParen, RParen, Semicolon, identifierName, tokenPosition } from './tokens.js';

export class SqlParser extends DdlParser {
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
      // Gated: INDEX, UNIQUE and CONCURRENTLY are no keywords, so the lookahead alone cannot tell them from names.
      { GATE: () => this.opensCreateIndex(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.createIndex) },
      {
        GATE: () => this.LA(1).tokenType === Kw.Drop && this.isWord(2, 'index'),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.dropIndex),
      },
      // Gated like the index statements: SINK is no keyword.
      { GATE: () => this.opensCreateSink(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.createSink) },
      {
        GATE: () => this.LA(1).tokenType === Kw.Drop && this.isWord(2, 'sink'),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.dropSink),
      },
      { ALT: () => this.SUBRULE(this.replay) },
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

  /** CREATE [OR REPLACE] [MATERIALIZED] VIEW [IF NOT EXISTS] name [(cols)] AS query */
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
    let columns: string[] | null = null;
    this.OPTION3(() => {
      this.CONSUME(LParen);
      columns = this.SUBRULE(this.identList);
      this.CONSUME(RParen);
    });
    this.CONSUME(Kw.As);
    const queryStart = this.LA(1);
    const query = this.SUBRULE(this.query);
    const queryText = this.textFrom(queryStart);
    // EMIT ON UPDATE (the default) | EMIT ON WINDOW CLOSE, after the query as in RisingWave.
    let emitOnWindowClose = false;
    this.OPTION4({
      GATE: () => this.isWord(1, 'emit'),
      DEF: () => {
        this.CONSUME2(Ident);
        this.CONSUME(Kw.On);
        this.OR([
          { ALT: () => this.CONSUME(Kw.Update) },
          {
            GATE: () => this.isWord(1, 'window'),
            ALT: () => {
              this.requireWord(this.CONSUME4(Ident), 'window');
              this.requireWord(this.CONSUME5(Ident), 'close');
              emitOnWindowClose = true;
            },
          },
        ]);
      },
    });
    return {
      kind: 'createView',
      name,
      columns,
      ifNotExists,
      orReplace,
      materialized,
      query,
      queryText,
      ...(emitOnWindowClose ? { emitOnWindowClose } : {}),
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
    const returning = this.SUBRULE(this.returningClause);
    return { kind: 'insert', table, columns, source, ...(returning.length > 0 ? { returning } : {}), ...this.statementInfo(start) };
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
    const returning = this.SUBRULE2(this.returningClause);
    return { kind: 'delete', table, where, ...(returning.length > 0 ? { returning } : {}), ...this.statementInfo(start) };
  });

  /** [RETURNING item, ...]: empty when absent. */
  private readonly returningClause = this.RULE('returningClause', (): SelectItem[] => {
    const items: SelectItem[] = [];
    this.OPTION({
      GATE: () => this.isWord(1, 'returning'),
      DEF: () => {
        this.CONSUME(Ident);
        this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
      },
    });
    return items;
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
    const returning = this.SUBRULE3(this.returningClause);
    return { kind: 'update', table, assignments, where, ...(returning.length > 0 ? { returning } : {}), ...this.statementInfo(start) };
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
    const cascade = this.SUBRULE(this.dropBehavior);
    return { kind: 'drop', objectKind, materialized, names, ifExists, cascade, ...this.statementInfo(start) };
  });

  /** REPLAY [MATERIALIZED] VIEW name INTO name */
  private readonly replay = this.RULE('replay', (): ReplayStmt => {
    const start = this.CONSUME(Kw.Replay);
    this.OPTION(() => this.CONSUME(Kw.Materialized));
    this.CONSUME(Kw.View);
    const view = this.CONSUME2(Ident);
    this.CONSUME(Kw.Into);
    const into = this.CONSUME3(Ident);
    return { kind: 'replay', view: identifierName(view), viewPos: tokenPosition(view), into: identifierName(into), intoPos: tokenPosition(into), ...this.statementInfo(start) };
  });

  /** SHOW TABLES | SHOW [MATERIALIZED] VIEWS | SHOW INDEXES | SHOW SINKS */
  private readonly show = this.RULE('show', (): Statement => {
    const start = this.CONSUME(Kw.Show);
    const what = this.OR([
      { ALT: () => this.CONSUME(Kw.Tables) && ('tables' as const) },
      {
        GATE: () => this.isWord(1, 'indexes'),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.CONSUME(Ident) && ('indexes' as const),
      },
      {
        GATE: () => this.isWord(1, 'sinks'),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.CONSUME2(Ident) && ('sinks' as const),
      },
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
