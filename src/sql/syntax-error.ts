// Turns lexer and parser failures into EngineErrors (SQLSTATE 42601) that say
// where the input went wrong and what could have come next, PostgreSQL-style:
//   syntax error at or near "FROMM" (line 1, column 10): expected one of FROM, WHERE, ...
// Only runs on failure, so it may afford chevrotain's content assist.

import type { IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { EOF, tokenMatcher } from './chevrotain-bundle.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import { unsupportedConstructAt } from './unsupported-constructs.js';
import type { SourcePosition } from '../common/errors.js';
import type { SqlParser } from './parser.js';
import {
  AmpAmp,
  LBracket,
  NumberLiteral,
  Parameter,
  Semicolon,
  Plus,
  Star,
  Ident,
  LParen,
  Dot,
  Kw,
  DoubleColon,
  Slash,
  Percent,
  Minus,
  Concat,
  Arrow,
  ArrowText,
  HashArrow,
  HashArrowText,
  Contains,
  ContainedBy,
  Tilde,
  TildeStar,
  BangTilde,
  BangTildeStar,
  Equal,
  NotEqual,
  BangEqual,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  StringLiteral,
  UnterminatedComment,
  UnterminatedQuotedIdentifier,
  UnterminatedString,
  tokenPosition,
} from './tokens.js';

/** At most this many alternatives are listed; more end in "...". */
const MAX_EXPECTED = 8;
/** Content assist re-walks the statement's tokens, in time that grows about quadratically (~0.2 s at 150
 *  tokens, ~1 s at 400 on the project machine, all of it blocking the server); past this length the parser's own hint is used. */
const MAX_ASSIST_TOKENS = 150;
/** Offending token text is quoted up to this length. */
const MAX_QUOTED = 40;

/** The position of 0-based `offset` in `text`, counting \n, \r\n and \r as line breaks. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: offset + 1, line, column: offset - lineStart + 1 };
}

function where(pos: SourcePosition): string {
  return `(line ${pos.line}, column ${pos.column})`;
}

function quote(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

/** What an unterminated construct is called in errors. */
export type UnterminatedKind = 'quoted string' | 'quoted identifier' | '/* comment';

/** The error for a string, quoted identifier or comment that runs to the end of the input. */
export function unterminatedError(kind: UnterminatedKind, image: string, pos: SourcePosition): EngineError {
  return new EngineError(SqlState.syntaxError, `unterminated ${kind} at or near "${quote(image)}" ${where(pos)}`, pos);
}

/** The error for a character at 0-based `offset` that starts no token. */
export function unexpectedCharacterError(text: string, offset: number): EngineError {
  const pos = positionAt(text, offset);
  const char = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  return new EngineError(
    SqlState.syntaxError,
    `syntax error at or near "${char}" ${where(pos)}: unexpected character`,
    pos,
  );
}

/**
 * The error the reference lexer's result stands for (see lexWithChevrotain): an
 * unterminated literal or comment, or a character that starts no token. The
 * differential tests hold scanTokens' errors to it.
 */
export function lexError(text: string, tokens: readonly IToken[], badOffset: number | null): EngineError {
  const last = tokens[tokens.length - 1];
  if (last !== undefined && (badOffset === null || last.startOffset < badOffset)) {
    const kind: UnterminatedKind | null =
      last.tokenType === UnterminatedString
        ? 'quoted string'
        : last.tokenType === UnterminatedQuotedIdentifier
          ? 'quoted identifier'
          : last.tokenType === UnterminatedComment
            ? '/* comment'
            : null;
    if (kind !== null) return unterminatedError(kind, last.image, tokenPosition(last));
  }
  return unexpectedCharacterError(text, badOffset ?? 0);
}

/** True when the lexer produced a token that only exists to report an unterminated construct. */
export function hasUnterminatedToken(tokens: readonly IToken[]): boolean {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  const type = last.tokenType;
  return type === UnterminatedString || type === UnterminatedQuotedIdentifier || type === UnterminatedComment;
}

/** Tokens that continue an expression after an operand; listed as one "operator" entry. */
const OPERATORS: ReadonlySet<TokenType> = new Set([
  DoubleColon,
  Star,
  Slash,
  Percent,
  Plus,
  Minus,
  Concat,
  Arrow,
  ArrowText,
  HashArrow,
  HashArrowText,
  Contains,
  ContainedBy,
  AmpAmp,
  LBracket,
  Tilde,
  TildeStar,
  BangTilde,
  BangTildeStar,
  Equal,
  NotEqual,
  BangEqual,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  Kw.Not,
  Kw.Between,
  Kw.In,
  Kw.Like,
  Kw.ILike,
  Kw.Is,
  Kw.IsNull,
  Kw.NotNull,
  Kw.And,
  Kw.Or,
]);

/** ANY / SOME / ALL after a comparison start a quantified operand: there, part of "expression". */
const QUANTIFIERS: ReadonlySet<TokenType> = new Set([Kw.Any, Kw.Some, Kw.All]);
const COMPARISONS: ReadonlySet<TokenType> = new Set([Equal, NotEqual, BangEqual, Less, LessEq, Greater, GreaterEq]);

let expressionStarts: readonly TokenType[] | null = null;

/** Tokens that can start an expression; listed as one "expression" entry. */
function expressionStartTokens(parser: SqlParser): readonly TokenType[] {
  expressionStarts ??= parser.computeContentAssist('expr', []).map((path) => path.nextTokenType);
  return expressionStarts;
}

function label(type: TokenType): string {
  if (type === EOF) return 'end of input';
  return type.LABEL ?? type.name;
}

/** What could have followed the tokens of the failed statement before `errorIndex`. */
function expectedAt(
  parser: SqlParser,
  tokens: readonly IToken[],
  errorIndex: number,
  fallback: readonly string[],
): string[] {
  const startIndex = parser.statementStart === null ? 0 : Math.max(0, tokens.indexOf(parser.statementStart));
  let types: TokenType[] | null = null;
  if (errorIndex - startIndex <= MAX_ASSIST_TOKENS && startIndex <= errorIndex) {
    try {
      types = parser
        .computeContentAssist('script', tokens.slice(startIndex, errorIndex))
        .map((path) => path.nextTokenType);
    } catch {
      // Content assist is best effort; the parser's own expectation still stands.
    }
  }
  // The grammar's static view can allow the offending token where the parser's
  // precedence rules refused it (`a LIKE b LIKE c`); never list it as expected.
  const offending = tokens[errorIndex];
  if (types !== null && offending !== undefined) types = types.filter((type) => !tokenMatcher(offending, type));
  if (types === null || types.length === 0) return [...new Set(fallback.filter((l) => l !== ''))];
  // An expression can start with dozens of tokens, and continue with dozens of
  // operators: name those two categories instead of listing their members.
  const starts = expressionStartTokens(parser);
  const expectsExpression = [NumberLiteral, StringLiteral, Parameter].every((t) => types.includes(t));
  // '/' starts nothing, so its presence means an operand was just completed.
  const afterOperand = types.includes(Slash);
  const previous = tokens[errorIndex - 1];
  const afterName = previous !== undefined && tokenMatcher(previous, Ident);
  const labels: string[] = expectsExpression ? ['expression'] : [];
  for (const type of types) {
    if (expectsExpression && starts.includes(type)) continue;
    if (expectsExpression && QUANTIFIERS.has(type) && previous !== undefined && COMPARISONS.has(previous.tokenType)) continue;
    if (afterOperand && (OPERATORS.has(type) || (afterName && (type === LParen || type === Dot)))) continue;
    const text = label(type);
    if (!labels.includes(text)) labels.push(text);
  }
  if (afterOperand) labels.unshift('operator');
  return labels;
}

function describeExpected(labels: readonly string[]): string {
  if (labels.length === 0) return '';
  if (labels.length === 1) return `: expected ${labels[0]}`;
  const shown = labels.slice(0, MAX_EXPECTED).join(', ');
  return `: expected one of ${shown}${labels.length > MAX_EXPECTED ? ', ...' : ''}`;
}

/**
 * Makes chevrotain's error messages the bare list of expected token labels, one
 * per line; parseError falls back on it when content assist is skipped.
 */
export const expectedTokensMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => label(expected),
  buildNotAllInputParsedMessage: () => label(Semicolon),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    expectedPathsPerAlt
      .flat()
      .map((path) => (path[0] === undefined ? '' : label(path[0])))
      .join('\n'),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    expectedIterationPaths.map((path) => (path[0] === undefined ? '' : label(path[0]))).join('\n'),
};

/** The error for the first recognition failure of a parse. */
export function parseError(
  parser: SqlParser,
  error: IRecognitionException,
  tokens: readonly IToken[],
  text: string,
): EngineError {
  const token = error.token;
  const atEnd = tokenMatcher(token, EOF) || Number.isNaN(token.startOffset);
  let errorIndex = atEnd ? tokens.length : tokens.indexOf(token);
  if (errorIndex < 0) errorIndex = tokens.length;
  const pos = atEnd ? positionAt(text, text.length) : tokenPosition(token);
  const construct = atEnd ? null : unsupportedConstructAt(tokens, errorIndex);
  if (construct !== null) return unsupported(construct, pos);
  const near = atEnd ? 'at end of input' : `at or near "${quote(token.image)}"`;
  const expected = expectedAt(parser, tokens, errorIndex, error.message.split('\n'));
  return new EngineError(SqlState.syntaxError, `syntax error ${near} ${where(pos)}${describeExpected(expected)}`, pos);
}

