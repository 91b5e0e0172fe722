// The human-readable grammar of Freshet's SQL dialect, generated from the
// parser's own productions so it can never drift from what the parser accepts:
// railroad diagrams (HTML, via chevrotain) and a one-rule-per-line EBNF text.
// grammar/generate.ts writes both to grammar/; a test checks they are current.

import type { ISerializedGast } from 'chevrotain';
import { createSyntaxDiagramsCode } from './chevrotain-bundle.js';
import { assert } from '../common/assert.js';
import { sqlParser } from './parser.js';
import { Kw, isReservedWord } from './tokens.js';

interface SerializedNode extends ISerializedGast {
  readonly name?: string;
  readonly label?: string;
  readonly separator?: SerializedNode;
  readonly definition?: SerializedNode[];
}

const TEXT_HEADER = [
  '(* Freshet SQL grammar, generated from src/sql by `npm run grammar`: do not edit. *)',
  "(* [ x ] optional, { x } zero or more, ( a | b ) one of; UPPER keywords, 'x' punctuation. *)",
  '(* Keywords are case-insensitive; identifiers are lower-cased unless double-quoted. *)',
  '(* In type names a further word is read only while it continues a known multi-word type *)',
  '(* such as double precision or timestamp with time zone. *)',
  '(* expr is parsed by precedence; operators from loosest to tightest: OR; AND; prefix NOT; *)',
  '(* IS ... / ISNULL / NOTNULL; comparisons (not chainable); [NOT] BETWEEN / IN / LIKE / ILIKE *)',
  '(* (not chainable); ||; + -; * / %; prefix + -; :: casts. Binary operators are left-associative. *)',
  '(* NOT may start only an operand of AND, OR or NOT. The operands of BETWEEN and LIKE, the first *)',
  '(* argument of POSITION and a window frame bound hold no operator looser than ||. *)',
  '',
];

function sequence(nodes: readonly SerializedNode[] | undefined): string {
  return (nodes ?? []).map(render).join(' ');
}

function render(node: SerializedNode): string {
  switch (node.type) {
    case 'Terminal':
      return node.label ?? node.name ?? '?';
    case 'NonTerminal':
      return node.name ?? '?';
    case 'Alternative':
    case 'Rule':
      return sequence(node.definition);
    case 'Option':
      return `[ ${sequence(node.definition)} ]`;
    case 'Repetition':
      return `{ ${sequence(node.definition)} }`;
    case 'RepetitionMandatory': {
      const body = sequence(node.definition);
      return `${group(node.definition, body)} { ${body} }`;
    }
    case 'RepetitionWithSeparator': {
      const body = sequence(node.definition);
      return `[ ${body} { ${render(must(node.separator))} ${body} } ]`;
    }
    case 'RepetitionMandatoryWithSeparator': {
      const body = sequence(node.definition);
      return `${group(node.definition, body)} { ${render(must(node.separator))} ${body} }`;
    }
    case 'Alternation':
      return `( ${(node.definition ?? []).map(render).join(' | ')} )`;
    default:
      return '?';
  }
}

function must(node: SerializedNode | undefined): SerializedNode {
  assert(node !== undefined, 'separator missing from a serialized repetition');
  return node;
}

/** Parenthesizes a multi-item body so `x { , x }` stays unambiguous. */
function group(nodes: readonly SerializedNode[] | undefined, body: string): string {
  return (nodes ?? []).length > 1 ? `( ${body} )` : body;
}

function renderRule(rule: SerializedNode): string {
  const definition = rule.definition ?? [];
  const only = definition[0];
  // A rule that is one choice lists its alternatives without the outer parentheses.
  const body =
    definition.length === 1 && only !== undefined && only.type === 'Alternation'
      ? (only.definition ?? []).map(render).join(' | ')
      : sequence(definition);
  return `${rule.name ?? '?'} ::= ${body} ;`;
}

/** Rules in reading order: from `script` down, each after the first rule that refers to it. */
function readingOrder(rules: readonly SerializedNode[]): SerializedNode[] {
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  const ordered: SerializedNode[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const rule = byName.get(name);
    if (rule === undefined || seen.has(name)) return;
    seen.add(name);
    ordered.push(rule);
  };
  visit('script');
  for (let i = 0; i < ordered.length; i++) {
    const walk = (node: SerializedNode): void => {
      if (node.type === 'NonTerminal' && node.name !== undefined) visit(node.name);
      for (const child of node.definition ?? []) walk(child);
    };
    walk(must(ordered[i]));
  }
  for (const rule of rules) if (rule.name !== undefined) visit(rule.name);
  return ordered;
}

function renderText(rules: readonly SerializedNode[]): string {
  const keywords = Object.values(Kw).map((token) => token.name);
  const reserved = keywords.filter(isReservedWord).sort();
  const nonReserved = keywords.filter((word) => !isReservedWord(word)).sort();
  return [
    ...TEXT_HEADER,
    ...readingOrder(rules).map(renderRule),
    '',
    `(* Reserved words (usable as names only when double-quoted): ${reserved.join(' ')} *)`,
    `(* Non-reserved keywords (also usable as names): ${nonReserved.join(' ')} *)`,
    '',
  ].join('\n');
}

/** The dialect as railroad diagrams (html) and EBNF-like text. */
export function renderGrammar(): { html: string; text: string } {
  const productions = sqlParser.getSerializedGastProductions() as SerializedNode[];
  return { html: createSyntaxDiagramsCode(productions), text: renderText(productions) };
}
