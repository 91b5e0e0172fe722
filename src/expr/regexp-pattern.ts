// PostgreSQL regular expressions (POSIX AREs) translated to JS RegExp: flags,
// the translation and a small cache of compiled patterns. The translation
// promises PostgreSQL's meaning for the common syntax: `.` and `[^...]` match
// newlines, `^`/`$` anchor the whole string, `\m \M \y \Y \A \Z`
// constraints, `[[:class:]]`, `]` first in a bracket, a literal `{`,
// PostgreSQL's character-entry escapes, `***=` and leading `(?i)` options.
// Classes are ASCII (the "C" locale). Matching is JS's leftmost-first, not
// POSIX leftmost-longest.

import { EngineError, SqlState } from '../common/errors.js';

/** PostgreSQL's invalid_regular_expression. */
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
