// JSONB: canonical text, operators and functions. Expected values are the
// examples of PostgreSQL's documentation (8.14 "JSON Types": jsonb keeps the
// last of duplicate keys, does not keep key order or white space, stores
// numbers as numeric; 8.14.3 containment; 9.16 "JSON Functions and Operators"
// tables 9.45-9.47), written as PostgreSQL prints jsonb: keys shorter-first
// then bytewise, ', ' and ': ' separators.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, followPath, jsonText } from '../../src/expr/json-value.js';
import { errorCode, row, value } from './expr-test-helpers.js';

const j = (text: string): string => `CAST('${text.replaceAll("'", "''")}' AS jsonb)`;

describe('canonical form (docs 8.14)', () => {
  it.each([
    ['{"bar": "baz", "balance": 7.77, "active":false}', '{"bar": "baz", "active": false, "balance": 7.77}'],
    ['{"reading": 1.230e-5}', '{"reading": 0.00001230}'],
    ['{"a":1,"a":2}', '{"a": 2}'],
    ['{"aa":1,"b":2,"a":3}', '{"a": 3, "b": 2, "aa": 1}'],
    ['{"é":1,"z":2}', '{"z": 2, "é": 1}'],
    ['[1,[2,{"y":null,"x":true}], "s"]', '[1, [2, {"x": true, "y": null}], "s"]'],
    ['  {  }  ', '{}'],
    ['[]', '[]'],
    ['1.50', '1.50'],
    ['-0', '0'],
    ['1E+2', '100'],
    ['12e-1', '1.2'],
    ['"\\u00e9\\n\\/\\"q\\""', '"é\\n/\\"q\\""'],
    ['"tab\\there"', '"tab\\there"'],
  ])('%s -> %s', async (input, want) => {
    expect(canonicalJson(input)).toBe(want);
    expect(await value(`SELECT ${j(input)}`)).toBe(want);
  });

  it('equal values are equal text, whatever the spelling', async () => {
    expect(await value(`SELECT ${j('{"b":[1, 2.0], "a":{}}')} = ${j('{ "a" : {}, "b" : [1,2.0] }')}`)).toBe(true);
    expect(await value(`SELECT ${j('{"a":1}')} <> ${j('{"a":2}')}`)).toBe(true);
  });

  it.each([
    ['{"a":', '22P02'],
    ['{a:1}', '22P02'],
    ['[1,]', '22P02'],
    ['01', '22P02'],
    ['"\\u0000"', '22P02'],
    ['[1] x', '22P02'],
    ['', '22P02'],
  ])('bad input %s is %s', async (input, code) => {
    expect(await errorCode(`SELECT ${j(input)}`)).toBe(code);
  });

  it('the error names the type and the problem', async () => {
    await expect(value(`SELECT ${j('{"a" 1}')}`)).rejects.toThrow(/invalid input syntax for type json: "\{"a" 1\}" \(expected ":" at character 6\)/);
  });
});

