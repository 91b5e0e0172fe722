// BYTEA's text forms. A bytea value is stored as lowercase hex digits without
// the `\x` prefix (sql-type.ts); this reads PostgreSQL's two input forms, hex
// (`\x3132`, whitespace allowed between digit pairs) and escape (`abc`, `\\`,
// octal `\101`), and prints the hex output form (`\x3132`). Errors carry
// PostgreSQL's SQLSTATEs and messages.

import { EngineError, SqlState } from '../common/errors.js';

const BACKSLASH = 0x5c;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function isHexSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Hex digits (either case, whitespace between pairs) from `start` on, as stored hex. */
export function decodeHexDigits(text: string, start: number): string {
  let out = '';
  let i = start;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isHexSpace(c)) {
      i++;
      continue;
    }
    const hi = hexValue(c);
    if (hi < 0) throw new EngineError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${text[i]}"`);
    if (i + 1 >= n) throw new EngineError(SqlState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
    const lo = hexValue(text.charCodeAt(i + 1));
    if (lo < 0) throw new EngineError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${text[i + 1]}"`);
    out += HEX[hi]! + HEX[lo]!;
    i += 2;
  }
  return out;
}

const HEX = '0123456789abcdef';

function byteHex(b: number): string {
  return HEX[b >>> 4]! + HEX[b & 15]!;
}

/** The UTF-8 bytes of a string, as stored hex. */
export function utf8Hex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

function isOctal(c: number, max = 0x37): boolean {
  return c >= 0x30 && c <= max;
}

/**
 * The escape form: `\\` is one backslash, `\ooo` one byte in octal (first digit
 * 0-3), any other character its UTF-8 bytes; any other backslash is an error.
 */
export function decodeEscape(text: string): string {
  let out = '';
  let runStart = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    out += utf8Hex(text.slice(runStart, i));
    const c1 = text.charCodeAt(i + 1);
    if (c1 === BACKSLASH) {
      out += '5c';
      i += 1;
    } else if (isOctal(c1, 0x33) && isOctal(text.charCodeAt(i + 2)) && isOctal(text.charCodeAt(i + 3))) {
      out += byteHex(((c1 - 0x30) << 6) | ((text.charCodeAt(i + 2) - 0x30) << 3) | (text.charCodeAt(i + 3) - 0x30));
      i += 3;
    } else {
      throw new EngineError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
    runStart = i + 1;
  }
  return out + utf8Hex(text.slice(runStart));
}

/** BYTEA input: `\x` then hex digits, or else the escape form. Returns stored hex. */
export function parseBytea(text: string): string {
  if (text.charCodeAt(0) === BACKSLASH && (text.charCodeAt(1) | 0x20) === 0x78) return decodeHexDigits(text, 2);
  return decodeEscape(text);
}

/** BYTEA output (bytea_output = hex). */
export function formatBytea(hex: string): string {
  return '\\x' + hex;
}

/** The escape output form (encode(..., 'escape')): NUL and bytes >= 0x80 as \ooo, backslash doubled. */
export function encodeEscape(hex: string): string {
  let out = '';
  for (let i = 0; i < hex.length; i += 2) {
    const b = (hexValue(hex.charCodeAt(i)) << 4) | hexValue(hex.charCodeAt(i + 1));
    if (b === 0 || b >= 0x80) out += '\\' + b.toString(8).padStart(3, '0');
    else if (b === BACKSLASH) out += '\\\\';
    else out += String.fromCharCode(b);
  }
  return out;
}

/** Number of bytes of a stored bytea. */
export function byteaLength(hex: string): number {
  return hex.length >>> 1;
}
