// Compares two query results as multisets of rows, whatever their order, so a
// maintained view can be checked against DuckDB's recomputation. Values are
// normalised first: integers whatever their JS type (number or bigint), and
// doubles rounded to cents — every amount is whole cents, so a sum's true value
// is too, and summation order (which differs between engines) cannot show.

export interface MultisetComparison {
  readonly equal: boolean;
  readonly leftRows: number;
  readonly rightRows: number;
  /** Up to a few rows whose counts differ, with left count - right count. */
  readonly examples: readonly { readonly row: string; readonly difference: number }[];
}

const MAX_EXAMPLES = 5;

function normalise(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function rowKey(row: readonly unknown[]): string {
  return row.map(normalise).join('|');
}

export function compareRowMultisets(left: readonly (readonly unknown[])[], right: readonly (readonly unknown[])[]): MultisetComparison {
  const counts = new Map<string, number>();
  for (const row of left) {
    const key = rowKey(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const row of right) {
    const key = rowKey(row);
    const c = (counts.get(key) ?? 0) - 1;
    if (c === 0) counts.delete(key);
    else counts.set(key, c);
  }
  const examples: { row: string; difference: number }[] = [];
  for (const [row, difference] of counts) {
    if (examples.length >= MAX_EXAMPLES) break;
    examples.push({ row, difference });
  }
  return { equal: counts.size === 0, leftRows: left.length, rightRows: right.length, examples };
}
