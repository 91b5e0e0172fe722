// Renders AST expressions back to SQL text: labels for EXPLAIN, output column
// names, and error messages. Not a pretty-printer: it parenthesizes freely.

import type { Expr } from '../sql/ast.js';

export function renderExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value.replace(/'/g, "''")}'`;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'typedLiteral':
      return `${e.type.name.toUpperCase()} '${e.value}'`;
    case 'column':
      // A correlated subquery's outer values (bind-subquery.ts) read as outer.$1, outer.$2, ...
      if (e.table === '\u0000outer') return `outer.$${Number(e.name) + 1}`;
      return e.table === null ? e.name : `${e.table}.${e.name}`;
    case 'param':
      return `$${e.index}`;
    case 'unary':
      return e.op === 'not' ? `NOT ${renderExpr(e.operand)}` : `${e.op}${renderExpr(e.operand)}`;
    case 'binary':
      return `(${renderExpr(e.left)} ${e.op.toUpperCase()} ${renderExpr(e.right)})`;
    case 'isNull':
      return `${renderExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'isBool':
      return `${renderExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'}`;
    case 'isDistinct':
      return `${renderExpr(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${renderExpr(e.right)}`;
    case 'between':
      return `${renderExpr(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${renderExpr(e.low)} AND ${renderExpr(e.high)}`;
    case 'inList':
      return `${renderExpr(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(renderExpr).join(', ')})`;
    case 'inSubquery':
      return `${renderExpr(e.operand)} ${e.negated ? 'NOT ' : ''}IN (subquery)`;
    case 'exists':
      return 'EXISTS (subquery)';
    case 'scalarSubquery':
      return '(subquery)';
    case 'like':
      return `${renderExpr(e.operand)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${renderExpr(e.pattern)}`;
    case 'case': {
      const head = e.operand === null ? 'CASE' : `CASE ${renderExpr(e.operand)}`;
      const whens = e.whens.map((w) => ` WHEN ${renderExpr(w.when)} THEN ${renderExpr(w.then)}`).join('');
      const otherwise = e.else === null ? '' : ` ELSE ${renderExpr(e.else)}`;
      return `${head}${whens}${otherwise} END`;
    }
    case 'cast':
      return `CAST(${renderExpr(e.operand)} AS ${e.type.name.toUpperCase()})`;
    case 'call': {
      const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map(renderExpr).join(', ')}`;
      return `${e.name}(${args})`;
    }
  }
}

/** PostgreSQL's default output column name for a select item without alias. */
export function defaultColumnName(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.name;
    case 'call':
      return e.name;
    case 'cast':
      return e.operand.kind === 'column' ? e.operand.name : e.type.name.split(' ')[0]!;
    case 'case':
      return 'case';
    case 'boolean':
      return 'bool';
    case 'typedLiteral':
      return e.type.name.split(' ')[0]!;
    default:
      return '?column?';
  }
}
