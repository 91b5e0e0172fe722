// PostgreSQL's array literal syntax, one-dimensional: parsing `{1, "a b", NULL}`
// into element texts (NULL as null) and printing element texts back in the
// canonical form array_out produces ({1,"a b",NULL}). Only the syntax lives
// here; reading each element as its element type is the caller's (expr/cast.ts).
// Promise: formatArrayLiteral(parseArrayLiteral(formatArrayLiteral(xs))) gives xs back.

import { EngineError, SqlState } from '../common/errors.js';

const Ch = {
  Tab: 0x09,
  LineFeed: 0x0a,
  VerticalTab: 0x0b,
  FormFeed: 0x0c,
  CarriageReturn: 0x0d,
  Space: 0x20,
  DoubleQuote: 0x22,
  Comma: 0x2c,
  LBracket: 0x5b,
  Backslash: 0x5c,
  LBrace: 0x7b,
  RBrace: 0x7d,
} as const;

/** PostgreSQL's array_isspace: the characters array input skips and output quotes. */
function isArraySpace(c: number): boolean {
  return c === Ch.Space || (c >= Ch.Tab && c <= Ch.CarriageReturn);
}

function malformed(text: string, detail: string): EngineError {
  return new EngineError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}" (${detail})`);
}

/**
 * The elements of a one-dimensional array literal: each element's text with
 * quotes and backslash escapes removed, or null for an unquoted NULL.
 * @throws EngineError 22P02 for malformed input; 0A000 for nested braces
 * (multidimensional arrays) and explicit bounds (`[0:1]={...}`).
 */
export function parseArrayLiteral(text: string): (string | null)[] {
  const n = text.length;
  let i = 0;
  while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === Ch.LBracket) {
    throw new EngineError(SqlState.featureNotSupported, `array bounds other than the default (in "${text}") are not supported yet; arrays start at 1`);
  }
  if (text.charCodeAt(i) !== Ch.LBrace) throw malformed(text, 'array value must start with "{"');
  i++;
  const out: (string | null)[] = [];
  while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === Ch.RBrace) {
    i++;
  } else {
    for (;;) {
      while (i < n && isArraySpace(text.charCodeAt(i))) i++;
      if (i >= n) throw malformed(text, 'unexpected end of input');
      const c = text.charCodeAt(i);
      if (c === Ch.LBrace) {
        throw new EngineError(SqlState.featureNotSupported, `multidimensional arrays (in "${text}") are not supported yet`);
      }
      if (c === Ch.Comma || c === Ch.RBrace) throw malformed(text, `unexpected "${text[i]}" character`);
      let value = '';
      let quotedOrEscaped = false;
      if (c === Ch.DoubleQuote) {
        quotedOrEscaped = true;
        i++;
        // For performance: an element without escapes is one slice of the text.
        let close = i;
        while (close < n && text.charCodeAt(close) !== Ch.DoubleQuote && text.charCodeAt(close) !== Ch.Backslash) close++;
        if (text.charCodeAt(close) === Ch.DoubleQuote) {
          value = text.slice(i, close);
          i = close;
        }
        for (;;) {
          if (i >= n) throw malformed(text, 'unexpected end of input');
          const q = text.charCodeAt(i);
          if (q === Ch.DoubleQuote) break;
          if (q === Ch.Backslash) {
            i++;
            if (i >= n) throw malformed(text, 'unexpected end of input');
          }
          value += text[i];
          i++;
        }
        i++;
        while (i < n && isArraySpace(text.charCodeAt(i))) i++;
      } else {
        // Unquoted: up to the next comma or brace; spaces at either end are
        // dropped unless escaped, so `lastKept` marks the end of what stays.
        let lastKept = 0;
        // For performance: a run of plain characters up to the separator is one slice.
        let end = i;
        while (end < n) {
          const u = text.charCodeAt(end);
          if (u === Ch.Comma || u === Ch.RBrace || u === Ch.Backslash || u === Ch.LBrace || u === Ch.DoubleQuote) break;
          end++;
        }
        if (end < n && (text.charCodeAt(end) === Ch.Comma || text.charCodeAt(end) === Ch.RBrace)) {
          let last = end;
          while (last > i && isArraySpace(text.charCodeAt(last - 1))) last--;
          value = text.slice(i, last);
          lastKept = value.length;
          i = end;
        }
        for (;;) {
          if (i >= n) throw malformed(text, 'unexpected end of input');
          const u = text.charCodeAt(i);
          if (u === Ch.Comma || u === Ch.RBrace) break;
          if (u === Ch.LBrace || u === Ch.DoubleQuote) throw malformed(text, `unexpected "${text[i]}" character`);
          if (u === Ch.Backslash) {
            i++;
            if (i >= n) throw malformed(text, 'unexpected end of input');
            quotedOrEscaped = true;
            value += text[i];
            lastKept = value.length;
          } else {
            value += text[i];
            if (!isArraySpace(u)) lastKept = value.length;
          }
          i++;
        }
        value = value.slice(0, lastKept);
      }
      out.push(!quotedOrEscaped && value.length === 4 && value.toLowerCase() === 'null' ? null : value);
      const sep = text.charCodeAt(i);
      i++;
      if (sep === Ch.RBrace) break;
      if (sep !== Ch.Comma) throw malformed(text, `unexpected "${text[i - 1] ?? ''}" character`);
    }
  }
  while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  if (i < n) throw malformed(text, 'junk after closing right brace');
  return out;
}

/** Whether array output must double-quote this element text (array_out's rule). */
function needsQuotes(s: string): boolean {
  if (s.length === 0) return true;
  if (s.length === 4 && s.toLowerCase() === 'null') return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.DoubleQuote || c === Ch.Backslash || c === Ch.LBrace || c === Ch.RBrace || c === Ch.Comma || isArraySpace(c)) return true;
  }
  return false;
}

/** One element as array output writes it: quoted and escaped only when it must be. */
export function quoteArrayElement(s: string): string {
  if (!needsQuotes(s)) return s;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.DoubleQuote || c === Ch.Backslash) out += '\\';
    out += s[i];
  }
  return out + '"';
}

/** The canonical text of an array whose elements have these texts (null: NULL). */
export function formatArrayLiteral(elements: readonly (string | null)[]): string {
  let out = '{';
  for (let k = 0; k < elements.length; k++) {
    if (k > 0) out += ',';
    const e = elements[k];
    out += e === null || e === undefined ? 'NULL' : quoteArrayElement(e);
  }
  return out + '}';
}
