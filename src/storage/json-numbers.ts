// JSON for what the log and checkpoints store as text (parameters, manifests):
// JSON has no spelling for NaN and ±Infinity (a watermark before any row is
// -Infinity), so those travel as {"$number": "NaN"} and come back as numbers.

/** A JSON.stringify replacer. */
export function encodeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}

/** The JSON.parse reviver that undoes encodeNumbers. */
export function decodeNumbers(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = (value as { $number?: unknown }).$number;
    if (typeof tagged === 'string' && Object.keys(value).length === 1) return Number(tagged);
  }
  return value;
}
