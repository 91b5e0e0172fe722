// The lexical layer of Freshet's SQL dialect: token types, the keyword table,
// and the reference lexer built with chevrotain. Words are lexed as one
// `Identifier` token type and then re-typed through a keyword map (one Map lookup
// per word instead of one regex per keyword). Non-reserved keywords belong to the
// `Ident` category, so the grammar accepts them wherever a name may stand, as
// PostgreSQL does. Parsing uses the hand-written scanner in scan-tokens.ts; the
// chevrotain lexer here is its specification and test oracle.

import type { CustomPatternMatcherReturn, IToken, Lexer as ChevrotainLexer, TokenType } from 'chevrotain';
import { Lexer, createToken } from './chevrotain-bundle.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';

/** Anything usable as a name: plain and quoted identifiers and non-reserved keywords. */
export const Ident = createToken({ name: 'Ident', pattern: Lexer.NA, label: 'identifier' });

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/,
  categories: [Ident],
  label: 'identifier',
});
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"[^"]*(?:""[^"]*)*"/,
  line_breaks: true,
  categories: [Ident],
  label: 'quoted identifier',
});

const keywordMap = new Map<string, TokenType>();
const reservedWords = new Set<string>();

function keyword(word: string, reserved: boolean): TokenType {
  const token = createToken({
    name: word,
    pattern: Lexer.NA,
    label: word,
    ...(reserved ? {} : { categories: [Ident] }),
  });
  keywordMap.set(word.toLowerCase(), token);
  if (reserved) reservedWords.add(word.toLowerCase());
  return token;
}
const reserved = (word: string): TokenType => keyword(word, true);
const nonReserved = (word: string): TokenType => keyword(word, false);

// Reserved words cannot be names (unless double-quoted). The set is close to
// PostgreSQL's reserved and type/function-name keywords, minus the ones this
// dialect has no use for; everything else stays usable as a table or column name.
export const Kw = {
  All: reserved('ALL'),
  And: reserved('AND'),
  Any: reserved('ANY'),
  Array: reserved('ARRAY'),
  As: reserved('AS'),
  Asc: reserved('ASC'),
  Between: reserved('BETWEEN'),
  Both: reserved('BOTH'),
  Case: reserved('CASE'),
  Cast: reserved('CAST'),
  Create: reserved('CREATE'),
  Cross: reserved('CROSS'),
  Desc: reserved('DESC'),
  Distinct: reserved('DISTINCT'),
  Else: reserved('ELSE'),
  End: reserved('END'),
  Except: reserved('EXCEPT'),
  Exists: reserved('EXISTS'),
  False: reserved('FALSE'),
  For: reserved('FOR'),
  From: reserved('FROM'),
  Full: reserved('FULL'),
  Group: reserved('GROUP'),
  Having: reserved('HAVING'),
  ILike: reserved('ILIKE'),
  In: reserved('IN'),
  Inner: reserved('INNER'),
  Intersect: reserved('INTERSECT'),
  Into: reserved('INTO'),
  Is: reserved('IS'),
  IsNull: reserved('ISNULL'),
  Join: reserved('JOIN'),
  Leading: reserved('LEADING'),
  Left: reserved('LEFT'),
  Like: reserved('LIKE'),
  Limit: reserved('LIMIT'),
  Natural: reserved('NATURAL'),
  Not: reserved('NOT'),
  NotNull: reserved('NOTNULL'),
  Null: reserved('NULL'),
  Offset: reserved('OFFSET'),
  On: reserved('ON'),
  Or: reserved('OR'),
  Order: reserved('ORDER'),
  Outer: reserved('OUTER'),
  Primary: reserved('PRIMARY'),
  Right: reserved('RIGHT'),
  Select: reserved('SELECT'),
  Some: reserved('SOME'),
  Symmetric: reserved('SYMMETRIC'),
  Table: reserved('TABLE'),
  Then: reserved('THEN'),
  Trailing: reserved('TRAILING'),
  True: reserved('TRUE'),
  Union: reserved('UNION'),
  Using: reserved('USING'),
  When: reserved('WHEN'),
  Where: reserved('WHERE'),
  With: reserved('WITH'),

  By: nonReserved('BY'),
  Cascade: nonReserved('CASCADE'),
  Current: nonReserved('CURRENT'),
  Date: nonReserved('DATE'),
  Delete: nonReserved('DELETE'),
  Drop: nonReserved('DROP'),
  Escape: nonReserved('ESCAPE'),
  Exclude: nonReserved('EXCLUDE'),
  Explain: nonReserved('EXPLAIN'),
  Extract: nonReserved('EXTRACT'),
  Filter: nonReserved('FILTER'),
  First: nonReserved('FIRST'),
  Following: nonReserved('FOLLOWING'),
  Groups: nonReserved('GROUPS'),
  If: nonReserved('IF'),
  Insert: nonReserved('INSERT'),
  Interval: nonReserved('INTERVAL'),
  Key: nonReserved('KEY'),
  Last: nonReserved('LAST'),
  Materialized: nonReserved('MATERIALIZED'),
  No: nonReserved('NO'),
  Nulls: nonReserved('NULLS'),
  Others: nonReserved('OTHERS'),
  Over: nonReserved('OVER'),
  Partition: nonReserved('PARTITION'),
  Position: nonReserved('POSITION'),
  Preceding: nonReserved('PRECEDING'),
  Range: nonReserved('RANGE'),
  Recursive: nonReserved('RECURSIVE'),
  Replace: nonReserved('REPLACE'),
  Replay: nonReserved('REPLAY'),
  Restrict: nonReserved('RESTRICT'),
  Row: nonReserved('ROW'),
  Rows: nonReserved('ROWS'),
  Set: nonReserved('SET'),
  Show: nonReserved('SHOW'),
  Substring: nonReserved('SUBSTRING'),
  Tables: nonReserved('TABLES'),
  Ties: nonReserved('TIES'),
  Time: nonReserved('TIME'),
  Timestamp: nonReserved('TIMESTAMP'),
  TimestampTz: nonReserved('TIMESTAMPTZ'),
  Trim: nonReserved('TRIM'),
  Unbounded: nonReserved('UNBOUNDED'),
  Unknown: nonReserved('UNKNOWN'),
  Update: nonReserved('UPDATE'),
  Values: nonReserved('VALUES'),
  View: nonReserved('VIEW'),
  Views: nonReserved('VIEWS'),
} as const;

