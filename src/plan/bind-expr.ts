// Binds AST expressions to typed BoundExprs: resolves names through the
// clause's context, types every node, makes implicit casts explicit (only the
// safe ones PostgreSQL makes implicitly: untyped literals, numeric widening,
// DATE to TIMESTAMP, anything to TEXT for `||` and concat), folds constant
// calls, and rejects what this version cannot run with 0A000.

import type { SqlType } from '../common/sql-type.js';
import { elementType, isArrayType, isDatetime, isNumeric, typeInfo, widensTo } from '../common/sql-type.js';
import { formatNumeric, parseNumeric } from '../columnar/numeric-values.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';
import { getScalar } from '../columnar/column.js';
import type { BoundExpr, ConstExpr } from '../expr/bound-expr.js';
import { castScalar, canCast } from '../expr/cast.js';
import { compileExpr } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { ArgType } from '../expr/function-def.js';
import { commonType } from '../expr/function-def.js';
import { lookupFunction, resolveFunction } from '../expr/function-registry.js';
import { quantifiedName } from '../expr/functions/array-functions.js';
import { CLOCK_FUNCTIONS, CLOCK_KEYWORDS, clockIsFixed } from '../expr/functions/now-functions.js';
import { parseDate, parseTimestamp, parseTimestamptz } from '../expr/datetime.js';
import type { BinaryOp, CallExpr, ColumnRef, ExistsExpr, Expr, InSubqueryExpr, ScalarSubquery, TypeName } from '../sql/ast.js';
import { numericTypmod } from './numeric-typmod.js';
import { resolveTypeName } from './type-names.js';
import { AGGREGATE_NAMES } from './aggregate-signatures.js';

/** How a clause resolves names and aggregates. */
export interface ExprContext {
  column(ref: ColumnRef): BoundExpr;
  aggregate(call: CallExpr): BoundExpr;
  /** Where subqueries are allowed: binds `EXISTS (...)`, `x [NOT] IN (SELECT ...)` or `(SELECT ...)`. */
  subquery?(e: InSubqueryExpr | ExistsExpr | ScalarSubquery): BoundExpr;
  /**
   * Set while binding a correlated global aggregate: count(*) counts this
   * column (non-NULL on every real row) instead, so the NULL-extended row
   * that keeps an empty group alive counts 0.
   */
  readonly countStarArg?: BoundExpr;
  /** Where window functions are allowed (select list, ORDER BY): binds `fn(...) OVER (...)`. */
  window?(call: CallExpr): BoundExpr;
  /** In grouped clauses: the group-key reference when `expr` is a GROUP BY expression. */
  groupMatch?(expr: Expr): BoundExpr | null;
  readonly params: readonly unknown[];
}

const BINARY_FUNCTIONS: Record<string, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod',
  '=': 'eq', '<>': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
  and: 'and', or: 'or', '||': 'concat_op',
  '->': 'json_get', '->>': 'json_get_text', '#>': 'json_path', '#>>': 'json_path_text', '@>': 'json_contains', '<@': 'json_contained',
};

/** `x op ANY|ALL (arr)`: the registry's comparison name per operator. */
const QUANTIFIED_COMPARISONS: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = {
  '=': 'eq', '<>': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};


/** Functions whose arguments may be cast to text implicitly. */
const ANY_TO_TEXT = new Set(['concat_op', 'concat']);

function constExpr(value: ConstExpr['value'], type: SqlType, untyped = false): ConstExpr {
  return untyped ? { kind: 'const', value, type, untyped } : { kind: 'const', value, type };
}

function isUntyped(e: BoundExpr): boolean {
  return e.kind === 'const' && e.untyped === true;
}

function argType(e: BoundExpr): ArgType {
  return isUntyped(e) ? 'unknown' : e.type;
}

function typeName(t: ArgType): string {
  return t === 'unknown' ? 'unknown' : typeInfo[t].sqlName.toLowerCase();
}

/** Casts PostgreSQL applies without being asked. */
function implicitCastAllowed(from: SqlType, to: SqlType, anyToText: boolean): boolean {
  if (from === to) return true;
  if (to === 'text' && anyToText) return true;
  // An array converts when its elements would (int[] -> bigint[]).
  if (isArrayType(from) || isArrayType(to)) {
    return isArrayType(from) && isArrayType(to) && implicitCastAllowed(elementType(from), elementType(to), false);
  }
  if (isNumeric(from) && isNumeric(to)) return widensTo(from, to);
  // DATE -> TIMESTAMP -> TIMESTAMPTZ are implicit; TIMESTAMPTZ -> TIMESTAMP is not.
  if (from === 'date') return to === 'timestamp' || to === 'timestamptz';
  return from === 'timestamp' && to === 'timestamptz';
}

