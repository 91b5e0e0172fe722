// CAST between text, numbers, booleans, dates and timestamps, with
// PostgreSQL's input rules and error codes: malformed text 22P02 (numbers,
// booleans) or 22007 (dates), impossible field values 22008, values outside
// the target type 22003. Text output follows PostgreSQL's formats.

import { describe, expect, it } from 'vitest';
import { errorCode, row, value } from './expr-test-helpers.js';

describe('text to numbers', () => {
  it('integers accept surrounding spaces and a sign', async () => {
    expect(await row("SELECT CAST(' 12 ' AS integer), CAST('-7' AS integer), CAST('+3' AS bigint), CAST('2147483647' AS integer)"))
      .toEqual([12, -7, 3, 2147483647]);
  });

  it('malformed integer text raises 22P02', async () => {
    for (const t of ['', ' ', '12.5', '1e3', 'abc', '1 2', '--1']) {
      expect(await errorCode(`SELECT CAST('${t}' AS integer)`), t).toBe('22P02');
    }
  });

  it('integer text beyond the type raises 22003', async () => {
    expect(await errorCode("SELECT CAST('2147483648' AS integer)")).toBe('22003');
    expect(await errorCode("SELECT CAST('-2147483649' AS integer)")).toBe('22003');
    expect(await errorCode("SELECT CAST('9223372036854775808' AS bigint)")).toBe('22003');
  });

  it('doubles: decimals, exponents, special values in any case', async () => {
    expect(await row("SELECT CAST('1.5' AS double precision), CAST(' -2e3 ' AS double precision), CAST('.5' AS double precision), CAST('5.' AS double precision), CAST('nan' AS double precision), CAST('-Infinity' AS double precision), CAST('inf' AS double precision)"))
      .toEqual([1.5, -2000, 0.5, 5, 'NaN', '-Infinity', 'Infinity']);
  });

  it('malformed double text raises 22P02', async () => {
    for (const t of ['', 'abc', '1.2.3', 'e5', '1e', 'infinityx']) {
      expect(await errorCode(`SELECT CAST('${t}' AS double precision)`), t).toBe('22P02');
    }
  });
});

describe('numbers to numbers', () => {
  it('doubles to integers round to nearest (non-tie values), range-checked', async () => {
    expect(await row('SELECT CAST(2.7 AS integer), CAST(-2.7 AS integer), CAST(2.2 AS bigint), CAST(-0.4 AS integer)')).toEqual([3, -3, 2, 0]);
    expect(await errorCode('SELECT CAST(3e9 AS integer)')).toBe('22003');
    expect(await errorCode("SELECT CAST(CAST('NaN' AS double precision) AS integer)")).toBe('22003');
    expect(await errorCode("SELECT CAST(CAST('Infinity' AS double precision) AS bigint)")).toBe('22003');
  });

  it('bigint to integer is range-checked', async () => {
    expect(await value('SELECT CAST(CAST(2147483647 AS bigint) AS integer)')).toBe(2147483647);
    expect(await errorCode('SELECT CAST(CAST(2147483648 AS bigint) AS integer)')).toBe('22003');
  });
});

describe('booleans', () => {
  it('text to boolean: the PostgreSQL spellings, any case, trimmed', async () => {
    expect(await row("SELECT CAST('t' AS boolean), CAST('TRUE' AS boolean), CAST(' yes ' AS boolean), CAST('on' AS boolean), CAST('1' AS boolean), CAST('y' AS boolean)"))
      .toEqual([true, true, true, true, true, true]);
    expect(await row("SELECT CAST('f' AS boolean), CAST('False' AS boolean), CAST('no' AS boolean), CAST('OFF' AS boolean), CAST('0' AS boolean), CAST('n' AS boolean)"))
      .toEqual([false, false, false, false, false, false]);
  });

  it('text to boolean accepts unique prefixes, as PostgreSQL does', async () => {
    expect(await row("SELECT CAST('tr' AS boolean), CAST('fals' AS boolean), CAST('ye' AS boolean), CAST('of' AS boolean)"))
      .toEqual([true, false, true, false]);
  });

  it('malformed boolean text raises 22P02', async () => {
    for (const t of ['maybe', '', '2', 'o', 'yess']) expect(await errorCode(`SELECT CAST('${t}' AS boolean)`), t).toBe('22P02');
  });

  it('integers and booleans convert both ways; boolean to text is true/false', async () => {
    expect(await row('SELECT CAST(0 AS boolean), CAST(-5 AS boolean), CAST(TRUE AS integer), CAST(FALSE AS integer), CAST(TRUE AS text)'))
      .toEqual([false, true, 1, 0, 'true']);
  });
});

