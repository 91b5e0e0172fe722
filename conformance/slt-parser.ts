// Parses sqllogictest files into records. Both dialects are accepted: SQLite's
// original (value-wise results, `N values hashing to <md5>`) and the
// sqllogictest-rs / RisingWave one (row-wise results, `statement error` with a
// `----` block). The parser only reads; what a record means is the runner's job.
// Every record keeps the 1-based line number of its first line.

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

/** A `skipif <engine>` / `onlyif <engine>` line that precedes a record. */
export interface SltCondition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: string;
}

interface RecordBase {
  readonly line: number;
  readonly conditions: readonly SltCondition[];
}

export interface StatementRecord extends RecordBase {
  readonly kind: 'statement';
  readonly sql: string;
  /** 'ok': must succeed; 'error': must fail; 'count': must succeed and affect `count` rows. */
  readonly expect: 'ok' | 'error' | 'count';
  readonly count?: number;
  /** For 'error': the regex after `statement error`, or the text of a `----` block. */
  readonly errorPattern?: string;
}

export interface QueryRecord extends RecordBase {
  readonly kind: 'query';
  readonly sql: string;
  /** Type letters, upper-cased: one per column (I, R, T; anything else reads as T). */
  readonly types: string;
  readonly sortMode: SortMode | undefined;
  readonly label: string | undefined;
  /** Lines after `----` up to the blank line, whitespace-trimmed. */
  readonly expected: readonly string[];
}

export interface QueryErrorRecord extends RecordBase {
  readonly kind: 'query-error';
  readonly sql: string;
  readonly errorPattern?: string;
}

export interface HashThresholdRecord extends RecordBase {
  readonly kind: 'hash-threshold';
  readonly threshold: number;
}

export interface HaltRecord extends RecordBase {
  readonly kind: 'halt';
}

/** `control sortmode <mode>` (sqllogictest-rs): the default sort mode from here on. */
export interface SortModeRecord extends RecordBase {
  readonly kind: 'control-sortmode';
  readonly sortMode: SortMode;
}
/**
 * `control clock <timestamp>` (Freshet's extension): sets the engine clock to
 * the UTC instant and ticks, so views with now() move to it (engine.tick()).
 */
export interface ClockRecord extends RecordBase {
  readonly kind: 'control-clock';
  /** Milliseconds since the epoch. */
  readonly at: number;
}


/** A directive the runner does not execute (`include`, `sleep`, `system`, ...). */
export interface UnsupportedRecord extends RecordBase {
  readonly kind: 'unsupported';
  readonly directive: string;
  /** Whether the runner should count it as a skipped test (true) or ignore it silently. */
  readonly countAsSkipped: boolean;
}

export type SltRecord =
  | StatementRecord
  | QueryRecord
  | QueryErrorRecord
  | HashThresholdRecord
  | HaltRecord
  | SortModeRecord
  | ClockRecord
  | UnsupportedRecord;

