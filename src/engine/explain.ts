// EXPLAIN: the logical plan as an indented tree, then the dataflow that
// maintains it, with the state each operator keeps and its work per change.

import { typeInfo } from '../common/sql-type.js';
import type { Circuit } from '../dataflow/circuit.js';
import type { LogicalPlan, QueryPlan } from '../plan/logical-plan.js';
import { EngineError, SqlState } from '../common/errors.js';
import { bindQuery } from '../plan/bind-query.js';
import type { QueryResult } from '../query-result.js';
import type { ExplainStmt } from '../sql/ast.js';
import { valuesResult } from './format-result.js';
import { lowerPlan } from './lower-plan.js';
import { cleanupPlan } from './relation-ddl.js';
import type { RelationDdlContext } from './relation-ddl.js';

function planLines(plan: LogicalPlan, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  switch (plan.kind) {
    case 'scan':
      out.push(`${pad}Scan ${plan.relationKind} ${plan.relation} (${plan.columns.map((c) => `${c.name} ${typeInfo[c.type].sqlName.toLowerCase()}`).join(', ')})`);
      return;
    case 'singleRow':
      out.push(`${pad}Single row (no FROM)`);
      return;
    case 'filter':
      out.push(`${pad}Filter ${plan.label}`);
      return planLines(plan.input, depth + 1, out);
    case 'unnest':
      out.push(`${pad}Unnest ${plan.arrayColumns.map((c) => plan.input.columns[c]!.name).join(', ')}`);
      return planLines(plan.input, depth + 1, out);
    case 'timeWindow':
      out.push(`${pad}TimeWindow ${plan.label}`);
      return planLines(plan.input, depth + 1, out);
    case 'sessionWindow':
      out.push(`${pad}SessionWindow ${plan.label}`);
      return planLines(plan.input, depth + 1, out);
    case 'temporalFilter':
      out.push(`${pad}TemporalFilter ${plan.label}`);
      return planLines(plan.input, depth + 1, out);
    case 'project':
      out.push(`${pad}Project ${plan.labels.map((l, i) => (plan.columns[i]!.name === l ? l : `${l} AS ${plan.columns[i]!.name}`)).join(', ')}`);
      return planLines(plan.input, depth + 1, out);
    case 'aggregate':
      if (plan.distinct === true) {
        out.push(`${pad}Distinct ${plan.groupLabels.join(', ')}`);
        return planLines(plan.input, depth + 1, out);
      }
      out.push(`${pad}Aggregate group by ${plan.groupLabels.length === 0 ? '(global)' : plan.groupLabels.join(', ')}: ${plan.aggregates.map((a) => a.label).join(', ')}`);
      return planLines(plan.input, depth + 1, out);
    case 'join':
      out.push(`${pad}${plan.label}`);
      planLines(plan.left, depth + 1, out);
      return planLines(plan.right, depth + 1, out);
    case 'window': {
      const name = (c: number): string => plan.input.columns[c]!.name;
      const over = [
        plan.partitionBy.length > 0 ? `PARTITION BY ${plan.partitionBy.map(name).join(', ')}` : '',
        plan.orderBy.length > 0 ? `ORDER BY ${plan.orderBy.map((k) => `${name(k.column)}${k.descending ? ' DESC' : ''}`).join(', ')}` : '',
      ].filter((x) => x !== '').join(' ');
      out.push(`${pad}Window ${plan.calls.map((c) => c.label ?? c.fn).join(', ')} OVER (${over})`);
      return planLines(plan.input, depth + 1, out);
    }
    case 'recursiveCte':
      out.push(`${pad}Recursive ${plan.name} (${plan.distinct ? 'UNION' : 'UNION ALL'})`);
      planLines(plan.base, depth + 1, out);
      return planLines(plan.step, depth + 1, out);
    case 'recursiveRef':
      out.push(`${pad}Recursive reference (the rows derived so far)`);
      return;
    case 'assertSingle':
      out.push(`${pad}Assert at most one row${plan.keyColumns.length > 0 ? ' per outer value' : ''} (scalar subquery)`);
      return planLines(plan.input, depth + 1, out);
    case 'topN':
      out.push(`${pad}Top ${plan.limit ?? 'ALL'} offset ${plan.offset}${plan.partitionBy.length > 0 ? ` per ${plan.partitionBy.map((c) => plan.columns[c]!.name).join(', ')}` : ''} by ${plan.sortKeys.map((k) => `${plan.columns[k.column]!.name} ${k.descending ? 'DESC' : 'ASC'}`).join(', ')}`);
      return planLines(plan.input, depth + 1, out);
    case 'setOp':
      out.push(`${pad}${plan.op === 'unionAll' ? 'Union all' : `${plan.op === 'intersect' ? 'Intersect' : 'Except'}${plan.all ? ' all' : ''}`}`);
      planLines(plan.left, depth + 1, out);
      return planLines(plan.right, depth + 1, out);
  }
}

