// NUMERIC keys (columnar/numeric-values.ts) against an independent model: a
// value is a BigInt mantissa and a scale. Properties: keys round-trip, equal
// values (at any scale) have equal keys, the code-point order of keys is the
// numeric order, and the text at a display scale is the mantissa with a point
// inserted. Exact arithmetic (expr/decimal.ts) is checked against BigInt
// arithmetic done here on a common scale.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromKey, formatNumeric, keyFromDecimal, naturalScale, parseNumeric } from '../../src/columnar/numeric-values.js';
import { addDecimal, divDecimal, mulDecimal, roundDecimal, subDecimal } from '../../src/expr/decimal.js';

/** A random exact value: up to 40 digits, scale 0..25. */
const decimalArb = fc.record({
  m: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  scale: fc.integer({ min: 0, max: 25 }),
});

/** The model's text of m × 10^-scale (PostgreSQL's form at that display scale). */
function modelText(m: bigint, scale: number): string {
  const neg = m < 0n;
  let digits = (neg ? -m : m).toString();
  if (scale === 0) return (neg && m !== 0n ? '-' : '') + digits;
  digits = digits.padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Sign of a - b for a = ma × 10^-sa, b = mb × 10^-sb, by cross-scaling. */
function modelCompare(a: { m: bigint; scale: number }, b: { m: bigint; scale: number }): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.m * 10n ** BigInt(s - a.scale);
  const y = b.m * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('NUMERIC keys', () => {
  it('round-trip a value and print it at its display scale', () => {
    fc.assert(
      fc.property(decimalArb, ({ m, scale }) => {
        const key = keyFromDecimal(m, scale);
        const back = decimalFromKey(key, scale);
        expect(modelCompare(back, { m, scale })).toBe(0);
        expect(back.scale).toBe(scale);
        expect(formatNumeric(key, scale)).toBe(modelText(m, scale));
        expect(naturalScale(key)).toBeLessThanOrEqual(scale);
      }),
      { numRuns: 2000 },
    );
  });

  it('order by code point as the values order, and are equal exactly when the values are', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const ka = keyFromDecimal(a.m, a.scale);
        const kb = keyFromDecimal(b.m, b.scale);
        expect(codePointCompare(ka, kb)).toBe(modelCompare(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('ignore trailing zeros: 1.5, 1.50 and 15e-1 have one key', () => {
    expect(keyFromDecimal(15n, 1)).toBe(keyFromDecimal(150n, 2));
    expect(parseNumeric('15e-1')!.key).toBe(keyFromDecimal(15n, 1));
    expect(parseNumeric('-0.000')!.key).toBe(keyFromDecimal(0n, 0));
    // Nearby values that share a prefix still order correctly on both sides of zero.
    const keys = ['-0.123', '-0.12', '-0.1', '0', '0.1', '0.12', '0.123', '1', '10', '100.5'].map((t) => parseNumeric(t)!.key);
    expect([...keys].sort(codePointCompare)).toEqual(keys);
  });

  it('parse PostgreSQL spellings and keep the written scale', () => {
    const cases: [string, string][] = [
      ['12.340', '12.340'], [' -1e-3 ', '-0.001'], ['.5', '0.5'], ['5.', '5'], ['+2.50E+2', '250'], ['1e3', '1000'], ['0.00', '0.00'],
      ['NaN', 'NaN'], ['-Infinity', '-Infinity'], ['inf', 'Infinity'],
    ];
    for (const [text, shown] of cases) {
      const p = parseNumeric(text)!;
      expect(formatNumeric(p.key, p.scale), text).toBe(shown);
    }
    for (const bad of ['', '1.2.3', 'abc', '1e', '--1', '1 2']) expect(parseNumeric(bad), bad).toBeNull();
  });

  it('put NaN above +Infinity above every number, -Infinity below', () => {
    const order = ['-Infinity', '-1e100', '0', '1e100', 'Infinity', 'NaN'].map((t) => parseNumeric(t)!.key);
    expect([...order].sort(codePointCompare)).toEqual(order);
  });
});

describe('exact NUMERIC arithmetic', () => {
  it('+, - and * equal BigInt arithmetic at PostgreSQL result scales', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const s = Math.max(a.scale, b.scale);
        const am = a.m * 10n ** BigInt(s - a.scale);
        const bm = b.m * 10n ** BigInt(s - b.scale);
        expect(addDecimal(a, b)).toEqual({ m: am + bm, scale: s });
        expect(subDecimal(a, b)).toEqual({ m: am - bm, scale: s });
        expect(mulDecimal(a, b)).toEqual({ m: a.m * b.m, scale: a.scale + b.scale });
      }),
      { numRuns: 1000 },
    );
  });

  it('division is within half a unit of the last digit of its scale', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        fc.pre(b.m !== 0n);
        const q = divDecimal(a, b);
        // |q × b - a| ≤ |b| / 2 in units of 10^-q.scale, compared on one scale.
        const s = q.scale + b.scale + a.scale;
        const lhs = q.m * b.m * 10n ** BigInt(s - q.scale - b.scale) - a.m * 10n ** BigInt(s - a.scale);
        const bound = (b.m < 0n ? -b.m : b.m) * 10n ** BigInt(s - q.scale - b.scale);
        expect(2n * (lhs < 0n ? -lhs : lhs) <= bound).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds halves away from zero, also left of the point', () => {
    expect(roundDecimal({ m: 2675n, scale: 3 }, 2)).toEqual({ m: 268n, scale: 2 });
    expect(roundDecimal({ m: -25n, scale: 1 }, 0)).toEqual({ m: -3n, scale: 0 });
    expect(roundDecimal({ m: 12345n, scale: 1 }, -2)).toEqual({ m: 1200n, scale: 0 });
    expect(roundDecimal({ m: 5n, scale: 0 }, 2)).toEqual({ m: 500n, scale: 2 });
  });
});
