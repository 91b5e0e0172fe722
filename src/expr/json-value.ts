// JSONB values as canonical text. Input is parsed once and printed the way
// PostgreSQL prints jsonb: object keys ordered by byte length and then by
// bytes, duplicate keys keeping the last value, ', ' and ': ' separators,
// numbers in numeric's plain form ('1e2' -> 100, '1.50' stays 1.50), strings
// re-escaped minimally. Equal jsonb values are therefore equal strings, so
// grouping, hashing and = work on the text. Reading a canonical text (->, #>,
// jsonb_typeof) scans it in place: any sub-value's text is canonical too.

import { EngineError, SqlState } from '../common/errors.js';
import { compareText } from './functions/comparison.js';

function invalidJson(text: string, detail: string): EngineError {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type json: "${shown}" (${detail})`);
}

/** Parses JSON text and returns jsonb's canonical text; throws 22P02 on bad input. */
export function canonicalJson(text: string): string {
  const p = new Canonicalizer(text);
  p.ws();
  const out = p.value();
  p.ws();
  if (p.at < text.length) throw invalidJson(text, `unexpected "${text[p.at]}" after the value at character ${p.at + 1}`);
  return out;
}

/** UTF-8 byte length, for PostgreSQL's key order (shorter keys first). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function compareKeys(a: string, b: string): number {
  const la = utf8Length(a);
  const lb = utf8Length(b);
  // Code point order is UTF-8 byte order.
  return la !== lb ? la - lb : compareText(a, b);
}

/** A JSON string literal as PostgreSQL's jsonb prints it. */
export function quoteJson(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c < 0x20) {
      esc = c === 8 ? '\\b' : c === 12 ? '\\f' : c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : `\\u${c.toString(16).padStart(4, '0')}`;
    }
    if (esc !== null) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A JSON number in numeric's output form: no exponent, scale kept ('1.50'), '-0' as 0. */
export function canonicalNumber(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return text;
  const negative = m[1] === '-';
  const intDigits = m[2]!;
  const frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  const scale = Math.max(0, frac.length - exp);
  if (exp === 0 && (intDigits.length === 1 || intDigits[0] !== '0')) {
    const plain = frac.length > 0 ? `${intDigits}.${frac}` : intDigits;
    return negative && /[1-9]/.test(plain) ? `-${plain}` : plain;
  }
  // Shift the decimal point by the exponent over the whole digit string.
  const digits = intDigits + frac;
  const point = intDigits.length + exp;
  let whole: string;
  let fraction: string;
  if (point <= 0) {
    whole = '0';
    fraction = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.length > scale ? fraction.slice(0, scale) : fraction.padEnd(scale, '0');
  const plain = scale > 0 ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(plain) ? `-${plain}` : plain;
}

class Canonicalizer {
  at = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.at++;
      else break;
    }
  }

  private fail(detail: string): never {
    throw invalidJson(this.text, detail);
  }

  value(): string {
    const t = this.text;
    if (this.at >= t.length) this.fail('the input ends where a value was expected');
    const c = t[this.at]!;
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return quoteJson(this.string());
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.at;
      const m = NUMBER.exec(t);
      if (m === null) this.fail(`bad number at character ${this.at + 1}`);
      this.at += m[0].length;
      return canonicalNumber(m[0]);
    }
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, this.at)) {
        this.at += word.length;
        return word;
      }
    }
    return this.fail(`unexpected "${c}" at character ${this.at + 1}`);
  }

  private enter(): void {
    // Deep nesting would overflow the JS stack; PostgreSQL limits depth as well.
    if (++this.depth > 1000) this.fail('nested too deeply (over 1000 levels)');
  }

  private object(): string {
    this.enter();
    this.at++;
    this.ws();
    const keys: string[] = [];
    const values = new Map<string, string>();
    if (this.text[this.at] === '}') {
      this.at++;
      this.depth--;
      return '{}';
    }
    for (;;) {
      this.ws();
      if (this.text[this.at] !== '"') this.fail(`expected a string key at character ${this.at + 1}`);
      const key = this.string();
      this.ws();
      if (this.text[this.at] !== ':') this.fail(`expected ":" at character ${this.at + 1}`);
      this.at++;
      this.ws();
      const v = this.value();
      if (!values.has(key)) keys.push(key);
      values.set(key, v); // the last duplicate wins, as in jsonb
      this.ws();
      const c = this.text[this.at];
      this.at++;
      if (c === '}') break;
      if (c !== ',') this.fail(`expected "," or "}" at character ${this.at}`);
    }
    this.depth--;
    keys.sort(compareKeys);
    return '{' + keys.map((k) => `${quoteJson(k)}: ${values.get(k)!}`).join(', ') + '}';
  }

  private array(): string {
    this.enter();
    this.at++;
    this.ws();
    const items: string[] = [];
    if (this.text[this.at] === ']') {
      this.at++;
      this.depth--;
      return '[]';
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.text[this.at];
      this.at++;
      if (c === ']') break;
      if (c !== ',') this.fail(`expected "," or "]" at character ${this.at}`);
    }
    this.depth--;
    return '[' + items.join(', ') + ']';
  }

  /** Reads a string literal at `at` and returns its decoded value. */
  string(): string {
    const t = this.text;
    this.at++;
    let out = '';
    let from = this.at;
    for (;;) {
      if (this.at >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.at);
      if (c === 0x22) break;
      if (c < 0x20) this.fail(`control character in a string at character ${this.at + 1}; escape it`);
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      out += t.slice(from, this.at);
      const e = t[this.at + 1];
      this.at += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = t.slice(this.at, this.at + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad \\u escape at character ${this.at - 1}`);
          const code = parseInt(hex, 16);
          if (code === 0) throw new EngineError(SqlState.invalidTextRepresentation, 'unsupported Unicode escape sequence: \\u0000 cannot be converted to text');
          out += String.fromCharCode(code);
          this.at += 4;
          break;
        }
        default:
          this.fail(`bad escape "\\${e ?? ''}" at character ${this.at - 1}`);
      }
      from = this.at;
    }
    out += t.slice(from, this.at);
    this.at++;
    return out;
  }
}

