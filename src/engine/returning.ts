// INSERT/UPDATE/DELETE ... RETURNING: the select list evaluated over the rows
// the statement wrote (the inserted or updated rows as stored, after casts,
// NUMERIC rounding and defaults; for DELETE the removed rows), one result row
// per row written, as PostgreSQL returns them. Late rows a watermarked table
// quarantined were not written and are not returned.

import { EngineError, SqlState } from '../common/errors.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { QueryResult } from '../query-result.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { bindExpr } from '../plan/bind-expr.js';
import type { TableEntry } from '../plan/catalog.js';
import type { SelectItem } from '../sql/ast.js';
import { tableContext } from './dml.js';
import { rowsResult } from './format-result.js';

/**
 * The RETURNING result: `delta`'s rows of the given sign (positive: written,
 * negative: removed), each repeated by its weight, projected through `items`.
 */
export function returningResult(
  command: string,
  table: TableEntry,
  delta: ZBatch,
  sign: 1 | -1,
  items: readonly SelectItem[],
  params: readonly unknown[],
): QueryResult {
  const ctx = tableContext(table, params, 'RETURNING');
  const exprs: BoundExpr[] = [];
  const names: string[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      if (item.table !== null && item.table !== table.name) {
        throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${item.table}"`, item.pos);
      }
      table.columns.forEach((c, index) => {
        exprs.push({ kind: 'column', index, type: c.type });
        names.push(c.name);
      });
    } else {
      exprs.push(bindExpr(item.expr, ctx));
      names.push(item.alias ?? (item.expr.kind === 'column' ? item.expr.name : '?column?'));
    }
  }
  const rows: number[] = [];
  for (let i = 0; i < delta.length; i++) {
    const w = delta.weights[i]! * sign;
    for (let c = 0; c < w; c++) rows.push(i);
  }
  const picked = Int32Array.from(rows);
  const input = new BatchInput(delta.columns.map((c) => gatherColumn(c, picked)), picked.length);
  const columns: Column[] = exprs.map((e) => compileExpr(e)(input));
  const fields = exprs.map((e, i) => ({ name: names[i]!, type: e.type }));
  const order = Int32Array.from({ length: picked.length }, (_, i) => i);
  return { ...rowsResult(command, fields, columns, order), rowCount: picked.length };
}
