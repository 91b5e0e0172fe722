import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderGrammar } from '../../src/sql/grammar-doc.js';
import { SqlParser } from '../../src/sql/parser.js';

const read = (name: string) => readFileSync(new URL(`../../grammar/${name}`, import.meta.url), 'utf8');

describe('grammar validation', () => {
  // The shared parser skips chevrotain's checks to start faster; they run here.
  it('has no ambiguities or definition errors', () => {
    expect(() => new SqlParser({ validate: true })).not.toThrow();
  });
});

describe('generated grammar docs', () => {
  const { html, text } = renderGrammar();

  it('grammar/freshet.txt is current', () => {
    expect(read('freshet.txt') === text, 'grammar/freshet.txt is stale: run `npm run grammar`').toBe(true);
  });

  it('grammar/freshet.html is current', () => {
    expect(read('freshet.html') === html, 'grammar/freshet.html is stale: run `npm run grammar`').toBe(true);
  });

  it('the text form has one rule per line, starting from script', () => {
    const rules = text.split('\n').filter((line) => line.includes(' ::= '));
    expect(rules[0]).toBe('script ::= [ statement ] { \';\' [ statement ] } ;');
    expect(rules).toContain('orderItem ::= expr [ ( ASC | DESC ) ] [ NULLS ( FIRST | LAST ) ] ;');
    expect(rules.length).toBeGreaterThan(40);
  });
});
