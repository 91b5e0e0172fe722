// Random schemas for fuzz cases: 1-2 tables (2-3 when joins are enabled), each
// with a nullable join key `k` of one type shared by the whole case, about half
// with a PRIMARY KEY `id` (often of k's type, so `k = id` joins match too), and
// 1-4 more columns of any type. Promises at least one number column per table.
// Also shapes inserts: tens of rows per table, `k` from a tiny domain so joins match.

import type { ChangeStmt, ColType, ColumnSpec, TableSpec } from '../differential/case-model.js';
import { baseBound, sqlString } from '../differential/literal-gen.js';
import type { Prng } from '../differential/prng.js';
import { anyJoin, type FeatureSet } from './fuzz-features.js';
import type { RelationInfo } from './relation-info.js';
import { shapeTimeChange } from './time-column.js';

const allTypes: readonly ColType[] = ['integer', 'bigint', 'double', 'text', 'boolean', 'timestamp', 'date'];
const numberTypes: readonly ColType[] = ['integer', 'bigint', 'double'];
const otherNames = ['a', 'b', 'c', 'd'];

/** Values of the join key: few enough that most rows find partners, with NULLs from the insert generator. */
const intKeys = ['0', '1', '2', '3', '4', '5'];
const textKeys = ['a', 'b', 'B', 'ab', '', 'x y'].map(sqlString);

export const joinKey = 'k';

export function genFuzzSchema(rng: Prng, features: FeatureSet): TableSpec[] {
  const n = anyJoin(features) ? rng.int(2, 3) : rng.int(1, 2);
  const keyType: ColType = rng.chance(0.65) ? 'integer' : 'text';
  const tables: TableSpec[] = [];
  for (let i = 0; i < n; i++) {
    const keyed = rng.chance(0.5);
    const columns: ColumnSpec[] = [];
    if (keyed) columns.push({ name: 'id', type: rng.chance(0.6) ? keyType : rng.pick(['integer', 'bigint', 'text'] as const), notNull: true });
    columns.push({ name: joinKey, type: keyType, notNull: false });
    const width = rng.int(1, 4);
    for (let j = 0; j < width; j++) {
      columns.push({ name: otherNames[j] ?? `x${j}`, type: rng.pick(allTypes), notNull: rng.chance(0.25) });
    }
    if (!columns.some((c) => c.name !== 'id' && numberTypes.includes(c.type))) {
      const last = columns.length - 1;
      const c = columns[last];
      if (c !== undefined) columns[last] = { ...c, type: rng.pick(numberTypes) };
    }
    tables.push({ name: `t${i}`, columns, primaryKey: keyed ? 'id' : null });
  }
  return tables;
}

/** What the query generator knows about a table's columns. */
export function tableRelation(t: TableSpec): RelationInfo {
  return {
    name: t.name,
    fanout: 1,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      bound: c.type === 'integer' || c.type === 'bigint' || c.type === 'double' ? baseBound[c.type] : 0,
      halfSafe: c.type === 'double',
      exact: true,
    })),
  };
}

/** Rows per INSERT: tables stay at tens of rows, so join results stay cheap to compare. */
const maxInsertRows = 12;

/**
 * Shapes a generated change for the fuzzer: an INSERT is cut to `maxInsertRows`
 * rows and its non-NULL `k` values are drawn from the tiny key domain; half the
 * DELETEs are narrowed to one key value, because random predicates delete most
 * rows and views over emptied tables compare nothing. A `ts` column (window
 * cases) is shaped by shapeTimeChange.
 */
export function shapeChange(rng: Prng, table: TableSpec, s: ChangeStmt): ChangeStmt {
  // Draws for `ts` only on window cases' tables, so other cases' streams stay as they were.
  return shapeTimeChange(rng, table, shapeKeyChange(rng, table, s));
}

function shapeKeyChange(rng: Prng, table: TableSpec, s: ChangeStmt): ChangeStmt {
  const at = table.columns.findIndex((c) => c.name === joinKey);
  const col = table.columns[at];
  const domain = col?.type === 'text' ? textKeys : intKeys;
  if (s.kind === 'delete') {
    if (col === undefined || !rng.chance(0.5)) return s;
    const one = `${joinKey} = ${rng.pick(domain)}`;
    return { ...s, where: s.where === null ? one : `(${s.where}) AND ${one}` };
  }
  if (s.kind !== 'insert') return s;
  const rows = s.rows.slice(0, maxInsertRows).map((r) => r.map((v, j) => (j === at && v !== 'NULL' ? rng.pick(domain) : v)));
  return { ...s, rows };
}
