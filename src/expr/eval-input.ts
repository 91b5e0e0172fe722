// What a compiled kernel reads: `length` rows and their columns by index.
// SubsetInput gathers a parent's columns lazily, only those a branch reads:
// CASE evaluates each branch on just the rows that take it.

import type { Column } from '../columnar/column.js';
import { gatherColumn } from '../columnar/column.js';

export interface EvalInput {
  readonly length: number;
  column(index: number): Column;
}

export class BatchInput implements EvalInput {
  readonly length: number;
  constructor(private readonly columns: readonly Column[], length?: number) {
    this.length = length ?? columns[0]?.length ?? 0;
  }
  column(index: number): Column {
    const c = this.columns[index];
    if (c === undefined) throw new RangeError(`column ${index} out of range`);
    return c;
  }
}

export class SubsetInput implements EvalInput {
  private readonly cache = new Map<number, Column>();
  readonly length: number;
  constructor(private readonly parent: EvalInput, private readonly rows: Int32Array) {
    this.length = rows.length;
  }
  column(index: number): Column {
    let c = this.cache.get(index);
    if (c === undefined) {
      c = gatherColumn(this.parent.column(index), this.rows);
      this.cache.set(index, c);
    }
    return c;
  }
}
