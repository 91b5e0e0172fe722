// Computes one row instance's window values from the partition tree as it is
// now: every call in O(log n) descents (position, peers, frame bounds, frame
// sums and extremes, the node at a LAG/LEAD offset). Results land in the
// evaluator's per-call scratch arrays; nothing is allocated per row.

import { isStringBacked } from '../common/sql-type.js';
import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { WindowCall, WindowFrame, WindowFunction } from './window-spec.js';
import { frameOf } from './window-spec.js';
import type { WindowFramer } from './window-frame.js';
import type { WindowTree } from './window-tree.js';

const NONE = -1;

/** A call resolved against the operator's state. */
export interface CallPlan {
  readonly fn: WindowFunction;
  /** Tree value column of the argument, or NONE. */
  readonly k: number;
  readonly frame: WindowFrame;
  readonly text: boolean;
  /** LAG/LEAD: signed distance to the row read (LAG 1 = -1). */
  readonly shift: number;
  readonly defaultNum: number;
  readonly defaultText: string;
  readonly defaultNull: boolean;
}

export function planCall(call: WindowCall, k: number, resultType: SqlType): CallPlan {
  const d = call.defaultValue ?? null;
  const offset = call.offset ?? 1;
  return {
    fn: call.fn,
    k,
    frame: frameOf(call),
    text: isStringBacked(resultType),
    shift: call.fn === 'lag' ? -offset : call.fn === 'lead' ? offset : 0,
    defaultNum: typeof d === 'number' ? d : d === true ? 1 : 0,
    defaultText: typeof d === 'string' ? d : '',
    defaultNull: d === null,
  };
}

export class WindowEvaluator {
  readonly num: Float64Array;
  readonly text: string[];
  readonly isNull: Uint8Array;

  constructor(
    private readonly plans: readonly CallPlan[],
    private readonly tree: WindowTree,
    private readonly framer: WindowFramer,
  ) {
    this.num = new Float64Array(plans.length);
    this.text = plans.map(() => '');
    this.isNull = new Uint8Array(plans.length);
  }

  /** Fills num/text/isNull with node x's values; x is at position p of the n rows under `root`. */
  compute(root: number, x: number, p: number, n: number): void {
    const { tree, framer, num, text, isNull } = this;
    for (let c = 0; c < this.plans.length; c++) {
      const plan = this.plans[c]!;
      isNull[c] = 0;
      switch (plan.fn) {
        case 'row_number':
          num[c] = p + 1;
          continue;
        case 'rank':
          framer.peersAt(root, x, p);
          num[c] = framer.peerStart + 1;
          continue;
        case 'dense_rank':
          framer.peersAt(root, x, p);
          num[c] = tree.headsThrough(root, framer.peerStart);
          continue;
        case 'lag':
        case 'lead': {
          const t = p + plan.shift;
          if (t < 0 || t >= n) {
            isNull[c] = plan.defaultNull ? 1 : 0;
            num[c] = plan.defaultNum;
            text[c] = plan.defaultText;
          } else this.readArg(plan, c, tree.select(root, t));
          continue;
        }
        default:
          break;
      }
      const a = Math.max(0, framer.head(plan.frame, root, x, p));
      const b = Math.min(n - 1, framer.tail(plan.frame, root, x, p, n));
      switch (plan.fn) {
        case 'first_value':
        case 'last_value':
          if (a > b) isNull[c] = 1;
          else this.readArg(plan, c, tree.select(root, plan.fn === 'first_value' ? a : b));
          break;
        case 'count':
          if (plan.k === NONE) num[c] = Math.max(0, b - a + 1);
          else {
            tree.rangeSum(root, a, b, plan.k);
            num[c] = tree.qCnt;
          }
          break;
        case 'sum':
        case 'avg':
          tree.rangeSum(root, a, b, plan.k);
          if (tree.qCnt === 0) isNull[c] = 1;
          else num[c] = plan.fn === 'sum' ? tree.qSum : tree.qSum / tree.qCnt;
          break;
        case 'min':
        case 'max': {
          const e = tree.rangeExtreme(root, a, b, plan.k, plan.fn === 'max');
          if (e === NONE) isNull[c] = 1;
          else this.readArg(plan, c, e);
          break;
        }
        default:
          assert(false, `unexpected window function ${plan.fn}`);
      }
    }
  }

  private readArg(plan: CallPlan, c: number, node: number): void {
    const tree = this.tree;
    if (tree.isNull[plan.k]![node] === 1) {
      this.isNull[c] = 1;
      return;
    }
    if (plan.text) this.text[c] = tree.text[plan.k]![node]!;
    else this.num[c] = tree.num[plan.k]![node]!;
  }
}
