// A window frame clause (kept by the parser as text, e.g. 'ROWS BETWEEN 1
// PRECEDING AND CURRENT ROW') turned into a WindowFrame, with PostgreSQL's
// checks and errors: impossible bound combinations are 42P20, offsets must be
// constant, non-NULL (22023: SqlState has no 22004 yet) and non-negative (22013), RANGE offsets need one
// ORDER BY key of a type the offset can be added to. GROUPS and EXCLUDE are 0A000.

import type { IToken, TokenType } from 'chevrotain';
import type { SourcePosition } from '../common/errors.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { isNumeric, typeInfo } from '../common/sql-type.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { FrameBound, WindowFrame } from '../dataflow/window-spec.js';
import { parseSql } from '../sql/parse-sql.js';
import { scanTokens } from '../sql/scan-tokens.js';
import { Kw, LParen, RParen } from '../sql/tokens.js';
import type { ExprContext } from './bind-expr.js';
import { bindExpr, castTo } from './bind-expr.js';

/** What a frame's offsets are checked against. */
export interface FrameContext {
  /** Types of the window's ORDER BY keys. */
  readonly orderTypes: readonly SqlType[];
  readonly params: readonly unknown[];
  /** The OVER clause: frame errors point at it (the frame text has no positions of its own). */
  readonly pos: SourcePosition;
}

type RawBound =
  | { readonly kind: 'unbounded_preceding' | 'current_row' | 'unbounded_following' }
  | { readonly kind: 'preceding' | 'following'; readonly text: string };

function windowingError(message: string, pos: SourcePosition): EngineError {
  return new EngineError(SqlState.windowingError, message, pos);
}

function is(t: IToken | undefined, type: TokenType): boolean {
  return t !== undefined && t.tokenType === type;
}

/** Index of the first token of `type` outside parentheses, or -1. */
function topLevelIndex(tokens: readonly IToken[], type: TokenType, from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType === LParen) depth++;
    else if (t.tokenType === RParen) depth--;
    else if (depth === 0 && t.tokenType === type) return i;
  }
  return -1;
}

function rawBound(text: string, tokens: readonly IToken[], pos: SourcePosition): RawBound {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first === undefined || last === undefined) throw windowingError('empty window frame bound', pos);
  if (tokens.length === 2 && is(first, Kw.Unbounded)) {
    return { kind: is(last, Kw.Preceding) ? 'unbounded_preceding' : 'unbounded_following' };
  }
  if (tokens.length === 2 && is(first, Kw.Current) && is(last, Kw.Row)) return { kind: 'current_row' };
  const offsetText = text.slice(first.startOffset, last.startOffset).trim();
  return { kind: is(last, Kw.Preceding) ? 'preceding' : 'following', text: offsetText };
}

/** PostgreSQL's grammar-level checks (gram.y): the frame must be able to hold rows. */
function checkBounds(start: RawBound, end: RawBound, pos: SourcePosition): void {
  if (start.kind === 'unbounded_following') throw windowingError('frame start cannot be UNBOUNDED FOLLOWING', pos);
  if (end.kind === 'unbounded_preceding') throw windowingError('frame end cannot be UNBOUNDED PRECEDING', pos);
  if (start.kind === 'current_row' && end.kind === 'preceding') {
    throw windowingError('frame starting from current row cannot have preceding rows', pos);
  }
  if (start.kind === 'following' && (end.kind === 'preceding' || end.kind === 'current_row')) {
    throw windowingError('frame starting from following row cannot have preceding rows', pos);
  }
}

function typeName(t: SqlType): string {
  return typeInfo[t].sqlName.toLowerCase();
}