describe('numbers to text', () => {
  it("doubles print like PostgreSQL's float8out (shortest round trip, e-notation outside 1e-4..1e15)", async () => {
    // Decimal literals are NUMERIC (as in PostgreSQL): ::float8 makes them doubles.
    expect(await row('SELECT CAST(0.1::float8 + 0.2::float8 AS text), CAST(1e15::float8 AS text), CAST(123456789012345.0::float8 AS text), CAST(0.0001::float8 AS text), CAST(0.00001::float8 AS text), CAST(-1.5e-10::float8 AS text), CAST(2.0::float8 AS text)'))
      .toEqual(['0.30000000000000004', '1e+15', '123456789012345', '0.0001', '1e-05', '-1.5e-10', '2']);
    expect(await row("SELECT CAST(CAST('-0' AS double precision) AS text), CAST(CAST('nan' AS double precision) AS text), CAST(1e300::float8 * 10 AS text)"))
      .toEqual(['-0', 'NaN', '1e+301']);
  });

  it('integers and NULL', async () => {
    expect(await row('SELECT CAST(-42 AS text), CAST(NULL::int AS text)')).toEqual(['-42', null]);
  });
});

describe('dates and timestamps', () => {
  it('text to date and back', async () => {
    expect(await row("SELECT CAST(CAST('2020-02-29' AS date) AS text), CAST(CAST(' 1999-1-2 ' AS date) AS text), CAST(CAST('2020-05-06 13:14:15' AS date) AS text)"))
      .toEqual(['2020-02-29', '1999-01-02', '2020-05-06']);
  });

  it('impossible field values raise 22008', async () => {
    for (const t of ['2021-02-29', '2020-13-01', '2020-00-10', '2020-04-31', '1900-02-29']) {
      expect(await errorCode(`SELECT CAST('${t}' AS date)`), t).toBe('22008');
    }
    for (const t of ['2020-01-01 25:00:00', '2020-01-01 10:60:00', '2020-01-01 24:00:01']) {
      expect(await errorCode(`SELECT CAST('${t}' AS timestamp)`), t).toBe('22008');
    }
  });

  it('malformed date/time text raises 22007', async () => {
    for (const t of ['hello', '', '20200101x', '2020-01-01 xx']) {
      expect(await errorCode(`SELECT CAST('${t}' AS timestamp)`), t).toBe('22007');
    }
    expect(await errorCode("SELECT CAST('yesterday-ish' AS date)")).toBe('22007');
  });

  it('timestamps: T separator, fractions, 24:00:00 rolls to the next day', async () => {
    expect(await row("SELECT CAST(CAST('2020-01-01T10:20:30.5' AS timestamp) AS text), CAST(CAST('2020-01-01 10:20:30.123400' AS timestamp) AS text), CAST(CAST('2020-12-31 24:00:00' AS timestamp) AS text), CAST(CAST('2020-01-01 07:08' AS timestamp) AS text)"))
      .toEqual(['2020-01-01 10:20:30.5', '2020-01-01 10:20:30.1234', '2021-01-01 00:00:00', '2020-01-01 07:08:00']);
  });

  it('timestamp to date floors toward the past, also before 1970; date to timestamp is midnight', async () => {
    expect(await row("SELECT CAST(CAST('1969-12-31 23:00:00' AS timestamp) AS date), CAST(CAST('1970-01-01 00:00:00.000001' AS timestamp) AS date), CAST(CAST('1960-03-04' AS date) AS timestamp)"))
      .toEqual(['1969-12-31', '1970-01-01', '1960-03-04 00:00:00']);
  });

  it('dates before year 1 print with BC and no year 0', async () => {
    expect(await row("SELECT CAST(CAST('0001-01-01' AS date) - 1 AS text), CAST(CAST('0001-01-01' AS date) - 366 AS text)"))
      .toEqual(['0001-12-31 BC', '0001-01-01 BC']);
  });

  it('BC text parses back (the form PostgreSQL prints)', async () => {
    expect(await row("SELECT CAST(CAST('0044-03-15 BC' AS date) AS text), CAST('0001-01-01' AS date) - CAST('0001-12-31 BC' AS date)"))
      .toEqual(['0044-03-15 BC', 1]);
  });
});