/** Keyword token types by lower-cased word; a word not in it stays an `Identifier`. */
export const keywordTypes: ReadonlyMap<string, TokenType> = keywordMap;

/** True for words that can only be used as names when double-quoted. */
export function isReservedWord(word: string): boolean {
  return reservedWords.has(word.toLowerCase());
}

// Block comments nest in PostgreSQL; a regex cannot count, so this matcher does.
function matchBlockComment(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 0x2f || text.charCodeAt(offset + 1) !== 0x2a) return null;
  let depth = 1;
  let i = offset + 2;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
      depth--;
      i += 2;
      if (depth === 0) return [text.slice(offset, i)];
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      depth++;
      i += 2;
    } else {
      i++;
    }
  }
  return null;
}

const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['/'],
  line_breaks: true,
  group: Lexer.SKIPPED,
});

// The three "unterminated" tokens match only when the proper pattern before
// them failed; they swallow the rest of the input so the lexer reports one clear
// error instead of a cascade (see parse-sql.ts).
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[^]*/,
  line_breaks: true,
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'[^']*(?:''[^']*)*'/,
  line_breaks: true,
  label: 'string',
});
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'[^]*/,
  line_breaks: true,
});
export const UnterminatedQuotedIdentifier = createToken({
  name: 'UnterminatedQuotedIdentifier',
  pattern: /"[^]*/,
  line_breaks: true,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'number',
});
export const Parameter = createToken({ name: 'Parameter', pattern: /\$\d+/, label: 'parameter' });