describe('operators (docs table 9.45/9.46)', () => {
  const arr = j('[{"a":"foo"},{"b":"bar"},{"c":"baz"}]');
  it.each([
    [`${arr} -> 2`, '{"c": "baz"}'],
    [`${arr} -> -3`, '{"a": "foo"}'],
    [`${arr} -> 3`, null],
    [`${j('{"a": {"b":"foo"}}')} -> 'a'`, '{"b": "foo"}'],
    [`${j('{"a": {"b":"foo"}}')} -> 'z'`, null],
    [`${j('[1,2,3]')} ->> 2`, '3'],
    [`${j('{"a":1,"b":2}')} ->> 'b'`, '2'],
    [`${j('{"a":"x\\ny"}')} ->> 'a'`, 'x\ny'],
    [`${j('{"a":null}')} ->> 'a'`, null],
    [`${j('{"a":null}')} -> 'a'`, 'null'],
    [`${j('"scalar"')} -> 'a'`, null],
    [`${j('{"a": {"b": ["foo","bar"]}}')} #> '{a,b,1}'`, '"bar"'],
    [`${j('{"a": {"b": ["foo","bar"]}}')} #>> '{a,b,1}'`, 'bar'],
    [`${j('{"a": {"b": ["foo","bar"]}}')} #>> '{a,x}'`, null],
    [`${j('{"a b": {"c": 1}}')} #>> '{"a b",c}'`, '1'],
    [`${j('{"a": 1}')} #> '{}'`, '{"a": 1}'],
    [`${j('["a", "b"]')} || ${j('["a", "d"]')}`, '["a", "b", "a", "d"]'],
    [`${j('{"a": "b"}')} || ${j('{"c": "d", "a": 0}')}`, '{"a": 0, "c": "d"}'],
    [`${j('[1, 2]')} || ${j('3')}`, '[1, 2, 3]'],
    [`${j('{"a": "b"}')} || ${j('42')}`, '[{"a": "b"}, 42]'],
    [`${j('{"a":{"b":{"c":7}}}')} -> 'a' -> 'b' ->> 'c'`, '7'],
  ])('%s = %s', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it('-> binds tighter than comparison and looser than +, as PostgreSQL\'s "other operators"', async () => {
    expect(await value(`SELECT ${j('{"a":"x"}')} ->> 'a' = 'x'`)).toBe(true);
    expect(await value(`SELECT ${j('[10,20,30]')} -> 1 + 1`)).toBe('30');
  });

  it.each([
    ['"foo"', '"foo"', true],
    ['[1, 2, 3]', '[1, 3]', true],
    ['[1, 2, 3]', '[3, 1]', true],
    ['[1, 2, 3]', '[1, 2, 2]', true],
    ['{"product": "PostgreSQL", "version": 9.4, "jsonb": true}', '{"version": 9.4}', true],
    ['[1, 2, [1, 3]]', '[1, 3]', false],
    ['[1, 2, [1, 3]]', '[[1, 3]]', true],
    ['{"foo": {"bar": "baz"}}', '{"bar": "baz"}', false],
    ['{"foo": {"bar": "baz"}}', '{"foo": {}}', true],
    ['["foo", "bar"]', '"foo"', true],
    ['"foo"', '["foo"]', false],
    ['{"a": 1.0}', '{"a": 1}', true],
  ])('%s @> %s is %s (docs 8.14.3)', async (a, b, want) => {
    expect(await value(`SELECT ${j(a)} @> ${j(b)}`)).toBe(want);
    expect(await value(`SELECT ${j(b)} <@ ${j(a)}`)).toBe(want);
  });

  it('errors', async () => {
    expect(await errorCode(`SELECT ${j('{}')} #> '{a'`)).toBe('22P02');
    expect(await errorCode(`SELECT ${j('{}')} < ${j('{}')}`)).toBe('42883');
    expect(await errorCode(`SELECT ${j('{}')} -> 1.5`)).toBe('42883');
  });
});

describe('functions (docs table 9.47/9.48)', () => {
  it.each([
    [`jsonb_array_length(${j('[1,2,3,{"f1":1,"f2":[5,6]},4]')})`, 5],
    [`jsonb_array_length(${j('[]')})`, 0],
    [`jsonb_typeof(${j('-123.4')})`, 'number'],
    [`jsonb_typeof(${j('null')})`, 'null'],
    [`jsonb_typeof(${j('{"a":[]}')} -> 'a')`, 'array'],
    [`json_typeof(${j('"x"')})`, 'string'],
    ["jsonb_build_array(1, 2, 'foo', 4, 5)", '[1, 2, "foo", 4, 5]'],
    ["jsonb_build_object('foo', 1, 'bar', 'baz', 'foo', true)", '{"bar": "baz", "foo": true}'],
    ["jsonb_build_object('a', NULL, 'b', 1.5, 'c', date '2024-01-02', 'd', timestamp '2024-01-02 03:04:05')", '{"a": null, "b": 1.5, "c": "2024-01-02", "d": "2024-01-02T03:04:05"}'],
    ['jsonb_build_object()', '{}'],
    ["jsonb_build_array(interval '1 day', timestamptz '2024-01-01 00:00+00', NULL, 'NaN'::float8)", '["1 day", "2024-01-01T00:00:00+00:00", null, "NaN"]'],
    [`to_jsonb('Fred said "Hi."'::text)`, '"Fred said \\"Hi.\\""'],
    ['to_jsonb(42)', '42'],
    ['to_jsonb(true)', 'true'],
    ['to_jsonb(1e20::float8)', '100000000000000000000'],
    ['to_jsonb(NULL::integer)', null],
    [`jsonb_extract_path(${j('{"f2":{"f3":1},"f4":{"f5":99,"f6":"foo"}}')}, 'f4', 'f6')`, '"foo"'],
    [`jsonb_extract_path_text(${j('{"f2":{"f3":1},"f4":{"f5":99,"f6":"foo"}}')}, 'f4', 'f6')`, 'foo'],
    [`jsonb_extract_path_text(${j('{"a":[1,2]}')}, 'a', '1')`, '2'],
    [`jsonb_extract_path_text(${j('{"a":[1,2]}')}, 'a', 'x')`, null],
  ])('%s = %s', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it('casts between jsonb and scalars', async () => {
    expect(await row(`SELECT CAST(${j('12.5')} AS double precision), CAST(${j('2.5')} AS integer), CAST(${j('true')} AS boolean), CAST(${j('{"a":1}')} AS text)`)).toEqual([12.5, 3, true, '{"a": 1}']);
    expect(await errorCode(`SELECT CAST(${j('"x"')} AS integer)`)).toBe('22023');
    await expect(value(`SELECT CAST(${j('1')} AS boolean)`)).rejects.toThrow('cannot cast jsonb numeric to type boolean');
    expect(await value(`SELECT CAST('{"b":1, "a":2}' AS json)`)).toBe('{"a": 2, "b": 1}');
  });

  it('errors', async () => {
    await expect(value(`SELECT jsonb_array_length(${j('{"a":1}')})`)).rejects.toThrow('cannot get array length of a non-array');
    expect(await errorCode(`SELECT jsonb_array_length(${j('3')})`)).toBe('22023');
    expect(await errorCode("SELECT jsonb_build_object('a')")).toBe('42883');
    expect(await errorCode('SELECT jsonb_build_object(NULL, 1)')).toBe('22023');
  });
});

describe('canonical text against JSON.parse (random documents)', () => {
  // Integers and short decimals only: their numeric text is what JSON.parse reads back.
  const doc = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, false),
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.string({ maxLength: 6 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('is valid JSON with the same value, idempotent, and independent of key order and spacing', () => {
    fc.assert(
      fc.property(doc, (v) => {
        const text = canonicalJson(JSON.stringify(v));
        expect(JSON.parse(text)).toEqual(v);
        expect(canonicalJson(text)).toBe(text);
        expect(canonicalJson(JSON.stringify(v, null, 3))).toBe(text);
        const reordered = JSON.stringify(v, (_, x: unknown) =>
          x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
        );
        expect(canonicalJson(reordered)).toBe(text);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('paths read the same values JS reads', () => {
    fc.assert(
      fc.property(doc, fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.nat(4).map(String)), { maxLength: 3 }), (v, path) => {
        let want: unknown = v;
        for (const step of path) {
          if (Array.isArray(want)) want = /^\d+$/.test(step) ? want[Number(step)] : undefined;
          else if (want !== null && typeof want === 'object' && Object.prototype.hasOwnProperty.call(want, step)) want = (want as Record<string, unknown>)[step];
          else want = undefined;
        }
        const got = followPath(canonicalJson(JSON.stringify(v)), path);
        if (want === undefined) expect(got).toBeNull();
        else {
          expect(JSON.parse(got!)).toEqual(want);
          expect(jsonText(got!)).toBe(want === null ? null : typeof want === 'string' ? want : canonicalJson(JSON.stringify(want)));
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
