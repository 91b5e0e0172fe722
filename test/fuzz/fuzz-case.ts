// One fuzz case and its generation from a seed: a schema, 1-3 views whose
// queries are node-sql-parser ASTs (rendered by sqlify), created at random
// points of the stream (some over earlier views), and 3-5 batches of 1-3
// INSERT/DELETE/UPDATE statements. A share of seeds (timeWindowShare) are
// time-window cases: the first table gets a `ts` column and the first view,
// and later ones at random, are TUMBLE/HOP/CUMULATE views. That choice draws
// from a stream of its own, so every other seed yields the case it always did.
// The same seed and features always yield the same case. Cases are data, so
// the shrinker can drop parts and re-render.

import { genChange, genInsert } from '../differential/batch-gen.js';
import type { ChangeStmt, Dialect, TableSpec } from '../differential/case-model.js';
import { Prng } from '../differential/prng.js';
import type { FeatureSet } from './fuzz-features.js';
import { genFuzzSchema, shapeChange, tableRelation } from './fuzz-schema.js';
import { QueryGen, type GeneratedQuery } from './query-gen.js';
import type { OutColumn, RelationInfo } from './relation-info.js';
import { sqlifyQuery, type AstNode } from './sql-ast.js';
import { withTimeColumn } from './time-column.js';
import { TimeWindowGen } from './time-window-gen.js';
import { substituteTimeWindow, type TimeWindowSource } from './time-window-source.js';

export interface FuzzView {
  readonly name: string;
  readonly ast: AstNode;
  readonly columns: readonly OutColumn[];
  /** A time-window view's FROM item, standing in its AST as a placeholder relation. */
  readonly timeWindow?: TimeWindowSource;
}

export type FuzzStep =
  | { readonly kind: 'createView'; readonly view: FuzzView }
  /** Statements sent to Freshet in one `engine.sql` call; every view is checked after it. */
  | { readonly kind: 'batch'; readonly statements: readonly ChangeStmt[] };

export interface FuzzCase {
  readonly seed: number;
  readonly tables: readonly TableSpec[];
  readonly steps: readonly FuzzStep[];
}

/** Freshet keeps a materialized view; DuckDB's plain view recomputes from scratch on every read. */
export function renderFuzzView(v: FuzzView, dialect: Dialect): string {
  const kw = dialect === 'freshet' ? 'CREATE MATERIALIZED VIEW' : 'CREATE VIEW';
  const query = sqlifyQuery(v.ast);
  return `${kw} ${v.name} AS ${v.timeWindow === undefined ? query : substituteTimeWindow(query, v.timeWindow, dialect)}`;
}

/** The share of seeds that are time-window cases. */
export const timeWindowShare = 0.12;

/** A time-window case's own stream (null for other cases): drawing from it leaves the main stream untouched. */
function timeWindowRng(seed: number, features: FeatureSet): Prng | null {
  if (!features.has('timeWindow')) return null;
  const rng = new Prng((seed ^ 0x3c6ef372) >>> 0);
  return rng.chance(timeWindowShare) ? rng : null;
}

export function isTimeWindowCase(c: FuzzCase): boolean {
  return c.steps.some((s) => s.kind === 'createView' && s.view.timeWindow !== undefined);
}

export function genFuzzCase(seed: number, features: FeatureSet): FuzzCase {
  const rng = new Prng(seed);
  const twRng = timeWindowRng(seed, features);
  const schema = genFuzzSchema(rng.fork(), features);
  // A window case's first table, and some others, get the event-time column `ts`.
  const tables = twRng === null ? schema : schema.map((t, i) => (i === 0 || twRng.chance(0.3) ? withTimeColumn(twRng, t) : t));
  const relations: RelationInfo[] = tables.map(tableRelation);
  const tableNames = new Set(tables.map((t) => t.name));
  const nBatches = rng.int(3, 5);
  const nViews = rng.int(1, 3);
  // Where each view is created: before batch p (0: on empty tables).
  const positions: number[] = [];
  for (let i = 0; i < nViews; i++) positions.push(rng.chance(0.5) ? 0 : rng.int(0, nBatches - 1));
  positions.sort((a, b) => a - b);

  const viewRng = rng.fork();
  const batchRng = rng.fork();
  const steps: FuzzStep[] = [];
  let nextView = 0;
  for (let b = 0; b < nBatches; b++) {
    while (nextView < nViews && positions[nextView] === b) {
      const sources = features.has('viewOnView') ? relations : relations.slice(0, tables.length);
      const qRng = viewRng.fork();
      // In a window case the first view, and about half the others, window a table or an earlier view.
      const windowed = twRng !== null && (nextView === 0 || twRng.chance(0.5)) ? new TimeWindowGen(qRng, features, sources, tableNames, nextView).query() : null;
      const q: GeneratedQuery = windowed ?? new QueryGen(qRng, features, sources, nextView).query();
      const name = `v${nextView}`;
      const view: FuzzView = windowed === null ? { name, ast: q.ast, columns: q.columns } : { name, ast: q.ast, columns: q.columns, timeWindow: windowed.timeWindow };
      relations.push({ name: view.name, columns: view.columns, fanout: q.fanout });
      steps.push({ kind: 'createView', view });
      nextView++;
    }
    steps.push({ kind: 'batch', statements: genBatch(batchRng, tables, b) });
  }
  return { seed, tables, steps };
}

function genBatch(rng: Prng, tables: readonly TableSpec[], index: number): ChangeStmt[] {
  const out: ChangeStmt[] = [];
  // The first batch fills every table (twice), so the first checks, and joins, have rows.
  if (index === 0) for (const t of tables) out.push(shapeChange(rng, t, genInsert(rng, t)), shapeChange(rng, t, genInsert(rng, t)));
  const n = rng.weighted<number>([
    [5, 1],
    [3, 2],
    [2, 3],
  ]);
  for (let i = index === 0 ? 1 : 0; i < n; i++) {
    const t = rng.pick(tables);
    out.push(shapeChange(rng, t, genChange(rng, t)));
  }
  return out;
}
