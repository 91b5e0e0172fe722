// The PostgreSQL oracle: PGlite (PostgreSQL compiled to WebAssembly, from the
// optional dev dependency @electric-sql/pglite), for the semantics DuckDB does
// not share with PostgreSQL (errors, NULL order, frames, type output text).
// Promises: rows come back as comparator.ts Cells, canonicalized from
// PostgreSQL's own output text by type OID; errors surface as PgOracleError.

import { canonicalTimestamp, type Cell, type Row } from './comparator.js';

export interface PgOracleResult {
  readonly columns: readonly string[];
  /** PostgreSQL type OIDs, one per column. */
  readonly typeOids: readonly number[];
  readonly rows: readonly Row[];
}

/** A statement PostgreSQL rejected, with its SQLSTATE. */
export class PgOracleError extends Error {
  override readonly name = 'PgOracleError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The part of PGlite's API used here, so the module loads without its types. */
interface PgliteHandle {
  readonly waitReady: Promise<void>;
  exec(sql: string): Promise<unknown>;
  query(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: 'array'; parsers?: Record<number, (text: string) => unknown> },
  ): Promise<{ fields: { name: string; dataTypeID: number }[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

/**
 * Every type the tests read, parsed as the identity: the canonical form is
 * built from PostgreSQL's text (PGlite's own parsers turn timestamps into
 * millisecond Dates and JSONB into objects, losing what is being compared).
 */
const textOids = [16, 20, 21, 23, 25, 700, 701, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 114, 3802, 18, 19, 1042];
const identityParsers: Record<number, (text: string) => unknown> = Object.fromEntries(
  textOids.map((oid) => [oid, (text: string) => text]),
);

function toNumber(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** A NUMERIC cell (exact text) as the number it stands for, to compare with a double. */
export function numericAsNumber(c: Cell): Cell {
  return typeof c === 'string' ? toNumber(c) : c;
}

/** A PostgreSQL output text as a Cell, the same form canonFreshet gives Freshet's value. */
export function canonPostgres(v: unknown, typeOid: number): Cell {
  if (v === null || v === undefined) return null;
  const text = typeof v === 'string' ? v : String(v);
  switch (typeOid) {
    case 16:
      return text === 't' || text === 'true';
    case 20:
    case 21:
    case 23:
    case 700:
    case 701:
      return toNumber(text);
    case 1700:
      // NUMERIC stays PostgreSQL's exact text (digits and scale); callers comparing
      // it with a DOUBLE PRECISION result convert it (numericAsNumber).
      return text;
    case 1114:
      return canonicalTimestamp(text);
    default:
      return text;
  }
}

function sqlState(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'XX000';
}

const packageName = '@electric-sql/pglite';

/** Why PGlite cannot be used here (not installed, fails to load), or null when it can. */
export async function pgliteMissing(): Promise<string | null> {
  try {
    const mod = (await import(packageName)) as { PGlite?: unknown };
    return typeof mod.PGlite === 'function' ? null : `${packageName} has no PGlite export`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export class PgliteOracle {
  private constructor(private readonly db: PgliteHandle) {}

  /** Throws when the package is not installed or its WebAssembly does not start. */
  static async open(): Promise<PgliteOracle> {
    // A computed specifier: the dependency is optional and typecheck must not need it.
    const mod = (await import(packageName)) as { PGlite: new () => PgliteHandle };
    const db = new mod.PGlite();
    await db.waitReady;
    // Freshet's fixed session settings (README, "Differences from PostgreSQL").
    await db.exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'");
    return new PgliteOracle(db);
  }

  /** Drops everything the previous case created. */
  async reset(): Promise<void> {
    await this.exec('DROP SCHEMA IF EXISTS pgsem CASCADE; CREATE SCHEMA pgsem; SET search_path = pgsem');
  }

  /** Runs one or more statements; rejects with PgOracleError. */
  async exec(sql: string): Promise<void> {
    try {
      await this.db.exec(sql);
    } catch (e) {
      throw new PgOracleError(sqlState(e), e instanceof Error ? e.message : String(e));
    }
  }

  /** Runs one statement that returns rows; rejects with PgOracleError. */
  async query(sql: string): Promise<PgOracleResult> {
    let res: Awaited<ReturnType<PgliteHandle['query']>>;
    try {
      res = await this.db.query(sql, [], { rowMode: 'array', parsers: identityParsers });
    } catch (e) {
      throw new PgOracleError(sqlState(e), e instanceof Error ? e.message : String(e));
    }
    const typeOids = res.fields.map((f) => f.dataTypeID);
    const rows = res.rows.map((r) => r.map((v, i) => canonPostgres(v, typeOids[i] ?? 25)));
    return { columns: res.fields.map((f) => f.name), typeOids, rows };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
