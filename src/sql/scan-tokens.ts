// The SQL scanner on the parse path: one pass over the text with charCodeAt,
// no regex per token, producing exactly the tokens the reference chevrotain
// lexer in tokens.ts produces (types after keyword re-typing, images, offsets,
// lines, columns). test/sql/scan-tokens.test.ts holds it to that, and to the
// reference's errors: the first lexical failure throws the same EngineError.

import type { IToken, TokenType } from 'chevrotain';
import type { EngineError } from '../common/errors.js';
import { positionAt, unexpectedCharacterError, unterminatedError } from './syntax-error.js';
import type { UnterminatedKind } from './syntax-error.js';
import {
  AmpAmp,
  BangEqual,
  Colon,
  Comma,
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
  Identifier,
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
  Semicolon,
  Slash,
  Star,
  StringLiteral,
  keywordTypes,
} from './tokens.js';

/** Character codes the scanner branches on. */
const Ch = {
  LineFeed: 0x0a,
  CarriageReturn: 0x0d,
  Space: 0x20,
  Bang: 0x21,
  Tilde: 0x7e,
  DoubleQuote: 0x22,
  Hash: 0x23,
  Dollar: 0x24,
  Percent: 0x25,
  Amp: 0x26,
  Quote: 0x27,
  LParen: 0x28,
  RParen: 0x29,
  Star: 0x2a,
  Plus: 0x2b,
  Comma: 0x2c,
  Minus: 0x2d,
  Dot: 0x2e,
  Slash: 0x2f,
  Digit0: 0x30,
  Digit9: 0x39,
  Colon: 0x3a,
  Semicolon: 0x3b,
  Less: 0x3c,
  Equal: 0x3d,
  Greater: 0x3e,
  At: 0x40,
  LBracket: 0x5b,
  RBracket: 0x5d,
  UpperE: 0x45,
  LowerE: 0x65,
  Pipe: 0x7c,
  /** Every code unit from here up (surrogates included) is a word character, as in the Identifier pattern. */
  FirstNonAscii: 0x80,
} as const;

// Character classes of ASCII code units, for one table lookup per character.
const WORD_START = 1; // [A-Za-z_]
const WORD_PART = 2; // [A-Za-z0-9_$]
const SPACE = 4; // [ \t\r\n\f\v]
const charClass = new Uint8Array(Ch.FirstNonAscii);
for (let c = 0; c < Ch.FirstNonAscii; c++) {
  const s = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(s)) charClass[c]! |= WORD_START | WORD_PART;
  if (/[0-9]/.test(s)) charClass[c]! |= WORD_PART;
  if (s === '$') charClass[c]! |= WORD_PART;
  if (/[ \t\r\n\f\v]/.test(s)) charClass[c]! |= SPACE;
}

function isDigit(c: number): boolean {
  return c >= Ch.Digit0 && c <= Ch.Digit9;
}

// For performance, tokens are made from token type indexes: reading
// `tokenTypeIdx` off the many differently shaped TokenType objects would be a
// megamorphic property load per token.
const typeByIndex: TokenType[] = [];
function indexOf(type: TokenType): number {
  const index = type.tokenTypeIdx!;
  typeByIndex[index] = type;
  return index;
}
const IDENTIFIER = indexOf(Identifier);
const QUOTED_IDENTIFIER = indexOf(QuotedIdentifier);
const STRING = indexOf(StringLiteral);
const NUMBER = indexOf(NumberLiteral);
const PARAMETER = indexOf(Parameter);
const DOUBLE_COLON = indexOf(DoubleColon);
const COLON = indexOf(Colon);
const CONCAT = indexOf(Concat);
const ARROW = indexOf(Arrow);
const ARROW_TEXT = indexOf(ArrowText);
const HASH_ARROW = indexOf(HashArrow);
const HASH_ARROW_TEXT = indexOf(HashArrowText);
const CONTAINS = indexOf(Contains);
const TILDE = indexOf(Tilde);
const TILDE_STAR = indexOf(TildeStar);
const BANG_TILDE = indexOf(BangTilde);
const BANG_TILDE_STAR = indexOf(BangTildeStar);
const CONTAINED_BY = indexOf(ContainedBy);
const LESS_EQ = indexOf(LessEq);
const GREATER_EQ = indexOf(GreaterEq);
const NOT_EQUAL = indexOf(NotEqual);
const BANG_EQUAL = indexOf(BangEqual);
const EQUAL = indexOf(Equal);
const LESS = indexOf(Less);
const GREATER = indexOf(Greater);
const PLUS = indexOf(Plus);
const MINUS = indexOf(Minus);
const STAR = indexOf(Star);
const SLASH = indexOf(Slash);
const PERCENT = indexOf(Percent);
const AMP_AMP = indexOf(AmpAmp);
const LBRACKET = indexOf(LBracket);
const RBRACKET = indexOf(RBracket);
const LPAREN = indexOf(LParen);
const RPAREN = indexOf(RParen);
const COMMA = indexOf(Comma);
const SEMICOLON = indexOf(Semicolon);
const DOT = indexOf(Dot);

