// BYTEA functions over values stored as hex (sql-type.ts): length and
// octet_length, || (resolveByteaConcat), encode(bytea, 'hex'|'base64'|'escape')
// and decode(text, format). Comparisons need nothing here: the hex text's
// code-point order is the bytes' order, so comparison.ts's string order serves.

import { EngineError, SqlState } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import { byteaLength, decodeEscape, decodeHexDigits, encodeEscape } from '../../columnar/bytea-text.js';
import type { ArgType, FunctionDef, FunctionImpl, ResolvedFunction } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows } from '../kernel-util.js';

/** PostgreSQL breaks base64 output into lines of this many characters. */
const BASE64_LINE = 76;

function encodeBase64(hex: string): string {
  const b64 = Buffer.from(hex, 'hex').toString('base64');
  // PostgreSQL ends a line after every BASE64_LINE characters, the last one included.
  let out = '';
  for (let i = 0; i < b64.length; i += BASE64_LINE) {
    const line = b64.slice(i, i + BASE64_LINE);
    out += line.length === BASE64_LINE ? line + '\n' : line;
  }
  return out;
}

const BASE64_CHAR = /^[A-Za-z0-9+/]$/;

/** base64 text to hex: whitespace is skipped; bad symbols, misplaced '=' and bad endings are 22023, as in PostgreSQL. */
function decodeBase64(text: string): string {
  let digits = '';
  let padding = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (ch === '=') {
      padding++;
      continue;
    }
    if (padding > 0 || !BASE64_CHAR.test(ch)) {
      throw new EngineError(SqlState.invalidParameterValue, ch === '=' || padding > 0 ? 'unexpected "=" while decoding base64 sequence' : `invalid symbol "${ch}" found while decoding base64 sequence`);
    }
    digits += ch;
  }
  const rest = digits.length % 4;
  if (rest === 1 || (padding > 0 && (rest + padding) % 4 !== 0) || padding > 2) {
    throw new EngineError(SqlState.invalidParameterValue, 'invalid base64 end sequence');
  }
  return Buffer.from(digits, 'base64').toString('hex');
}

function unknownEncoding(name: string): EngineError {
  return new EngineError(SqlState.invalidParameterValue, `unrecognized encoding: "${name}"; expected hex, base64 or escape`);
}

const encode: FunctionImpl = (args, n) => {
  const data = str(args[0]!);
  const format = str(args[1]!);
  return mapRows(args, n, 'text', (i) => {
    switch (format[i]!.toLowerCase()) {
      case 'hex':
        return data[i]!;
      case 'base64':
        return encodeBase64(data[i]!);
      case 'escape':
        return encodeEscape(data[i]!);
      default:
        throw unknownEncoding(format[i]!);
    }
  });
};

const decode: FunctionImpl = (args, n) => {
  const text = str(args[0]!);
  const format = str(args[1]!);
  return mapRows(args, n, 'bytea', (i) => {
    switch (format[i]!.toLowerCase()) {
      case 'hex':
        return decodeHexDigits(text[i]!, 0);
      case 'base64':
        return decodeBase64(text[i]!);
      case 'escape':
        return decodeEscape(text[i]!);
      default:
        throw unknownEncoding(format[i]!);
    }
  });
};

const byteCount: FunctionImpl = (args, n) => {
  const data = str(args[0]!);
  return mapRows(args, n, 'integer', (i) => byteaLength(data[i]!));
};

const concat: FunctionImpl = (args, n) => {
  const [a, b] = args as [Column, Column];
  return mapRows(args, n, 'bytea', (i) => str(a)[i]! + str(b)[i]!);
};

/** bytea || bytea (an untyped side is read as bytea); null for other operands. */
export function resolveByteaConcat(given: readonly ArgType[]): ResolvedFunction | null {
  const [l, r] = given;
  const ok = (l === 'bytea' && (r === 'bytea' || r === 'unknown')) || (l === 'unknown' && r === 'bytea');
  return ok ? fixed(['bytea', 'bytea'], 'bytea', concat) : null;
}

/** length(bytea): its byte count; null for other arguments (text.ts's length takes those). */
export function resolveByteaLength(given: readonly ArgType[]): ResolvedFunction | null {
  return given.length === 1 && given[0] === 'bytea' ? fixed(['bytea'], 'integer', byteCount) : null;
}

function isTextual(t: ArgType | undefined): boolean {
  return t === 'text' || t === 'unknown';
}

export const byteaFunctions: readonly FunctionDef[] = [
  {
    name: 'octet_length',
    minArgs: 1,
    maxArgs: 1,
    resolve([t]) {
      if (t === 'bytea') return fixed(['bytea'], 'integer', byteCount);
      if (!isTextual(t)) return null;
      // Text is UTF-8 in PostgreSQL: its octets are its UTF-8 bytes.
      return fixed(['text'], 'integer', (args, n) => mapRows(args, n, 'integer', (i) => Buffer.byteLength(str(args[0]!)[i]!, 'utf8')));
    },
  },
  {
    name: 'encode',
    minArgs: 2,
    maxArgs: 2,
    resolve: ([data, format]) => ((data === 'bytea' || data === 'unknown') && isTextual(format) ? fixed(['bytea', 'text'], 'text', encode) : null),
  },
  {
    name: 'decode',
    minArgs: 2,
    maxArgs: 2,
    resolve: ([text, format]) => (isTextual(text) && isTextual(format) ? fixed(['text', 'text'], 'bytea', decode) : null),
  },
];
