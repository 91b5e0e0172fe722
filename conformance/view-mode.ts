// View mode's plan: for every `query` record of a sqllogictest file, where to create
// a materialized view of that query (right after the last CREATE of a relation it
// reads, so later rows arrive as changes) — or why it cannot be checked as a view.
// The plan only reads the records and the one-shot run's trace; the runner executes it.
import type { Query, Statement } from '../src/sql/ast.js';
import { parseSql } from '../src/sql/parse-sql.js';
import type { SltRecord } from './slt-parser.js';

/** One query record checked as a view. */
export interface ViewCheck {
  /** Index of the `query` record in the file's records. */
  readonly queryIndex: number;
  readonly viewName: string;
  /** The query's text as the parser saw it (no trailing `;`). */
  readonly queryText: string;
}

export interface ViewPlan {
  /** Views to create right after the record at each index, in query order. */
  readonly createAfter: ReadonlyMap<number, readonly ViewCheck[]>;
  /** The check of each query record that gets a view, by record index. */
  readonly checks: ReadonlyMap<number, ViewCheck>;
  /** Why a query record gets no view, by record index. */
  readonly skips: ReadonlyMap<number, string>;
  /** Query and query-error records that are more than one SELECT (`INSERT ...; SELECT ...`):
   *  they may change the state, so view mode runs them again. */
  readonly rerun: ReadonlySet<number>;
}

/** What the planner needs to know about each record's one-shot run. */
export interface PlanInput {
  readonly records: readonly SltRecord[];
  /** Whether the record ran at all (skipif/onlyif and `halt` say no). */
  readonly executed: (index: number) => boolean;
  /** How many of a record's statements committed in the one-shot run. */
  readonly committedStatements: (index: number) => number;
}

/** A DDL event on a relation name, in file order. */
interface RelationEvent {
  readonly recordIndex: number;
  readonly kind: 'create' | 'drop';
  /** For a created materialized view: the relations its query reads. */
  readonly reads: ReadonlySet<string>;
}

const noReads: ReadonlySet<string> = new Set();

/**
 * Relation names a query reads: every FROM item naming a table or view, inside
 * subqueries and subquery expressions too. CTE names are not relations where
 * they are in scope; table functions are not relations.
 */
export function relationsRead(query: Query): Set<string> {
  const out = new Set<string>();
  visit(query, new Set(), out);
  return out;
}

function visit(node: unknown, scope: ReadonlySet<string>, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, scope, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'tableRef') {
    const name = (node as { name: string }).name;
    if (!scope.has(name)) out.add(name);
    return;
  }
  let inner = scope;
  if (kind === 'select' || kind === 'setOp') {
    const q = node as Query;
    if (q.with.length > 0) {
      // A CTE sees the CTEs before it (all of them, itself included, under RECURSIVE);
      // the query body sees all of them.
      const all = new Set([...scope, ...q.with.map((c) => c.name)]);
      const seen = new Set(scope);
      for (const cte of q.with) {
        if (q.withRecursive) visit(cte.query, all, out);
        else visit(cte.query, seen, out);
        seen.add(cte.name);
      }
      inner = all;
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'with' || key === 'pos') continue;
    visit(value, inner, out);
  }
}

function tryParse(sql: string): Statement[] | undefined {
  try {
    return parseSql(sql);
  } catch {
    return undefined;
  }
}

/** Relations the query reads through the views it reads, as those views stood at `before`. */
function closure(direct: ReadonlySet<string>, events: ReadonlyMap<string, readonly RelationEvent[]>, before: number): Set<string> {
  const out = new Set<string>();
  const stack = [...direct];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (out.has(name)) continue;
    out.add(name);
    const created = lastCreate(events.get(name), before);
    if (created !== undefined) stack.push(...created.reads);
  }
  return out;
}

/** The CREATE that made the relation exist just before record `before`; undefined when
 *  it does not exist there (never created, or dropped since). */
function lastCreate(list: readonly RelationEvent[] | undefined, before: number): RelationEvent | undefined {
  if (list === undefined) return undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    if (e.recordIndex < before) return e.kind === 'create' ? e : undefined;
  }
  return undefined;
}

export function planViewChecks(input: PlanInput): ViewPlan {
  const { records } = input;
  const events = new Map<string, RelationEvent[]>();
  const addEvent = (name: string, e: RelationEvent): void => {
    const list = events.get(name);
    if (list === undefined) events.set(name, [e]);
    else list.push(e);
  };
  const createAfter = new Map<number, ViewCheck[]>();
  const checks = new Map<number, ViewCheck>();
  const skips = new Map<number, string>();
  const rerun = new Set<number>();

  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.kind !== 'statement' && record.kind !== 'query' && record.kind !== 'query-error') continue;
    if (!input.executed(i)) {
      if (record.kind === 'query') skips.set(i, 'not run (skipif/onlyif)');
      continue;
    }
    const statements = tryParse(record.sql);
    const pureQuery = statements?.length === 1 && statements[0]?.kind === 'query';
    if (record.kind !== 'statement' && !pureQuery) rerun.add(i);
    if (record.kind === 'statement' || !pureQuery) {
      const committed = Math.min(statements?.length ?? 0, input.committedStatements(i));
      for (const stmt of (statements ?? []).slice(0, committed)) {
        if (stmt.kind === 'createTable') addEvent(stmt.name, { recordIndex: i, kind: 'create', reads: noReads });
        else if (stmt.kind === 'createView') {
          // OR REPLACE of an existing view is a drop and a create.
          if (stmt.orReplace) addEvent(stmt.name, { recordIndex: i, kind: 'drop', reads: noReads });
          addEvent(stmt.name, { recordIndex: i, kind: 'create', reads: relationsRead(stmt.query) });
        } else if (stmt.kind === 'drop') {
          for (const name of stmt.names) addEvent(name, { recordIndex: i, kind: 'drop', reads: noReads });
        }
      }
    }
    if (record.kind !== 'query') continue;
    // The record's result is its last statement's; statements before it run first.
    const last = statements?.[statements.length - 1];
    if (statements === undefined || last === undefined) {
      skips.set(i, statements === undefined ? 'the query does not parse' : 'no statement');
      continue;
    }
    if (last.kind !== 'query') {
      skips.set(i, `not a SELECT (${last.kind})`);
      continue;
    }
    const direct = relationsRead(last.query);
    if (direct.size === 0) {
      skips.set(i, 'reads no table');
      continue;
    }
    let at = -1;
    let missing: string | undefined;
    for (const name of direct) {
      const created = lastCreate(events.get(name), i);
      if (created === undefined) {
        missing = name;
        break;
      }
      at = Math.max(at, created.recordIndex);
    }
    if (missing !== undefined) {
      skips.set(i, `reads "${missing}", which does not exist there (never created, or its CREATE failed)`);
      continue;
    }
    // A relation the view depends on that is dropped (or replaced) before the query
    // runs would take the view with it, or fail for it.
    let dropped: string | undefined;
    for (const name of closure(direct, events, i)) {
      if (events.get(name)?.some((e) => e.kind === 'drop' && e.recordIndex > at && e.recordIndex < i)) {
        dropped = name;
        break;
      }
    }
    if (dropped !== undefined) {
      skips.set(i, `"${dropped}" is dropped or recreated between the view's creation and the query`);
      continue;
    }
    const check: ViewCheck = { queryIndex: i, viewName: `__slt_q${record.line}`, queryText: last.text };
    checks.set(i, check);
    const list = createAfter.get(at);
    if (list === undefined) createAfter.set(at, [check]);
    else list.push(check);
  }
  return { createAfter, checks, skips, rerun };
}
