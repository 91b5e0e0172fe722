// Whether a plan may read its inputs in pieces: its result must not depend on
// when rows arrive or on a whole relation at once. Background backfills
// (backfill.ts) and one-shot queries over cold segments (one-shot.ts) feed
// such plans chunk by chunk; the others read whole snapshots.

import type { LogicalPlan } from '../plan/logical-plan.js';

/**
 * True when the plan's result does not depend on when its rows arrive: no
 * temporal filter, session window or recursion, and (for a view) no state
 * cleanup driven by watermarks and no EMIT ON WINDOW CLOSE.
 */
export function chunkable(plan: LogicalPlan, hasCleanup: boolean, emitOnClose: boolean): boolean {
  if (hasCleanup || emitOnClose) return false;
  const ok = (p: LogicalPlan): boolean => {
    switch (p.kind) {
      case 'temporalFilter':
      case 'recursiveCte':
      case 'recursiveRef':
      case 'sessionWindow':
        return false;
      case 'join':
      case 'setOp':
        return ok(p.left) && ok(p.right);
      case 'scan':
      case 'singleRow':
        return true;
      default:
        return ok(p.input);
    }
  };
  return ok(plan);
}

