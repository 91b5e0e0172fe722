// A seeded randomized differential test of the cold tier: a durable engine
// with a tiny hot-memory budget (so rows go cold at nearly every checkpoint)
// runs a random sequence of inserts (new keys, upserts, duplicate rows),
// keyed and predicate UPDATEs and DELETEs, checkpoints, restarts (with and
// without a checkpoint at close, so the log replays against the cold tier),
// view creations before and after rows went cold, and one-shot range
// queries (segment pruning). DuckDB runs the same sequence on its own tables,
// with plain views as the oracle of the maintained ones. Every few steps and
// after every restart, each table, each view and each view's query run
// one-shot must equal DuckDB's result as multisets.
//
// Seeds: FRESHET_COLD_SEEDS="1,2,3" (default), or a range "1-20";
// FRESHET_COLD_HOT_MEMORY / FRESHET_COLD_SEGMENT_ROWS override the seeded options.
// A failure names the seed, the step and the statements so far (Freshet's
// spelling; DuckDB runs an INSERT into acc as INSERT OR REPLACE).

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { canonFreshet, diffMultisets, formatRow, type Row } from '../differential/comparator.js';
import { SeededRandom } from '../seeded-random.js';

function parseSeeds(spec: string | undefined): number[] {
  if (spec === undefined || spec.trim() === '') return [1, 2, 3];
  const seeds: number[] = [];
  for (const part of spec.split(',')) {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (range !== null) {
      for (let s = Number(range[1]); s <= Number(range[2]); s++) seeds.push(s);
    } else if (part.trim() !== '') {
      seeds.push(Number(part.trim()));
    }
  }
  return seeds;
}

const SEEDS = parseSeeds(process.env['FRESHET_COLD_SEEDS']);
// Overrides for stress runs (e.g. FRESHET_COLD_HOT_MEMORY=1 FRESHET_COLD_SEGMENT_ROWS=3: nearly every row cold, tiny segments).
const envInt = (name: string): number | undefined => {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : Number(v);
};
const HOT_MEMORY = envInt('FRESHET_COLD_HOT_MEMORY');
const SEGMENT_ROWS = envInt('FRESHET_COLD_SEGMENT_ROWS');

const root = mkdtempSync(join(tmpdir(), 'freshet-cold-random-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const SCHEMA = [
  'CREATE TABLE acc (id INT PRIMARY KEY, grp TEXT, qty INT, note TEXT)',
  'CREATE TABLE ev (eid INT, acct INT, amount INT, tag TEXT)',
];
const DUCK_SCHEMA = [
  'CREATE TABLE acc (id INTEGER PRIMARY KEY, grp VARCHAR, qty INTEGER, note VARCHAR)',
  'CREATE TABLE ev (eid INTEGER, acct INTEGER, amount INTEGER, tag VARCHAR)',
];

interface ViewDef {
  readonly name: string;
  readonly query: string;
}

const VIEWS: readonly ViewDef[] = [
  {
    name: 'v_ev_by_tag',
    query: 'SELECT tag, count(*) AS n, sum(amount) AS s, min(amount) AS lo, max(amount) AS hi FROM ev GROUP BY tag',
  },
  {
    name: 'v_acc_by_grp',
    query: 'SELECT grp, count(*) AS n, sum(qty) AS s, min(note) AS first_note, max(qty) AS top FROM acc GROUP BY grp',
  },
  {
    name: 'v_ev_join',
    query: 'SELECT e.eid, e.amount, e.tag, a.id, a.grp, a.qty FROM ev e JOIN acc a ON e.acct = a.id',
  },
  {
    name: 'v_acc_left',
    query: 'SELECT a.id, a.grp, count(e.eid) AS n, sum(e.amount) AS s FROM acc a LEFT JOIN ev e ON e.acct = a.id GROUP BY a.id, a.grp',
  },
  {
    name: 'v_distinct',
    query: 'SELECT DISTINCT acct, tag FROM ev',
  },
];

const GRPS = ['g0', 'g1', 'g2', 'g3', 'g4'];
// Text whose order tells code points from UTF-16 units (U+FB00 < U+1F600, but 0xFB00 > 0xD83D), and the empty string.
const TAGS = ['t0', 't1', 't2', 't3', 't4', 't5', '', 'T9', 't\u00e9', '\ufb00', '\u{1f600}'];

const lit = (v: string | number | null): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);

class Failure extends Error {}

