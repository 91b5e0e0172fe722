// Operator state in parts by key that can leave memory (--state-memory):
// the machinery that joins (join-partitions.ts) and grouped aggregates
// (partitioned-aggregate.ts) share. What a part holds, how it is written to
// bytes and rebuilt, and how it splits are theirs; this file routes a step's
// rows to parts, reads cold parts back, reports each part to the engine's
// StateBudget after use (which writes out the least recently used ones when
// the total passes the budget), splits parts that outgrow the budget's part
// limit, and keeps the operator contract across parts: if the step of part k
// fails (an expression error, an unreadable file), the parts stepped before
// it are stepped again with their deltas negated, which restores them,
// before the error goes on. A part written out meanwhile keeps its undo step
// until it is read back, so the undo never needs the disk.

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches } from '../columnar/z-batch.js';
import type { SpillablePart, StateBudget } from '../storage/state-spill.js';
import type { DirectoryPart } from './key-directory.js';
import { KeyDirectory, MAX_DEPTH, groupRows } from './key-directory.js';
import type { StateMemory } from './operator.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

/** One part: in memory (`resident`) or in the scratch file `file`. */
export abstract class StatePart implements SpillablePart, DirectoryPart {
  index = -1;
  file: string | null = null;
  /** Entries (rows, groups) the part held when it was written out: for stateSize. */
  coldEntries = 0;
  /**
   * Bytes the part must reach before it tries to split again: set when all
   * its keys share the next route bit (a single hot key), so a split would
   * leave one half empty.
   */
  splitAt = 0;

  /** Set by the PartedState that holds the part. */
  owner: { spill(part: StatePart): void } | null = null;

  constructor(readonly depth: number) {}

  abstract get resident(): boolean;
  /** Entries held in memory. */
  abstract entries(): number;
  /** About how many bytes the part holds in memory. */
  abstract estimateBytes(): number;

  spill(): void {
    this.owner!.spill(this);
  }
}

export abstract class PartedState<P extends StatePart, D> {
  protected readonly directory: KeyDirectory<P>;
  /** Undo steps owed by parts that were in their files when a step failed (applied when they are read back). */
  private readonly owed = new Map<P, D[]>();

  constructor(
    first: P,
    /** Null: the state stays in memory in one part. */
    protected readonly budget: StateBudget | null,
    /** The operator's output types (to concatenate the parts' outputs). */
    private readonly partOutputTypes: readonly SqlType[],
  ) {
    first.owner = this;
    this.directory = new KeyDirectory(first);
  }

  /** The part's state as bytes, before it is dropped from memory. */
  protected abstract encode(part: P): Uint8Array;
  /** Drops the part's state from memory (after `encode`). */
  protected abstract drop(part: P): void;
  /** Rebuilds the part's state from `encode`'s bytes. */
  protected abstract decode(part: P, bytes: Uint8Array): void;
  /** An empty part of the given depth (for loadState). */
  protected abstract emptyPart(depth: number): P;
  /**
   * Optional, for checkpoints: a part in memory as it is (indexes included),
   * which loads faster than `decode` rebuilds it; `loadPart` fills an
   * `emptyPart` from it.
   */
  protected savePart?(part: P, out: StateWriter): void;
  protected loadPart?(part: P, input: StateReader): void;
  /** Two parts of depth + 1 holding the part's state divided by the next route bit, or null when all of it shares one bit. */
  protected abstract divide(part: P): readonly [P, P] | null;
  /** Steps one part with its rows of the change; may throw only before changing the part. */
  protected abstract stepPart(part: P, delta: D): ZBatch;
  /** The same rows with their weights negated. */
  protected abstract negate(delta: D): D;

  /** True when the state may leave memory (there is a budget). */
  get spillable(): boolean {
    return this.budget !== null;
  }

  /** Entries held, in memory and in files. */
  get entries(): number {
    let n = 0;
    for (const p of this.directory.parts) n += p.resident ? p.entries() : p.coldEntries;
    return n;
  }

