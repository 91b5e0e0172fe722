// One client of the crash test: the rows it owns as far as it knows them for
// certain, the request whose outcome a kill left unknown, and its workload.
//
// Why the check can be exact: each client owns the ids in its own range and
// sends one request at a time, so its rows depend only on its own requests,
// in the order it sent them. Every answered request has a known effect (200:
// all statements; 4xx with statementIndex k: the first k). A kill leaves at
// most one request per client unanswered; each of its statements is one
// commit, so the recovered rows must equal the known rows after some prefix
// of it (nothing, the first statement, ..., all that would succeed).

import { SqlWriter, applyRequest, applyStatement, cloneRows } from './client-model.js';
import type { AccountRow, EventRow, OwnedRows, Selection, Statement } from './client-model.js';
import type { SeededRandom } from '../seeded-random.js';

/** Client c owns ids [c * ID_RANGE, (c + 1) * ID_RANGE) in both tables. */
export const ID_RANGE = 10_000_000;

export interface CrashRequest {
  readonly statements: readonly Statement[];
  readonly query: string;
  readonly params: readonly unknown[];
  /** How many statements the model says commit (statements.length: the request succeeds). */
  readonly applies: number;
}

const GROUPS = ['g0', 'g1', 'g2', 'g3', 'g4', null] as const;
const NOTES = ['n', "it's", 'ü', '', null, 'x y'] as const;
const TAGS = ['a', 'b', 'c', 'd', null] as const;
/** Statement kinds and their weights in the workload. */
const KINDS = ['insertAccounts', 'upsert', 'insertEvents', 'addQty', 'setGroup', 'delete', 'divideByZero', 'poisonedEvents', 'missingTable'] as const;
const WEIGHTS = [22, 8, 30, 12, 6, 9, 5, 4, 2] as const;
/** Share of literal values sent as $n parameters. */
const PARAM_SHARE = 0.3;

export class CrashClient {
  /** The rows this client owns, known for certain (every request that changed them was answered). */
  rows: OwnedRows = { accounts: new Map(), events: new Map() };
  /** The request a kill cut off, if any: the recovered rows must match a prefix of it. */
  unknown: CrashRequest | null = null;
  private nextAccount: number;
  private nextEvent: number;

  constructor(readonly index: number, private readonly clients: number) {
    this.nextAccount = index * ID_RANGE;
    this.nextEvent = index * ID_RANGE;
  }

  owns(id: number): boolean {
    return id >= this.index * ID_RANGE && id < (this.index + 1) * ID_RANGE;
  }

  /** A request of 1-4 statements built against the rows as they will be when it runs. */
  nextRequest(rng: SeededRandom): CrashRequest {
    const count = rng.chance(0.65) ? 1 : rng.int(2, 4);
    const scratch = cloneRows(this.rows);
    const statements: Statement[] = [];
    for (let i = 0; i < count; i++) {
      const stmt = this.genStatement(rng, scratch);
      statements.push(stmt);
      applyStatement(scratch, stmt);
    }
    const writer = new SqlWriter(PARAM_SHARE, () => rng.next());
    const query = statements.map((s) => writer.statement(s)).join('; ');
    const applies = applyRequest(cloneRows(this.rows), statements);
    return { statements, query, params: writer.params, applies };
  }

  /** The answer said the first `applied` statements committed. */
  settle(request: CrashRequest, applied: number): void {
    applyRequest(this.rows, request.statements.slice(0, applied));
  }

  /** The states the recovered rows may be in: the known rows after 0, 1, ... statements of the unknown request. */
  *candidates(): Generator<{ rows: OwnedRows; prefix: number }> {
    const rows = cloneRows(this.rows);
    yield { rows, prefix: 0 };
    const request = this.unknown;
    if (request === null) return;
    for (let i = 0; i < request.applies; i++) {
      applyStatement(rows, request.statements[i]!);
      yield { rows, prefix: i + 1 };
    }
  }

