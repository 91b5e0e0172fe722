// PostgreSQL's regular-expression functions (regexp_replace, regexp_like,
// regexp_count, regexp_substr, regexp_instr, substring FROM pattern, and the
// text[] ones regexp_match and regexp_split_to_array), each
// pattern compiled once per distinct (pattern, flags) per kernel call
// (../regexp-pattern.ts translates PostgreSQL's syntax to JS RegExp).

import { EngineError, SqlState } from '../../common/errors.js';
import type { SqlType } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import { allValid, isValid, setNull } from '../../columnar/validity.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows, result, strictValidity } from '../kernel-util.js';
import { PatternCache } from '../regexp-pattern.js';
import { formatArrayLiteral } from '../../columnar/array-text.js';

// ---------------------------------------------------------------------------
// The SQL functions. Every one is strict (NULL in, NULL out); positions, start
// and lengths count characters (code points), as PostgreSQL does. The search
// loop is PostgreSQL's: the next search starts where the last match ended, one
// character further after an empty match.

function ints(c: Column): Int32Array {
  return c.values as Int32Array;
}

function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** The code-unit offset of 0-based character index `chars` (past the end counts on). */
function unitOffset(s: string, chars: number): number {
  if (!hasSurrogates(s)) return chars;
  let unit = 0;
  let counted = 0;
  while (counted < chars && unit < s.length) {
    unit = advance(s, unit);
    counted++;
  }
  return unit + (chars - counted);
}

/** The 0-based character index of code-unit offset `unit`. */
function charIndex(s: string, unit: number): number {
  let surrogatePairs = 0;
  for (let i = 0; i < unit; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const h = s.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff) surrogatePairs++;
    }
  }
  return unit - surrogatePairs;
}

/** The code unit after the character at `unit`. */
function advance(s: string, unit: number): number {
  const c = s.charCodeAt(unit);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(unit + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return unit + 2;
  }
  return unit + 1;
}

/** The `which`-th (1-based) match at or after code unit `from`, or null. */
function nthMatch(re: RegExp, s: string, from: number, which: number): RegExpExecArray | null {
  let at = from;
  let seen = 0;
  while (at <= s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) return null;
    if (++seen === which) return m;
    const end = m.index + m[0].length;
    at = end === m.index ? advance(s, end) : end;
  }
  return null;
}

function countMatches(re: RegExp, s: string, from: number): number {
  let at = from;
  let seen = 0;
  while (at <= s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) break;
    seen++;
    const end = m.index + m[0].length;
    at = end === m.index ? advance(s, end) : end;
  }
  return seen;
}

function invalidParameter(name: string, value: number): EngineError {
  return new EngineError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": ${value}`);
}

/**
 * A replacement string split once into literal text and group numbers
 * (0 = the whole match): PostgreSQL's \1..\9 and \&, \\ for one backslash; a
 * backslash before anything else, or at the end, is itself literal. `$` has no
 * meaning, and a group the pattern lacks inserts nothing.
 */
type Template = readonly (string | number)[];

export function parseReplacement(r: string): Template {
  if (!r.includes('\\')) return [r];
  const parts: (string | number)[] = [];
  let text = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!;
    const e = r[i + 1];
    if (c !== '\\' || e === undefined) {
      text += c;
    } else if ((e >= '1' && e <= '9') || e === '&') {
      if (text !== '') parts.push(text);
      text = '';
      parts.push(e === '&' ? 0 : Number(e));
      i++;
    } else if (e === '\\') {
      text += '\\';
      i++;
    } else {
      text += '\\';
    }
  }
  if (text !== '') parts.push(text);
  return parts;
}

function expand(template: Template, m: RegExpExecArray): string {
  if (template.length === 1 && typeof template[0] === 'string') return template[0];
  let out = '';
  for (const part of template) out += typeof part === 'string' ? part : (m[part] ?? '');
  return out;
}