/** Evaluates an expression without inputs (all leaves constant). */
function fold(e: BoundExpr): ConstExpr {
  const col = compileExpr(e)(new BatchInput([], 1));
  return constExpr(getScalar(col, 0), e.type);
}

function isConst(e: BoundExpr): boolean {
  return e.kind === 'const';
}

/** An explicit or implicit cast, folded when the operand is constant. */
export function castTo(e: BoundExpr, to: SqlType, pos?: SourcePosition): BoundExpr {
  if (e.kind === 'const') {
    if (e.type === to && !e.untyped) return e;
    try {
      return constExpr(castScalar(e.value, e.type, to), to);
    } catch (err) {
      if (err instanceof EngineError && err.position === undefined && pos !== undefined) {
        throw new EngineError(err.code, err.message, pos);
      }
      throw err;
    }
  }
  if (e.type === to) return e;
  if (!canCast(e.type, to)) {
    throw new EngineError(SqlState.cannotCoerce, `cannot cast type ${typeName(e.type)} to ${typeName(to)}`, pos);
  }
  return pos === undefined ? { kind: 'call', fn: 'cast', args: [e], type: to } : { kind: 'call', fn: 'cast', args: [e], type: to, pos };
}

/**
 * The cast INSERT and UPDATE apply to a value stored into a column, with
 * PostgreSQL's assignment rules: untyped literals, numeric to numeric (range
 * checked), anything to TEXT, DATE and TIMESTAMP both ways. Anything else
 * (say an INTEGER into a BOOLEAN column) is 42804.
 */
export function assignTo(e: BoundExpr, to: SqlType, column: string, pos: SourcePosition): BoundExpr {
  const from = e.type;
  const allowed =
    isUntyped(e) ||
    from === to ||
    (isNumeric(from) && isNumeric(to)) ||
    (isArrayType(from) && isArrayType(to) && canCast(from, to)) ||
    to === 'text' ||
    (isDatetime(from) && isDatetime(to));
  if (!allowed) {
    throw new EngineError(
      SqlState.datatypeMismatch,
      `column "${column}" is of type ${typeName(to)} but expression is of type ${typeName(from)}; you will need to rewrite or cast the expression`,
      pos,
    );
  }
  return castTo(e, to, pos);
}

function coerce(e: BoundExpr, to: SqlType, anyToText: boolean): BoundExpr | null {
  if (isUntyped(e)) return castTo(e, to);
  if (!implicitCastAllowed(e.type, to, anyToText)) return null;
  return castTo(e, to);
}

/**
 * Resolves a function or operator over bound arguments, inserting implicit
 * casts. `display` names it in errors: 'operator +' or 'function lower'.
 */
export function bindCall(fn: string, args: readonly BoundExpr[], pos: SourcePosition, display: string): BoundExpr {
  const types = args.map(argType);
  const resolved = resolveFunction(fn, types);
  const fail = (): EngineError => {
    const sig = types.map(typeName);
    const what = display.startsWith('operator ')
      ? `operator does not exist: ${sig.length === 1 ? `${display.slice(9)} ${sig[0]}` : `${sig[0]} ${display.slice(9)} ${sig[1]}`}`
      : `function ${display.slice(9)}(${sig.join(', ')}) does not exist`;
    return new EngineError(SqlState.undefinedFunction, `${what}; you might need to add an explicit cast`, pos);
  };
  if (resolved === null) throw fail();
  const casted: BoundExpr[] = [];
  for (let i = 0; i < args.length; i++) {
    const c = coerce(args[i]!, resolved.argTypes[i]!, ANY_TO_TEXT.has(fn));
    if (c === null) throw fail();
    casted.push(c);
  }
  const call: BoundExpr = { kind: 'call', fn, args: casted, type: resolved.resultType, pos };
  return casted.every(isConst) ? foldAt(call, pos) : call;
}

function foldAt(e: BoundExpr, pos: SourcePosition): ConstExpr {
  try {
    return fold(e);
  } catch (err) {
    if (err instanceof EngineError && err.position === undefined) throw new EngineError(err.code, err.message, pos);
    throw err;
  }
}

