// The entry point of the SQL front end: text in, statements out. Every
// failure is an EngineError with SQLSTATE 42601 (or 42P02 for `$0`) that carries
// the position of the offending token and, for syntax errors, what was expected.

import type { Statement } from './ast.js';
import { sqlParser } from './parser.js';
import { scanTokens } from './scan-tokens.js';
import { parseError } from './syntax-error.js';

/** Parses a request of zero or more `;`-separated statements. */
export function parseSql(text: string): Statement[] {
  const tokens = scanTokens(text);
  const statements = sqlParser.parseScript(tokens, text);
  const error = sqlParser.errors[0];
  if (error !== undefined) throw parseError(sqlParser, error, tokens, text);
  return statements;
}
