// The engine-wide budget for operator state in memory (--state-memory) and
// the scratch files that hold the state beyond it.
//
// Operators whose state can leave memory (joins, and aggregates, windows and
// top-N in parts: dataflow/state-parts.ts) split it into parts and report
// each part here when they use it. The budget keeps the parts in memory in least recently
// used order; once their bytes (an estimate) pass the budget, `settle` asks
// the least recently used parts to write themselves to a file and let go of
// their memory. A part that is needed again reads its file back.
//
// The files are scratch, not durable: no fsync; the folder is emptied on
// first use and removed at close (an engine without a budget removes it at
// open). A checkpoint copies the parts' bytes into its own file, and views
// without saved state are rebuilt from the tables at recovery, so a crash
// loses nothing that a file held. Each file carries a CRC-32 of its bytes, so a
// damaged file fails loudly (XX001) instead of giving wrong results.

import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EngineError, SqlState } from '../common/errors.js';

/** A piece of operator state that can move to a file and back. */
export interface SpillablePart {
  /** Writes the part to `budget.write` and drops it from memory. */
  spill(): void;
}

/** What GET /v1/status shows of the budget. */
export interface StateMemoryStatus {
  readonly budget: number;
  /** Parts in memory and their estimated bytes. */
  readonly hotParts: number;
  readonly hotBytes: number;
  /** Parts in files and the files' bytes. */
  readonly coldParts: number;
  readonly coldBytes: number;
  /** Parts written out and read back since start. */
  readonly spills: number;
  readonly loads: number;
  /** The last failure to write a part out; the part stayed in memory. */
  readonly spillError: string | null;
}

/** Most bytes (estimated, in memory) of one part; see partLimit. */
const PART_BYTES = 4 * 1024 * 1024;

export class StateBudget {
  /** Parts in memory with their bytes, least recently used first (a Map keeps insertion order). */
  private readonly resident = new Map<SpillablePart, number>();
  private residentBytes = 0;
  /** Live files by name, with their sizes. */
  private readonly files = new Map<string, number>();
  private fileBytes = 0;
  private nextFile = 1;
  private dirReady = false;
  spills = 0;
  loads = 0;
  /** The last failure to write a part out (disk full, I/O error); null while none happened. */
  spillError: string | null = null;

  constructor(
    /** Bytes of state kept in memory before parts are written out. */
    readonly limit: number,
    /**
     * The folder for the files, emptied on first use (what an earlier run left
     * there is stale; by then the engine holds its data directory's lock);
     * null for a temporary folder made on first use.
     */
    private dir: string | null,
  ) {}

  /**
   * The largest a part should grow before its operator splits it: a fraction
   * of the budget, so that several parts fit in memory at once and a step
   * that touches one part does not push out all the others, and at most
   * PART_BYTES, so that a one-row change that needs a part from a file reads
   * a few MB, not a sizeable share of a large budget.
   */
  get partLimit(): number {
    return Math.min(this.limit / 8, PART_BYTES);
  }

  /** Records that `part` is in memory, holds `bytes` and was just used. */
  use(part: SpillablePart, bytes: number): void {
    const before = this.resident.get(part);
    if (before !== undefined) {
      this.resident.delete(part);
      this.residentBytes -= before;
    }
    this.resident.set(part, bytes);
    this.residentBytes += bytes;
  }

  /** Stops counting `part` (it spilled, split or its operator was dropped). */
  forget(part: SpillablePart): void {
    const bytes = this.resident.get(part);
    if (bytes === undefined) return;
    this.resident.delete(part);
    this.residentBytes -= bytes;
  }

