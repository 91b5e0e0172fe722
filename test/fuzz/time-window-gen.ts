// Random time-window views: TUMBLE, HOP or CUMULATE over a table's `ts` column
// (or an earlier view's timestamp column), with random slide, size (HOP: mostly
// a multiple of the slide, sometimes not, even smaller) and offset, grouped by
// window_start and/or window_end plus 0-2 other columns, with random
// aggregates, optional WHERE and HAVING; or, less often, the windowed rows
// themselves. The FROM item is a placeholder relation that renderFuzzView
// replaces per dialect (see time-window-source.ts).

import type { Prng } from '../differential/prng.js';
import { formatTimestamp } from '../differential/literal-gen.js';
import { genAggregateCall } from './aggregate-gen.js';
import type { FeatureSet } from './fuzz-features.js';
import { joinKey } from './fuzz-schema.js';
import { shuffle, type GeneratedQuery } from './query-gen.js';
import type { RelationInfo } from './relation-info.js';
import { ScalarGen, isExact, type Scalar } from './scalar-gen.js';
import { binary, colRef, select, typedLit, type AstNode, type SelectItem } from './sql-ast.js';
import { timeColumn, timeMicros } from './time-column.js';
import type { TimeWindowKind, TimeWindowSource } from './time-window-source.js';

export interface TimeWindowQuery extends GeneratedQuery {
  readonly timeWindow: TimeWindowSource;
}

const second = 1_000_000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Window lengths: from sub-second to a day, some not dividing an hour (7 minutes) or a minute (90 s, 1.5 s). */
const spans: readonly number[] = [1.5 * second, 30 * second, minute, 90 * second, 5 * minute, 7 * minute, 10 * minute, 15 * minute, hour, day];
const offsets: readonly number[] = [second, 30 * second, 2 * minute, 7 * minute, hour];

/** Interval text for a length in µs, in one of the forms PostgreSQL reads. */
function intervalText(rng: Prng, us: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (us % day === 0) return plural(us / day, 'day');
  if (us % second === 0 && rng.chance(0.25)) {
    const s = us / second;
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  }
  if (us % hour === 0) return plural(us / hour, 'hour');
  if (us % minute === 0) return plural(us / minute, 'minute');
  if (us % second === 0) return plural(us / second, 'second');
  return us % 1000 === 0 ? `${us / 1000} milliseconds` : `${us} microseconds`;
}

function timestampScalar(node: AstNode): Scalar {
  return { node, type: 'timestamp', bound: 0, halfSafe: false, exact: true };
}

export class TimeWindowGen {
  constructor(
    private readonly rng: Prng,
    private readonly features: FeatureSet,
    private readonly relations: readonly RelationInfo[],
    /** Which relations are base tables: only their `ts` column is windowed (other timestamps spread over a year). */
    private readonly tables: ReadonlySet<string>,
    private readonly id: number,
  ) {}