/** One seed's run: the engine, its DuckDB twin, the statement log and the generator's state. */
class Run {
  engine!: Engine;
  readonly dir: string;
  readonly log: string[] = [];
  step = 0;
  nextId = 0;
  nextEid = 0;
  restarts = 0;
  checks = 0;
  maxCold = 0;
  maxColdAcc = 0;
  maxColdEv = 0;
  segmentsSkipped = 0;
  readonly created = new Set<string>();
  readonly hotMemory: number;
  readonly segmentRows: number;

  constructor(
    readonly seed: number,
    readonly rng: SeededRandom,
    readonly duck: DuckDbOracle,
  ) {
    this.dir = join(root, `seed-${seed}`);
    const hotMemory = rng.pick([2, 4, 8, 16]) * 1024;
    const segmentRows = rng.pick([16, 32, 64, 128]);
    this.hotMemory = HOT_MEMORY ?? hotMemory;
    this.segmentRows = SEGMENT_ROWS ?? segmentRows;
  }

  fail(what: string): never {
    const shown = this.log.length > 400 ? [`-- (${this.log.length - 400} earlier statements left off)`, ...this.log.slice(-400)] : this.log;
    throw new Failure(
      `seed ${this.seed}, step ${this.step}: ${what}\n` +
        `options: hotMemory ${this.hotMemory}, segmentRows ${this.segmentRows}\n` +
        `statements so far:\n${shown.join('\n')}`,
    );
  }

  async open(checkpointOnClose: boolean): Promise<void> {
    this.engine = await Engine.open({ dataDir: this.dir, hotMemory: this.hotMemory, segmentRows: this.segmentRows, checkpointOnClose });
    this.log.push(`-- open (checkpointOnClose ${checkpointOnClose})`);
  }

  /** Runs a statement on both sides; `duckSql` is DuckDB's spelling when it differs. */
  async both(sql: string, duckSql = sql): Promise<void> {
    this.log.push(`${sql};`);
    try {
      await this.engine.sql(sql);
    } catch (e) {
      this.fail(`Freshet rejected: ${sql}\n${String(e)}`);
    }
    try {
      await this.duck.exec(duckSql);
    } catch (e) {
      this.fail(`DuckDB rejected: ${duckSql}\n${String(e)}`);
    }
  }

  async duckInts(sql: string): Promise<number[]> {
    return (await this.duck.query(sql)).rows.map((r) => r[0] as number);
  }

  async freshetRows(sql: string): Promise<Row[]> {
    let r;
    try {
      r = await this.engine.sql(sql);
    } catch (e) {
      this.fail(`Freshet rejected the query: ${sql}\n${String(e)}`);
    }
    return r.rows.map((row) => row.map((v, i) => canonFreshet(v, r.fields[i]!.dataTypeID)));
  }

  async same(sql: string, duckSql = sql): Promise<void> {
    const expected = (await this.duck.query(duckSql)).rows;
    const actual = await this.freshetRows(sql);
    const diff = diffMultisets(expected, actual);
    if (diff !== null) {
      this.fail(
        `mismatch on ${sql} (${expected.length} rows expected, ${actual.length} returned)\n` +
          `missing (${diff.missing.length}): ${diff.missing.slice(0, 8).map(formatRow).join(' | ')}\n` +
          `unexpected (${diff.unexpected.length}): ${diff.unexpected.slice(0, 8).map(formatRow).join(' | ')}`,
      );
    }
  }

  observeStatus(): void {
    for (const t of this.engine.status().tables) {
      const cold = t.cold?.rows ?? 0;
      if (t.name === 'acc') this.maxColdAcc = Math.max(this.maxColdAcc, cold);
      if (t.name === 'ev') this.maxColdEv = Math.max(this.maxColdEv, cold);
    }
    const total = this.engine.status().tables.reduce((n, t) => n + (t.cold?.rows ?? 0), 0);
    this.maxCold = Math.max(this.maxCold, total);
  }

  skippedNow(): number {
    return this.engine.status().tables.reduce((n, t) => n + (t.cold?.segmentsSkipped ?? 0), 0);
  }

