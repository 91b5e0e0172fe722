// String functions. Lengths and positions count code points, as PostgreSQL
// counts characters; the fast path applies when a string has no surrogate
// pairs (then code units and code points coincide).

import { EngineError, SqlState } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import { isValid } from '../../columnar/validity.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows, result } from '../kernel-util.js';
import type { SqlType } from '../../common/sql-type.js';
import { resolveJsonConcat } from './json-functions.js';
import { resolveArrayConcat } from './array-functions.js';
import { resolveByteaConcat, resolveByteaLength } from './bytea-functions.js';
import { regexSubstringImpl } from './regexp.js';

function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

function chars(s: string): string[] | string {
  return hasSurrogates(s) ? Array.from(s) : s;
}

export function charLength(s: string): number {
  return hasSurrogates(s) ? Array.from(s).length : s.length;
}

/** PostgreSQL substr: 1-based start; characters before position 1 count against the length. */
export function substring(s: string, start: number, length: number | null): string {
  if (length !== null && length < 0) {
    throw new EngineError(SqlState.substringError, 'negative substring length not allowed');
  }
  const cs = chars(s);
  const end = length === null ? cs.length : start + length - 1; // inclusive, 1-based
  const from = Math.max(start, 1);
  if (end < from) return '';
  const slice = cs.slice(from - 1, end);
  return typeof slice === 'string' ? slice : slice.join('');
}

/**
 * upper()/lower() character by character, as PostgreSQL does: a character whose
 * JS case mapping expands (ß -> SS, ŉ -> ʼN) is left as it is.
 */
function changeCase(s: string, upper: boolean): string {
  const whole = upper ? s.toUpperCase() : s.toLowerCase();
  if (whole.length === s.length) return whole;
  let out = '';
  for (const ch of s) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += mapped.length === ch.length ? mapped : ch;
  }
  return out;
}

function textDef(name: string, argTypes: readonly SqlType[], resultType: SqlType, impl: FunctionImpl, optional = 0): FunctionDef {
  return {
    name,
    minArgs: argTypes.length - optional,
    maxArgs: argTypes.length,
    resolve(given: readonly ArgType[]) {
      return fixed(argTypes.slice(0, given.length), resultType, impl);
    },
  };
}

const concatOp: FunctionImpl = (args, n) => {
  const [a, b] = args as [Column, Column];
  return mapRows(args, n, 'text', (i) => str(a)[i]! + str(b)[i]!);
};

/** concat(...): NULL arguments are skipped, never NULL itself. */
const concat: FunctionImpl = (args, n) => {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let s = '';
    for (const a of args) if (isValid(a.validity, i)) s += (a.values as string[])[i]!;
    out[i] = s;
  }
  return result('text', out, null, n);
};

function trimChars(mode: 'both' | 'leading' | 'trailing'): FunctionImpl {
  return (args, n) => {
    const s = str(args[0]!);
    const set = args[1] === undefined ? null : str(args[1]);
    return mapRows(args, n, 'text', (i) => {
      const chars = set === null ? ' ' : set[i]!;
      let from = 0;
      let to = s[i]!.length;
      const v = s[i]!;
      if (mode !== 'trailing') while (from < to && chars.includes(v[from]!)) from++;
      if (mode !== 'leading') while (to > from && chars.includes(v[to - 1]!)) to--;
      return v.slice(from, to);
    });
  };
}

const substr: FunctionImpl = (args, n) => {
  const s = str(args[0]!);
  const start = args[1]!.values as ArrayLike<number>;
  const len = args[2];
  return mapRows(args, n, 'text', (i) => substring(s[i]!, start[i]!, len === undefined ? null : (len.values as ArrayLike<number>)[i]!));
};

const position: FunctionImpl = (args, n) => {
  const needle = str(args[0]!);
  const hay = str(args[1]!);
  return mapRows(args, n, 'integer', (i) => {
    const at = hay[i]!.indexOf(needle[i]!);
    return at < 0 ? 0 : charLength(hay[i]!.slice(0, at)) + 1;
  });
};