// Keywords are found without lower-casing the word into a new string: an
// open-addressing table keyed by a case-folded hash of the word's characters,
// confirmed by a case-insensitive compare. ASCII letters fold exactly with
// `| 0x20`; words with non-ASCII characters take the reference's
// toLowerCase-and-Map path, since e.g. the Kelvin sign lower-cases to `k`.
const keywordIndexes = new Map<string, number>();
const keywordWords: string[] = [];
const keywordTypeIndexes: number[] = [];
const KEYWORD_SLOTS = 1024; // a power of two, several times the keyword count
const keywordSlots = new Int16Array(KEYWORD_SLOTS).fill(-1);
// Lower-casing never shortens a string and only lengthens one by adding U+0307,
// which is in no keyword, so a word outside this length range is no keyword.
let minKeywordLength = Infinity;
let maxKeywordLength = 0;

function foldedHash(text: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + (text.charCodeAt(i) | 0x20)) | 0;
  return h;
}

for (const [word, type] of keywordTypes) {
  keywordIndexes.set(word, indexOf(type));
  let slot = foldedHash(word, 0, word.length) & (KEYWORD_SLOTS - 1);
  while (keywordSlots[slot] !== -1) slot = (slot + 1) & (KEYWORD_SLOTS - 1);
  keywordSlots[slot] = keywordWords.length;
  keywordWords.push(word);
  keywordTypeIndexes.push(indexOf(type));
  minKeywordLength = Math.min(minKeywordLength, word.length);
  maxKeywordLength = Math.max(maxKeywordLength, word.length);
}

// For performance, a keyword written all in lower or all in upper case reuses
// one image string instead of slicing a new one from the text.
const keywordUppers = keywordWords.map((word) => word.toUpperCase());
const SPELLING_MIXED = 0;
const SPELLING_LOWER = 1;
const SPELLING_UPPER = 2;

/**
 * The keyword the all-ASCII word text[start, end) spells, as `keyword << 2 |
 * spelling` (an index into keywordWords and a SPELLING_* value), or -1.
 */
function findKeyword(text: string, start: number, end: number): number {
  const length = end - start;
  let slot = foldedHash(text, start, end) & (KEYWORD_SLOTS - 1);
  for (;;) {
    const k = keywordSlots[slot]!;
    if (k === -1) return -1;
    const word = keywordWords[k]!;
    if (word.length === length) {
      let lower = SPELLING_LOWER;
      let upper = SPELLING_UPPER;
      let i = 0;
      // Keywords are lower-case letters, so `| 0x20` equality holds only for the same letter in either case.
      for (; i < length; i++) {
        const c = text.charCodeAt(start + i);
        const w = word.charCodeAt(i);
        if ((c | 0x20) !== w) break;
        if (c === w) upper = SPELLING_MIXED;
        else lower = SPELLING_MIXED;
      }
      if (i === length) return (k << 2) | lower | upper;
    }
    slot = (slot + 1) & (KEYWORD_SLOTS - 1);
  }
}