/** Unifies values that must share one type (CASE results, IN lists, COALESCE). */
export function unify(exprs: readonly BoundExpr[], what: string, pos: SourcePosition): BoundExpr[] {
  const t = commonType(exprs.map(argType));
  if (t === null) {
    throw new EngineError(SqlState.datatypeMismatch, `${what} types ${[...new Set(exprs.map((e) => typeName(argType(e))))].join(' and ')} cannot be matched`, pos);
  }
  return exprs.map((e) => {
    const c = coerce(e, t, false);
    if (c === null) throw new EngineError(SqlState.datatypeMismatch, `${what} types ${typeName(e.type)} and ${typeName(t)} cannot be matched`, pos);
    return c;
  });
}

function bindNumber(text: string, pos: SourcePosition, negate: boolean): ConstExpr {
  const signed = negate ? `-${text}` : text;
  if (/^\d+$/.test(text)) {
    const v = Number(signed);
    if (v >= -2147483648 && v <= 2147483647) return constExpr(v, 'integer');
    if (Number.isSafeInteger(v)) return constExpr(v, 'bigint');
    // Beyond BIGINT's exact range (±2^53 here): NUMERIC, as PostgreSQL reads integers beyond int8.
  }
  // A literal with a point or an exponent is NUMERIC, as in PostgreSQL (1.50 keeps its scale).
  const parsed = parseNumeric(signed);
  if (parsed === null) throw new EngineError(SqlState.syntaxError, `invalid number "${text}"`, pos);
  return constExpr(withPos(() => formatNumeric(parsed.key, parsed.scale), pos), 'numeric');
}

function bindParam(index: number, params: readonly unknown[], pos: SourcePosition): ConstExpr {
  if (index < 1 || index > params.length) {
    throw new EngineError(SqlState.undefinedParameter, `there is no parameter $${index} (${params.length} given)`, pos);
  }
  const v = params[index - 1];
  if (v === null || v === undefined) return constExpr(null, 'text', true);
  if (typeof v === 'boolean') return constExpr(v, 'boolean');
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return constExpr(v, 'integer');
    if (Number.isSafeInteger(v)) return constExpr(v, 'bigint');
    return constExpr(v, 'double');
  }
  if (typeof v === 'string') return constExpr(v, 'text', true);
  throw new EngineError(SqlState.datatypeMismatch, `parameter $${index} has an unsupported JSON type (${typeof v}); expected a string, number, boolean or null`, pos);
}

/** A condition must be BOOLEAN (an untyped literal may become one): PostgreSQL's 42804 otherwise. */
export function requireBoolean(e: BoundExpr, what: string, pos: SourcePosition): BoundExpr {
  if (isUntyped(e)) return castTo(e, 'boolean', pos);
  if (e.type !== 'boolean') {
    throw new EngineError(SqlState.datatypeMismatch, `argument of ${what} must be type boolean, not type ${typeName(e.type)}`, pos);
  }
  return e;
}