  /** A window view's query, or null when no relation has a column to window. */
  query(): TimeWindowQuery | null {
    const candidates: [number, { rel: RelationInfo; column: string }][] = [];
    for (const rel of this.relations) {
      for (const c of rel.columns) {
        if (c.type !== 'timestamp') continue;
        const isTable = this.tables.has(rel.name);
        if (isTable && c.name !== timeColumn) continue;
        candidates.push([isTable ? 4 : 1, { rel, column: c.name }]);
      }
    }
    if (candidates.length === 0) return null;
    const { rel, column } = this.rng.weighted(candidates);
    const w = this.windowSpec(rel.name, column);
    const alias = `v${this.id}_w`;
    const qualify = this.rng.chance(0.6);
    const ref = (name: string): AstNode => colRef(name, qualify ? alias : null);
    const relCols: Scalar[] = rel.columns.map((c) => ({ type: c.type, bound: c.bound, halfSafe: c.halfSafe, exact: c.exact, node: ref(c.name) }));
    const start = timestampScalar(ref('window_start'));
    const end = timestampScalar(ref('window_end'));
    const ts = relCols[rel.columns.findIndex((c) => c.name === column)] ?? start;
    const scope = [...relCols, start, end];
    const from = [{ source: { kind: 'relation' as const, name: w.placeholder }, alias, join: null }];
    const prefix = `c${this.id}_`;
    const where = this.features.has('filter') && this.rng.chance(0.35) ? this.filter(scope, [ts, start, end]) : null;

    let outputs: Scalar[];
    let groupBy: AstNode[] = [];
    let having: AstNode | null = null;
    let distinct = false;
    const grouped = this.features.has('groupBy') && this.rng.chance(0.8);
    if (grouped) {
      const windowKeys = this.rng.weighted<Scalar[]>([
        [6, [start, end]],
        [3, [start]],
        [2, [end]],
      ]);
      const keys = [...windowKeys, ...this.otherKeys(relCols, relCols[rel.columns.findIndex((c) => c.name === joinKey)])];
      groupBy = keys.map((k) => k.node);
      const aggs: Scalar[] = [];
      for (let i = this.rng.int(1, 4); i > 0; i--) aggs.push(genAggregateCall(this.rng, this.features, scope));
      outputs = keys.filter((k) => this.rng.chance(windowKeys.includes(k) ? 0.95 : 0.85));
      outputs.push(...aggs);
      if (this.rng.chance(0.2)) {
        const over = new ScalarGen(this.rng, [...keys, ...aggs], { leafChance: 0 });
        outputs.push(over.gen(over.pickColumnType(), 1));
      }
      shuffle(this.rng, outputs);
      if (this.features.has('having') && this.rng.chance(0.3)) {
        const hg = new ScalarGen(this.rng, [...keys, ...aggs, genAggregateCall(this.rng, this.features, scope)], { leafChance: 0.2 });
        having = hg.bool(this.rng.int(0, 1)).node;
      }
    } else {
      outputs = [start, end].filter(() => this.rng.chance(0.75));
      const g = new ScalarGen(this.rng, scope);
      for (let i = this.rng.int(1, 3); i > 0; i--) outputs.push(g.gen(g.pickColumnType(), this.rng.chance(0.5) ? 0 : 1));
      distinct = this.features.has('selectDistinct') && outputs.every(isExact) && this.rng.chance(0.2);
    }
    const items: SelectItem[] = outputs.map((o, i) => ({ expr: o.node, alias: `${prefix}${i}` }));
    const ast = select({ distinct, items, from, where, groupBy, having });
    const perRow = w.kind === 'tumble' ? 1 : Math.ceil(w.size / w.slide);
    return {
      ast,
      columns: outputs.map((o, i) => ({ type: o.type, bound: o.bound, halfSafe: o.halfSafe, exact: o.exact, name: `${prefix}${i}` })),
      fanout: grouped ? 1 : rel.fanout * perRow,
      timeWindow: w,
    };
  }

  private windowSpec(relation: string, column: string): TimeWindowSource {
    const kind = this.rng.weighted<TimeWindowKind>([
      [5, 'tumble'],
      [4, 'hop'],
      [2, 'cumulate'],
    ]);
    const small = spans.filter((s) => s <= hour);
    let slide: number;
    let size: number;
    if (kind === 'tumble') {
      size = this.rng.pick(spans);
      slide = size;
    } else {
      slide = this.rng.pick(small);
      size = slide * this.rng.int(2, 4);
      // HOP's size need not be a multiple of the slide; smaller than the slide leaves gaps no window covers.
      const uneven = spans.filter((s) => s % slide !== 0 && Math.ceil(s / slide) <= 6);
      if (kind === 'hop' && uneven.length > 0 && this.rng.chance(0.2)) size = this.rng.pick(uneven);
    }
    const offset = this.rng.chance(0.25) ? this.rng.pick(offsets) : 0;
    return {
      kind,
      placeholder: `tw_v${this.id}`,
      relation,
      column,
      slide,
      size,
      offset,
      slideText: intervalText(this.rng, slide),
      sizeText: intervalText(this.rng, size),
      offsetText: offset === 0 ? null : intervalText(this.rng, offset),
      descriptor: this.rng.chance(0.8),
      upperCase: this.rng.chance(0.7),
    };
  }

  /** 0-2 more grouping keys: exact columns of the windowed relation, often the small-domain key `k`. */
  private otherKeys(relCols: readonly Scalar[], k: Scalar | undefined): Scalar[] {
    const pool = relCols.filter((c) => isExact(c) && c.type !== 'timestamp');
    const n = Math.min(pool.length, this.rng.weighted([
      [4, 0],
      [5, 1],
      [1, 2],
    ]));
    const keys: Scalar[] = [];
    if (n > 0 && k !== undefined && pool.includes(k) && this.rng.chance(0.6)) keys.push(k);
    while (keys.length < n) {
      const c = this.rng.pick(pool);
      if (!keys.includes(c)) keys.push(c);
    }
    return keys;
  }

  /** A WHERE condition: half the time a comparison of a time column with a domain timestamp, so it splits the rows. */
  private filter(scope: readonly Scalar[], times: readonly Scalar[]): AstNode {
    if (this.rng.chance(0.5)) {
      const op = this.rng.pick(['<', '<=', '>', '>=', '=', '<>']);
      return binary(op, this.rng.pick(times).node, typedLit('timestamp', formatTimestamp(timeMicros(this.rng))));
    }
    const g = new ScalarGen(this.rng, scope);
    return g.bool(this.rng.int(0, 1)).node;
  }
}
