// PostgreSQL's regular-expression functions (regexp_replace, regexp_like,
// regexp_count, regexp_substr, regexp_instr, substring FROM pattern) over POSIX
// AREs translated to JS RegExp, compiled once per distinct (pattern, flags) per
// kernel call. The translation promises PostgreSQL's meaning for the common syntax: `.` and
// `[^...]` match newlines, `^`/`$` anchor the whole string, `\m \M \y \Y \A \Z`
// constraints, `[[:class:]]`, `]` first in a bracket, a literal `{`, PostgreSQL's
// character-entry escapes, `***=` and leading `(?i)` options. Classes are ASCII
// (the "C" locale). Matching is JS's leftmost-first, not POSIX leftmost-longest.

import { EngineError, SqlState } from '../../common/errors.js';
import type { SqlType } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import { allValid, isValid, setNull } from '../../columnar/validity.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows, result, strictValidity } from '../kernel-util.js';

/** PostgreSQL's invalid_regular_expression; not yet in SqlState (common/errors.ts). */
export const INVALID_REGULAR_EXPRESSION = SqlState.invalidRegularExpression;

export interface CompiledPattern {
  /** Always has the g flag: callers set lastIndex before every exec. */
  readonly re: RegExp;
  /** Capturing groups in the pattern. */
  readonly groups: number;
  /** The flags argument asked for every match ('g'). */
  readonly global: boolean;
}

/** The options a flags argument sets; see parseRegexFlags. */
export interface RegexFlags {
  readonly global: boolean;
  /** null: neither i nor c was given (case-sensitive unless the pattern says otherwise). */
  readonly caseInsensitive: boolean | null;
  readonly literal: boolean;
}

export const NO_FLAGS: RegexFlags = { global: false, caseInsensitive: null, literal: false };

/** PostgreSQL options Freshet does not implement (newline-sensitive, expanded, BRE/ERE). */
const UNSUPPORTED_OPTIONS = 'bemnpwx';

/**
 * Parses a flags argument as PostgreSQL does, later letters overriding earlier
 * ones. `fn` names the function in errors; `allowGlobal` is false for the
 * functions that reject 'g' (regexp_like, regexp_count, regexp_substr, regexp_instr).
 */
export function parseRegexFlags(flags: string, fn: string, allowGlobal: boolean): RegexFlags {
  let global = false;
  let caseInsensitive: boolean | null = null;
  let literal = false;
  for (const f of flags) {
    if (f === 'g') global = true;
    else if (f === 'i') caseInsensitive = true;
    else if (f === 'c') caseInsensitive = false;
    else if (f === 'q') literal = true;
    else if (f === 's' || f === 't') continue; // the defaults: newline is ordinary, tight syntax
    else if (UNSUPPORTED_OPTIONS.includes(f)) {
      throw new EngineError(SqlState.featureNotSupported, `regular expression option "${f}" is not supported by Freshet (supported: g, i, c, q, s, t)`);
    } else {
      throw new EngineError(SqlState.invalidParameterValue, `invalid regular expression option: "${f}"`);
    }
  }
  if (global && !allowGlobal) {
    throw new EngineError(SqlState.invalidParameterValue, `${fn}() does not support the "global" option`);
  }
  return { global, caseInsensitive, literal };
}

function invalid(pattern: string, why: string): EngineError {
  return new EngineError(INVALID_REGULAR_EXPRESSION, `invalid regular expression "${pattern}": ${why}`);
}

/** POSIX bracket classes in the "C" locale, as JS class contents. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  word: '\\w',
};

/** Characters that need a backslash to be literal in a JS u-mode pattern, outside and inside [...]. */
const JS_SYNTAX = '\\^$.*+?()[]{}|/';
const JS_CLASS_SYNTAX = '\\]^-[';

function literalChar(ch: string, inBracket: boolean): string {
  return (inBracket ? JS_CLASS_SYNTAX : JS_SYNTAX).includes(ch) ? '\\' + ch : ch;
}

