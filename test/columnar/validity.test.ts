// Validity bitmaps (Arrow layout, LSB first; null = no NULLs): the AND of two
// bitmaps, NULL counting, and normalization back to the no-NULL fast path.

import { describe, expect, it } from 'vitest';
import {
  allNull, allValid, andValidity, isValid, normalizeValidity, nullCount, setNull, setValid, validityBytes,
} from '../../src/columnar/validity.js';

/** A bitmap from a list of booleans (true = valid), built bit by bit by hand. */
function bitmap(valid: readonly boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((v, i) => {
    if (v) out[Math.floor(i / 8)]! |= 2 ** (i % 8);
  });
  return out;
}

function bits(v: Uint8Array | null, n: number): boolean[] {
  return Array.from({ length: n }, (_, i) => isValid(v, i));
}

describe('bitmap layout', () => {
  it('bit i of byte i>>3, least significant bit first', () => {
    const v = allNull(10);
    setValid(v, 0);
    setValid(v, 9);
    expect(Array.from(v)).toEqual([0b0000_0001, 0b0000_0010]);
    setValid(v, 7);
    expect(v[0]).toBe(0b1000_0001);
    setNull(v, 0);
    expect(v[0]).toBe(0b1000_0000);
  });

  it('sizes round up to whole bytes', () => {
    expect([0, 1, 7, 8, 9, 16, 17].map(validityBytes)).toEqual([0, 1, 1, 1, 2, 2, 3]);
  });

  it('null validity means every row is valid', () => {
    expect(isValid(null, 0)).toBe(true);
    expect(isValid(null, 1_000_000)).toBe(true);
    expect(nullCount(null, 50)).toBe(0);
  });
});

describe('andValidity', () => {
  it('keeps the other side when one side has no NULLs (no copy)', () => {
    const b = bitmap([true, false, true]);
    expect(andValidity(null, b, 3)).toBe(b);
    expect(andValidity(b, null, 3)).toBe(b);
    expect(andValidity(null, null, 3)).toBeNull();
  });

  it('a row is valid only when valid in both, across byte boundaries', () => {
    const n = 21;
    const a = Array.from({ length: n }, (_, i) => i % 3 !== 0);
    const b = Array.from({ length: n }, (_, i) => i % 2 === 0);
    const out = andValidity(bitmap(a), bitmap(b), n);
    expect(bits(out, n)).toEqual(a.map((x, i) => x && b[i]!));
    expect(nullCount(out, n)).toBe(a.filter((x, i) => !(x && b[i]!)).length);
  });

  it('does not modify its inputs', () => {
    const a = bitmap([true, true, false, true]);
    const b = bitmap([false, true, true, true]);
    const aCopy = a.slice();
    const bCopy = b.slice();
    andValidity(a, b, 4);
    expect(a).toEqual(aCopy);
    expect(b).toEqual(bCopy);
  });
});

describe('normalizeValidity', () => {
  it('drops a bitmap without NULLs', () => {
    for (const n of [0, 1, 7, 8, 9, 64, 65]) expect(normalizeValidity(allValid(n), n)).toBeNull();
  });

  it('keeps a bitmap with one NULL anywhere, including the last partial byte', () => {
    for (const n of [1, 8, 9, 17, 64, 70]) {
      for (const at of [0, Math.floor(n / 2), n - 1]) {
        const v = allValid(n);
        setNull(v, at);
        expect(normalizeValidity(v, n), `n=${n} null at ${at}`).toBe(v);
      }
    }
  });

  it('ignores cleared padding bits past the length', () => {
    // 10 rows all valid, but the unused high bits of byte 1 are 0.
    const v = bitmap(Array.from({ length: 10 }, () => true));
    expect(v[1]).toBe(0b11);
    expect(normalizeValidity(v, 10)).toBeNull();
  });

  it('only the first `length` rows count', () => {
    const v = allValid(16);
    setNull(v, 12);
    expect(normalizeValidity(v, 12)).toBeNull();
    expect(normalizeValidity(v, 13)).toBe(v);
    expect(nullCount(v, 12)).toBe(0);
    expect(nullCount(v, 16)).toBe(1);
  });

  it('passes null through', () => {
    expect(normalizeValidity(null, 5)).toBeNull();
  });
});
