// Random change batches for one table: INSERT ... VALUES (NULLs, duplicate
// rows, repeated keys across statements for keyed tables), DELETE ... WHERE,
// delete-everything, and UPDATE ... SET ... WHERE. Promises: never violates
// NOT NULL, never updates a key column, never repeats a key within one INSERT
// (PostgreSQL's ON CONFLICT rejects that and DuckDB keeps the first row), and
// UPDATE expressions keep values inside the bounds the expression generator assumes.

import type { ChangeStmt, ColumnSpec, DeleteStmt, InsertStmt, TableSpec, UpdateStmt } from './case-model.js';
import { ExprGen } from './expr-gen.js';
import { literalSql, numberSql, sqlString, textVocabulary } from './literal-gen.js';
import type { Prng } from './prng.js';
import { tableColumns } from './schema-gen.js';

/** Keys come from a small domain so upserts and deletes keep hitting existing rows. */
const keyDomain = 16;

export function genChange(rng: Prng, table: TableSpec): ChangeStmt {
  return rng.weighted<() => ChangeStmt>([
    [55, () => genInsert(rng, table)],
    [20, () => genDelete(rng, table)],
    [25, () => genUpdate(rng, table)],
  ])();
}

function keyLiteral(rng: Prng, col: ColumnSpec, used: Set<string>): string | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const k = col.type === 'text' ? sqlString(textVocabulary[rng.int(0, textVocabulary.length - 1)] ?? 'a') : String(rng.int(0, keyDomain - 1));
    if (!used.has(k)) {
      used.add(k);
      return k;
    }
  }
  return null;
}

export function genInsert(rng: Prng, table: TableSpec): InsertStmt {
  const n = rng.weighted<() => number>([
    [6, () => rng.int(1, 4)],
    [3, () => rng.int(5, 10)],
    [1, () => rng.int(15, 30)],
  ])();
  const rows: string[][] = [];
  const usedKeys = new Set<string>();
  for (let i = 0; i < n; i++) {
    const prev = rows[rows.length - 1];
    if (table.primaryKey === null && prev !== undefined && rng.chance(0.2)) {
      rows.push([...prev]); // an exact duplicate row: multiset semantics
      continue;
    }
    const row: string[] = [];
    let ok = true;
    for (const c of table.columns) {
      if (c.name === table.primaryKey) {
        const k = keyLiteral(rng, c, usedKeys);
        if (k === null) ok = false;
        row.push(k ?? 'NULL');
      } else if (!c.notNull && rng.chance(0.15)) {
        row.push('NULL');
      } else {
        row.push(literalSql(rng, c.type));
      }
    }
    if (ok) rows.push(row);
  }
  return { kind: 'insert', table: table.name, rows };
}

function genDelete(rng: Prng, table: TableSpec): DeleteStmt {
  if (rng.chance(0.1)) return { kind: 'delete', table: table.name, where: null };
  return { kind: 'delete', table: table.name, where: genWhere(rng, table) };
}

function genWhere(rng: Prng, table: TableSpec): string {
  const pk = table.columns.find((c) => c.name === table.primaryKey);
  if (pk !== undefined && rng.chance(0.3)) {
    const used = new Set<string>();
    const keys: string[] = [];
    for (let i = rng.int(1, 4); i > 0; i--) {
      const k = keyLiteral(rng, pk, used);
      if (k !== null) keys.push(k);
    }
    return `${pk.name} IN (${keys.join(', ')})`;
  }
  return new ExprGen(rng, tableColumns(table)).bool(rng.int(1, 2)).sql;
}

function genUpdate(rng: Prng, table: TableSpec): UpdateStmt | InsertStmt {
  const targets = table.columns.filter((c) => c.name !== table.primaryKey);
  if (targets.length === 0) return genInsert(rng, table);
  const n = rng.int(1, Math.min(2, targets.length));
  const chosen = new Set<ColumnSpec>();
  while (chosen.size < n) chosen.add(rng.pick(targets));
  const sets = [...chosen].map((c) => ({ column: c.name, expr: setExpr(rng, c, table) }));
  const where = rng.chance(0.1) ? null : genWhere(rng, table);
  return { kind: 'update', table: table.name, sets, where };
}

/**
 * The new value for an updated column. Self-referencing updates only shift by
 * whole units (a double stays a multiple of 1/8 not ending in .5; an integer
 * drifts by at most one per statement), and a NOT NULL column only gets
 * expressions that are non-NULL whenever the column itself is.
 */
function setExpr(rng: Prng, c: ColumnSpec, table: TableSpec): string {
  const self = (): string => {
    switch (c.type) {
      case 'integer':
      case 'bigint':
        return rng.pick([`${c.name} + 1`, `${c.name} - 1`, `- ${c.name}`]);
      case 'double':
        return rng.pick([`${c.name} + 1.0`, `${c.name} - 2.0`, `- ${c.name}`, `abs(${c.name})`]);
      case 'text':
        return rng.pick([`lower(${c.name})`, `upper(${c.name})`, `${c.name} || 'x'`, `substr(${c.name}, 2)`]);
      case 'boolean':
        return `NOT ${c.name}`;
      case 'timestamp':
        return `date_trunc('hour', ${c.name})`;
      case 'date':
        return literalSql(rng, 'date');
    }
  };
  const others = table.columns.filter((o) => o !== c && o.type === c.type && (o.notNull || !c.notNull));
  return rng.weighted<() => string>([
    [4, () => literalSql(rng, c.type)],
    [4, self],
    [c.notNull ? 0 : 1, () => 'NULL'],
    [others.length > 0 ? 2 : 0, () => rng.pick(others).name],
    [c.type === 'integer' ? 1 : 0, () => `${c.name} + ${numberSql(rng.int(-3, 3))}`],
  ])();
}
