// Change batches for the orders table as SQL text, identical for both engines:
// about 90% inserts of new orders and 10% deletes of orders that exist at that
// point. The generator remembers which ids are live across all batches it makes,
// so batches must be applied in the order they were made.

import type { Rand } from '../bench-common.js';
import { randomOrder, type Dimensions } from './schema.js';

/** One change batch: deletes first, then inserts; null when the batch has none. */
export interface ChangeBatch {
  readonly deletes: string | null;
  readonly inserts: string | null;
  readonly rows: number;
}

/** One row in ten is a delete. */
const DELETE_ONE_IN = 10;

export class OrderChanges {
  private nextId: number;
  private readonly deleted = new Set<number>();

  constructor(
    private readonly rand: Rand,
    private readonly dims: Dimensions,
  ) {
    this.nextId = dims.orders;
  }

  batches(count: number, size: number): ChangeBatch[] {
    const out: ChangeBatch[] = [];
    for (let b = 0; b < count; b++) out.push(this.batch(size));
    return out;
  }

  private batch(size: number): ChangeBatch {
    const del: number[] = [];
    const ins: string[] = [];
    // Deletes run before inserts, so only ids that exist before this batch qualify.
    const existing = this.nextId;
    for (let i = 0; i < size; i++) {
      // A 1-row batch is a delete with probability 1/10; a 1,000-row batch has ~100.
      const id = this.rand.below(DELETE_ONE_IN) === 0 ? this.liveId(existing) : null;
      if (id !== null) {
        this.deleted.add(id);
        del.push(id);
      } else {
        const o = randomOrder(this.rand, this.nextId++, this.dims);
        ins.push(`(${o.id}, ${o.customer}, ${o.product}, ${o.amount}, ${o.ts})`);
      }
    }
    return {
      deletes: del.length > 0 ? `DELETE FROM orders WHERE id IN (${del.join(', ')})` : null,
      inserts: ins.length > 0 ? `INSERT INTO orders VALUES ${ins.join(', ')}` : null,
      rows: size,
    };
  }

  /** A random live id below `below` (initial or inserted by an earlier batch); null if none found. */
  private liveId(below: number): number | null {
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = this.rand.below(below);
      if (!this.deleted.has(id)) return id;
    }
    return null;
  }
}