  /** For operators in parts: the entries they hold (Operator.stateSize). */
  stateSize(): number {
    return this.entries;
  }

  /** For operators in parts: where their state is (Operator.stateMemory). */
  stateMemory(): StateMemory {
    return this.memory();
  }

  /** Parts in memory and in files, with their bytes. */
  memory(): StateMemory {
    let hotParts = 0;
    let hotBytes = 0;
    let coldBytes = 0;
    for (const p of this.directory.parts) {
      if (p.resident) {
        hotParts++;
        hotBytes += p.estimateBytes();
      } else coldBytes += this.budget!.fileSize(p.file!);
    }
    return { hotParts, hotBytes: Math.round(hotBytes), coldParts: this.directory.parts.length - hotParts, coldBytes };
  }

  /**
   * One step over routed rows: `routes[k]` gives each row of the step's k-th
   * batch its part index; `cut` makes a part's delta from its row numbers in
   * each batch. Only the parts some row reaches step.
   */
  protected stepRouted(routes: readonly Int32Array[], cut: (rows: readonly Int32Array[]) => D): ZBatch {
    const parts = this.directory.parts;
    const touched = new Uint8Array(parts.length);
    for (const r of routes) for (let i = 0; i < r.length; i++) touched[r[i]!] = 1;
    const groups = routes.map((r) => groupRows(r, parts.length));
    const forward = this.directory.nextPassForward();
    const work: [P, D][] = [];
    for (let at = 0; at < parts.length; at++) {
      const index = forward ? at : parts.length - 1 - at;
      if (touched[index] === 0) continue;
      work.push([parts[index]!, cut(groups.map((g) => g.rowsOf(index)))]);
    }
    return this.stepParts(work);
  }

  /** Steps the given parts, each with its delta (see the file comment for failures). */
  protected stepParts(work: readonly [P, D][]): ZBatch {
    const outputs: ZBatch[] = [];
    // Parts that outgrew the part limit in this step, split once every part has stepped (the undo below needs them whole).
    const oversized: P[] = [];
    let done = 0;
    try {
      for (; done < work.length; done++) {
        const [part, delta] = work[done]!;
        this.load(part);
        outputs.push(this.stepPart(part, delta));
        if (this.wantsSplit(part)) oversized.push(part);
        this.used(part);
      }
    } catch (err) {
      // Undo without touching the disk: a part written out meanwhile owes its undo until it is read back.
      for (let i = done - 1; i >= 0; i--) {
        const [part, delta] = work[i]!;
        const undo = this.negate(delta);
        if (part.resident) this.stepPart(part, undo);
        else this.owed.set(part, [...(this.owed.get(part) ?? []), undo]);
      }
      throw err;
    }
    // A part written out since (later parts of the step took its memory) is read back to split: left whole, it would only grow.
    for (const part of oversized) {
      try {
        this.load(part);
      } catch {
        // The step succeeded and must not fail now; the part splits (or reports its file) when next used.
        continue;
      }
      this.split(part, part.estimateBytes());
    }
    return outputs.length === 1 ? outputs[0]! : concatBatches(this.partOutputTypes, outputs);
  }

  /** True for a part in memory over the budget's part limit that may still split. */
  private wantsSplit(part: P): boolean {
    if (this.budget === null || part.depth >= MAX_DEPTH) return false;
    const bytes = part.estimateBytes();
    return bytes > this.budget.partLimit && bytes > part.splitAt;
  }

  /** Writes a part to a scratch file and drops it from memory (the budget calls this). */
  spill(part: StatePart): void {
    assert(this.budget !== null && part.resident, 'spill of a part that cannot spill');
    const p = part as P;
    const entries = p.entries();
    p.file = this.budget.write(this.encode(p));
    p.coldEntries = entries;
    this.drop(p);
  }