  async checkAll(): Promise<void> {
    this.checks++;
    this.observeStatus();
    await this.same('SELECT * FROM acc');
    await this.same('SELECT * FROM ev');
    for (const v of VIEWS) {
      if (this.created.has(v.name)) await this.same(`SELECT * FROM ${v.name}`);
      await this.same(v.query);
    }
    // Status agrees with the table's size.
    const duckCounts = await this.duckInts('SELECT (SELECT count(*) FROM acc) UNION ALL SELECT (SELECT count(*) FROM ev)');
    for (const [name, n] of [['acc', duckCounts[0]], ['ev', duckCounts[1]]] as const) {
      const t = this.engine.status().tables.find((x) => x.name === name);
      if (t === undefined) this.fail(`status lacks table ${name}`);
      if (t.rows !== n || t.hot.rows + (t.cold?.rows ?? 0) !== n) {
        this.fail(`status of ${name}: rows ${t.rows}, hot ${t.hot.rows}, cold ${t.cold?.rows ?? 0}; DuckDB has ${n}`);
      }
    }
  }

  // ---- generators -------------------------------------------------------

  accRow(id: number): string {
    const rng = this.rng;
    const grp = rng.chance(0.1) ? null : rng.pick(GRPS);
    const qty = rng.chance(0.1) ? null : rng.int(-20, 100);
    const note = rng.chance(0.2) ? null : `n${rng.int(0, 30)}${rng.chance(0.3) ? '-long-note-text-to-take-some-memory' : ''}`;
    return `(${id}, ${lit(grp)}, ${lit(qty)}, ${lit(note)})`;
  }

  evRow(eid: number): string {
    const rng = this.rng;
    const acct = rng.chance(0.1) ? null : rng.int(0, Math.max(0, this.nextId + 3));
    const amount = rng.chance(0.1) ? null : rng.int(-100, 100);
    const tag = rng.chance(0.1) ? null : rng.pick(TAGS);
    return `(${eid}, ${lit(acct)}, ${lit(amount)}, ${lit(tag)})`;
  }

  async liveIds(): Promise<number[]> {
    return this.duckInts('SELECT id FROM acc ORDER BY id');
  }

  async insertAcc(count: number): Promise<void> {
    const live = await this.liveIds();
    const ids = new Set<number>();
    const liveSet = new Set(live);
    for (let i = 0; i < count; i++) {
      if (live.length > 0 && this.rng.chance(0.3)) ids.add(this.rng.pick(live));
      else if (this.nextId > 0 && this.rng.chance(0.15)) {
        // Often a key that was deleted (or moved away), perhaps from a cold segment.
        const id = this.rng.int(0, this.nextId);
        if (!liveSet.has(id)) ids.add(id);
      } else {
        this.nextId += this.rng.int(1, 3);
        ids.add(this.nextId);
      }
    }
    if (ids.size === 0) {
      this.nextId += 1;
      ids.add(this.nextId);
    }
    // One row per key: DuckDB's INSERT OR REPLACE cannot touch a key twice in one statement.
    const values = [...ids].map((id) => this.accRow(id)).join(', ');
    await this.both(`INSERT INTO acc VALUES ${values}`, `INSERT OR REPLACE INTO acc VALUES ${values}`);
  }

  async insertEv(count: number): Promise<void> {
    const rows: string[] = [];
    for (let i = 0; i < count; i++) {
      if (rows.length > 0 && this.rng.chance(0.15)) rows.push(this.rng.pick(rows));
      else if (this.nextEid > 0 && this.rng.chance(0.05)) rows.push(this.evRow(this.rng.int(0, this.nextEid - 1)));
      else rows.push(this.evRow(this.nextEid++));
    }
    await this.both(`INSERT INTO ev VALUES ${rows.join(', ')}`);
  }

  evRange(): [number, number] {
    const lo = this.rng.int(0, Math.max(0, this.nextEid - 1));
    return [lo, lo + this.rng.int(0, 40)];
  }

  idRange(): [number, number] {
    const lo = this.rng.int(0, Math.max(0, this.nextId));
    return [lo, lo + this.rng.int(0, 25)];
  }