const leftRight = (fromLeft: boolean): FunctionImpl => (args, n) => {
  const s = str(args[0]!);
  const k = args[1]!.values as ArrayLike<number>;
  return mapRows(args, n, 'text', (i) => {
    const cs = Array.from(s[i]!);
    const count = k[i]!;
    const take = count >= 0 ? Math.min(count, cs.length) : Math.max(cs.length + count, 0);
    return (fromLeft ? cs.slice(0, take) : cs.slice(cs.length - take)).join('');
  });
};

const textLength = textDef('length', ['text'], 'integer', (a, n) => mapRows(a, n, 'integer', (i) => charLength(str(a[0]!)[i]!)));

export const textFunctions: readonly FunctionDef[] = [
  {
    name: 'concat_op',
    minArgs: 2,
    maxArgs: 2,
    resolve: (t) => resolveJsonConcat(t) ?? resolveArrayConcat(t) ?? resolveByteaConcat(t) ?? fixed(['text', 'text'], 'text', concatOp),
  },
  {
    name: 'concat',
    minArgs: 1,
    maxArgs: Infinity,
    resolve: (t) => fixed(t.map(() => 'text'), 'text', concat),
  },
  textDef('lower', ['text'], 'text', (a, n) => mapRows(a, n, 'text', (i) => changeCase(str(a[0]!)[i]!, false))),
  textDef('upper', ['text'], 'text', (a, n) => mapRows(a, n, 'text', (i) => changeCase(str(a[0]!)[i]!, true))),
  {
    ...textLength,
    // length(bytea) counts bytes (one def serves the aliases too, so char_length(bytea) also counts bytes).
    resolve: (t) => resolveByteaLength(t) ?? textLength.resolve(t),
    aliases: ['char_length', 'character_length'],
  },
  textDef('substr', ['text', 'integer', 'integer'], 'text', substr, 1),
  {
    name: 'substring',
    minArgs: 2,
    maxArgs: 3,
    resolve(given) {
      const [, second, third] = given;
      const textual = (t: ArgType | undefined): boolean => t === 'text' || t === 'unknown';
      // substring(s FROM pattern): a text second argument (an untyped literal too: PostgreSQL prefers text) is a POSIX regex.
      if (given.length === 2 && textual(second)) return fixed(['text', 'text'], 'text', regexSubstringImpl);
      if (given.length === 3 && textual(second) && textual(third) && (second === 'text' || third !== 'integer')) {
        throw new EngineError(SqlState.featureNotSupported, 'substring(string FROM pattern FOR escape) (SQL SIMILAR TO patterns) is not supported; use substring(string FROM posix_pattern)');
      }
      return fixed(['text', 'integer', 'integer'].slice(0, given.length) as SqlType[], 'text', substr);
    },
  },
  { ...textDef('btrim', ['text', 'text'], 'text', trimChars('both'), 1), aliases: ['trim'] },
  textDef('ltrim', ['text', 'text'], 'text', trimChars('leading'), 1),
  textDef('rtrim', ['text', 'text'], 'text', trimChars('trailing'), 1),
  textDef('replace', ['text', 'text', 'text'], 'text', (a, n) =>
    mapRows(a, n, 'text', (i) => {
      const from = str(a[1]!)[i]!;
      return from === '' ? str(a[0]!)[i]! : str(a[0]!)[i]!.split(from).join(str(a[2]!)[i]!);
    })),
  textDef('position', ['text', 'text'], 'integer', position),
  {
    ...textDef('strpos', ['text', 'text'], 'integer', (a, n) => position([a[1]!, a[0]!], n, 'integer')),
  },
  textDef('left', ['text', 'integer'], 'text', leftRight(true)),
  textDef('right', ['text', 'integer'], 'text', leftRight(false)),
  textDef('starts_with', ['text', 'text'], 'boolean', (a, n) => mapRows(a, n, 'boolean', (i) => str(a[0]!)[i]!.startsWith(str(a[1]!)[i]!))),
  textDef('reverse', ['text'], 'text', (a, n) => mapRows(a, n, 'text', (i) => Array.from(str(a[0]!)[i]!).reverse().join(''))),
  textDef('split_part', ['text', 'text', 'integer'], 'text', (a, n) =>
    mapRows(a, n, 'text', (i) => splitPart(str(a[0]!)[i]!, str(a[1]!)[i]!, (a[2]!.values as Int32Array)[i]!))),
  textDef('lpad', ['text', 'integer', 'text'], 'text', pad(true), 1),
  textDef('rpad', ['text', 'integer', 'text'], 'text', pad(false), 1),
  textDef('repeat', ['text', 'integer'], 'text', (a, n) =>
    mapRows(a, n, 'text', (i) => {
      const times = (a[1]!.values as Int32Array)[i]!;
      const s = str(a[0]!)[i]!;
      if (times > 0 && s.length * times > MAX_TEXT_LENGTH) throw tooLong('repeat');
      return times > 0 ? s.repeat(times) : '';
    })),
  textDef('ascii', ['text'], 'integer', (a, n) => mapRows(a, n, 'integer', (i) => str(a[0]!)[i]!.codePointAt(0) ?? 0)),
  textDef('chr', ['integer'], 'text', (a, n) =>
    mapRows(a, n, 'text', (i) => {
      const code = (a[0]!.values as Int32Array)[i]!;
      if (code === 0) throw new EngineError(SqlState.programLimitExceeded, 'null character not permitted');
      if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw new EngineError(SqlState.invalidParameterValue, `requested character not valid for encoding: ${code}`);
      }
      return String.fromCodePoint(code);
    })),
  textDef('initcap', ['text'], 'text', (a, n) => mapRows(a, n, 'text', (i) => initcap(str(a[0]!)[i]!))),
];