/** Replaces the `which`-th match (0: every match) at or after code unit `from`. */
function replaceMatches(s: string, re: RegExp, template: Template, from: number, which: number): string {
  let out = '';
  let copied = 0;
  let seen = 0;
  let replaced = false;
  let at = from;
  while (at <= s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) break;
    seen++;
    const end = m.index + m[0].length;
    if (which === 0 || seen === which) {
      out += s.slice(copied, m.index) + expand(template, m);
      copied = end;
      replaced = true;
      if (which !== 0) break;
    }
    at = end === m.index ? advance(s, end) : end;
  }
  return replaced ? out + s.slice(copied) : s;
}

/** regexp_replace(source, pattern, replacement [, flags]) or (…, start [, N [, flags]]) (PostgreSQL 16). */
function replaceImpl(withStart: boolean): FunctionImpl {
  return (args, n) => {
    const patterns = new PatternCache('regexp_replace', true);
    let lastReplacement: string | null = null;
    let template: Template = [];
    const src = str(args[0]!);
    const pat = str(args[1]!);
    const rep = str(args[2]!);
    const flagsCol = withStart ? args[5] : args[3];
    const flags = flagsCol === undefined ? null : str(flagsCol);
    const start = withStart ? ints(args[3]!) : null;
    const nth = withStart && args[4] !== undefined ? ints(args[4]) : null;
    return mapRows(args, n, 'text', (i) => {
      const compiled = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
      const from = start === null ? 1 : start[i]!;
      if (from <= 0) throw invalidParameter('start', from);
      // N, when given, overrides the g flag; 0 means every match.
      const which = nth === null ? (compiled.global ? 0 : 1) : nth[i]!;
      if (which < 0) throw invalidParameter('n', which);
      if (rep[i] !== lastReplacement) {
        lastReplacement = rep[i]!;
        template = parseReplacement(lastReplacement);
      }
      const s = src[i]!;
      return replaceMatches(s, compiled.re, template, unitOffset(s, from - 1), which);
    });
  };
}

/** regexp_like(string, pattern [, flags]). */
const likeImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_like', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const flags = args[2] === undefined ? null : str(args[2]);
  return mapRows(args, n, 'boolean', (i) => {
    const { re } = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
    re.lastIndex = 0;
    return re.test(s[i]!);
  });
};

/** regexp_count(string, pattern [, start [, flags]]). */
const countImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_count', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const start = args[2] === undefined ? null : ints(args[2]);
  const flags = args[3] === undefined ? null : str(args[3]);
  return mapRows(args, n, 'integer', (i) => {
    const from = start === null ? 1 : start[i]!;
    if (from <= 0) throw invalidParameter('start', from);
    const { re } = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
    return countMatches(re, s[i]!, unitOffset(s[i]!, from - 1));
  });
};

/** The shared arguments of regexp_substr and regexp_instr, validated as PostgreSQL does. */
interface Occurrence {
  readonly match: RegExpExecArray | null;
  readonly groups: number;
}

function findOccurrence(patterns: PatternCache, s: string, pattern: string, from: number, which: number, flags: string, subexpr: number): Occurrence {
  if (from <= 0) throw invalidParameter('start', from);
  if (which <= 0) throw invalidParameter('n', which);
  if (subexpr < 0) throw invalidParameter('subexpr', subexpr);
  const { re, groups } = patterns.get(pattern, flags);
  return { match: nthMatch(re, s, unitOffset(s, from - 1), which), groups };
}

/**
 * The group `subexpr` of a match, or undefined. As in PostgreSQL, subexpr 1 of a
 * pattern without groups is the whole match (its match list then holds one entry).
 */
function pickGroup(o: Occurrence, subexpr: number): { text: string; index: number } | undefined {
  const m = o.match;
  if (m === null) return undefined;
  if (subexpr === 0 || (o.groups === 0 && subexpr === 1)) return { text: m[0], index: m.index };
  if (subexpr > o.groups) return undefined;
  const text = m[subexpr];
  if (text === undefined) return undefined;
  return { text, index: m.index + groupOffset(m, subexpr) };
}

/**
 * Offset of group k inside the match. JS reports group offsets only under the
 * d flag (slower for every match), so regexp_instr re-runs with d on demand.
 */
function groupOffset(m: RegExpExecArray, k: number): number {
  const indices = (m as RegExpExecArray & { indices?: readonly ([number, number] | undefined)[] }).indices;
  const at = indices?.[k];
  return at === undefined ? 0 : at[0] - m.index;
}