export function bindExpr(e: Expr, ctx: ExprContext): BoundExpr {
  if (ctx.groupMatch !== undefined && e.kind !== 'number' && e.kind !== 'string' && e.kind !== 'null' && e.kind !== 'boolean') {
    const matched = ctx.groupMatch(e);
    if (matched !== null) return matched;
  }
  const bind = (x: Expr): BoundExpr => bindExpr(x, ctx);
  switch (e.kind) {
    case 'number':
      return bindNumber(e.text, e.pos, false);
    case 'string':
      return constExpr(e.value, 'text', true);
    case 'boolean':
      return constExpr(e.value, 'boolean');
    case 'null':
      return constExpr(null, 'text', true);
    case 'typedLiteral': {
      const t = resolveTypeName(e.type);
      if (t === 'timestamp') return constExpr(withPos(() => parseTimestamp(e.value), e.pos), 'timestamp');
      if (t === 'date') return constExpr(withPos(() => parseDate(e.value), e.pos), 'date');
      if (t === 'timestamptz') return constExpr(withPos(() => parseTimestamptz(e.value), e.pos), 'timestamptz');
      return withTypmod(castTo(constExpr(e.value, 'text', true), t, e.pos), e.type, t);
    }
    case 'column':
      return CLOCK_KEYWORDS.has(e.name) && e.table === null ? bindClockKeyword(e, ctx) : ctx.column(e);
    case 'param':
      return bindParam(e.index, ctx.params, e.pos);
    case 'unary': {
      if (e.op === 'not') return bindCall('not', [requireBoolean(bind(e.operand), 'NOT', e.pos)], e.pos, 'operator NOT');
      if (e.op === '-' && e.operand.kind === 'number') return bindNumber(e.operand.text, e.pos, true);
      const operand = bind(e.operand);
      if (e.op === '+') {
        if (!isNumeric(operand.type) && !isUntyped(operand)) throw new EngineError(SqlState.undefinedFunction, `operator does not exist: + ${typeName(operand.type)}`, e.pos);
        return operand;
      }
      return bindCall('neg', [operand], e.pos, 'operator -');
    }
    case 'binary': {
      if (e.op === '~' || e.op === '~*' || e.op === '!~' || e.op === '!~*') {
        // POSIX match operators: regexp_like, case-insensitive with *, negated with !.
        const args = [bind(e.left), bind(e.right), ...(e.op.endsWith('*') ? [constExpr('i', 'text')] : [])];
        const match = bindCall('regexp_like', args, e.pos, `operator ${e.op}`);
        return e.op.startsWith('!') ? bindCall('not', [match], e.pos, `operator ${e.op}`) : match;
      }
      if (isArrayOperator(e.op)) return bindArrayOperator(e.op, bind(e.left), bind(e.right), e.pos);
      const fn = BINARY_FUNCTIONS[e.op]!;
      let left = bind(e.left);
      let right = bind(e.right);
      if (fn === 'and' || fn === 'or') {
        left = requireBoolean(left, e.op.toUpperCase(), e.left.pos);
        right = requireBoolean(right, e.op.toUpperCase(), e.right.pos);
      }
      return bindCall(fn, [left, right], e.pos, `operator ${e.op}`);
    }
    case 'isNull':
      return bindCall(e.negated ? 'is_not_null' : 'is_null', [bind(e.operand)], e.pos, 'operator IS NULL');
    case 'isBool': {
      const operand = requireBoolean(bind(e.operand), 'IS', e.pos);
      if (e.value === null) return bindCall(e.negated ? 'is_not_null' : 'is_null', [operand], e.pos, 'operator IS UNKNOWN');
      const fn = e.value ? (e.negated ? 'is_not_true' : 'is_true') : e.negated ? 'is_not_false' : 'is_false';
      return bindCall(fn, [operand], e.pos, 'operator IS');
    }
    case 'isDistinct':
      return bindCall(e.negated ? 'is_not_distinct' : 'is_distinct', [bind(e.left), bind(e.right)], e.pos, 'operator IS DISTINCT FROM');
    case 'between': {
      const [x, lo, hi] = unify([bind(e.operand), bind(e.low), bind(e.high)], 'BETWEEN', e.pos) as [BoundExpr, BoundExpr, BoundExpr];
      const range = (a: BoundExpr, b: BoundExpr): BoundExpr =>
        bindCall('and', [bindCall('ge', [x, a], e.pos, 'operator >='), bindCall('le', [x, b], e.pos, 'operator <=')], e.pos, 'operator AND');
      let test = range(lo, hi);
      if (e.symmetric) test = bindCall('or', [test, range(hi, lo)], e.pos, 'operator OR');
      return e.negated ? bindCall('not', [test], e.pos, 'operator NOT') : test;
    }
    case 'inList': {
      const items = unify([bind(e.operand), ...e.list.map(bind)], 'IN', e.pos);
      const test = bindCall('in', items, e.pos, 'operator IN');
      return e.negated ? bindCall('not', [test], e.pos, 'operator NOT') : test;
    }
    case 'like': {
      const args = [bind(e.operand), bind(e.pattern), ...(e.escape === null ? [] : [bind(e.escape)])];
      const word = e.caseInsensitive ? 'ILIKE' : 'LIKE';
      const test = bindCall(e.caseInsensitive ? 'ilike' : 'like', args, e.pos, `operator ${word}`);
      return e.negated ? bindCall('not', [test], e.pos, 'operator NOT') : test;
    }
    case 'case':
      return bindCase(e, ctx);
    case 'cast': {
      const to = resolveTypeName(e.type);
      // ARRAY[] takes its type from the cast (PostgreSQL's only way to type it).
      if (isEmptyArray(e.operand)) {
        if (!isArrayType(to)) throw new EngineError(SqlState.cannotCoerce, `cannot cast an empty ARRAY[] to ${typeName(to)}`, e.pos);
        return constExpr('{}', to);
      }
      return withTypmod(castTo(bind(e.operand), to, e.pos), e.type, to);
    }
    case 'call':
      return bindFunctionCall(e, ctx);
    case 'inSubquery':
    case 'exists':
    case 'scalarSubquery':
      if (ctx.subquery === undefined) throw unsupported('a subquery in this clause', e.pos);
      return ctx.subquery(e);
  }
}

