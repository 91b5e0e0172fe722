// Programmer-error checks. A failed assertion is a bug in Freshet, never a
// user error: it surfaces as SQLSTATE XX000 / HTTP 500.

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Narrows away undefined/null; for lookups that an invariant guarantees. */
export function must<T>(value: T | undefined | null, message = 'unexpected missing value'): T {
  if (value === undefined || value === null) throw new AssertionError(message);
  return value;
}

/** The end of an exhaustive switch: TypeScript proves it unreachable. */
export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${JSON.stringify(value)}`);
}