// ---- Reading canonical text in place (no parse tree) ----

/** The end (exclusive) of the canonical value starting at `at`. */
export function skipValue(t: string, at: number): number {
  const c = t.charCodeAt(at);
  if (c === 0x22) return skipString(t, at);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let i = at;
    while (i < t.length) {
      const d = t.charCodeAt(i);
      if (d === 0x22) {
        i = skipString(t, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  let i = at;
  while (i < t.length) {
    const d = t.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d) break;
    i++;
  }
  return i;
}

function skipString(t: string, at: number): number {
  let i = at + 1;
  while (i < t.length) {
    const d = t.charCodeAt(i);
    if (d === 0x5c) i += 2;
    else if (d === 0x22) return i + 1;
    else i++;
  }
  return i;
}

/** The decoded value of a canonical string literal (only the escapes quoteJson writes). */
export function unquoteJson(lit: string): string {
  const inner = lit.slice(1, -1);
  if (!inner.includes('\\')) return inner;
  return inner.replace(/\\(["\\bfnrt]|u[0-9a-f]{4})/g, (_, e: string) => {
    switch (e) {
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      default: return String.fromCharCode(parseInt(e.slice(1), 16));
    }
  });
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function jsonKind(t: string): JsonKind {
  const c = t[0];
  if (c === '{') return 'object';
  if (c === '[') return 'array';
  if (c === '"') return 'string';
  if (c === 't' || c === 'f') return 'boolean';
  if (c === 'n') return 'null';
  return 'number';
}

/** Object member by key; null when `t` is not an object or lacks the key. */
export function memberByKey(t: string, key: string): string | null {
  return memberByQuotedKey(t, quoteJson(key));
}

/**
 * memberByKey with the key already quoted as canonical text writes it. For
 * performance: keys are compared in place (equal keys have equal quoted
 * forms), so a lookup allocates only its result.
 */
export function memberByQuotedKey(t: string, quoted: string): string | null {
  if (t.charCodeAt(0) !== 0x7b) return null;
  let i = 1;
  while (i < t.length && t.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(t, i);
    const valueStart = keyEnd + 2; // ': '
    const valueEnd = skipValue(t, valueStart);
    if (keyEnd - i === quoted.length && t.startsWith(quoted, i)) return t.slice(valueStart, valueEnd);
    i = valueEnd + 2; // ', '
  }
  return null;
}

/** The start offsets of an array's elements; null when `t` is not an array. */
function elementStarts(t: string): number[] | null {
  if (t.charCodeAt(0) !== 0x5b) return null;
  const starts: number[] = [];
  let i = 1;
  if (t.charCodeAt(1) === 0x5d) return starts;
  while (i < t.length) {
    starts.push(i);
    i = skipValue(t, i) + 2; // ', '
  }
  return starts;
}

/** Array element by index (negative counts from the end); null when absent or not an array. */
export function elementAt(t: string, index: number): string | null {
  const starts = elementStarts(t);
  if (starts === null) return null;
  const k = index < 0 ? starts.length + index : index;
  if (k < 0 || k >= starts.length) return null;
  return t.slice(starts[k]!, skipValue(t, starts[k]!));
}

export function arrayLength(t: string): number | null {
  const starts = elementStarts(t);
  return starts === null ? null : starts.length;
}

/** Follows a path of keys (or array indexes written as integers); null when any step is missing. */
export function followPath(t: string, path: readonly string[]): string | null {
  let cur: string | null = t;
  for (const step of path) {
    if (cur === null) return null;
    if (cur.charCodeAt(0) === 0x5b) {
      if (!/^\s*-?\d+\s*$/.test(step)) return null;
      cur = elementAt(cur, Number(step));
    } else cur = memberByQuotedKey(cur, quoteJson(step));
  }
  return cur;
}

/** The text ->> gives: a string's value, NULL for JSON null, other values' text. */
export function jsonText(t: string): string | null {
  const c = t.charCodeAt(0);
  if (c === 0x22) return unquoteJson(t);
  if (c === 0x6e) return null;
  return t;
}

/** A text[] literal '{a,b,"c d"}' as a path (PostgreSQL array input syntax, one dimension). */
export function parseTextArray(text: string): string[] {
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) {
    throw new EngineError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}" (a path is written '{key,key,...}')`);
  }
  const out: string[] = [];
  const body = s.slice(1, -1);
  if (body.trim() === '') return out;
  let i = 0;
  while (i <= body.length) {
    while (body[i] === ' ') i++;
    let item = '';
    if (body[i] === '"') {
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        item += body[i] ?? '';
        i++;
      }
      if (body[i] !== '"') throw new EngineError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}" (unterminated quote)`);
      i++;
      while (body[i] === ' ') i++;
    } else {
      const end = body.indexOf(',', i);
      item = (end < 0 ? body.slice(i) : body.slice(i, end)).trim();
      if (item === '' || item.includes('{') || item.includes('"')) {
        throw new EngineError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`);
      }
      i = end < 0 ? body.length : end;
    }
    out.push(item);
    if (i >= body.length) break;
    if (body[i] !== ',') throw new EngineError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`);
    i++;
  }
  return out;
}

/** jsonb cast to boolean or a number: only from a JSON boolean or number (22023 otherwise, as PostgreSQL). */
export function jsonbToScalar(t: string, to: string): number | boolean | string {
  const kind = jsonKind(t);
  if (to === 'boolean') {
    if (kind === 'boolean') return t === 'true';
  } else if (kind === 'number' && to === 'numeric') {
    // A JSON number's text is NUMERIC input already (exact, scale kept).
    return t;
  } else if (kind === 'number') {
    const x = Number(t);
    if (to === 'double') return x;
    const r = x < 0 ? -Math.round(-x) : Math.round(x); // numeric rounds half away from zero
    if (to === 'integer' && (r > 2147483647 || r < -2147483648)) throw new EngineError(SqlState.numericValueOutOfRange, 'integer out of range');
    if (to === 'bigint' && !Number.isSafeInteger(r)) throw new EngineError(SqlState.numericValueOutOfRange, 'bigint out of range (Freshet keeps BIGINT exact within ±2^53)');
    return r;
  }
  const target = to === 'double' ? 'double precision' : to;
  // PostgreSQL names a JSON number 'numeric' here.
  throw new EngineError(SqlState.invalidParameterValue, `cannot cast jsonb ${kind === 'number' ? 'numeric' : kind} to type ${target}`);
}

/** An object's members as [key, canonical value text] in canonical order. */
export function objectMembers(t: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 1;
  while (i < t.length && t.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(t, i);
    const valueStart = keyEnd + 2;
    const valueEnd = skipValue(t, valueStart);
    out.push([unquoteJson(t.slice(i, keyEnd)), t.slice(valueStart, valueEnd)]);
    i = valueEnd + 2;
  }
  return out;
}

/** An array's elements as canonical texts. */
export function arrayElements(t: string): string[] {
  const starts = elementStarts(t);
  return starts === null ? [] : starts.map((s) => t.slice(s, skipValue(t, s)));
}

/**
 * jsonb || jsonb: two objects merge (the right one's value wins on a shared
 * key); otherwise both sides are arrays, a non-array becoming a one-element array.
 */
export function concatJson(a: string, b: string): string {
  const ka = jsonKind(a);
  const kb = jsonKind(b);
  if (ka === 'object' && kb === 'object') {
    const merged = new Map<string, string>(objectMembers(a));
    for (const [k, v] of objectMembers(b)) merged.set(k, v);
    const keys = [...merged.keys()].sort(compareKeys);
    return '{' + keys.map((k) => `${quoteJson(k)}: ${merged.get(k)!}`).join(', ') + '}';
  }
  const items = [...(ka === 'array' ? arrayElements(a) : [a]), ...(kb === 'array' ? arrayElements(b) : [b])];
  return '[' + items.join(', ') + ']';
}