function punct(name: string, pattern: string): TokenType {
  return createToken({ name, pattern, label: `'${pattern}'` });
}
export const DoubleColon = punct('DoubleColon', '::');
/** Only in array slices, `a[lo:hi]`. */
export const Colon = punct('Colon', ':');
export const Concat = punct('Concat', '||');
// JSONB operators.
export const ArrowText = punct('ArrowText', '->>');
export const Arrow = punct('Arrow', '->');
export const HashArrowText = punct('HashArrowText', '#>>');
export const HashArrow = punct('HashArrow', '#>');
export const Contains = punct('Contains', '@>');
export const ContainedBy = punct('ContainedBy', '<@');
// POSIX regular expression match operators.
export const TildeStar = punct('TildeStar', '~*');
export const Tilde = punct('Tilde', '~');
export const BangTildeStar = punct('BangTildeStar', '!~*');
export const BangTilde = punct('BangTilde', '!~');
export const LessEq = punct('LessEq', '<=');
export const GreaterEq = punct('GreaterEq', '>=');
export const NotEqual = punct('NotEqual', '<>');
export const BangEqual = punct('BangEqual', '!=');
export const Equal = punct('Equal', '=');
export const Less = punct('Less', '<');
export const Greater = punct('Greater', '>');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const Star = punct('Star', '*');
export const Slash = punct('Slash', '/');
export const Percent = punct('Percent', '%');
// Array overlap (`&&`), subscripts and array type suffixes (`[ ]`).
export const AmpAmp = punct('AmpAmp', '&&');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const Comma = punct('Comma', ',');
export const Semicolon = punct('Semicolon', ';');
export const Dot = punct('Dot', '.');

/** Token types the lexer produces, in match order (first match wins). */
const lexerTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  Identifier,
  NumberLiteral,
  Parameter,
  DoubleColon,
  Colon,
  Concat,
  ArrowText,
  Arrow,
  HashArrowText,
  HashArrow,
  Contains,
  ContainedBy,
  TildeStar,
  Tilde,
  BangTildeStar,
  BangTilde,
  LessEq,
  GreaterEq,
  NotEqual,
  BangEqual,
  Equal,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  AmpAmp,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Dot,
];

/** Every token type the parser knows about (its vocabulary). */
export const allTokens: TokenType[] = [Ident, ...lexerTokens, ...Object.values(Kw)];

// Built on first use: only the differential tests need it, and building it
// costs start-up time the parse path should not pay.
let sqlLexer: ChevrotainLexer | null = null;

export interface LexResult {
  readonly tokens: IToken[];
  /** The first character the lexer could not match, if any (0-based offset). */
  readonly errorOffset: number | null;
}

/**
 * The reference lexer: splits `text` into tokens with chevrotain, keywords
 * re-typed. Stops at nothing: errors are reported, not thrown. Not on the parse
 * path (see scan-tokens.ts); it defines what scanTokens must produce.
 */
export function lexWithChevrotain(text: string): LexResult {
  sqlLexer ??= new Lexer(lexerTokens, { positionTracking: 'full', ensureOptimizations: true });
  const result = sqlLexer.tokenize(text);
  const tokens = result.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.tokenType !== Identifier) continue;
    const kw = keywordMap.get(token.image.toLowerCase());
    if (kw !== undefined) {
      token.tokenType = kw;
      token.tokenTypeIdx = kw.tokenTypeIdx!;
    }
  }
  const firstError = result.errors[0];
  return { tokens, errorOffset: firstError === undefined ? null : firstError.offset };
}

/** Where a token starts, 1-based as PostgreSQL reports it. */
export function tokenPosition(token: IToken): SourcePosition {
  return { offset: token.startOffset + 1, line: token.startLine ?? 0, column: token.startColumn ?? 0 };
}

/**
 * The name an identifier-like token stands for: quoted identifiers keep their
 * case (with "" unescaped), everything else is lower-cased.
 */
export function identifierName(token: IToken): string {
  if (token.tokenType !== QuotedIdentifier) return token.image.toLowerCase();
  const inner = token.image.slice(1, -1);
  if (inner.length === 0) {
    throw new EngineError(
      SqlState.syntaxError,
      `zero-length delimited identifier at or near "${token.image}" (line ${token.startLine}, column ${token.startColumn})`,
      tokenPosition(token),
    );
  }
  return inner.includes('""') ? inner.replaceAll('""', '"') : inner;
}
