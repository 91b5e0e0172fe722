// Every scalar function and operator Freshet knows, by registry name and by
// the SQL names users write. The binder resolves calls here; the compiler
// looks the same signature up again to get the kernel.

import { numericFunctions } from './functions/numeric-functions.js';
import type { ArgType, FunctionDef, ResolvedFunction } from './function-def.js';
import { arithmeticFunctions } from './functions/arithmetic.js';
import { arrayFunctions } from './functions/array-functions.js';
import { byteaFunctions } from './functions/bytea-functions.js';
import { comparisonFunctions } from './functions/comparison.js';
import { conditionalFunctions } from './functions/conditional.js';
import { datetimeFunctions } from './functions/datetime-functions.js';
import { intervalFunctions } from './functions/interval-functions.js';
import { jsonFunctions } from './functions/json-functions.js';
import { toCharFunctions } from './functions/to-char.js';
import { likeFunctions } from './functions/like.js';
import { logicFunctions } from './functions/logic.js';
import { mathFunctions } from './functions/math.js';
import { nowFunctions } from './functions/now-functions.js';
import { regexpFunctions } from './functions/regexp.js';
import { textFunctions } from './functions/text.js';

const all: readonly FunctionDef[] = [
  ...arithmeticFunctions,
  ...comparisonFunctions,
  ...logicFunctions,
  ...conditionalFunctions,
  ...textFunctions,
  ...mathFunctions,
  ...numericFunctions,
  ...datetimeFunctions,
  ...nowFunctions,
  ...intervalFunctions,
  ...toCharFunctions,
  ...jsonFunctions,
  ...likeFunctions,
  ...regexpFunctions,
  ...arrayFunctions,
  ...byteaFunctions,
];

const byName = new Map<string, FunctionDef>();
for (const def of all) {
  byName.set(def.name, def);
  for (const alias of def.aliases ?? []) byName.set(alias, def);
}

export function lookupFunction(name: string): FunctionDef | undefined {
  return byName.get(name);
}

export function resolveFunction(name: string, argTypes: readonly ArgType[]): ResolvedFunction | null {
  const def = byName.get(name);
  if (def === undefined) return null;
  if (argTypes.length < def.minArgs || argTypes.length > def.maxArgs) return null;
  return def.resolve(argTypes);
}