function codePointEscape(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

const HEX = /^[0-9A-Fa-f]+/;
const OCTAL = /^[0-7]{0,2}/;
const OCTAL_ENTRY = /^[0-7]{1,3}/;
const DIGITS = /^\d+/;
const BOUND = /\{(\d+)(,(\d*))?\}/y;
const MAX_BOUND = 255; // PostgreSQL's DUPMAX

/**
 * Translates one backslash escape at p[i] ('\\'); returns [JS text, next index].
 * `groupsSoFar` decides, as PostgreSQL's lexer does, whether several digits are
 * a back reference (one digit always is; more only if no larger than the groups
 * opened so far) or an octal character entry.
 */
function translateEscape(p: string, i: number, inBracket: boolean, groupsSoFar = 0): [string, number] {
  const e = p[i + 1];
  if (e === undefined) throw invalid(p, 'invalid escape \\ sequence (a pattern cannot end with \\)');
  const next = i + 2;
  switch (e) {
    case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
      return ['\\' + e, next];
    case 'a': return ['\\x07', next];
    case 'b': return ['\\x08', next];
    case 'B': return ['\\\\', next];
    case 'e': return ['\\x1b', next];
    case 'f': case 'n': case 'r': case 't': case 'v':
      return ['\\' + e, next];
    case 'u': case 'U': case 'x': {
      const digits = e === 'u' ? 4 : e === 'U' ? 8 : Infinity;
      const hex = (HEX.exec(p.slice(next)) ?? [''])[0].slice(0, digits === Infinity ? 8 : digits);
      if (hex === '' || (digits !== Infinity && hex.length !== digits)) throw invalid(p, `invalid escape \\${e} sequence`);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw invalid(p, `invalid escape \\${e} sequence: code point out of range`);
      return [inBracket && code < 0x80 ? literalChar(String.fromCharCode(code), true) : codePointEscape(code), next + hex.length];
    }
    case 'c': {
      const x = p.codePointAt(next);
      if (x === undefined) throw invalid(p, 'invalid escape \\c sequence');
      return [codePointEscape(x & 0x1f), next + (x > 0xffff ? 2 : 1)];
    }
    case '0': {
      const oct = (OCTAL.exec(p.slice(next)) ?? [''])[0];
      return [codePointEscape(oct === '' ? 0 : parseInt(oct, 8)), next + oct.length];
    }
  }
  if (!inBracket) {
    switch (e) {
      case 'm': return ['\\b(?=\\w)', next];
      case 'M': return ['\\b(?<=\\w)', next];
      case 'y': return ['\\b', next];
      case 'Y': return ['\\B', next];
      case 'A': return ['^', next];
      case 'Z': return ['$', next];
    }
    if (e >= '1' && e <= '9') {
      const digits = DIGITS.exec(p.slice(i + 1))![0];
      // The group wraps the reference so a digit after it stays a literal.
      if (digits.length === 1 || Number(digits) <= groupsSoFar) return [`(?:\\${digits})`, i + 1 + digits.length];
      const oct = (OCTAL_ENTRY.exec(digits) ?? [''])[0];
      if (oct === '') throw invalid(p, `invalid escape \\${digits} sequence`);
      return [codePointEscape(parseInt(oct, 8)), i + 1 + oct.length];
    }
  }
  if (/[0-9A-Za-z]/.test(e)) throw invalid(p, `invalid escape \\${e} sequence`);
  const ch = String.fromCodePoint(p.codePointAt(i + 1)!);
  return [literalChar(ch, inBracket), i + 1 + ch.length];
}

/** Translates a bracket expression starting at p[i] ('['); returns [JS class, next index]. */
function translateBracket(p: string, i: number): [string, number] {
  let out = '[';
  let j = i + 1;
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  // A ']' right after '[' or '[^' is a literal member.
  if (p[j] === ']') {
    out += '\\]';
    j++;
  }
  while (j < p.length && p[j] !== ']') {
    const c = p[j]!;
    if (c === '[' && (p[j + 1] === ':' || p[j + 1] === '.' || p[j + 1] === '=')) {
      const kind = p[j + 1]!;
      const end = p.indexOf(kind + ']', j + 2);
      if (end < 0) throw invalid(p, 'brackets [] not balanced');
      const name = p.slice(j + 2, end);
      if (kind === ':') {
        const cls = POSIX_CLASSES[name];
        if (cls === undefined) throw invalid(p, `invalid character class "${name}"`);
        out += cls;
      } else {
        // Collating elements and equivalence classes: only single characters (the "C" locale has no others).
        if ([...name].length !== 1) throw invalid(p, `invalid collating element "${name}"`);
        out += literalChar(name, true);
      }
      j = end + 2;
    } else if (c === '\\') {
      const [text, next] = translateEscape(p, j, true);
      out += text;
      j = next;
    } else {
      out += c === '-' ? c : literalChar(c, true);
      j++;
    }
  }
  if (j >= p.length) throw invalid(p, 'brackets [] not balanced');
  return [out + ']', j + 1];
}

interface Translation {
  readonly source: string;
  readonly groups: number;
  /** Set by a leading embedded option (?i) / (?c); overrides the flags argument. */
  readonly caseInsensitive: boolean | null;
}

function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += literalChar(ch, false);
  return out;
}

