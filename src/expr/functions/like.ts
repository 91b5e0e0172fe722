// LIKE and ILIKE. A pattern compiles once to an anchored RegExp and is cached,
// so a constant pattern costs one compile per batch, not per row.
// `%` matches any run, `_` one character, the escape character (default `\`)
// makes the next character literal.

import { EngineError, SqlState } from '../../common/errors.js';
import { str } from '../../columnar/column.js';
import type { FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows } from '../kernel-util.js';

const MAX_CACHED_PATTERNS = 256;

export function likeToRegExp(pattern: string, escape: string, caseInsensitive: boolean): RegExp {
  if (escape.length > 1) {
    throw new EngineError(SqlState.invalidEscapeCharacter, `invalid escape string "${escape}": it must be empty or one character`);
  }
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== '' && c === escape) {
      const next = pattern[++i];
      if (next === undefined) {
        throw new EngineError(SqlState.invalidEscapeSequence, 'LIKE pattern must not end with escape character');
      }
      source += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(source + '$', caseInsensitive ? 'isu' : 'su');
}

function likeImpl(caseInsensitive: boolean): FunctionImpl {
  const cache = new Map<string, RegExp>();
  return (args, n) => {
    const s = str(args[0]!);
    const p = str(args[1]!);
    const e = args[2] === undefined ? null : str(args[2]);
    return mapRows(args, n, 'boolean', (i) => {
      const escape = e === null ? '\\' : e[i]!;
      const key = escape + '\u0000' + p[i]!;
      let re = cache.get(key);
      if (re === undefined) {
        if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
        re = likeToRegExp(p[i]!, escape, caseInsensitive);
        cache.set(key, re);
      }
      return re.test(s[i]!);
    });
  };
}

function likeDef(name: string, caseInsensitive: boolean): FunctionDef {
  const impl = likeImpl(caseInsensitive);
  return {
    name,
    minArgs: 2,
    maxArgs: 3,
    resolve(argTypes) {
      if (!argTypes.every((t) => t === 'text' || t === 'unknown')) return null;
      return fixed(argTypes.map(() => 'text'), 'boolean', impl);
    },
  };
}

export const likeFunctions: readonly FunctionDef[] = [likeDef('like', false), likeDef('ilike', true)];