/** CAST(x AS NUMERIC(p, s)): the cast, then the rounding and range check of the modifier. */
function withTypmod(e: BoundExpr, name: TypeName, to: SqlType): BoundExpr {
  const typmod = numericTypmod(name, to);
  if (typmod === null) return e;
  return bindCall('numeric_typmod', [e, constExpr(typmod.precision, 'integer'), constExpr(typmod.scale, 'integer')], name.pos, 'function numeric_typmod');
}

function isEmptyArray(e: Expr): boolean {
  return e.kind === 'call' && e.name === 'array' && e.args.length === 0 && !e.star;
}

function isArrayOperator(op: BinaryOp): boolean {
  return op === '[]' || op === '&&' || op === '@>' || op === '<@' || op.endsWith(' ANY') || op.endsWith(' ALL');
}

/** a[i], x op ANY|ALL (a), a && b, and @> / <@ when a side is an array (else they are JSONB's). */
function bindArrayOperator(op: BinaryOp, left: BoundExpr, right: BoundExpr, pos: SourcePosition): BoundExpr {
  const display = `operator ${op}`;
  if (op === '[]') {
    if (isUntyped(left) || !isArrayType(left.type)) {
      throw new EngineError(SqlState.datatypeMismatch, `cannot subscript type ${typeName(argType(left))} because it does not support subscripting`, pos);
    }
    return bindCall('array_subscript', [left, right], pos, display);
  }
  if (op === '&&') return bindCall('array_overlap', [left, right], pos, display);
  if (op === '@>' || op === '<@') {
    const arrays = (!isUntyped(left) && isArrayType(left.type)) || (!isUntyped(right) && isArrayType(right.type));
    const fn = arrays ? (op === '@>' ? 'array_contains' : 'array_contained') : BINARY_FUNCTIONS[op]!;
    return bindCall(fn, [left, right], pos, display);
  }
  const [cmp, word] = op.split(' ') as [string, 'ANY' | 'ALL'];
  if (!isUntyped(right) && !isArrayType(right.type)) {
    throw new EngineError(SqlState.wrongObjectType, `op ${word} (array) requires an array on the right, not ${typeName(right.type)}`, pos);
  }
  return bindCall(quantifiedName(QUANTIFIED_COMPARISONS[cmp]!, word === 'ALL'), [left, right], pos, `operator ${cmp}`);
}

function withPos<T>(f: () => T, pos: SourcePosition): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof EngineError && err.position === undefined) throw new EngineError(err.code, err.message, pos);
    throw err;
  }
}

function bindCase(e: Extract<Expr, { kind: 'case' }>, ctx: ExprContext): BoundExpr {
  const bind = (x: Expr): BoundExpr => bindExpr(x, ctx);
  const operand = e.operand === null ? null : bind(e.operand);
  const conditions = e.whens.map((w) => {
    if (operand === null) return requireBoolean(bind(w.when), 'CASE/WHEN', w.when.pos);
    const [a, b] = unify([operand, bind(w.when)], 'CASE/WHEN', w.when.pos) as [BoundExpr, BoundExpr];
    return bindCall('eq', [a, b], w.when.pos, 'operator =');
  });
  const results = unify([...e.whens.map((w) => bind(w.then)), e.else === null ? constExpr(null, 'text', true) : bind(e.else)], 'CASE', e.pos);
  const type = results[0]!.type;
  // Fold WHEN TRUE / WHEN FALSE / WHEN NULL branches that are decided at bind time.
  const whens: { when: BoundExpr; then: BoundExpr }[] = [];
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (c.kind === 'const') {
      if (c.value === true) return whens.length === 0 ? results[i]! : { kind: 'case', whens, else: results[i]!, type };
      continue;
    }
    whens.push({ when: c, then: results[i]! });
  }
  const otherwise = results[results.length - 1]!;
  return whens.length === 0 ? otherwise : { kind: 'case', whens, else: otherwise, type };
}

