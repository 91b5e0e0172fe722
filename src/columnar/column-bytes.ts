// About how many bytes one value of a column holds in memory, for budgets
// (--hot-memory, the decoded-segment cache) that need a proportional
// estimate, not an exact count: typed arrays by their element size (an
// interval adds its months, days and micros arrays, a NUMERIC its scales),
// strings from a sample of 64 values (a pointer and a string header per value,
// two bytes per character).

import type { Column } from './column.js';

export function valueBytes(column: Column, length: number): number {
  const values = column.values;
  if (!Array.isArray(values)) return (values as Float64Array).BYTES_PER_ELEMENT + (column.type === 'interval' ? 16 : 0);
  const step = Math.max(1, Math.floor(length / 64));
  let chars = 0;
  let sampled = 0;
  for (let i = 0; i < length; i += step, sampled++) chars += (values[i] as string).length;
  return 24 + (sampled === 0 ? 0 : (2 * chars) / sampled) + (column.type === 'numeric' ? 4 : 0);
}