/** regexp_substr(string, pattern [, start [, N [, flags [, subexpr]]]]): NULL when there is no such match or group. */
const substrImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_substr', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const start = args[2] === undefined ? null : ints(args[2]);
  const nth = args[3] === undefined ? null : ints(args[3]);
  const flags = args[4] === undefined ? null : str(args[4]);
  const sub = args[5] === undefined ? null : ints(args[5]);
  return nullableText(args, n, (i) => {
    const subexpr = sub === null ? 0 : sub[i]!;
    const o = findOccurrence(patterns, s[i]!, pat[i]!, start === null ? 1 : start[i]!, nth === null ? 1 : nth[i]!, flags === null ? '' : flags[i]!, subexpr);
    return pickGroup(o, subexpr)?.text ?? null;
  });
};

/** regexp_instr(string, pattern [, start [, N [, endoption [, flags [, subexpr]]]]]): 1-based position, 0 when none. */
const instrImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_instr', false);
  const withIndices = new Map<RegExp, RegExp>();
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const start = args[2] === undefined ? null : ints(args[2]);
  const nth = args[3] === undefined ? null : ints(args[3]);
  const endCol = args[4] === undefined ? null : ints(args[4]);
  const flags = args[5] === undefined ? null : str(args[5]);
  const sub = args[6] === undefined ? null : ints(args[6]);
  return mapRows(args, n, 'integer', (i) => {
    const endOption = endCol === null ? 0 : endCol[i]!;
    if (endOption !== 0 && endOption !== 1) throw invalidParameter('endoption', endOption);
    const subexpr = sub === null ? 0 : sub[i]!;
    const text = s[i]!;
    let o = findOccurrence(patterns, text, pat[i]!, start === null ? 1 : start[i]!, nth === null ? 1 : nth[i]!, flags === null ? '' : flags[i]!, subexpr);
    if (o.match !== null && subexpr > 0 && o.groups > 0) {
      // Group offsets need the d flag: re-find the same occurrence with it.
      const { re } = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
      let d = withIndices.get(re);
      if (d === undefined) withIndices.set(re, (d = new RegExp(re.source, re.flags + 'd')));
      o = { match: nthMatch(d, text, unitOffset(text, (start === null ? 1 : start[i]!) - 1), nth === null ? 1 : nth[i]!), groups: o.groups };
    }
    const g = pickGroup(o, subexpr);
    if (g === undefined) return 0;
    return charIndex(text, g.index + (endOption === 1 ? g.text.length : 0)) + 1;
  });
};

/** substring(string FROM pattern): the first group's text if the pattern has groups, else the match; NULL when none. */
export const regexSubstringImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('substring', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  return nullableText(args, n, (i) => {
    const { re, groups } = patterns.get(pat[i]!, '');
    re.lastIndex = 0;
    const m = re.exec(s[i]!);
    if (m === null) return null;
    return groups > 0 ? (m[1] ?? null) : m[0];
  });
};

/** regexp_match(s, pattern [, flags]): the first match's groups (unmatched ones NULL), or the whole match without groups; NULL when none. */
const matchImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_match', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const flags = args[2] === undefined ? null : str(args[2]);
  return nullableText(args, n, (i) => {
    const { re, groups } = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
    re.lastIndex = 0;
    const m = re.exec(s[i]!);
    if (m === null) return null;
    return formatArrayLiteral(groups > 0 ? m.slice(1, groups + 1).map((g) => g ?? null) : [m[0]]);
  }, 'text[]');
};

/**
 * regexp_split_to_array(s, pattern [, flags]): the pieces between matches.
 * PostgreSQL skips "degenerate" matches: an empty match at the very start or
 * end, or one ending where the previous kept match ended.
 */
