// Random table schemas: 1-2 tables of 2-6 columns over the seven column types,
// nullable or NOT NULL, about half with a single-column PRIMARY KEY (integer,
// bigint or text) whose inserts are upserts. Promises at least one number
// column per table, so aggregates and arithmetic have something to work on.

import type { ColType, ColumnInfo, ColumnSpec, TableSpec } from './case-model.js';
import { baseBound } from './literal-gen.js';
import type { Prng } from './prng.js';

const allTypes: readonly ColType[] = ['integer', 'bigint', 'double', 'text', 'boolean', 'timestamp', 'date'];
const numberColTypes: readonly ColType[] = ['integer', 'bigint', 'double'];
const columnNames = ['a', 'b', 'c', 'd', 'e', 'f'];

export function genSchema(rng: Prng): TableSpec[] {
  const n = rng.chance(0.65) ? 1 : 2;
  const tables: TableSpec[] = [];
  for (let i = 0; i < n; i++) tables.push(genTable(rng, `t${i}`));
  return tables;
}

function genTable(rng: Prng, name: string): TableSpec {
  const keyed = rng.chance(0.5);
  const width = rng.int(keyed ? 1 : 2, keyed ? 5 : 6);
  const columns: ColumnSpec[] = [];
  if (keyed) columns.push({ name: 'id', type: rng.pick(['integer', 'integer', 'bigint', 'text'] as const), notNull: true });
  for (let i = 0; i < width; i++) {
    columns.push({ name: columnNames[i] ?? `x${i}`, type: rng.pick(allTypes), notNull: rng.chance(0.3) });
  }
  if (!columns.some((c) => c.name !== 'id' && numberColTypes.includes(c.type))) {
    const i = rng.int(keyed ? 1 : 0, columns.length - 1);
    const c = columns[i];
    if (c !== undefined) columns[i] = { ...c, type: rng.pick(numberColTypes) };
  }
  return { name, columns, primaryKey: keyed ? 'id' : null };
}

/** What the expression generator knows about a table's columns. */
export function tableColumns(t: TableSpec): ColumnInfo[] {
  return t.columns.map((c) => ({
    sql: c.name,
    type: c.type,
    bound: c.type === 'integer' || c.type === 'bigint' || c.type === 'double' ? baseBound[c.type] : 0,
    halfSafe: c.type === 'double',
    exact: true,
  }));
}