/** Translates a PostgreSQL ARE into JS RegExp source (for the flags 'su' plus optional 'i'). */
export function translatePattern(p: string): Translation {
  let i = 0;
  let caseInsensitive: boolean | null = null;
  if (p.startsWith('***=')) return { source: escapeLiteral(p.slice(4)), groups: 0, caseInsensitive };
  if (p.startsWith('***:')) i = 4;
  const options = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(i));
  if (options !== null) {
    for (const o of options[1]!) {
      if (o === 'i') caseInsensitive = true;
      else if (o === 'c') caseInsensitive = false;
      else if (o === 'q') return { source: escapeLiteral(p.slice(i + options[0].length)), groups: 0, caseInsensitive };
      else if (o === 's' || o === 't') continue;
      else if (UNSUPPORTED_OPTIONS.includes(o)) throw new EngineError(SqlState.featureNotSupported, `embedded regular expression option "${o}" is not supported by Freshet (in "${p}")`);
      else throw invalid(p, `invalid embedded option "${o}"`);
    }
    i += options[0].length;
  }
  let out = '';
  let groups = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\') {
      const [text, next] = translateEscape(p, i, false, groups);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = translateBracket(p, i);
      out += text;
      i = next;
    } else if (c === '{') {
      // A bound only when a digit follows; otherwise '{' is an ordinary character.
      if (p[i + 1] !== undefined && p[i + 1]! >= '0' && p[i + 1]! <= '9') {
        BOUND.lastIndex = i;
        const m = BOUND.exec(p);
        if (m === null) throw invalid(p, 'invalid repetition count(s)');
        const lo = Number(m[1]);
        const hi = m[3] === undefined || m[3] === '' ? null : Number(m[3]);
        if (lo > MAX_BOUND || (hi !== null && (hi > MAX_BOUND || hi < lo))) throw invalid(p, 'invalid repetition count(s)');
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{';
        i++;
      }
    } else if (c === '}' || c === ']') {
      out += '\\' + c;
      i++;
    } else if (c === '(') {
      if (p[i + 1] === '?') {
        const look = p.slice(i + 2, i + 4);
        const kind = look[0] === ':' || look[0] === '=' || look[0] === '!' ? look[0] : look === '<=' || look === '<!' ? look : null;
        if (kind === null) throw invalid(p, 'invalid "(?" construct (embedded options are allowed only at the start)');
        out += '(?' + kind;
        i += 2 + kind.length;
      } else {
        groups++;
        out += '(';
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, groups, caseInsensitive };
}

/** JS's message without its own "Invalid regular expression: /.../flags: " prefix. */
function jsReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = message.lastIndexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}

