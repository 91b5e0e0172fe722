// A folder of numbered files (`<dir>/<n><suffix>`), the numbers only growing
// so a name is never reused for other contents. A file is written to a
// temporary name, fsynced, renamed and the directory fsynced, so it is
// whole before anything (a checkpoint) names it. Deleting is the owner's
// call (`removeUnreferenced`), with leftover temporary files. Cold segments
// (segment-files.ts) and saved view state (view-state-files.ts) are such
// folders.

import { closeSync, fdatasyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory } from './wal-writer.js';

export class NumberedFiles {
  /** The number the next file gets. */
  private nextId = 1;

  constructor(
    readonly dir: string,
    private readonly suffix: string,
  ) {
    for (const name of this.names()) {
      const id = Number(name.slice(0, -suffix.length));
      if (Number.isSafeInteger(id) && id >= this.nextId) this.nextId = id + 1;
    }
  }

  /** Writes `pieces` one after the other as a new file, durably; returns its name. */
  write(pieces: readonly Uint8Array[]): string {
    mkdirSync(this.dir, { recursive: true });
    const name = `${String(this.nextId++).padStart(12, '0')}${this.suffix}`;
    const final = join(this.dir, name);
    const temp = `${final}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      for (const bytes of pieces) {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      }
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, final);
    fsyncDirectory(this.dir);
    return name;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  exists(name: string): boolean {
    try {
      return statSync(join(this.dir, name)).isFile();
    } catch {
      return false;
    }
  }

  /** File names present, ascending. */
  names(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => n.endsWith(this.suffix)).sort();
    } catch {
      return [];
    }
  }

  /** Deletes the files (and leftover temporary files) that `keep` does not name and `pinned` does not hold. */
  removeUnreferenced(keep: ReadonlySet<string>, pinned: (name: string) => boolean = () => false): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      if ((n.endsWith(this.suffix) && !keep.has(n) && !pinned(n)) || n.endsWith(`${this.suffix}.tmp`)) rmSync(join(this.dir, n), { force: true });
    }
  }
}
