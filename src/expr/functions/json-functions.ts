// JSONB operators and functions over canonical jsonb text (../json-value.ts):
// -> and ->> (object key or array index), #> and #>> (a '{a,b,0}' path),
// @> and <@ (containment), jsonb_typeof, jsonb_array_length,
// jsonb_extract_path[_text], jsonb_build_object, jsonb_build_array, to_jsonb.
// A missing key, index or path gives NULL, as in PostgreSQL. Paths are parsed
// once per distinct path text per batch.

import { isSpecialKey, numericTextAt } from '../../columnar/numeric-values.js';
import type { SqlType } from '../../common/sql-type.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import { getScalar, str } from '../../columnar/column.js';
import { allValid, isValid, setNull } from '../../columnar/validity.js';
import type { ArgType, FunctionDef, FunctionImpl, ResolvedFunction } from '../function-def.js';
import { fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import { formatDouble, formatScalar } from '../cast.js';
import { formatDate } from '../datetime.js';
import { arrayLength, canonicalJson, canonicalNumber, concatJson, compareKeys, elementAt, followPath, jsonKind, jsonText, memberByQuotedKey, parseTextArray, quoteJson } from '../json-value.js';
import { containsJson } from '../json-contains.js';

/** A text kernel whose rows may be NULL beyond the inputs' NULLs. */
function nullableText(args: readonly Column[], n: number, type: SqlType, at: (i: number) => string | null): Column {
  const inValid = strictValidity(args, n);
  const out = new Array<string>(n).fill('');
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = isValid(inValid, i) ? at(i) : null;
    if (v === null) {
      validity ??= inValid === null ? allValid(n) : inValid.slice();
      setNull(validity, i);
    } else out[i] = v;
  }
  return result(type, out, validity ?? inValid, n);
}

function memoized<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let v = cache.get(text);
    if (v === undefined) {
      v = compute(text);
      cache.set(text, v);
    }
    return v;
  };
}

function arrowDef(name: string, asText: boolean): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve([l, r]) {
      if (l !== 'jsonb' && l !== 'unknown') return null;
      const outType: SqlType = asText ? 'text' : 'jsonb';
      if (r === 'integer' || r === 'bigint') {
        return fixed(['jsonb', 'integer'], outType, (args, n) => {
          const docs = str(args[0]!);
          const idx = args[1]!.values as Int32Array;
          return nullableText(args, n, outType, (i) => {
            const v = elementAt(docs[i]!, idx[i]!);
            return v === null ? null : asText ? jsonText(v) : v;
          });
        });
      }
      if (r !== 'text' && r !== 'unknown') return null;
      return fixed(['jsonb', 'text'], outType, (args, n) => {
        const docs = str(args[0]!);
        const keys = str(args[1]!);
        const quoted = memoized(quoteJson);
        return nullableText(args, n, outType, (i) => {
          const v = memberByQuotedKey(docs[i]!, quoted(keys[i]!));
          return v === null ? null : asText ? jsonText(v) : v;
        });
      });
    },
  };
}

function pathDef(name: string, asText: boolean): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve([l, r]) {
      if ((l !== 'jsonb' && l !== 'unknown') || (r !== 'text' && r !== 'unknown')) return null;
      const outType: SqlType = asText ? 'text' : 'jsonb';
      return fixed(['jsonb', 'text'], outType, (args, n) => {
        const docs = str(args[0]!);
        const paths = str(args[1]!);
        const path = memoized(parseTextArray);
        return nullableText(args, n, outType, (i) => {
          const v = followPath(docs[i]!, path(paths[i]!));
          return v === null ? null : asText ? jsonText(v) : v;
        });
      });
    },
  };
}

