// PostgreSQL constructs the grammar does not have yet. When a parse fails at
// one of these words, the user gets 0A000 naming the construct instead of a
// bare syntax error: the SQL is valid, Freshet just does not run it yet.

import type { IToken } from 'chevrotain';

const BY_WORD: Readonly<Record<string, string>> = {
  BEGIN: 'transactions (BEGIN/COMMIT/ROLLBACK; each statement commits on its own)',
  COMMIT: 'transactions (BEGIN/COMMIT/ROLLBACK; each statement commits on its own)',
  ROLLBACK: 'transactions (BEGIN/COMMIT/ROLLBACK; each statement commits on its own)',
  START: 'transactions (BEGIN/COMMIT/ROLLBACK; each statement commits on its own)',
  SIMILAR: 'SIMILAR TO',
  ARRAY: 'arrays',
  COLLATE: 'COLLATE',
  FETCH: 'FETCH FIRST ... ROWS (write LIMIT)',
  GROUPING: 'GROUPING SETS',
  ROLLUP: 'ROLLUP',
  CUBE: 'CUBE',
  WITHIN: 'WITHIN GROUP (ordered-set aggregates)',
  DEFAULT: 'DEFAULT values',
  REFERENCES: 'foreign keys',
  FOREIGN: 'foreign keys',
  CHECK: 'CHECK constraints',
  SOURCE: 'CREATE SOURCE',
  SUBSCRIBE: 'SUBSCRIBE',
  COPY: 'COPY',
  ALTER: 'ALTER',
  TRUNCATE: 'TRUNCATE (write DELETE FROM)',
  GRANT: 'GRANT',
  REVOKE: 'REVOKE',
  VACUUM: 'VACUUM',
  ANALYZE: 'ANALYZE',
  PREPARE: 'PREPARE',
  EXECUTE: 'EXECUTE',
  SET: 'SET',
  RESET: 'RESET',
  LATERAL: 'LATERAL',
  ONLY: 'FROM ONLY',
  TABLESAMPLE: 'TABLESAMPLE',
};

/** The construct named by the token a parse failed at, if it is one Freshet lacks. */
export function unsupportedConstructAt(tokens: readonly IToken[], index: number): string | null {
  const token = tokens[index];
  if (token === undefined) return null;
  const word = token.image.toUpperCase();
  const next = tokens[index + 1]?.image.toUpperCase();
  if (word === 'ON' && next === 'CONFLICT') return 'ON CONFLICT';
  // `CREATE SOURCE`, `DROP SINK`...: the parse fails at CREATE/DROP itself.
  if ((word === 'CREATE' || word === 'DROP') && next !== undefined) {
    const after = tokens[index + 2]?.image.toUpperCase();
    return BY_WORD[next] ?? (after === undefined ? null : BY_WORD[after] ?? null);
  }
  // `... FROM t FETCH FIRST n ROWS ONLY`: FETCH was read as an alias of t.
  if (tokens[index - 1]?.image.toUpperCase() === 'FETCH' && (word === 'FIRST' || word === 'NEXT')) return BY_WORD['FETCH']!;
  return BY_WORD[word] ?? null;
}
