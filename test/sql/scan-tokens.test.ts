// scanTokens against the chevrotain lexer it replaced (the oracle, see
// scan-tokens-oracle.ts): every SQL statement in the conformance .slt files and
// the shared public corpus, the parser tests' inputs, hand-picked edge cases and
// random token soups must give equal tokens field by field, or equal errors.
// A few hand-derived expectations pin the oracle itself.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenMatcher } from 'chevrotain';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseSlt } from '../../conformance/slt-parser.js';
import { EngineError } from '../../src/common/errors.js';
import { parseSql } from '../../src/sql/parse-sql.js';
import { scanTokens } from '../../src/sql/scan-tokens.js';
import { Ident, Kw, NumberLiteral, QuotedIdentifier, StringLiteral, keywordTypes } from '../../src/sql/tokens.js';
import { referenceOutcome, scanDifferences } from './scan-tokens-oracle.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const corpusDir = resolve(root, '../shared/corpus');

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, accept));
    else if (accept(name)) out.push(path);
  }
  return out;
}

/** The SQL of every statement and query record of an .slt file, plus the whole file as one input. */
function sltInputs(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const inputs = [text];
  for (const record of parseSlt(text, path)) {
    if (record.kind === 'statement' || record.kind === 'query' || record.kind === 'query-error') inputs.push(record.sql);
  }
  return inputs;
}

/** The string literals of a TypeScript source (template literals too, without substitutions): the SQL the parser tests feed in. */
function stringLiterals(path: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022));
  return out;
}

describe('scanTokens, hand-derived', () => {
  it('types, images and positions across CRLF, CR and LF line breaks', () => {
    const text = 'SELECT a,\r\n  "T""x" -- note\r FROM t\nWHERE b >= .5e-3';
    const seen = scanTokens(text).map((t) => [t.tokenType.name, t.image, t.startLine, t.startColumn, t.endColumn]);
    expect(seen).toEqual([
      ['SELECT', 'SELECT', 1, 1, 6],
      ['Identifier', 'a', 1, 8, 8],
      ['Comma', ',', 1, 9, 9],
      ['QuotedIdentifier', '"T""x"', 2, 3, 8],
      ['FROM', 'FROM', 3, 2, 5],
      ['Identifier', 't', 3, 7, 7],
      ['WHERE', 'WHERE', 4, 1, 5],
      ['Identifier', 'b', 4, 7, 7],
      ['GreaterEq', '>=', 4, 9, 10],
      ['NumberLiteral', '.5e-3', 4, 12, 16],
    ]);
  });

  it('ends a multi-line string on its last line', () => {
    const [select, literal, after] = scanTokens("SELECT 'a\nbc''\r\nd' x");
    expect(select?.endOffset).toBe(5);
    expect(literal).toMatchObject({ image: "'a\nbc''\r\nd'", startLine: 1, startColumn: 8, endLine: 3, endColumn: 2 });
    expect(literal?.tokenType).toBe(StringLiteral);
    expect(after).toMatchObject({ image: 'x', startOffset: 19, startLine: 3, startColumn: 4 });
  });

  it('re-types keywords case-insensitively; non-reserved ones stay names', () => {
    const [sel, key, quoted, word] = scanTokens('sElEcT Key "select" selects');
    expect(sel?.tokenType).toBe(Kw.Select);
    expect(sel?.image).toBe('sElEcT');
    expect(key?.tokenType).toBe(Kw.Key);
    expect(tokenMatcher(key!, Ident)).toBe(true);
    expect(tokenMatcher(sel!, Ident)).toBe(false);
    expect(quoted?.tokenType).toBe(QuotedIdentifier);
    expect(word?.tokenType.name).toBe('Identifier');
    // U+212A KELVIN SIGN lower-cases to "k", as the reference's toLowerCase does.
    expect(scanTokens('\u212Aey')[0]?.tokenType).toBe(Kw.Key);
  });

  it('splits numbers the way the pattern does', () => {
    const images = (text: string) => scanTokens(text).map((t) => `${t.tokenType === NumberLiteral ? '#' : ''}${t.image}`);
    expect(images('1.e5 1e 1e+ 2E-7 1..2 .5.5 3$1')).toEqual(
      ['#1.e5', '#1', 'e', '#1', 'e', '+', '#2E-7', '#1.', '#.2', '#.5', '#.5', '#3', '$1'],
    );
  });

  it('reports unterminated constructs and stray characters with their positions', () => {
    const failure = (text: string) => {
      try {
        scanTokens(text);
      } catch (error) {
        if (error instanceof EngineError) return [error.code, error.message, error.position];
      }
      return null;
    };
    expect(failure("SELECT\n  'abc")).toEqual([
      '42601',
      `unterminated quoted string at or near "'abc" (line 2, column 3)`,
      { offset: 10, line: 2, column: 3 },
    ]);
    // The string pattern backtracks: 'a''b' is a literal and the last quote opens the unterminated one.
    expect(failure("'a''b''c")?.[1]).toBe(`unterminated quoted string at or near "'c" (line 1, column 7)`);
    expect(failure('a /* x /* y */ z')?.[1]).toBe('unterminated /* comment at or near "/* x /* y */ z" (line 1, column 3)');
    expect(failure('SELECT 1 # 2 "x')).toEqual([
      '42601',
      'syntax error at or near "#" (line 1, column 10): unexpected character',
      { offset: 10, line: 1, column: 10 },
    ]);
  });
});

