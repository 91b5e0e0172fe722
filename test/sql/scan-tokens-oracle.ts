// The differential oracle for scanTokens: chevrotain's lexer (lexWithChevrotain)
// with the error the parse path used to derive from its result. `scanDifference`
// names the first way the two disagree on one input, or returns null.

import type { IToken } from 'chevrotain';
import { EngineError } from '../../src/common/errors.js';
import { scanTokens } from '../../src/sql/scan-tokens.js';
import { hasUnterminatedToken, lexError } from '../../src/sql/syntax-error.js';
import { lexWithChevrotain } from '../../src/sql/tokens.js';

interface ErrorOutcome {
  readonly code: string;
  readonly message: string;
  readonly position: unknown;
}
type Outcome = { readonly tokens: IToken[] } | { readonly error: ErrorOutcome };

/** Every field of a chevrotain token, in the order its lexer creates them. */
const FIELDS = [
  'image',
  'startOffset',
  'endOffset',
  'startLine',
  'endLine',
  'startColumn',
  'endColumn',
  'tokenTypeIdx',
  'tokenType',
] as const;

function errorOutcome(error: EngineError): ErrorOutcome {
  return { code: error.code, message: error.message, position: error.position };
}

/** What the chevrotain lexer makes of `text`, with lex failures turned into errors as parse-sql did. */
export function referenceOutcome(text: string): Outcome {
  const { tokens, errorOffset } = lexWithChevrotain(text);
  if (errorOffset !== null || hasUnterminatedToken(tokens)) return { error: errorOutcome(lexError(text, tokens, errorOffset)) };
  return { tokens };
}

export function scannerOutcome(text: string): Outcome {
  try {
    return { tokens: scanTokens(text) };
  } catch (error) {
    if (error instanceof EngineError) return { error: errorOutcome(error) };
    throw error;
  }
}

function show(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'name' in value) return `type ${String(value.name)}`;
  return JSON.stringify(value);
}

/** The first disagreement between scanTokens and the reference on `text`, or null. */
export function scanDifference(text: string): string | null {
  const expected = referenceOutcome(text);
  const actual = scannerOutcome(text);
  const input = JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}...` : text);
  if ('error' in expected || 'error' in actual) {
    const e = JSON.stringify('error' in expected ? expected.error : `${expected.tokens.length} tokens`);
    const a = JSON.stringify('error' in actual ? actual.error : `${actual.tokens.length} tokens`);
    return e === a ? null : `${input}: expected ${e}, got ${a}`;
  }
  if (expected.tokens.length !== actual.tokens.length) {
    return `${input}: expected ${expected.tokens.length} tokens, got ${actual.tokens.length}`;
  }
  for (let i = 0; i < expected.tokens.length; i++) {
    const e = expected.tokens[i]!;
    const a = actual.tokens[i]!;
    const eKeys = Object.keys(e).join(',');
    const aKeys = Object.keys(a).join(',');
    if (eKeys !== aKeys) return `${input}: token ${i} has fields ${aKeys}, expected ${eKeys}`;
    for (const field of FIELDS) {
      if (e[field] !== a[field]) {
        return `${input}: token ${i} (${JSON.stringify(e.image)}) ${field} is ${show(a[field])}, expected ${show(e[field])}`;
      }
    }
  }
  return null;
}

/** The disagreements over many inputs, at most `limit` of them, for one readable assertion. */
export function scanDifferences(inputs: Iterable<string>, limit = 10): string[] {
  const out: string[] = [];
  for (const text of inputs) {
    const difference = scanDifference(text);
    if (difference !== null && out.push(difference) >= limit) break;
  }
  return out;
}