/** The longest text a function may build (PostgreSQL's limit is 1 GB; a JS string's is lower). */
const MAX_TEXT_LENGTH = 256 * 1024 * 1024;

function tooLong(fn: string): EngineError {
  return new EngineError(SqlState.programLimitExceeded, `${fn}: result would be longer than ${MAX_TEXT_LENGTH} characters`);
}

/** split_part: the n-th field (1-based; negative counts from the end, as in PostgreSQL 14+). */
function splitPart(s: string, delimiter: string, field: number): string {
  if (field === 0) throw new EngineError(SqlState.invalidParameterValue, 'field position must not be zero');
  if (delimiter === '') return field === 1 || field === -1 ? s : '';
  const parts = s.split(delimiter);
  const at = field > 0 ? field - 1 : parts.length + field;
  return parts[at] ?? '';
}

/** lpad/rpad: pad to `length` characters with `fill` (default a space), or cut down to it. */
function pad(left: boolean): FunctionImpl {
  return (args, n) =>
    mapRows(args, n, 'text', (i) => {
      const cs = Array.from(str(args[0]!)[i]!);
      const length = (args[1]!.values as Int32Array)[i]!;
      if (length <= 0) return '';
      if (length > MAX_TEXT_LENGTH) throw tooLong(left ? 'lpad' : 'rpad');
      if (cs.length >= length) return cs.slice(0, length).join('');
      const fill = Array.from(args[2] === undefined ? ' ' : str(args[2])[i]!);
      if (fill.length === 0) return cs.join('');
      const padding: string[] = [];
      for (let k = 0; padding.length < length - cs.length; k++) padding.push(fill[k % fill.length]!);
      return left ? padding.join('') + cs.join('') : cs.join('') + padding.join('');
    });
}

/** initcap: the first letter of each run of letters and digits upper-cased, the rest lower-cased. */
function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    const mapped = alnum ? (inWord ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    out += mapped.length === ch.length ? mapped : ch;
    inWord = alnum;
  }
  return out;
}

