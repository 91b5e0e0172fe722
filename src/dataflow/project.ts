// Project: linear and stateless. Computes each output column from the input
// columns; weights pass through unchanged. A projection may map distinct
// input rows to equal output rows: consumers sum their weights.

import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { Operator, OperatorInfo } from './operator.js';

export class ProjectOperator implements Operator {
  constructor(
    readonly outputTypes: readonly SqlType[],
    private readonly kernels: readonly Kernel[],
    private readonly detail: string,
  ) {}

  step(input: ZBatch): ZBatch {
    if (input.length === 0) return emptyBatch(this.outputTypes);
    const source = new BatchInput(input.columns, input.length);
    const columns = this.kernels.map((k) => k(source));
    return { columns, weights: input.weights, length: input.length };
  }

  describe(): OperatorInfo {
    return { name: 'Project', detail: this.detail, state: 'none', cost: 'O(1) per changed row' };
  }

  stateSize(): number {
    return 0;
  }
}