function extractPathDef(name: string, asText: boolean): FunctionDef {
  return {
    name,
    minArgs: 1,
    maxArgs: 100,
    resolve(argTypes) {
      if (argTypes[0] !== 'jsonb' && argTypes[0] !== 'unknown') return null;
      for (let k = 1; k < argTypes.length; k++) if (argTypes[k] !== 'text' && argTypes[k] !== 'unknown') return null;
      const outType: SqlType = asText ? 'text' : 'jsonb';
      return fixed(['jsonb', ...argTypes.slice(1).map(() => 'text' as const)], outType, (args, n) => {
        const docs = str(args[0]!);
        const steps = args.slice(1).map(str);
        const path: string[] = new Array<string>(steps.length);
        return nullableText(args, n, outType, (i) => {
          for (let k = 0; k < steps.length; k++) path[k] = steps[k]![i]!;
          const v = followPath(docs[i]!, path);
          return v === null ? null : asText ? jsonText(v) : v;
        });
      });
    },
  };
}

/** Row i of `columns` as a jsonb object text, keys in column order as to_jsonb(row) writes them. */
export function rowToJsonText(names: readonly string[], columns: readonly Column[], i: number): string {
  return canonicalJson(`{${names.map((n, k) => `${quoteJson(n)}: ${toJsonText(columns[k]!, i)}`).join(', ')}}`);
}

/** One value of any SQL type as jsonb text (to_jsonb's rules; dates and timestamps in ISO 8601). */
function toJsonText(col: Column, i: number): string {
  if (!isValid(col.validity, i)) return 'null';
  switch (col.type) {
    case 'boolean':
      return col.values[i] === 1 ? 'true' : 'false';
    case 'integer':
    case 'bigint':
      return String(col.values[i]);
    case 'double': {
      const x = col.values[i] as number;
      // NaN and infinities have no JSON number: PostgreSQL writes them as strings.
      return Number.isFinite(x) ? canonicalNumber(formatDouble(x)) : quoteJson(formatDouble(x));
    }
    case 'numeric': {
      // A JSON number keeps NUMERIC's digits and scale; NaN and infinities become strings.
      const text = numericTextAt(col.values as string[], i);
      return isSpecialKey((col.values as string[])[i]!) ? quoteJson(text) : canonicalNumber(text);
    }
    case 'jsonb':
      return col.values[i] as string;
    case 'date':
      return quoteJson(formatDate(col.values[i] as number));
    case 'timestamp':
    case 'timestamptz': {
      const text = getScalarText(col, i).replace(' ', 'T');
      return quoteJson(col.type === 'timestamptz' ? text.replace(/\+00$/, '+00:00') : text);
    }
    default:
      return quoteJson(getScalarText(col, i));
  }
}

/** A value's text form (an interval's and a text's Scalar already are). */
function getScalarText(col: Column, i: number): string {
  const v = getScalar(col, i);
  return v === null ? '' : formatScalar(v, col.type);
}

function anyArgs(argTypes: readonly ArgType[]): SqlType[] {
  return argTypes.map((t) => (t === 'unknown' ? 'text' : t));
}

const buildObject: FunctionImpl = (args, n) => {
  if (args.length % 2 !== 0) {
    throw new EngineError(SqlState.invalidParameterValue, 'argument list must have even number of elements (jsonb_build_object takes key, value pairs)');
  }
  const out = new Array<string>(n);
  const keys: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    keys.length = 0;
    values.clear();
    for (let k = 0; k < args.length; k += 2) {
      const keyCol = args[k]!;
      if (!isValid(keyCol.validity, i)) throw new EngineError(SqlState.invalidParameterValue, `argument ${k + 1}: key must not be null`);
      const key = getScalarText(keyCol, i);
      if (!values.has(key)) keys.push(key);
      values.set(key, toJsonText(args[k + 1]!, i));
    }
    keys.sort(compareKeys);
    out[i] = '{' + keys.map((key) => `${quoteJson(key)}: ${values.get(key)!}`).join(', ') + '}';
  }
  return result('jsonb', out, null, n);
};

const buildArray: FunctionImpl = (args, n) => {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let s = '[';
    for (let k = 0; k < args.length; k++) s += (k > 0 ? ', ' : '') + toJsonText(args[k]!, i);
    out[i] = s + ']';
  }
  return result('jsonb', out, null, n);
};