function bindFunctionCall(e: CallExpr, ctx: ExprContext): BoundExpr {
  if (e.over !== null) {
    if (ctx.window === undefined) throw new EngineError(SqlState.windowingError, `window functions are not allowed here (${e.name}() OVER (...))`, e.pos);
    return ctx.window(e);
  }
  if (AGGREGATE_NAMES.has(e.name)) {
    return ctx.aggregate(e);
  }
  if (e.distinct || e.filter !== null) {
    throw new EngineError(SqlState.wrongObjectType, `DISTINCT or FILTER specified, but ${e.name} is not an aggregate function`, e.pos);
  }
  if (e.orderBy !== undefined || e.withinGroup !== undefined) {
    const what = e.orderBy !== undefined ? 'ORDER BY' : 'WITHIN GROUP';
    throw new EngineError(SqlState.wrongObjectType, `${what} specified, but ${e.name} is not an aggregate function`, e.pos);
  }
  if (e.star) throw new EngineError(SqlState.syntaxError, `${e.name}(*) is only valid for count(*)`, e.pos);
  if (e.name === 'array') {
    if (e.args.length === 0) {
      throw new EngineError(SqlState.indeterminateDatatype, 'cannot determine type of empty array; cast it to the type you want, e.g. ARRAY[]::integer[]', e.pos);
    }
    const elements = unify(e.args.map((a) => bindExpr(a, ctx)), 'ARRAY', e.pos);
    return bindCall('array', elements, e.pos, 'function array');
  }
  if (e.name === 'coalesce' || e.name === 'greatest' || e.name === 'least' || e.name === 'nullif') {
    const args = unify(e.args.map((a) => bindExpr(a, ctx)), e.name.toUpperCase(), e.pos);
    return bindCall(e.name, args, e.pos, `function ${e.name}`);
  }
  const def = lookupFunction(e.name);
  if (def === undefined || OPERATOR_NAMES.has(e.name)) {
    throw new EngineError(SqlState.undefinedFunction, `function ${e.name}(${e.args.length === 0 ? '' : '...'}) does not exist`, e.pos);
  }
  if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
    const expected = def.minArgs === def.maxArgs ? `${def.minArgs}` : def.maxArgs === Infinity ? `at least ${def.minArgs}` : `${def.minArgs} to ${def.maxArgs}`;
    throw new EngineError(SqlState.undefinedFunction, `function ${e.name} takes ${expected} arguments, got ${e.args.length}`, e.pos);
  }
  if (CLOCK_FUNCTIONS.has(def.name)) return bindClock(def.name, e.pos);
  return bindCall(def.name, e.args.map((a) => bindExpr(a, ctx)), e.pos, `function ${e.name}`);
}

/**
 * CURRENT_TIMESTAMP, LOCALTIMESTAMP and CURRENT_DATE are keywords in
 * PostgreSQL; the parser reads them as column names, so a column of that name
 * (only reachable quoted in PostgreSQL) wins and otherwise it is the clock.
 */
function bindClockKeyword(ref: ColumnRef, ctx: ExprContext): BoundExpr {
  try {
    return ctx.column(ref);
  } catch (err) {
    if (!(err instanceof EngineError) || err.code !== SqlState.undefinedColumn) throw err;
  }
  return bindClock(CLOCK_KEYWORDS.get(ref.name)!, ref.pos);
}

/**
 * A clock call: the statement's fixed time when it has one (a query, DML);
 * in a view definition a symbolic call, which plan/bind-temporal.ts turns
 * into a temporal filter or rejects.
 */
function bindClock(fn: string, pos: SourcePosition): BoundExpr {
  const call: BoundExpr = { kind: 'call', fn, args: [], type: lookupFunction(fn)!.resolve([])!.resultType, pos };
  return clockIsFixed() ? foldAt(call, pos) : call;
}

/** Registry entries that are operators, not callable by name. */
const OPERATOR_NAMES: ReadonlySet<string> = new Set([
  'add', 'sub', 'mul', 'div', 'neg', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'not', 'in',
  'is_distinct', 'is_not_distinct', 'is_true', 'is_not_true', 'is_false', 'is_not_false',
  'is_null', 'is_not_null', 'concat_op', 'like', 'ilike', 'cast',
  'json_get', 'json_get_text', 'json_path', 'json_path_text', 'json_contains', 'json_contained',
  'array_subscript', 'array_contains', 'array_contained', 'array_overlap',
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).flatMap((op) => [quantifiedName(op, false), quantifiedName(op, true)]),
]);