export class SltParseError extends Error {
  override readonly name = 'SltParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

const sortModes: readonly string[] = ['nosort', 'rowsort', 'valuesort'];

/** Directives that start a record; a blank line followed by one ends a multi-line error block. */
const recordStart = /^(statement|query|skipif|onlyif|halt|hash-threshold|control|mode|sleep|include|subtest|system|connection|let|#)\b/;

/** Parses the whole text of one file. `file` is used in error messages only. */
export function parseSlt(text: string, file = '<input>'): SltRecord[] {
  // CRLF files exist in the SQLite corpus; trailing whitespace never matters.
  const lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  const records: SltRecord[] = [];
  let conditions: SltCondition[] = [];
  let i = 0;

  const isBlank = (k: number): boolean => k >= lines.length || (lines[k] ?? '') === '';

  /** Reads SQL lines from `k` until a blank line or `----`; returns the SQL and the next index. */
  const readSql = (k: number): { sql: string; next: number; sawSeparator: boolean } => {
    const sqlLines: string[] = [];
    while (!isBlank(k)) {
      const l = lines[k] ?? '';
      if (l === '----') return { sql: sqlLines.join('\n'), next: k + 1, sawSeparator: true };
      sqlLines.push(l);
      k++;
    }
    return { sql: sqlLines.join('\n'), next: k, sawSeparator: false };
  };

  /** Reads result lines up to the first blank line. */
  const readResults = (k: number): { values: string[]; next: number } => {
    const values: string[] = [];
    while (!isBlank(k)) {
      values.push((lines[k] ?? '').trim());
      k++;
    }
    return { values, next: k };
  };

  /** Reads an expected error message; it may span blank lines (sqllogictest-rs ends it with two). */
  const readErrorBlock = (k: number): { text: string; next: number } => {
    const out: string[] = [];
    while (k < lines.length) {
      const l = lines[k] ?? '';
      if (l === '') {
        const nextLine = lines[k + 1];
        if (nextLine === undefined || nextLine === '' || recordStart.test(nextLine)) break;
      }
      out.push(l);
      k++;
    }
    return { text: out.join('\n').trim(), next: k };
  };

  while (i < lines.length) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    // A comment after the directive's arguments (`skipif postgresql # why`) is not an argument.
    const words = trimmed.replace(/\s+#.*$/, '').split(/\s+/);
    const directive = words[0] ?? '';
    const base = { line: lineNo, conditions };
    switch (directive) {
      case 'skipif':
      case 'onlyif': {
        const engine = words[1];
        if (engine === undefined) throw new SltParseError(file, lineNo, `${directive} needs an engine name`);
        conditions = [...conditions, { kind: directive, engine: engine.toLowerCase() }];
        i++;
        continue;
      }
      case 'statement': {
        const mode = words[1];
        const { sql, next, sawSeparator } = readSql(i + 1);
        i = next;
        if (mode === 'ok') {
          // sqllogictest-rs allows a `----` block after `statement ok` (ignored output).
          if (sawSeparator) i = readResults(i).next;
          records.push({ ...base, kind: 'statement', sql, expect: 'ok' });
        } else if (mode === 'error') {
          const rest = trimmed.slice(trimmed.indexOf('error') + 'error'.length).trim();
          let errorPattern: string | undefined = rest === '' ? undefined : rest;
          if (sawSeparator) {
            const block = readErrorBlock(i);
            i = block.next;
            if (block.text !== '') errorPattern = block.text;
          }
          records.push({
            ...base,
            kind: 'statement',
            sql,
            expect: 'error',
            ...(errorPattern === undefined ? {} : { errorPattern }),
          });
        } else if (mode === 'count') {
          const count = Number(words[2]);
          if (!Number.isInteger(count)) throw new SltParseError(file, lineNo, `statement count needs an integer, got '${words[2] ?? ''}'`);
          if (sawSeparator) i = readResults(i).next;
          records.push({ ...base, kind: 'statement', sql, expect: 'count', count });
        } else {
          throw new SltParseError(file, lineNo, `expected 'statement ok', 'statement error' or 'statement count N', got '${trimmed}'`);
        }
        break;
      }
      case 'query': {
        const first = words[1];
        if (first === 'error') {
          const rest = trimmed.slice(trimmed.indexOf('error') + 'error'.length).trim();
          const { sql, next, sawSeparator } = readSql(i + 1);
          i = next;
          let errorPattern: string | undefined = rest === '' ? undefined : rest;
          if (sawSeparator) {
            const block = readErrorBlock(i);
            i = block.next;
            if (block.text !== '') errorPattern = block.text;
          }
          records.push({ ...base, kind: 'query-error', sql, ...(errorPattern === undefined ? {} : { errorPattern }) });
          break;
        }
        // sqllogictest-rs allows `query` with no type letters; then the column count is free.
        let types = '';
        let rest = words.slice(1);
        if (first !== undefined && /^[A-Za-z]+$/.test(first) && !sortModes.includes(first)) {
          types = first.toUpperCase();
          rest = words.slice(2);
        }
        let sortMode: SortMode | undefined;
        let label: string | undefined;
        const mode = rest[0];
        if (mode !== undefined && sortModes.includes(mode)) {
          sortMode = mode as SortMode;
          rest = rest.slice(1);
        }
        // `retry N backoff T` (sqllogictest-rs) is not a label; anything else after the mode is.
        const maybeLabel = rest[0];
        if (maybeLabel !== undefined && maybeLabel !== 'retry') label = maybeLabel;
        const { sql, next, sawSeparator } = readSql(i + 1);
        i = next;
        let expected: string[] = [];
        if (sawSeparator) {
          const r = readResults(i);
          expected = r.values;
          i = r.next;
        }
        records.push({ ...base, kind: 'query', sql, types, sortMode, label, expected });
        break;
      }
      case 'hash-threshold': {
        const threshold = Number(words[1]);
        if (!Number.isInteger(threshold)) throw new SltParseError(file, lineNo, `hash-threshold needs an integer, got '${words[1] ?? ''}'`);
        records.push({ ...base, kind: 'hash-threshold', threshold });
        i++;
        break;
      }
      case 'halt':
        records.push({ ...base, kind: 'halt' });
        i++;
        break;
      case 'control': {
        const mode = words[2];
        if (words[1] === 'sortmode' && mode !== undefined && sortModes.includes(mode)) {
          records.push({ ...base, kind: 'control-sortmode', sortMode: mode as SortMode });
        } else if (words[1] === 'clock') {
          const text = words.slice(2).join(' ');
          const at = Date.parse(`${text.replace(' ', 'T')}Z`);
          if (!Number.isFinite(at)) throw new SltParseError(file, lineNo, `control clock needs a UTC timestamp like 2024-01-01 10:00:00, got '${text}'`);
          records.push({ ...base, kind: 'control-clock', at });
        } else {
          records.push({ ...base, kind: 'unsupported', directive: trimmed, countAsSkipped: false });
        }
        i++;
        break;
      }
      case 'mode':
      case 'sleep':
      case 'subtest':
      case 'connection':
      case 'let':
        records.push({ ...base, kind: 'unsupported', directive: trimmed, countAsSkipped: false });
        i++;
        break;
      case 'include':
        records.push({ ...base, kind: 'unsupported', directive: trimmed, countAsSkipped: true });
        i++;
        break;
      case 'system': {
        // A shell command block: skipped whole.
        let k = i + 1;
        while (!isBlank(k)) k++;
        records.push({ ...base, kind: 'unsupported', directive: trimmed, countAsSkipped: true });
        i = k;
        break;
      }
      default:
        throw new SltParseError(file, lineNo, `unknown directive '${directive}' (expected statement, query, skipif, onlyif, hash-threshold, halt, ...)`);
    }
    conditions = [];
  }
  return records;
}