  /**
   * Checkpoints: the directory, then each part — in memory, as `savePart`
   * writes it (else `encode`d); in its scratch file, the file's bytes as they
   * are (checksum checked), after the undo it owes is applied.
   */
  saveState(out: StateWriter): void {
    const parts = this.directory.parts;
    const { entries, forward } = this.directory.entries();
    out.i32(entries);
    out.json({ forward, parts: parts.map((p) => [p.depth, p.splitAt]) });
    this.eachPart((p, bytes) => {
      if (bytes === null && this.savePart !== undefined) {
        out.number(1);
        this.savePart(p, out);
        return;
      }
      out.number(0);
      out.u8(bytes ?? this.encode(p));
    });
  }

  /**
   * Visits every part in directory order without bringing parts back into
   * memory: a part in memory with null, a part in its scratch file with the
   * file's bytes (checksum checked). A part that owes an undo is read back
   * first, since its file lacks it. Pieces already visited stay valid when a
   * later read-back writes them out (a spilled part's arrays are dropped, not
   * changed).
   */
  protected eachPart(visit: (part: P, bytes: Uint8Array | null) => void): void {
    for (const [p, bytes] of this.partStates()) visit(p, bytes);
  }

  /**
   * `eachPart` as an iteration, for readers that take one part at a time;
   * consume it before the state changes.
   */
  protected *partStates(): Generator<readonly [P, Uint8Array | null]> {
    for (const p of this.directory.parts) {
      if (!p.resident && this.owed.has(p)) this.load(p);
      yield [p, p.resident ? null : this.budget!.read(p.file!)];
    }
    // Parts read back for their owed undo count again.
    this.budget?.settle();
  }

  /** Restores what saveState wrote into this fresh state; parts beyond the budget go to scratch files as they load. */
  loadState(input: StateReader): void {
    const entries = input.i32();
    const { forward, parts: shapes } = input.json<{ forward: boolean; parts: [number, number][] }>();
    input.check(shapes.length > 0 && entries.length > 0 && (entries.length & (entries.length - 1)) === 0 && entries.every((i) => i < shapes.length), 'a key directory of another shape');
    input.check(this.budget !== null || shapes.length === 1, 'state in parts, for an operator kept in one part');
    for (const p of this.directory.parts) this.budget?.forget(p);
    const parts = shapes.map(([depth, splitAt]) => {
      const part = this.emptyPart(depth);
      part.splitAt = splitAt;
      part.owner = this;
      return part;
    });
    this.directory.restore(parts, entries, forward);
    for (const p of parts) {
      const raw = input.number() === 1;
      input.check(!raw || this.loadPart !== undefined, 'state in parts saved whole, for an operator that saves them encoded');
      if (raw) this.loadPart!(p, input);
      else this.decode(p, input.u8());
      this.used(p);
    }
  }

  /** Deletes the parts' files and stops counting them (the view is dropped). */
  dispose(): void {
    this.owed.clear();
    if (this.budget === null) return;
    for (const p of this.directory.parts) {
      this.budget.forget(p);
      if (p.file !== null) this.budget.remove(p.file);
    }
  }

  /** Reads a part back from its file (deleted once the part is rebuilt) and applies the undo steps it owes. */
  protected load(part: P): void {
    if (part.resident) return;
    const budget = this.budget!;
    const file = part.file!;
    try {
      this.decode(part, budget.read(file));
    } catch (err) {
      if (part.resident) this.drop(part);
      throw err;
    }
    part.file = null;
    budget.loaded(file);
    const owed = this.owed.get(part);
    if (owed !== undefined) {
      this.owed.delete(part);
      for (const undo of owed) this.stepPart(part, undo);
    }
    budget.use(part, part.estimateBytes());
  }

  private used(part: P): void {
    if (this.budget === null) return;
    this.budget.use(part, part.estimateBytes());
    this.budget.settle(part);
  }

  private split(part: P, bytes: number): void {
    const halves = this.divide(part);
    if (halves === null) {
      part.splitAt = 2 * bytes;
      return;
    }
    halves[0].owner = this;
    halves[1].owner = this;
    this.directory.replace(part, halves);
    this.budget!.forget(part);
    this.used(halves[0]);
    this.used(halves[1]);
  }
}
