// The WITH (...) options of CREATE SINK, checked once at CREATE: every key
// must be known for the sink's kind, given once, with a value of the right
// shape. Unknown keys are errors that list the valid ones, so a typo
// (`retry = 3`) never silently falls back to a default.

import { EngineError, SqlState } from '../common/errors.js';
import type { SinkOption } from '../sql/ast.js';

export interface WebhookOptions {
  /** Retries after the first attempt; a batch is tried retries + 1 times before it is dead-lettered. */
  readonly retries: number;
  /** The first retry waits this long; each further retry doubles it, up to MAX_BACKOFF_MS. */
  readonly backoffMs: number;
  /** A request that has not answered after this long counts as failed (and may be retried). */
  readonly timeoutMs: number;
  /** Consecutive commits are sent together while their changes fit in this many rows. */
  readonly maxBatchRows: number;
  /** Send the source's current rows first (as changes of the current LSN). */
  readonly snapshot: boolean;
}

export interface TableSinkOptions {
  /** Copy the source's current rows into the table when the sink is created. */
  readonly snapshot: boolean;
}

/** No backoff grows beyond this, whatever backoff_ms and retries say. */
export const MAX_BACKOFF_MS = 60_000;

const WEBHOOK_DEFAULTS = { retries: 5, backoff_ms: 100, timeout_ms: 10_000, max_batch_rows: 1000, snapshot: true };
const TABLE_DEFAULTS = { snapshot: true };

type Defaults = Readonly<Record<string, number | boolean>>;

/** Bounds of the integer options: [min, max]. */
const INTEGER_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  retries: [0, 1000],
  backoff_ms: [0, MAX_BACKOFF_MS],
  timeout_ms: [1, 3_600_000],
  max_batch_rows: [1, 10_000_000],
};

function readOptions<T extends Defaults>(options: readonly SinkOption[], defaults: T, kind: string): T {
  const out: Record<string, number | boolean> = { ...defaults };
  const seen = new Set<string>();
  for (const option of options) {
    const fallback = defaults[option.key];
    if (fallback === undefined) {
      throw new EngineError(
        SqlState.invalidParameterValue,
        `unrecognized option "${option.key}" for a ${kind} sink; valid options are ${Object.keys(defaults).join(', ')}`,
        option.pos,
      );
    }
    if (seen.has(option.key)) throw new EngineError(SqlState.invalidParameterValue, `option "${option.key}" is given more than once`, option.pos);
    seen.add(option.key);
    if (typeof fallback === 'boolean') {
      const v = option.value.toLowerCase();
      if (v !== 'true' && v !== 'false') {
        throw new EngineError(SqlState.invalidParameterValue, `option "${option.key}" must be true or false, got '${option.value}'`, option.pos);
      }
      out[option.key] = v === 'true';
      continue;
    }
    const [min, max] = INTEGER_RANGE[option.key]!;
    const n = /^\d+$/.test(option.value) ? Number(option.value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new EngineError(
        SqlState.invalidParameterValue,
        `option "${option.key}" must be an integer from ${min} to ${max}, got '${option.value}'`,
        option.pos,
      );
    }
    out[option.key] = n;
  }
  return out as T;
}

export function webhookOptions(options: readonly SinkOption[]): WebhookOptions {
  const o = readOptions(options, WEBHOOK_DEFAULTS, 'webhook');
  return { retries: o.retries, backoffMs: o.backoff_ms, timeoutMs: o.timeout_ms, maxBatchRows: o.max_batch_rows, snapshot: o.snapshot };
}

export function tableSinkOptions(options: readonly SinkOption[]): TableSinkOptions {
  return readOptions(options, TABLE_DEFAULTS, 'table');
}