  /**
   * Spills least recently used parts until the parts in memory fit the
   * budget. `keep` (the part in use) stays even when it alone is over.
   * Never throws: operators call it between steps that have changed state,
   * and a part that cannot be written (disk full) simply stays in memory;
   * the failure shows in the status.
   */
  settle(keep: SpillablePart | null = null): void {
    if (this.residentBytes <= this.limit) return;
    // Deleting the current entry while iterating a Map is safe: iteration goes on with the next.
    for (const part of this.resident.keys()) {
      if (this.residentBytes <= this.limit) break;
      if (part === keep) continue;
      try {
        part.spill();
      } catch (err) {
        this.spillError = err instanceof Error ? err.message : String(err);
        return;
      }
      this.forget(part);
      this.spills++;
    }
  }

  /** Writes a part's bytes to a new file; returns the file's name. */
  write(bytes: Uint8Array): string {
    const dir = this.folder();
    const name = `${this.nextFile++}.state`;
    const header = new Uint8Array(8);
    const view = new DataView(header.buffer);
    view.setUint32(0, bytes.length, true);
    view.setUint32(4, crc32(bytes), true);
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    try {
      writeAll(fd, header);
      writeAll(fd, bytes);
    } catch (err) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw err;
    }
    closeSync(fd);
    this.files.set(name, bytes.length + 8);
    this.fileBytes += bytes.length + 8;
    return name;
  }

  /** Reads a part's file back; `loaded` deletes it once the part is rebuilt. */
  read(name: string): Uint8Array {
    const path = join(this.folder(), name);
    let all: Buffer;
    try {
      all = readFileSync(path);
    } catch (err) {
      throw new EngineError(SqlState.ioError, `could not read operator state file ${path}: ${err instanceof Error ? err.message : String(err)}; restart the server to rebuild views from the tables`);
    }
    const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
    const length = all.length >= 8 ? view.getUint32(0, true) : -1;
    const bytes = all.subarray(8);
    if (length !== bytes.length || crc32(bytes) !== view.getUint32(4, true)) {
      throw new EngineError(SqlState.dataCorrupted, `operator state file ${path} is damaged (its checksum does not match); restart the server to rebuild views from the tables`);
    }
    return bytes;
  }

  /** Deletes a part's file once the part is back in memory. */
  loaded(name: string): void {
    this.remove(name);
    this.loads++;
  }

  /** Bytes of a part's file. */
  fileSize(name: string): number {
    return this.files.get(name) ?? 0;
  }

  /** Deletes a part's file (its operator was dropped). */
  remove(name: string): void {
    const size = this.files.get(name);
    if (size === undefined) return;
    this.files.delete(name);
    this.fileBytes -= size;
    rmSync(join(this.folder(), name), { force: true });
  }

  status(): StateMemoryStatus {
    return {
      budget: this.limit,
      hotParts: this.resident.size,
      hotBytes: Math.round(this.residentBytes),
      coldParts: this.files.size,
      coldBytes: this.fileBytes,
      spills: this.spills,
      loads: this.loads,
      spillError: this.spillError,
    };
  }

  /** Deletes every file (the engine closes), and a durable engine's folder with what an earlier run left there. */
  close(): void {
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.files.clear();
    this.fileBytes = 0;
    this.dirReady = false;
  }

  private folder(): string {
    if (!this.dirReady) {
      if (this.dir === null) this.dir = mkdtempSync(join(tmpdir(), 'freshet-state-'));
      else {
        rmSync(this.dir, { recursive: true, force: true });
        mkdirSync(this.dir, { recursive: true });
      }
      this.dirReady = true;
    }
    return this.dir!;
  }
}

/** The budget for `stateMemory` bytes (Engine options), or null without a limit; refuses a non-positive size with 22023. */
export function stateBudget(stateMemory: number | undefined, dir: string | null): StateBudget | null {
  if (stateMemory === undefined || stateMemory === Number.POSITIVE_INFINITY) return null;
  if (!(stateMemory > 0)) throw new EngineError(SqlState.invalidParameterValue, `stateMemory must be a positive number of bytes, got ${String(stateMemory)}`);
  return new StateBudget(stateMemory, dir);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
