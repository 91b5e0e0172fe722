// Filter: linear and stateless. Keeps the rows whose predicate is TRUE (not
// NULL, not FALSE), weights unchanged. When every row passes it returns the
// input itself: nothing was filtered, nothing is copied.

import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { Operator, OperatorInfo } from './operator.js';

export class FilterOperator implements Operator {
  constructor(
    readonly outputTypes: readonly SqlType[],
    private readonly predicate: Kernel,
    private readonly detail: string,
  ) {}

  step(input: ZBatch): ZBatch {
    if (input.length === 0) return input;
    const cond = this.predicate(new BatchInput(input.columns, input.length));
    const values = cond.values as Uint8Array;
    const validity = cond.validity;
    const keep = new Int32Array(input.length);
    let count = 0;
    for (let i = 0; i < input.length; i++) {
      if (values[i] === 1 && (validity === null || ((validity[i >>> 3]! >>> (i & 7)) & 1) === 1)) keep[count++] = i;
    }
    if (count === input.length) return input;
    return gatherBatch(input, keep, count);
  }

  describe(): OperatorInfo {
    return { name: 'Filter', detail: this.detail, state: 'none', cost: 'O(1) per changed row' };
  }

  stateSize(): number {
    return 0;
  }
}
