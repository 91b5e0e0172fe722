// Text orders by code point (PostgreSQL's "C" collation), not by UTF-16 code
// unit, and upper()/lower() map each character to one character.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

describe('text order and case mapping', () => {
  it('orders characters above U+FFFF after U+E000..U+FFFF', async () => {
    const e = new Engine();
    const r = await e.sql("SELECT '\u{1F600}' < '\uFFFC', '\uFFFC' < '\u{1F600}', greatest('\u{1F600}', '\uFFFC')");
    expect(r.rows).toEqual([[false, true, '\u{1F600}']]);
    await e.sql('CREATE TABLE s (x TEXT)');
    await e.sql("INSERT INTO s VALUES ('\u{1F600}'), ('\uFFFC'), ('a')");
    expect((await e.sql('SELECT x FROM s ORDER BY x')).rows).toEqual([['a'], ['\uFFFC'], ['\u{1F600}']]);
  });
  it('leaves characters whose case mapping would expand', async () => {
    const r = await new Engine().sql("SELECT upper('straße'), length(upper('straße')), lower('ÀB')");
    expect(r.rows).toEqual([['STRAßE', 6, 'àb']]);
  });
});
