// Validity bitmaps in Arrow's layout: bit i of byte i>>3 (LSB first) is 1 when
// row i holds a value and 0 when it is NULL. `null` stands for "no NULLs at
// all", the fast path every kernel checks first.

export type Validity = Uint8Array | null;

export function validityBytes(length: number): number {
  return (length + 7) >>> 3;
}

/** A bitmap with every row NULL. */
export function allNull(length: number): Uint8Array {
  return new Uint8Array(validityBytes(length));
}

/** A bitmap with every row valid (for builders that clear bits later). */
export function allValid(length: number): Uint8Array {
  return new Uint8Array(validityBytes(length)).fill(0xff);
}

export function isValid(validity: Validity, i: number): boolean {
  return validity === null || ((validity[i >>> 3]! >>> (i & 7)) & 1) === 1;
}

export function setValid(validity: Uint8Array, i: number): void {
  validity[i >>> 3]! |= 1 << (i & 7);
}

export function setNull(validity: Uint8Array, i: number): void {
  validity[i >>> 3]! &= ~(1 << (i & 7));
}

/** Rows valid in both inputs: the validity of most binary kernels. */
export function andValidity(a: Validity, b: Validity, length: number): Validity {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(validityBytes(length));
  for (let i = 0; i < out.length; i++) out[i] = a[i]! & b[i]!;
  return out;
}

/** Counts NULL rows among the first `length`. */
export function nullCount(validity: Validity, length: number): number {
  if (validity === null) return 0;
  let nulls = 0;
  for (let i = 0; i < length; i++) if (((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) nulls++;
  return nulls;
}

/** Drops a bitmap that turned out to have no NULLs, restoring the fast path. */
export function normalizeValidity(validity: Validity, length: number): Validity {
  if (validity === null) return null;
  const full = length >>> 3;
  for (let i = 0; i < full; i++) if (validity[i] !== 0xff) return validity;
  for (let i = full << 3; i < length; i++) if (((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) return validity;
  return null;
}
