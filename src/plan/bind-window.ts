// Window functions in a SELECT: `fn(...) OVER (PARTITION BY ... ORDER BY ...
// [frame])` in the select list and ORDER BY. Evaluated after GROUP BY/HAVING
// and before DISTINCT/ORDER BY/LIMIT, as in PostgreSQL.
//
// Contract with bind-query.ts: `register(call)` binds a window call's
// arguments, PARTITION BY and ORDER BY in the clause context it was created
// with and returns a placeholder column (a negative index) standing for the
// call's result; `build(plan)` adds the nodes computing every registered call
// over `plan` (the FROM/WHERE plan, or the grouping plan) and returns the
// mapping from placeholder (and ordinary) column indexes to the columns of the
// returned plan, which passes `plan`'s columns through at their indexes.

import { unsupported } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CallExpr } from '../sql/ast.js';
import type { ExprContext } from './bind-expr.js';
import type { LogicalPlan } from './logical-plan.js';

export interface WindowBinder {
  register(call: CallExpr): BoundExpr;
  build(plan: LogicalPlan): { readonly plan: LogicalPlan; readonly remap: (index: number) => number };
}

export function createWindowBinder(ctx: ExprContext): WindowBinder {
  void ctx;
  return {
    register(call) {
      throw unsupported(`window function ${call.name}() OVER (...)`, call.pos);
    },
    build(plan) {
      return { plan, remap: (i) => i };
    },
  };
}