  /** A WHERE over ev: ranges (pruning), NULL tests, IN lists, OR/NOT, text ranges, expressions no bound comes from. */
  evWhere(): string {
    const rng = this.rng;
    const [lo, hi] = this.evRange();
    const tag = rng.pick(TAGS);
    return rng.pick([
      `eid BETWEEN ${lo} AND ${hi}`,
      `eid >= ${lo} AND eid < ${lo + rng.int(1, 6)}`,
      `eid = ${lo}`,
      `eid IN (${lo}, ${hi}, ${rng.int(0, this.nextEid + 5)})`,
      `eid < ${rng.int(0, 30)} OR eid > ${this.nextEid - rng.int(0, 30)}`,
      `NOT (eid >= ${lo})`,
      `eid > ${hi} AND eid <= ${hi + rng.int(0, 20)} AND amount IS NOT NULL`,
      `amount < ${rng.int(-100, -60)}`,
      `amount BETWEEN ${rng.int(-10, 0)} AND ${rng.int(0, 10)}`,
      `amount IS NULL`,
      `tag = '${tag}' AND amount > ${rng.int(0, 90)}`,
      `tag IS NULL`,
      `tag >= '${tag}'`,
      `tag < '${rng.pick(TAGS)}' AND tag > '${tag}'`,
      `tag < 't2' OR acct IS NULL`,
      `tag LIKE '${tag}%'`,
      `acct IN (${rng.int(0, this.nextId)}, ${rng.int(0, this.nextId)})`,
      `acct IS NULL AND eid < ${hi}`,
      `coalesce(amount, 0) = 0`,
      `eid + 0 BETWEEN ${lo} AND ${hi}`,
      `acct > ${rng.int(0, this.nextId)}`,
    ]);
  }

  /** A WHERE over acc, in the same spirit. */
  accWhere(): string {
    const rng = this.rng;
    const [lo, hi] = this.idRange();
    const grp = rng.pick(GRPS);
    return rng.pick([
      `id BETWEEN ${lo} AND ${hi}`,
      `id >= ${lo} AND id < ${lo + rng.int(1, 10)}`,
      `id IN (${lo}, ${hi}, ${rng.int(0, this.nextId + 5)})`,
      `id < ${rng.int(0, 20)} OR id > ${this.nextId - rng.int(0, 20)}`,
      `NOT (id <= ${lo})`,
      `grp = '${grp}' AND qty < ${rng.int(0, 40)}`,
      `grp > '${grp}'`,
      `grp IS NULL OR note IS NULL`,
      `qty IS NULL`,
      `qty BETWEEN ${rng.int(-20, 80)} AND ${rng.int(-20, 100)}`,
      `note = 'n${rng.int(0, 30)}'`,
      `note LIKE 'n${rng.int(0, 3)}%'`,
      `qty < ${rng.int(-10, 30)} AND grp IS NOT NULL`,
      `id % ${rng.int(2, 7)} = 0`,
    ]);
  }

