// Name resolution for a query's FROM scope: each visible column with the
// qualifier (table name or alias) it can be referenced by.

import type { BoundExpr } from '../expr/bound-expr.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { ColumnRef } from '../sql/ast.js';
import type { OutputColumn } from './logical-plan.js';
import { renderExpr } from './render-expr.js';

export interface ScopeColumn {
  readonly qualifier: string | null;
  readonly name: string;
  readonly index: number;
  readonly type: OutputColumn['type'];
  /**
   * An input column of JOIN ... USING / NATURAL JOIN that the join merged
   * into one unqualified output column: reachable only qualified (`a.k`),
   * and left out of a bare `*`.
   */
  readonly shadowedByUsing?: true;
}

export function resolveColumn(scope: readonly ScopeColumn[], ref: ColumnRef): BoundExpr {
  const matches = scope.filter((c) => c.name === ref.name && (ref.table === null ? c.shadowedByUsing !== true : c.qualifier === ref.table));
  if (matches.length === 0) {
    if (ref.table !== null && !scope.some((c) => c.qualifier === ref.table)) {
      throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${ref.table}"`, ref.pos);
    }
    const known = [...new Set(scope.map((c) => c.name))].slice(0, 12).join(', ');
    throw new EngineError(
      SqlState.undefinedColumn,
      `column "${renderExpr(ref)}" does not exist${known === '' ? '' : `; available columns: ${known}`}`,
      ref.pos,
    );
  }
  if (matches.length > 1) throw new EngineError(SqlState.ambiguousColumn, `column reference "${ref.name}" is ambiguous`, ref.pos);
  const m = matches[0]!;
  return { kind: 'column', index: m.index, type: m.type };
}
