// What the query generators know about a relation (table, view, CTE or
// subquery): its name, typed output columns and a rough size. A generated query
// reports the same, so views over views and subqueries compose.

import type { ValueInfo } from './scalar-gen.js';

export interface OutColumn extends ValueInfo {
  readonly name: string;
}

export interface RelationInfo {
  readonly name: string;
  readonly columns: readonly OutColumn[];
  /**
   * Estimated rows relative to a base table (1). Joins multiply it; the FROM
   * generator keeps every query under `maxFanout`, so results stay small
   * enough to compare after every batch.
   */
  readonly fanout: number;
}

/** The largest estimated size of a FROM clause (about 3,000 rows over tables of ~50). */
export const maxFanout = 64;
/** Growth of an equi-join on the case's small-domain key, relative to the product of its inputs. */
export const equiJoinFanout = 8;
/** Growth of a cross join (every pair of ~50-row inputs). */
export const crossJoinFanout = 50;