  /** Recovery matched `rows`: they are now known for certain. */
  resolve(rows: OwnedRows): void {
    this.rows = cloneRows(rows);
    this.unknown = null;
  }

  private genStatement(rng: SeededRandom, rows: OwnedRows): Statement {
    const ids = [...rows.accounts.keys()];
    const kind = KINDS[rng.weighted(WEIGHTS)]!;
    const needsRows = kind === 'upsert' || kind === 'addQty' || kind === 'setGroup' || kind === 'delete' || kind === 'divideByZero';
    if (needsRows && ids.length === 0) return { kind: 'insertAccounts', rows: this.newAccounts(rng) };
    switch (kind) {
      case 'insertAccounts':
        return { kind: 'insertAccounts', rows: this.newAccounts(rng) };
      case 'upsert': {
        // Existing ids get new values; maybe one new id in the same statement.
        const chosen = new Set<number>();
        for (let n = rng.int(1, 3); n > 0; n--) chosen.add(rng.pick(ids));
        const out: AccountRow[] = [...chosen].map((id) => this.accountValues(rng, id));
        if (rng.chance(0.3)) out.push(this.accountValues(rng, this.nextAccount++));
        return { kind: 'insertAccounts', rows: out };
      }
      case 'insertEvents':
        return { kind: 'insertEvents', rows: this.newEvents(rng, ids), poisoned: false };
      case 'poisonedEvents':
        return { kind: 'insertEvents', rows: this.newEvents(rng, ids), poisoned: true };
      case 'addQty':
        return { kind: 'addQty', where: this.selection(rng, ids), delta: rng.int(-20, 20) };
      case 'setGroup':
        return { kind: 'setGroup', where: this.selection(rng, ids), grp: rng.pick(GROUPS) };
      case 'delete':
        return { kind: 'delete', where: this.selection(rng, ids) };
      case 'divideByZero':
        return { kind: 'divideByZero', where: { kind: 'list', ids: [rng.pick(ids)] } };
      case 'missingTable':
        return { kind: 'missingTable' };
    }
  }

  private accountValues(rng: SeededRandom, id: number): AccountRow {
    return [id, rng.pick(GROUPS), rng.chance(0.1) ? null : rng.int(-50, 1000), rng.pick(NOTES)];
  }

  private newAccounts(rng: SeededRandom): AccountRow[] {
    const out: AccountRow[] = [];
    for (let n = rng.int(1, 5); n > 0; n--) out.push(this.accountValues(rng, this.nextAccount++));
    return out;
  }

  private newEvents(rng: SeededRandom, ownAccounts: readonly number[]): EventRow[] {
    const out: EventRow[] = [];
    for (let n = rng.int(1, 6); n > 0; n--) {
      const r = rng.next();
      // Mostly the client's own accounts (joins match); some other client's id
      // range (may or may not exist), some ids no one uses, some NULL.
      const acct = r < 0.6 && ownAccounts.length > 0 ? rng.pick(ownAccounts)
        : r < 0.8 ? rng.int(0, this.clients - 1) * ID_RANGE + rng.int(0, 300)
        : r < 0.9 ? -rng.int(1, 1000)
        : null;
      out.push([this.nextEvent++, acct, rng.chance(0.08) ? null : rng.int(-100, 10_000), rng.pick(TAGS)]);
    }
    return out;
  }

  /** A few neighbouring ids (a short BETWEEN range, which may span deleted ids) or a short IN list. */
  private selection(rng: SeededRandom, ids: readonly number[]): Selection {
    if (rng.chance(0.5)) {
      const at = rng.int(0, ids.length - 1);
      const to = Math.min(ids.length - 1, at + rng.int(0, 4));
      return { kind: 'range', lo: ids[at]!, hi: ids[to]! };
    }
    const chosen = new Set<number>();
    for (let n = rng.int(1, 3); n > 0; n--) chosen.add(rng.pick(ids));
    return { kind: 'list', ids: [...chosen] };
  }
}
