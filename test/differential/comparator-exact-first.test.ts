// The differential multiset comparison: exact pairs first, tolerance only for the rest.
import { describe, expect, it } from 'vitest';
import { diffMultisets as diffRowsExactFirst } from './comparator.js';

describe('diffRowsExactFirst', () => {
  it('finds equal multisets of large integers equal whatever their order (greedy tolerance matching did not)', () => {
    const expected = [[2, 7_930_000_015], [2, 7_930_000_010], [2, 7_930_000_004], [3, 3]];
    const actual = [[2, 7_930_000_004], [2, 7_930_000_010], [2, 7_930_000_015], [3, 3]];
    expect(diffRowsExactFirst(expected, actual)).toBeNull();
  });

  it('counts duplicates', () => {
    expect(diffRowsExactFirst([[1, 'a'], [1, 'a']], [[1, 'a']])).toEqual({ missing: [[1, 'a']], unexpected: [] });
    expect(diffRowsExactFirst([[null]], [[null], [null]])).toEqual({ missing: [], unexpected: [[null]] });
  });

  it('still matches doubles within the tolerance, and no further', () => {
    expect(diffRowsExactFirst([[0.1 + 0.2, true]], [[0.3, true]])).toBeNull();
    expect(diffRowsExactFirst([[0.3]], [[0.31]])).toEqual({ missing: [[0.3]], unexpected: [[0.31]] });
  });

  it('tells text from numbers and booleans', () => {
    expect(diffRowsExactFirst([['1']], [[1]])).not.toBeNull();
    expect(diffRowsExactFirst([[true]], [['true']])).not.toBeNull();
  });
});