export function compilePattern(pattern: string, flags: RegexFlags): CompiledPattern {
  const t: Translation = flags.literal ? { source: escapeLiteral(pattern), groups: 0, caseInsensitive: null } : translatePattern(pattern);
  const ci = t.caseInsensitive ?? flags.caseInsensitive ?? false;
  try {
    return { re: new RegExp(t.source, ci ? 'gsui' : 'gsu'), groups: t.groups, global: flags.global };
  } catch (err) {
    throw invalid(pattern, jsReason(err));
  }
}

/** Bounds the per-call cache when every row brings its own pattern. */
const MAX_CACHED_PATTERNS = 256;

/**
 * Compiled patterns for one kernel call: a constant pattern column compiles
 * once per batch; the last-used check skips even the map lookup.
 */
export class PatternCache {
  private lastPattern: string | null = null;
  private lastFlags = '';
  private last: CompiledPattern | null = null;
  private readonly byKey = new Map<string, CompiledPattern>();

  constructor(
    private readonly fn: string,
    private readonly allowGlobal: boolean,
  ) {}

  /** The compiled pattern and its parsed flags; throws 2201B / 22023 / 0A000. */
  get(pattern: string, flags: string): CompiledPattern {
    if (pattern === this.lastPattern && flags === this.lastFlags && this.last !== null) return this.last;
    const key = flags + '\u0000' + pattern;
    let compiled = this.byKey.get(key);
    if (compiled === undefined) {
      if (this.byKey.size >= MAX_CACHED_PATTERNS) this.byKey.clear();
      compiled = compilePattern(pattern, parseRegexFlags(flags, this.fn, this.allowGlobal));
      this.byKey.set(key, compiled);
    }
    this.lastPattern = pattern;
    this.lastFlags = flags;
    this.last = compiled;
    return compiled;
  }
}

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

/** A strict text kernel whose result may also be NULL where all inputs are valid. */
function nullableText(args: readonly Column[], n: number, fn: (row: number) => string | null): Column {
  const inputValidity = strictValidity(args, n);
  const validity = inputValidity === null ? allValid(n) : inputValidity.slice();
  const values = new Array<string>(n).fill('');
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const v = fn(i);
    if (v === null) setNull(validity, i);
    else values[i] = v;
  }
  return result('text', values, validity, n);
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

/** Functions that return text[] in PostgreSQL: a clear error until Freshet has arrays. */
function needsArrays(name: string, instead: string): FunctionDef {
  return {
    name,
    minArgs: 0,
    maxArgs: Infinity,
    resolve() {
      throw new EngineError(SqlState.featureNotSupported, `${name} returns an array, and Freshet has no array type yet; ${instead}`);
    },
  };
}

export const regexpFunctions: readonly FunctionDef[] = [
  regexpReplace,
  regexDef('regexp_like', ['t', 't', 't'], 2, 'boolean', likeImpl),
  regexDef('regexp_count', ['t', 't', 'i', 't'], 2, 'integer', countImpl),
  regexDef('regexp_substr', ['t', 't', 'i', 'i', 't', 'i'], 2, 'text', substrImpl),
  regexDef('regexp_instr', ['t', 't', 'i', 'i', 'i', 't', 'i'], 2, 'integer', instrImpl),
  needsArrays('regexp_match', 'use regexp_substr(string, pattern, 1, 1, flags, n) for the n-th capture group, or regexp_like to test'),
  needsArrays('regexp_matches', 'use regexp_substr(string, pattern, 1, k, flags, n) for group n of the k-th match, or regexp_count'),
  needsArrays('regexp_split_to_array', 'use split_part for a fixed delimiter'),
  needsArrays('regexp_split_to_table', 'use split_part for a fixed delimiter'),
];
