// Random SQL literals per column type, drawn from small domains so that rows
// repeat, groups collide and predicates hit. Promises: integers stay far inside
// int32, doubles are multiples of 1/8 that never end in .5 (sums are then exact
// in any order, and PostgreSQL's half-even rounding of doubles never meets
// DuckDB's half-away-from-zero), text stays ASCII (byte order = code-unit order).

import type { ColType } from './case-model.js';
import type { Prng } from './prng.js';

/** |value| bounds the expression generator relies on for base columns. */
export const baseBound: Readonly<Record<'integer' | 'bigint' | 'double', number>> = {
  // Values are drawn within ±100; UPDATE ... SET a = a + 1 may drift them a little.
  integer: 1_000,
  bigint: 10_000_000_000,
  double: 1_000,
};

/**
 * Text values. No backslashes: PostgreSQL's LIKE treats `\` as the default
 * escape and DuckDB has none. Mixed case exercises lower/upper/ILIKE; a quote
 * exercises literal escaping; '' is the empty string, not NULL.
 */
export const textVocabulary: readonly string[] = [
  'a', 'ab', 'abc', 'b', 'ba', 'B', 'Bc', 'hello', 'HeLLo', 'x y', '', "it's", 'zz', '42', 'a_b', 'a%b',
];

const dayMicros = 86_400_000_000;
/** 2024-01-01 00:00:00 UTC in microseconds since the epoch. */
const baseMicros = Date.UTC(2024, 0, 1) * 1000;

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function intLiteral(rng: Prng): number {
  return rng.weighted<() => number>([
    [3, () => rng.int(-5, 5)],
    [3, () => rng.int(-100, 100)],
    [1, () => 0],
  ])();
}

export function bigintLiteral(rng: Prng): number {
  return rng.weighted<() => number>([
    [3, () => rng.int(-100_000, 100_000)],
    [1, () => rng.int(-10, 10)],
    // Beyond int32, so a bigint column really needs 64 bits.
    [1, () => (rng.chance(0.5) ? 1 : -1) * (2_147_483_648 + rng.int(0, 5_000_000))],
  ])();
}

/** A multiple of 1/8 in [-100, 100] whose fraction is not .5. */
export function doubleLiteral(rng: Prng): number {
  let k = rng.int(-800, 800);
  if (Math.abs(k % 8) === 4) k += 1;
  return k / 8;
}

export function doubleSql(x: number): string {
  const s = String(x);
  // Keep a decimal point so the literal reads as a non-integer constant in both dialects.
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

export function numberSql(x: number): string {
  return x < 0 ? `(${x})` : String(x);
}

export function timestampMicros(rng: Prng): number {
  const day = rng.int(-3, 420);
  const secondOfDay = rng.weighted<() => number>([
    [3, () => rng.int(0, 86_399)],
    [1, () => rng.pick([0, 3600 * 12, 86_399])],
  ])();
  const fraction = rng.weighted<() => number>([
    [4, () => 0],
    [1, () => rng.pick([500_000, 123_456, 999_999, 1])],
  ])();
  return baseMicros + day * dayMicros + secondOfDay * 1_000_000 + fraction;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' with trailing zeros of the fraction trimmed. */
export function formatTimestamp(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const frac = micros - seconds * 1_000_000;
  const iso = new Date(seconds * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  let s = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  if (frac !== 0) s += `.${String(frac).padStart(6, '0')}`.replace(/0+$/, '');
  return s;
}

export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

export function dateDays(rng: Prng): number {
  const base = Date.UTC(2024, 0, 1) / 86_400_000;
  return base + rng.weighted<() => number>([
    [4, () => rng.int(-40, 420)],
    // 2024-02-29 and the turn of the year.
    [1, () => rng.pick([59, 0, -1, 365])],
  ])();
}

/** A non-NULL literal of the type, as SQL text. */
export function literalSql(rng: Prng, type: ColType): string {
  switch (type) {
    case 'integer':
      return String(intLiteral(rng));
    case 'bigint':
      return String(bigintLiteral(rng));
    case 'double':
      return doubleSql(doubleLiteral(rng));
    case 'text':
      return sqlString(rng.pick(textVocabulary));
    case 'boolean':
      return rng.chance(0.5) ? 'TRUE' : 'FALSE';
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(timestampMicros(rng))}'`;
    case 'date':
      return `DATE '${formatDate(dateDays(rng))}'`;
  }
}