  async randomStep(): Promise<void> {
    const rng = this.rng;
    const kind = rng.weighted([
      3, // 0 insert acc
      3, // 1 insert ev
      0.6, // 2 duplicate ev rows via INSERT ... SELECT
      1, // 3 update acc by key
      1, // 4 update acc by predicate
      0.5, // 5 update acc key (no collision)
      1.2, // 6 update ev by predicate
      1, // 7 delete acc by key / IN list
      0.8, // 8 delete acc by predicate / range
      1.2, // 9 delete ev by range / predicate
      1.8, // 10 checkpoint
      0.8, // 11 restart
      1, // 12 one-shot range query
      0.3, // 13 drop a view, or create one that does not exist
      0.2, // 14 a batch of rows with NULL columns (segments whose statistics are all NULL)
      0.6, // 15 INSERT ... SELECT from the other table (upserts into acc)
    ]);
    switch (kind) {
      case 0:
        return this.insertAcc(rng.int(1, 30));
      case 1:
        return this.insertEv(rng.int(1, 50));
      case 2: {
        const [lo, hi] = this.evRange();
        return this.both(`INSERT INTO ev SELECT * FROM ev WHERE eid BETWEEN ${lo} AND ${hi}`);
      }
      case 3: {
        const live = await this.liveIds();
        const id = live.length > 0 && rng.chance(0.85) ? rng.pick(live) : this.nextId + 50;
        const set = rng.pick([
          `qty = qty + ${rng.int(1, 9)}`,
          `grp = ${lit(rng.chance(0.1) ? null : rng.pick(GRPS))}`,
          `note = 'upd${rng.int(0, 9)}', qty = ${rng.int(0, 50)}`,
          `grp = ${lit(rng.pick(GRPS))}, note = NULL`,
        ]);
        return this.both(`UPDATE acc SET ${set} WHERE id = ${id}`);
      }
      case 4: {
        const where = this.accWhere();
        const set = rng.pick([
          `qty = qty - ${rng.int(1, 5)}`,
          `grp = '${rng.pick(GRPS)}'`,
          `note = 'p${rng.int(0, 9)}'`,
          `qty = ${rng.int(0, 60)}, grp = NULL`,
        ]);
        return this.both(`UPDATE acc SET ${set} WHERE ${where}`);
      }
      case 5: {
        const live = await this.liveIds();
        if (live.length === 0) return this.insertAcc(5);
        const id = rng.pick(live);
        const liveSet = new Set(live);
        let to = rng.int(0, this.nextId);
        if (liveSet.has(to) || rng.chance(0.5)) {
          this.nextId += rng.int(1, 3);
          to = this.nextId;
        }
        const set = rng.chance(0.5) ? `id = ${to}` : `id = ${to}, qty = ${rng.int(0, 40)}`;
        return this.both(`UPDATE acc SET ${set} WHERE id = ${id}`);
      }
      case 6: {
        const where = this.evWhere();
        const set = rng.pick([
          `amount = amount + ${rng.int(1, 9)}`,
          `tag = '${rng.pick(TAGS)}'`,
          `acct = ${rng.int(0, this.nextId)}`,
          `amount = NULL, tag = 't0'`,
          // Moves rows outside the range their segment's statistics recorded.
          `eid = eid + ${rng.int(1, 5) * 1000}`,
          `eid = ${rng.int(0, this.nextEid)}, tag = NULL`,
        ]);
        return this.both(`UPDATE ev SET ${set} WHERE ${where}`);
      }
      case 7: {
        const live = await this.liveIds();
        if (live.length === 0) return this.insertAcc(5);
        if (rng.chance(0.5)) return this.both(`DELETE FROM acc WHERE id = ${rng.pick(live)}`);
        const ids = Array.from({ length: rng.int(2, 8) }, () => (rng.chance(0.85) ? rng.pick(live) : this.nextId + rng.int(10, 99)));
        return this.both(`DELETE FROM acc WHERE id IN (${ids.join(', ')})`);
      }
      case 8: {
        return this.both(`DELETE FROM acc WHERE ${this.accWhere()}`);
      }
      case 9: {
        if (rng.chance(0.03)) return this.both('DELETE FROM ev');
        return this.both(`DELETE FROM ev WHERE ${this.evWhere()}`);
      }
      case 10:
        return this.checkpoint();
      case 11:
        return this.restart();
      case 12: {
        const [elo, ehi] = this.evRange();
        const [ilo, ihi] = this.idRange();
        const sql = rng.pick([
          `SELECT * FROM ev WHERE eid BETWEEN ${elo} AND ${ehi}`,
          `SELECT eid, amount FROM ev WHERE eid >= ${elo} AND eid < ${ehi} AND amount > 0`,
          `SELECT count(*), sum(amount), min(eid), max(eid) FROM ev WHERE eid > ${elo}`,
          `SELECT * FROM ev WHERE ${this.evWhere()}`,
          `SELECT * FROM ev WHERE ${this.evWhere()}`,
          `SELECT tag, count(*), min(eid), max(amount) FROM ev WHERE ${this.evWhere()} GROUP BY tag`,
          `SELECT acct, min(tag), max(tag), count(DISTINCT tag) FROM ev WHERE ${this.evWhere()} GROUP BY acct`,
          `SELECT * FROM acc WHERE id BETWEEN ${ilo} AND ${ihi}`,
          `SELECT * FROM acc WHERE ${this.accWhere()}`,
          `SELECT grp, count(*), sum(qty) FROM acc WHERE id < ${ilo} GROUP BY grp`,
          `SELECT e.eid, a.grp FROM ev e JOIN acc a ON e.acct = a.id WHERE e.eid BETWEEN ${elo} AND ${ehi}`,
          `SELECT a.id, e.eid FROM acc a LEFT JOIN ev e ON e.acct = a.id WHERE a.id BETWEEN ${ilo} AND ${ihi}`,
        ]);
        this.log.push(`-- query: ${sql};`);
        const before = this.skippedNow();
        await this.same(sql);
        this.segmentsSkipped += this.skippedNow() - before;
        return;
      }
      case 13: {
        const v = rng.pick(VIEWS);
        if (!this.created.has(v.name)) return this.createView(v);
        this.created.delete(v.name);
        return this.both(`DROP MATERIALIZED VIEW ${v.name}`, `DROP VIEW ${v.name}`);
      }
      case 15: {
        // INSERT ... SELECT reading the other table (DML WHERE clauses take no subqueries yet).
        const [lo, hi] = this.evRange();
        if (rng.chance(0.5)) {
          // Upserts into acc: one row per key, many of them cold.
          const sel = `SELECT DISTINCT acct, 'from-ev', ${rng.int(0, 9)}, 'e' FROM ev WHERE acct IS NOT NULL AND eid BETWEEN ${lo} AND ${hi + 20}`;
          return this.both(`INSERT INTO acc ${sel}`, `INSERT OR REPLACE INTO acc ${sel}`);
        }
        return this.both(
          `INSERT INTO ev SELECT e.eid, a.id, a.qty, a.grp FROM ev e JOIN acc a ON e.acct = a.id WHERE e.eid BETWEEN ${lo} AND ${hi}`,
        );
      }
      case 14: {
        const rows = Array.from({ length: rng.int(20, 60) }, () => `(${this.nextEid++}, NULL, NULL, NULL)`);
        return this.both(`INSERT INTO ev VALUES ${rows.join(', ')}`);
      }
    }
  }

