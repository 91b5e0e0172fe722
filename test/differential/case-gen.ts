// Generates one whole differential case from a seed: a schema, 1-4 views (some
// over earlier views) created at random points of the stream, so some views
// hydrate from existing rows, and 4-10 change batches of 1-3 statements each.
// The same seed always yields the same case.

import type { ChangeStmt, DiffCase, Step, TableSpec, ViewSpec } from './case-model.js';
import { genChange, genInsert } from './batch-gen.js';
import { Prng } from './prng.js';
import { genSchema, tableColumns } from './schema-gen.js';
import { genView, viewColumns, type Relation } from './view-gen.js';

export function genCase(seed: number): DiffCase {
  const rng = new Prng(seed);
  const tables = genSchema(rng.fork());
  const relations: Relation[] = tables.map((t) => ({ name: t.name, columns: tableColumns(t) }));

  const nBatches = rng.int(4, 10);
  const nViews = rng.int(1, 4);
  // Where each view is created: before batch p (p = 0 means on empty tables).
  const positions: number[] = [];
  for (let i = 0; i < nViews; i++) positions.push(rng.chance(0.5) ? 0 : rng.int(0, nBatches - 1));
  positions.sort((a, b) => a - b);

  const viewRng = rng.fork();
  const batchRng = rng.fork();
  const steps: Step[] = [];
  let nextView = 0;
  for (let b = 0; b < nBatches; b++) {
    while (nextView < nViews && positions[nextView] === b) {
      const tablesOnly = relations.filter((r) => r.name.startsWith('t'));
      const viewsSoFar = relations.filter((r) => r.name.startsWith('v'));
      const source = viewsSoFar.length > 0 && viewRng.chance(0.4) ? viewRng.pick(viewsSoFar) : viewRng.pick(tablesOnly);
      const view: ViewSpec = genView(viewRng, `v${nextView}`, source);
      relations.push({ name: view.name, columns: viewColumns(view, source) });
      steps.push({ kind: 'createView', view });
      nextView++;
    }
    steps.push({ kind: 'batch', statements: genBatch(batchRng, tables, b) });
  }
  return { seed, tables, steps };
}

function genBatch(rng: Prng, tables: readonly TableSpec[], index: number): ChangeStmt[] {
  const n = rng.weighted<number>([
    [6, 1],
    [3, 2],
    [2, 3],
  ]);
  const out: ChangeStmt[] = [];
  for (let i = 0; i < n; i++) {
    const t = rng.pick(tables);
    // Start with data so the first checks have rows to look at.
    out.push(index === 0 && i === 0 ? genInsert(rng, t) : genChange(rng, t));
  }
  return out;
}