describe('scanTokens equals the chevrotain lexer', () => {
  it('on hand-picked edge cases', () => {
    const cases = [
      '', ' ', '\t\r\n\f\v', ';', 'a', '_', '$', '$1', '$0', '$12a', '$x', ':', '::', ':::', '|', '||', '|||', '!', '!=',
      '!!', '<', '<=', '<>', '<<', '<=>', '>', '>=', '>>', '=', '==', '.', '..', '.5', '5.', '5.5.5', '1e', '1e5', '1E+5',
      '1e-', '1.e', '1.e-2x', '0x1F', '007', "'", "''", "'''", "''''", "'a''", "'a''b", "'a''b''c", "'a'''", '"', '""',
      '"a""', '"a""b""c', '"é"', '/*', '/**/', '/*/', '/*/*/', '/* /* */', '/* /* */ */', '/*/**/*/x', '/* */*/', '--',
      '-- x', '--\n1', '-- x\r\n1', '---1', '- -1', '-1', 'a--b', 'a/*b*/c', '/ *', '*/', '\r', '\r\r\n\n', 'a\rb',
      'a\r\nb', '"a\r\nb"', "'a\rb'", "'x\r\n", 'x\n\'abc\r', 'café', 'naïve_1$', '日本語 テーブル', '\u00a0', '\ufeffSELECT',
      '😀', '\ud800', 'a\ud83db', '\u2028', '\u0085', 'İn', 'ın', '\u212Aey', 'ſelect', 'ﬁrst', '\0', '\x7f', '#', '@',
      '?', '[', ']', '{', '}', '^', '~', '`', '\\', '&', "'#'", '"#"', '-- #', '/* # */', "1 'x' #", "'#' 'x",
      "SELECT 'x' FROM t WHERE a = 'it''s'", 'SELECT "Tab""le".x::int FROM "t"', 'select $1 || $2 % 3 <> 4 != 5',
      'INSERT INTO t VALUES (1, 2.5, .5, 1e10, \'a\'), (-1, NULL, TRUE, false, \'\')',
      'SELECT * FROM t -- trailing', 'SELECT /* a /* nested */ comment */ 1;', 'SELECT 1;;SELECT 2;',
    ];
    expect(scanDifferences(cases, cases.length)).toEqual([]);
  });

  it('on every keyword in lower, upper and mixed case, alone and glued to other words', () => {
    const inputs: string[] = [];
    for (const word of keywordTypes.keys()) {
      const mixed = [...word].map((ch, i) => (i % 2 === 0 ? ch.toUpperCase() : ch)).join('');
      inputs.push(word, word.toUpperCase(), mixed, `${word}_x`, `${word}1`, `${word}$`, `x${word}`, `"${word}"`, `${word}.${word}`);
    }
    expect(scanDifferences(inputs)).toEqual([]);
  });

  it('on every statement of conformance/slt', () => {
    const files = filesUnder(join(root, 'conformance/slt'), (name) => name.endsWith('.slt'));
    expect(files.length).toBeGreaterThan(0);
    const inputs = files.flatMap(sltInputs);
    expect(inputs.length).toBeGreaterThan(100);
    expect(scanDifferences(inputs)).toEqual([]);
  });

  it("on the parser tests' inputs", () => {
    const files = filesUnder(here, (name) => name.endsWith('.ts') && !name.startsWith('scan-tokens'));
    const inputs = files.flatMap(stringLiterals);
    expect(inputs.length).toBeGreaterThan(200);
    expect(inputs).toContain('SELECT * FROMM t');
    expect(scanDifferences(inputs)).toEqual([]);
  });

  it.skipIf(!existsSync(corpusDir))('on every statement of the shared public corpus', () => {
    const files = filesUnder(corpusDir, (name) => /\.(test|slt|slt\.part)$/.test(name));
    const inputs = files.flatMap(sltInputs);
    expect(inputs.length).toBeGreaterThan(1000);
    expect(scanDifferences(inputs)).toEqual([]);
  });

  it('on a 900-row INSERT', () => {
    const rows = Array.from({ length: 900 }, (_, i) => `(${i}, 'user ${i}''s', ${i * 1.25}e-1, ${i % 7 === 0 ? 'NULL' : 'TRUE'})`);
    const text = `INSERT INTO t VALUES\n${rows.join(',\r\n')};`;
    expect(scanDifferences([text])).toEqual([]);
    expect(parseSql(text)).toHaveLength(1);
  });
});

