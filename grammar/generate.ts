// Writes the dialect's readable grammar (grammar/freshet.html, grammar/freshet.txt)
// from the parser's productions. Run with `npm run grammar` after changing src/sql;
// test/sql/grammar.test.ts fails while the checked-in files are stale.

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGrammar } from '../src/sql/grammar-doc.js';

/** The package root: the nearest folder above this module holding package.json (works from src and dist). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above grammar/generate');
    dir = parent;
  }
  return dir;
}

const { html, text } = renderGrammar();
const outDir = join(packageRoot(), 'grammar');
writeFileSync(join(outDir, 'freshet.html'), html);
writeFileSync(join(outDir, 'freshet.txt'), text);
console.log(`wrote ${join(outDir, 'freshet.html')} and ${join(outDir, 'freshet.txt')}`);