/** A token of one line, shaped like chevrotain's full-position tokens so all tokens share one hidden class. */
function token(index: number, image: string, start: number, line: number, column: number): IToken {
  const length = image.length;
  return {
    image,
    startOffset: start,
    endOffset: start + length - 1,
    startLine: line,
    endLine: line,
    startColumn: column,
    endColumn: column + length - 1,
    tokenTypeIdx: index,
    tokenType: typeByIndex[index]!,
  };
}

/** The error for a construct that starts at `start` and runs to the end of `text`. */
function unterminated(text: string, kind: UnterminatedKind, start: number): EngineError {
  return unterminatedError(kind, text.slice(start), positionAt(text, start));
}

/**
 * Splits `text` into tokens, skipping whitespace and `--` and nested `/* *\/`
 * comments; words that are keywords get the keyword's token type.
 * @throws EngineError (42601) for an unterminated string, quoted identifier or
 * comment, or a character that starts no token; the first such failure wins.
 */
export function scanTokens(text: string): IToken[] {
  const tokens: IToken[] = [];
  const length = text.length;
  let pos = 0;
  let line = 1;
  /** Offset of the first character of the current line; columns are 1-based from it. */
  let lineStart = 0;

  while (pos < length) {
    const c = text.charCodeAt(pos);
    const start = pos;
    const column = pos - lineStart + 1;

    // One whitespace character per turn: runs are short, mostly one space.
    if (c === Ch.Space) {
      pos++;
      continue;
    }
    if (c < Ch.FirstNonAscii && (charClass[c]! & SPACE) !== 0) {
      pos++;
      // \r\n counts as one line break, \r alone as one too.
      if (c === Ch.LineFeed || (c === Ch.CarriageReturn && text.charCodeAt(pos) !== Ch.LineFeed)) {
        line++;
        lineStart = pos;
      }
      continue;
    }

    if (c >= Ch.FirstNonAscii || (charClass[c]! & WORD_START) !== 0) {
      let ascii = c < Ch.FirstNonAscii;
      pos++;
      for (; pos < length; pos++) {
        const w = text.charCodeAt(pos);
        if (w >= Ch.FirstNonAscii) ascii = false;
        else if ((charClass[w]! & WORD_PART) === 0) break;
      }
      let image: string | undefined;
      let type = IDENTIFIER;
      const wordLength = pos - start;
      if (wordLength >= minKeywordLength && wordLength <= maxKeywordLength) {
        if (ascii) {
          const found = findKeyword(text, start, pos);
          if (found !== -1) {
            const k = found >> 2;
            type = keywordTypeIndexes[k]!;
            const spelling = found & 3;
            if (spelling === SPELLING_LOWER) image = keywordWords[k]!;
            else if (spelling === SPELLING_UPPER) image = keywordUppers[k]!;
          }
        } else {
          image = text.slice(start, pos);
          type = keywordIndexes.get(image.toLowerCase()) ?? IDENTIFIER;
        }
      }
      image ??= text.slice(start, pos);
      tokens.push(token(type, image, start, line, column));
      continue;
    }

    if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(pos + 1)))) {
      // (?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?
      if (c === Ch.Dot) pos++;
      while (isDigit(text.charCodeAt(pos))) pos++;
      if (c !== Ch.Dot && text.charCodeAt(pos) === Ch.Dot) {
        pos++;
        while (isDigit(text.charCodeAt(pos))) pos++;
      }
      const e = text.charCodeAt(pos);
      if (e === Ch.LowerE || e === Ch.UpperE) {
        let digits = pos + 1;
        const sign = text.charCodeAt(digits);
        if (sign === Ch.Plus || sign === Ch.Minus) digits++;
        if (isDigit(text.charCodeAt(digits))) {
          pos = digits + 1;
          while (isDigit(text.charCodeAt(pos))) pos++;
        }
      }
      tokens.push(token(NUMBER, text.slice(start, pos), start, line, column));
      continue;
    }

    switch (c) {
      case Ch.Quote:
      case Ch.DoubleQuote: {
        // A quoted run with the quote doubled inside; it may span lines.
        let i = pos + 1;
        let endLine = line;
        let endLineStart = lineStart;
        for (;;) {
          if (i >= length) {
            // The reference pattern backtracks to end the literal at the
            // second-to-last quote of the text, so the unterminated part starts
            // at the last quote (the opening one when there is no other).
            const kind = c === Ch.Quote ? 'quoted string' : 'quoted identifier';
            throw unterminated(text, kind, text.lastIndexOf(c === Ch.Quote ? "'" : '"'));
          }
          const q = text.charCodeAt(i++);
          // Quotes and line breaks are all below 0x28: one compare passes most characters.
          if (q > Ch.Quote) continue;
          if (q === c) {
            if (text.charCodeAt(i) !== c) break;
            i++;
          } else if (q === Ch.LineFeed || (q === Ch.CarriageReturn && text.charCodeAt(i) !== Ch.LineFeed)) {
            endLine++;
            endLineStart = i;
          }
        }
        const type = c === Ch.Quote ? STRING : QUOTED_IDENTIFIER;
        const t = token(type, text.slice(start, i), start, line, column);
        if (endLine !== line) {
          t.endLine = endLine;
          t.endColumn = i - endLineStart;
          line = endLine;
          lineStart = endLineStart;
        }
        tokens.push(t);
        pos = i;
        continue;
      }
      case Ch.Minus:
        if (text.charCodeAt(pos + 1) === Ch.Minus) {
          pos += 2;
          while (pos < length) {
            const l = text.charCodeAt(pos);
            if (l === Ch.LineFeed || l === Ch.CarriageReturn) break;
            pos++;
          }
          continue;
        }
        if (text.charCodeAt(pos + 1) === Ch.Greater) {
          const asText = text.charCodeAt(pos + 2) === Ch.Greater;
          tokens.push(asText ? token(ARROW_TEXT, '->>', start, line, column) : token(ARROW, '->', start, line, column));
          pos += asText ? 3 : 2;
          continue;
        }
        tokens.push(token(MINUS, '-', start, line, column));
        pos++;
        continue;
      case Ch.Hash: {
        if (text.charCodeAt(pos + 1) !== Ch.Greater) throw unexpectedCharacterError(text, pos);
        const asText = text.charCodeAt(pos + 2) === Ch.Greater;
        tokens.push(asText ? token(HASH_ARROW_TEXT, '#>>', start, line, column) : token(HASH_ARROW, '#>', start, line, column));
        pos += asText ? 3 : 2;
        continue;
      }
      case Ch.At:
        if (text.charCodeAt(pos + 1) !== Ch.Greater) throw unexpectedCharacterError(text, pos);
        tokens.push(token(CONTAINS, '@>', start, line, column));
        pos += 2;
        continue;
      case Ch.Slash:
        if (text.charCodeAt(pos + 1) === Ch.Star) {
          // Block comments nest, as in PostgreSQL.
          let depth = 1;
          let i = pos + 2;
          while (depth > 0) {
            if (i >= length) throw unterminated(text, '/* comment', start);
            const b = text.charCodeAt(i);
            if (b === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
              depth--;
              i += 2;
            } else if (b === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
              depth++;
              i += 2;
            } else {
              i++;
              if (b === Ch.LineFeed || (b === Ch.CarriageReturn && text.charCodeAt(i) !== Ch.LineFeed)) {
                line++;
                lineStart = i;
              }
            }
          }
          pos = i;
          continue;
        }
        tokens.push(token(SLASH, '/', start, line, column));
        pos++;
        continue;
      case Ch.Dollar: {
        let i = pos + 1;
        while (isDigit(text.charCodeAt(i))) i++;
        if (i === pos + 1) throw unexpectedCharacterError(text, pos);
        tokens.push(token(PARAMETER, text.slice(start, i), start, line, column));
        pos = i;
        continue;
      }
      case Ch.Colon:
        if (text.charCodeAt(pos + 1) !== Ch.Colon) {
          tokens.push(token(COLON, ':', start, line, column));
          pos++;
          continue;
        }
        tokens.push(token(DOUBLE_COLON, '::', start, line, column));
        pos += 2;
        continue;
      case Ch.Pipe:
        if (text.charCodeAt(pos + 1) !== Ch.Pipe) throw unexpectedCharacterError(text, pos);
        tokens.push(token(CONCAT, '||', start, line, column));
        pos += 2;
        continue;
      case Ch.Bang: {
        const next = text.charCodeAt(pos + 1);
        if (next === Ch.Tilde) {
          const star = text.charCodeAt(pos + 2) === Ch.Star;
          tokens.push(star ? token(BANG_TILDE_STAR, '!~*', start, line, column) : token(BANG_TILDE, '!~', start, line, column));
          pos += star ? 3 : 2;
          continue;
        }
        if (next !== Ch.Equal) throw unexpectedCharacterError(text, pos);
        tokens.push(token(BANG_EQUAL, '!=', start, line, column));
        pos += 2;
        continue;
      }
      case Ch.Tilde: {
        const star = text.charCodeAt(pos + 1) === Ch.Star;
        tokens.push(star ? token(TILDE_STAR, '~*', start, line, column) : token(TILDE, '~', start, line, column));
        pos += star ? 2 : 1;
        continue;
      }
      case Ch.Less: {
        const next = text.charCodeAt(pos + 1);
        if (next === Ch.Equal) {
          tokens.push(token(LESS_EQ, '<=', start, line, column));
          pos += 2;
        } else if (next === Ch.Greater) {
          tokens.push(token(NOT_EQUAL, '<>', start, line, column));
          pos += 2;
        } else if (next === Ch.At) {
          tokens.push(token(CONTAINED_BY, '<@', start, line, column));
          pos += 2;
        } else {
          tokens.push(token(LESS, '<', start, line, column));
          pos++;
        }
        continue;
      }
      case Ch.Greater:
        if (text.charCodeAt(pos + 1) === Ch.Equal) {
          tokens.push(token(GREATER_EQ, '>=', start, line, column));
          pos += 2;
        } else {
          tokens.push(token(GREATER, '>', start, line, column));
          pos++;
        }
        continue;
      case Ch.Equal:
        tokens.push(token(EQUAL, '=', start, line, column));
        pos++;
        continue;
      case Ch.Plus:
        tokens.push(token(PLUS, '+', start, line, column));
        pos++;
        continue;
      case Ch.Star:
        tokens.push(token(STAR, '*', start, line, column));
        pos++;
        continue;
      case Ch.Percent:
        tokens.push(token(PERCENT, '%', start, line, column));
        pos++;
        continue;
      case Ch.Amp:
        if (text.charCodeAt(pos + 1) !== Ch.Amp) throw unexpectedCharacterError(text, pos);
        tokens.push(token(AMP_AMP, '&&', start, line, column));
        pos += 2;
        continue;
      case Ch.LBracket:
        tokens.push(token(LBRACKET, '[', start, line, column));
        pos++;
        continue;
      case Ch.RBracket:
        tokens.push(token(RBRACKET, ']', start, line, column));
        pos++;
        continue;
      case Ch.LParen:
        tokens.push(token(LPAREN, '(', start, line, column));
        pos++;
        continue;
      case Ch.RParen:
        tokens.push(token(RPAREN, ')', start, line, column));
        pos++;
        continue;
      case Ch.Comma:
        tokens.push(token(COMMA, ',', start, line, column));
        pos++;
        continue;
      case Ch.Semicolon:
        tokens.push(token(SEMICOLON, ';', start, line, column));
        pos++;
        continue;
      case Ch.Dot:
        tokens.push(token(DOT, '.', start, line, column));
        pos++;
        continue;
      default:
        throw unexpectedCharacterError(text, pos);
    }
  }
  return tokens;
}