  async checkpoint(): Promise<void> {
    this.log.push('-- checkpoint');
    try {
      await this.engine.checkpoint();
    } catch (e) {
      this.fail(`checkpoint failed: ${String(e)}`);
    }
    this.observeStatus();
  }

  async restart(): Promise<void> {
    this.log.push('-- close');
    try {
      await this.engine.close();
    } catch (e) {
      this.fail(`close failed: ${String(e)}`);
    }
    this.restarts++;
    try {
      await this.open(this.rng.chance(0.5));
    } catch (e) {
      this.fail(`reopen failed: ${String(e)}`);
    }
    await this.checkAll();
  }

  async createView(v: ViewDef): Promise<void> {
    this.created.add(v.name);
    await this.both(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`, `CREATE VIEW ${v.name} AS ${v.query}`);
  }
}

async function runSeed(seed: number): Promise<Run> {
  const rng = new SeededRandom(seed);
  const duck = await DuckDbOracle.open();
  const run = new Run(seed, rng, duck);
  try {
    for (const s of DUCK_SCHEMA) await duck.exec(s);
    await run.open(rng.chance(0.5));
    for (const s of SCHEMA) {
      run.log.push(`${s};`);
      await run.engine.sql(s);
    }
    const steps = rng.int(60, 100);
    // Views: some made early (before anything is cold: the first checkpoint is step 2's), the rest later, over cold rows.
    const views = [...VIEWS];
    for (let i = views.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [views[i], views[j]] = [views[j]!, views[i]!];
    }
    const early = rng.int(1, 2);
    const schedule = new Map<number, ViewDef[]>();
    views.forEach((v, i) => {
      const at = i < early ? rng.int(0, 2) : rng.int(Math.floor(steps / 4), steps - 5);
      schedule.set(at, [...(schedule.get(at) ?? []), v]);
    });
    const checkEvery = rng.int(3, 5);
    for (run.step = 0; run.step < steps; run.step++) {
      for (const v of schedule.get(run.step) ?? []) if (!run.created.has(v.name)) await run.createView(v);
      // A start large enough that the first checkpoint moves rows of both tables at every budget.
      if (run.step === 0) await run.insertAcc(rng.int(80, 150));
      else if (run.step === 1) await run.insertEv(rng.int(150, 250));
      else if (run.step === 2) await run.checkpoint();
      else await run.randomStep();
      if (run.step % checkEvery === checkEvery - 1) await run.checkAll();
    }
    run.log.push('-- final check');
    await run.checkAll();
    await run.checkpoint();
    await run.restart();
    await run.engine.close();
    return run;
  } finally {
    duck.close();
  }
}

describe('the cold tier under a random workload, against DuckDB', () => {
  for (const seed of SEEDS) {
    test(`seed ${seed}`, async () => {
      const run = await runSeed(seed);
      console.log(
        `cold-tier-random seed ${seed}: ${run.step} steps, ${run.checks} checks, ${run.restarts} restarts, ` +
          `at most ${run.maxCold} rows cold (acc ${run.maxColdAcc}, ev ${run.maxColdEv}), ` +
          `${run.segmentsSkipped} segments skipped by one-shot range queries ` +
          `(hotMemory ${run.hotMemory}, segmentRows ${run.segmentRows})`,
      );
      // The test means nothing if no row ever went cold.
      expect(run.maxColdAcc, `seed ${seed}: acc (keyed) never had cold rows`).toBeGreaterThan(0);
      expect(run.maxColdEv, `seed ${seed}: ev (no key) never had cold rows`).toBeGreaterThan(0);
      expect(run.restarts).toBeGreaterThan(0);
    });
  }
});