/** Binds one offset: a constant, non-NULL, non-negative number fit for the frame mode. */
function boundOffset(text: string, which: 'starting' | 'ending', mode: 'rows' | 'range', fc: FrameContext): number {
  const clause = mode.toUpperCase();
  // The parser checked the offset is one expression; parsing it again yields its AST.
  const stmt = parseSql(`SELECT ${text}`)[0];
  const q = stmt?.kind === 'query' ? stmt.query : undefined;
  const item = q?.kind === 'select' && q.items.length === 1 ? q.items[0] : undefined;
  if (item?.kind !== 'exprItem') throw windowingError(`invalid frame offset "${text}"`, fc.pos);
  const ctx: ExprContext = {
    column: () => {
      throw new EngineError(SqlState.invalidColumnReference, `argument of ${clause} must not contain variables`, fc.pos);
    },
    aggregate: () => {
      throw new EngineError(SqlState.groupingError, `aggregate functions are not allowed in window ${clause}`, fc.pos);
    },
    params: fc.params,
  };
  let bound: BoundExpr = bindExpr(item.expr, ctx);
  if (mode === 'rows') {
    if (!(bound.kind === 'const' && bound.untyped === true) && bound.type !== 'integer' && bound.type !== 'bigint') {
      throw new EngineError(SqlState.datatypeMismatch, `argument of ROWS must be type bigint, not type ${typeName(bound.type)}`, fc.pos);
    }
    bound = castTo(bound, 'bigint', fc.pos);
  } else {
    if (fc.orderTypes.length !== 1) {
      throw windowingError('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column', fc.pos);
    }
    const keyType = fc.orderTypes[0]!;
    if (bound.kind === 'const' && bound.untyped === true) bound = castTo(bound, keyType === 'double' ? 'double' : 'bigint', fc.pos);
    // A decimal literal is NUMERIC; a double key compares offsets as doubles.
    if (keyType === 'double' && bound.type === 'numeric') bound = castTo(bound, 'double', fc.pos);
    const integral = bound.type === 'integer' || bound.type === 'bigint';
    // PostgreSQL's in_range support functions: integer keys take integer offsets, float keys any number.
    const ok = (keyType === 'integer' || keyType === 'bigint') ? integral : keyType === 'double' && isNumeric(bound.type);
    if (!ok) {
      throw unsupported(`RANGE with offset PRECEDING/FOLLOWING for column type ${typeName(keyType)} and offset type ${typeName(bound.type)}`, fc.pos);
    }
  }
  if (bound.kind !== 'const') {
    throw new EngineError(SqlState.invalidColumnReference, `argument of ${clause} must be a constant`, fc.pos);
  }
  if (bound.value === null) throw new EngineError(SqlState.invalidParameterValue, `frame ${which} offset must not be null`, fc.pos);
  const v = bound.value as number;
  if (v < 0) throw new EngineError(SqlState.invalidPrecedingOrFollowingSize, `frame ${which} offset must not be negative`, fc.pos);
  return v;
}

function resolveBound(b: RawBound, which: 'starting' | 'ending', mode: 'rows' | 'range', fc: FrameContext): FrameBound {
  if (b.kind === 'preceding' || b.kind === 'following') return { kind: b.kind, offset: boundOffset(b.text, which, mode, fc) };
  return { kind: b.kind };
}

/** The frame `text` describes (as captured by the parser's frameClause rule). */
export function bindWindowFrame(text: string, fc: FrameContext): WindowFrame {
  const tokens = scanTokens(text);
  const head = tokens[0];
  if (is(head, Kw.Groups)) throw unsupported('window frames in GROUPS mode', fc.pos);
  if (!is(head, Kw.Rows) && !is(head, Kw.Range)) throw windowingError(`invalid window frame "${text}"`, fc.pos);
  const mode = is(head, Kw.Rows) ? 'rows' : 'range';
  let bodyEnd = tokens.length;
  const exclude = topLevelIndex(tokens, Kw.Exclude, 1);
  if (exclude >= 0) {
    // EXCLUDE NO OTHERS is the default: accepted as a no-op.
    if (!(is(tokens[exclude + 1], Kw.No) && is(tokens[exclude + 2], Kw.Others))) {
      throw unsupported(`window frame ${text.slice(tokens[exclude]!.startOffset).toUpperCase()}`, fc.pos);
    }
    bodyEnd = exclude;
  }
  const body = tokens.slice(1, bodyEnd);
  let start: RawBound;
  let end: RawBound;
  if (is(body[0], Kw.Between)) {
    const and = topLevelIndex(body, Kw.And, 1);
    if (and < 0) throw windowingError(`invalid window frame "${text}"`, fc.pos);
    start = rawBound(text, body.slice(1, and), fc.pos);
    end = rawBound(text, body.slice(and + 1), fc.pos);
  } else {
    start = rawBound(text, body, fc.pos);
    end = { kind: 'current_row' };
    // PostgreSQL words a lone `n FOLLOWING` this way: the implied end is CURRENT ROW.
    if (start.kind === 'following') throw windowingError('frame starting from following row cannot end with current row', fc.pos);
  }
  checkBounds(start, end, fc.pos);
  return { mode, start: resolveBound(start, 'starting', mode, fc), end: resolveBound(end, 'ending', mode, fc) };
}