function containsDef(name: string, flip: boolean): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve([l, r]) {
      if ((l !== 'jsonb' && l !== 'unknown') || (r !== 'jsonb' && r !== 'unknown')) return null;
      return fixed(['jsonb', 'jsonb'], 'boolean', (args, n) => {
        const a = str(args[flip ? 1 : 0]!);
        const b = str(args[flip ? 0 : 1]!);
        const out = new Uint8Array(n);
        const validity = strictValidity(args, n);
        for (let i = 0; i < n; i++) if (isValid(validity, i)) out[i] = containsJson(a[i]!, b[i]!) ? 1 : 0;
        return result('boolean', out, validity, n);
      });
    },
  };
}

export const jsonFunctions: readonly FunctionDef[] = [
  arrowDef('json_get', false),
  arrowDef('json_get_text', true),
  pathDef('json_path', false),
  pathDef('json_path_text', true),
  containsDef('json_contains', false),
  containsDef('json_contained', true),
  { ...extractPathDef('jsonb_extract_path', false), aliases: ['json_extract_path'] },
  { ...extractPathDef('jsonb_extract_path_text', true), aliases: ['json_extract_path_text'] },
  {
    name: 'jsonb_typeof',
    aliases: ['json_typeof'],
    minArgs: 1,
    maxArgs: 1,
    resolve([t]) {
      if (t !== 'jsonb' && t !== 'unknown') return null;
      return fixed(['jsonb'], 'text', (args, n) => {
        const docs = str(args[0]!);
        return nullableText(args, n, 'text', (i) => jsonKind(docs[i]!));
      });
    },
  },
  {
    name: 'jsonb_array_length',
    aliases: ['json_array_length'],
    minArgs: 1,
    maxArgs: 1,
    resolve([t]) {
      if (t !== 'jsonb' && t !== 'unknown') return null;
      return fixed(['jsonb'], 'integer', (args, n) => {
        const docs = str(args[0]!);
        const validity = args[0]!.validity;
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) continue;
          const len = arrayLength(docs[i]!);
          if (len === null) {
            const kind = jsonKind(docs[i]!);
            throw new EngineError(SqlState.invalidParameterValue, `cannot get array length of ${kind === 'object' ? 'a non-array' : 'a scalar'}`);
          }
          out[i] = len;
        }
        return result('integer', out, validity, n);
      });
    },
  },
  {
    name: 'jsonb_build_object',
    aliases: ['json_build_object'],
    minArgs: 0,
    maxArgs: 100,
    resolve(argTypes) {
      if (argTypes.length % 2 !== 0) return null;
      return fixed(anyArgs(argTypes), 'jsonb', buildObject);
    },
  },
  {
    name: 'jsonb_build_array',
    aliases: ['json_build_array'],
    minArgs: 0,
    maxArgs: 100,
    resolve(argTypes) {
      return fixed(anyArgs(argTypes), 'jsonb', buildArray);
    },
  },
  {
    name: 'to_jsonb',
    aliases: ['to_json'],
    minArgs: 1,
    maxArgs: 1,
    resolve(argTypes) {
      return fixed(anyArgs(argTypes), 'jsonb', (args, n) => {
        const col = args[0]!;
        const out = new Array<string>(n);
        for (let i = 0; i < n; i++) out[i] = toJsonText(col, i);
        // to_jsonb(NULL) is SQL NULL, not JSON null.
        return result('jsonb', out, col.validity, n);
      });
    },
  },
];

/** jsonb || jsonb (text.ts's || asks here first); null when the operands are not jsonb. */
export function resolveJsonConcat(argTypes: readonly ArgType[]): ResolvedFunction | null {
  const [l, r] = argTypes;
  if (!((l === 'jsonb' && (r === 'jsonb' || r === 'unknown')) || (l === 'unknown' && r === 'jsonb'))) return null;
  return fixed(['jsonb', 'jsonb'], 'jsonb', (args, n) => {
    const a = str(args[0]!);
    const b = str(args[1]!);
    return nullableText(args, n, 'jsonb', (i) => concatJson(a[i]!, b[i]!));
  });
}