export interface ExplainTarget {
  readonly plan: QueryPlan;
  readonly circuit: Circuit;
  /** Set when explaining a view: its name and stored row count. */
  readonly view?: { readonly name: string; readonly distinctRows: number };
}

export function explainLines(target: ExplainTarget): string[] {
  const { plan } = target;
  const out: string[] = ['Logical plan:'];
  const tail: string[] = [];
  if (plan.limit !== null || plan.offset > 0) tail.push(`Limit ${plan.limit ?? 'ALL'} offset ${plan.offset}`);
  if (plan.orderBy.length > 0) tail.push(`Sort by ${plan.orderBy.map((k) => `#${k.column + 1} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`);
  tail.forEach((t, i) => out.push(`${'  '.repeat(i + 1)}${t}`));
  planLines(plan.root, tail.length + 1, out);
  out.push(target.view === undefined ? 'Dataflow (run once over a snapshot of the input):' : `Dataflow maintaining ${target.view.name} (per committed change):`);
  // Steps are numbered from 1; an input that is not the previous step is named.
  const nodes = target.circuit.nodes;
  nodes.forEach((node, i) => {
    const n = i + 1;
    const from = (inputs: readonly number[]): string =>
      inputs.length === 1 && inputs[0] === i - 1 ? '' : ` (input${inputs.length > 1 ? 's' : ''} ${inputs.map((k) => `#${k + 1}`).join(', ')})`;
    switch (node.kind) {
      case 'source':
        out.push(`  ${n}. Source ${node.relation ?? '(single row)'}: ${node.relation === null ? 'one row at creation, no later changes' : "receives each commit's delta of this relation"}`);
        return;
      case 'union':
        out.push(`  ${n}. Union all${from(node.inputs)}`);
        out.push('       state: none; work: O(1) per changed row');
        return;
      default: {
        const info = node.op.describe();
        const inputs = node.kind === 'unary' || node.kind === 'temporal' ? from([node.input]) : node.kind === 'binary' ? from([node.left, node.right]) : ` (reads ${node.op.relations().join(', ')} itself)`;
        out.push(`  ${n}. ${info.name} ${info.detail}${inputs}`);
        out.push(`       state: ${info.state}${info.state === 'none' ? '' : ` (${node.op.stateSize()} entries now)`}; work: ${info.cost}`);
        // A view's derived state cleanup (plan/state-bounds.ts), or why there is none.
        if ((node.kind === 'unary' || node.kind === 'binary') && node.cleanup !== undefined) out.push(`       cleanup: ${node.cleanup.text}`);
      }
    }
  });
  const step = nodes.length + 1;
  if (target.view !== undefined) {
    out.push(`  ${step}. Materialize ${target.view.name}`);
    out.push(`       state: the view's rows with multiplicities (${target.view.distinctRows} distinct rows now); work: O(1) per output change`);
  }
  return out;
}

/** EXPLAIN [VIEW name | query | CREATE MATERIALIZED VIEW ...]: one text row per line. */
export function explainStatement(ctx: RelationDdlContext, stmt: ExplainStmt, params: readonly unknown[]): QueryResult {
  const target = stmt.target;
  let lines: string[];
  if (target.kind === 'viewName') {
    const entry = ctx.catalog.require(target.name);
    if (entry.kind !== 'view') throw new EngineError(SqlState.wrongObjectType, `"${target.name}" is a table, not a materialized view`, target.pos);
    ctx.requireBuilt(entry.name, 'explain');
    const node = ctx.scheduler.node(entry.name)!;
    lines = explainLines({ plan: entry.plan, circuit: node.circuit, view: { name: entry.name, distinctRows: node.sink.distinctRows } });
  } else {
    const forView = target.kind === 'createView';
    const query = target.kind === 'createView' ? target.query : target;
    const plan = bindQuery(query, { catalog: ctx.catalog, params, forView });
    lines = explainLines({
      plan,
      circuit: forView ? lowerPlan(plan.root, cleanupPlan(ctx, plan.root)) : lowerPlan(plan.root),
      ...(target.kind === 'createView' ? { view: { name: target.name, distinctRows: 0 } } : {}),
    });
  }
  return valuesResult('EXPLAIN', [{ name: 'QUERY PLAN', type: 'text' }], lines.map((l) => [l]));
}