// Pieces that random soups are made of; each is one token or a near miss.
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const chars = (alphabet: string, maxLength: number) =>
  fc.array(pick(...alphabet), { maxLength }).map((list) => list.join(''));
const keywordPiece = fc.mixedCase(pick(...keywordTypes.keys()));
const wordPiece = fc.tuple(chars('aZ_é日\u212AİK\u00a0\ufeff', 1), chars('az09_$Ké😀\ud800', 6)).map(([a, b]) => `${a || 'x'}${b}`);
const quotedBody = (quote: string) => chars(`ab ${quote}${quote}\n\r\t'"é😀-*/`, 10);
const quotedPiece = fc.tuple(pick("'", '"'), fc.boolean(), fc.boolean()).chain(([quote, doubled, closed]) =>
  quotedBody(quote).map((body) => `${quote}${doubled ? `${body}${quote}${quote}` : body}${closed ? quote : ''}`),
);
const numberPiece = fc
  .tuple(chars('0123456789', 4), pick('', '.', '.5', '.25', '..'), pick('', 'e', 'E5', 'e+1', 'e-12', 'e+', 'E'))
  .map(([digits, fraction, exponent]) => `${digits}${fraction}${exponent}`);
const operatorPiece = pick(
  '::', '||', '<=', '>=', '<>', '!=', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', ';', '.', '$1', '$42',
);
const strayPiece = pick('$', ':', '|', '!', '#', '@', '?', '[', '}', '^', '~', '`', '\\', '&', '\0', '\x7f');
const commentPiece = fc.oneof(
  chars('ab -*/\t\'"', 8).map((body) => `--${body}`),
  fc.array(pick('/*', '*/', 'x', ' ', '\n', '\r\n', '*', '/', "'"), { maxLength: 8 }).map((parts) => `/*${parts.join('')}*/`),
);
const spacePiece = fc.array(pick(' ', '\t', '\n', '\r', '\r\n', '\f', '\v'), { minLength: 1, maxLength: 3 }).map((s) => s.join(''));
const soup = (withStrays: boolean) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { arbitrary: keywordPiece, weight: 4 },
          { arbitrary: wordPiece, weight: 3 },
          { arbitrary: quotedPiece, weight: 2 },
          { arbitrary: numberPiece, weight: 3 },
          { arbitrary: operatorPiece, weight: 4 },
          { arbitrary: commentPiece, weight: 1 },
          { arbitrary: spacePiece, weight: 2 },
          { arbitrary: strayPiece, weight: withStrays ? 1 : 0 },
        ),
        pick('', ' ', '', '\n'),
      ),
      { maxLength: 40 },
    )
    .map((pieces) => pieces.map(([piece, separator]) => `${piece}${separator}`).join(''));

describe('scanTokens equals the chevrotain lexer on random input', () => {
  const property = (input: string): void => {
    expect(scanDifferences([input])).toEqual([]);
  };

  it('token soups that mostly lex', () => {
    fc.assert(fc.property(soup(false), property), { seed: 71, numRuns: 3000 });
  });

  it('token soups with stray characters', () => {
    fc.assert(fc.property(soup(true), property), { seed: 72, numRuns: 2000 });
  });

  it('arbitrary UTF-16 strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), property), { seed: 73, numRuns: 2000 });
  });

  it('the oracle sees both successes and each kind of failure in the soups', () => {
    const outcomes = fc.sample(soup(true), { seed: 74, numRuns: 1000 }).map((text) => {
      const outcome = referenceOutcome(text);
      return 'tokens' in outcome ? 'tokens' : outcome.error.message.replace(/ at or near.*/s, '').replace(/^syntax error$/, 'stray');
    });
    const kinds = new Set(outcomes);
    expect([...kinds].sort()).toEqual([
      'stray',
      'tokens',
      'unterminated /* comment',
      'unterminated quoted identifier',
      'unterminated quoted string',
    ]);
  });
});
