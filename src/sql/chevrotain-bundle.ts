// Chevrotain's runtime, loaded from the single-file ES module its package ships
// (lib/chevrotain.mjs, the same version's code) instead of the per-file build the
// package's export map points to: that build imports lodash-es one function per
// module, some 640 files, and resolving them took ~0.3 s of every start. Every
// chevrotain value the SQL front end uses comes from here, so token types and
// parser classes all share one copy; types still come from 'chevrotain'.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ChevrotainApi from 'chevrotain';

/**
 * The bundle of the chevrotain package this module would import: the first
 * node_modules folder on Node's lookup path that holds the package. Null when
 * that copy has no bundle (then the package entry is imported instead).
 */
function findBundle(): string | null {
  const lookup = createRequire(import.meta.url).resolve.paths('chevrotain') ?? [];
  for (const dir of lookup) {
    if (!existsSync(join(dir, 'chevrotain', 'package.json'))) continue;
    const bundle = join(dir, 'chevrotain', 'lib', 'chevrotain.mjs');
    return existsSync(bundle) ? bundle : null;
  }
  return null;
}

const bundle = findBundle();
const chevrotain: typeof ChevrotainApi =
  bundle === null ? await import('chevrotain') : ((await import(pathToFileURL(bundle).href)) as typeof ChevrotainApi);

export const { EOF, EmbeddedActionsParser, Lexer, createSyntaxDiagramsCode, createToken, tokenMatcher } = chevrotain;