const splitImpl: FunctionImpl = (args, n) => {
  const patterns = new PatternCache('regexp_split_to_array', false);
  const s = str(args[0]!);
  const pat = str(args[1]!);
  const flags = args[2] === undefined ? null : str(args[2]);
  return nullableText(args, n, (i) => {
    const { re } = patterns.get(pat[i]!, flags === null ? '' : flags[i]!);
    const text = s[i]!;
    const pieces: string[] = [];
    let pieceStart = 0;
    let at = 0;
    while (at <= text.length) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m === null) break;
      const end = m.index + m[0].length;
      if (m.index < text.length && end > pieceStart) {
        pieces.push(text.slice(pieceStart, m.index));
        pieceStart = end;
      }
      at = end === m.index ? advance(text, end) : end;
    }
    pieces.push(text.slice(pieceStart));
    return formatArrayLiteral(pieces);
  }, 'text[]');
};

/** A strict text kernel whose result may also be NULL where all inputs are valid. */
function nullableText(args: readonly Column[], n: number, fn: (row: number) => string | null, type: SqlType = 'text'): Column {
  const inputValidity = strictValidity(args, n);
  const validity = inputValidity === null ? allValid(n) : inputValidity.slice();
  const values = new Array<string>(n).fill('');
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const v = fn(i);
    if (v === null) setNull(validity, i);
    else values[i] = v;
  }
  return result(type, values, validity, n);
}

// Argument shapes: 't' a text argument (an untyped literal counts), 'i' an integer one.
type Shape = readonly ('t' | 'i')[];

function matchShape(given: readonly ArgType[], shape: Shape): SqlType[] | null {
  if (given.length !== shape.length) return null;
  const out: SqlType[] = [];
  for (let k = 0; k < shape.length; k++) {
    const t = given[k]!;
    const want = shape[k] === 't' ? 'text' : 'integer';
    if (t !== 'unknown' && t !== want) return null;
    out.push(want);
  }
  return out;
}

/** A def whose call with k arguments has the shape `prefix(k)`: optional arguments drop from the end. */
function regexDef(name: string, shape: Shape, minArgs: number, resultType: SqlType, impl: FunctionImpl): FunctionDef {
  return {
    name,
    minArgs,
    maxArgs: shape.length,
    resolve(given) {
      const types = matchShape(given, shape.slice(0, given.length));
      return types === null ? null : fixed(types, resultType, impl);
    },
  };
}

const replaceWithFlags = replaceImpl(false);
const replaceWithStart = replaceImpl(true);

const regexpReplace: FunctionDef = {
  name: 'regexp_replace',
  minArgs: 3,
  maxArgs: 6,
  resolve(given) {
    // A fourth argument that is text (or an untyped literal: PostgreSQL prefers text) is the flags.
    const flagsShape = given.length <= 4 ? matchShape(given, (['t', 't', 't', 't'] as const).slice(0, given.length)) : null;
    if (flagsShape !== null) return fixed(flagsShape, 'text', replaceWithFlags);
    const startShape = matchShape(given, (['t', 't', 't', 'i', 'i', 't'] as const).slice(0, given.length));
    return startShape === null ? null : fixed(startShape, 'text', replaceWithStart);
  },
};

/** Set-returning functions: a clear error until Freshet has them in FROM and select lists. */
function needsArrays(name: string, instead: string): FunctionDef {
  return {
    name,
    minArgs: 0,
    maxArgs: Infinity,
    resolve() {
      throw new EngineError(SqlState.featureNotSupported, `${name} returns a set of rows, which Freshet does not support yet; ${instead}`);
    },
  };
}

export const regexpFunctions: readonly FunctionDef[] = [
  regexpReplace,
  regexDef('regexp_like', ['t', 't', 't'], 2, 'boolean', likeImpl),
  regexDef('regexp_count', ['t', 't', 'i', 't'], 2, 'integer', countImpl),
  regexDef('regexp_substr', ['t', 't', 'i', 'i', 't', 'i'], 2, 'text', substrImpl),
  regexDef('regexp_instr', ['t', 't', 'i', 'i', 'i', 't', 'i'], 2, 'integer', instrImpl),
  regexDef('regexp_match', ['t', 't', 't'], 2, 'text[]', matchImpl),
  needsArrays('regexp_matches', 'use regexp_substr(string, pattern, 1, k, flags, n) for group n of the k-th match, or regexp_count'),
  regexDef('regexp_split_to_array', ['t', 't', 't'], 2, 'text[]', splitImpl),
  needsArrays('regexp_split_to_table', 'use split_part for a fixed delimiter'),
];
