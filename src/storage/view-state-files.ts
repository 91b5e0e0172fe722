// Saved view state: `<data>/views/<n>.view`, one file per save of a view's
// state (dataflow/circuit-state.ts), written in the log's framing — the
// magic, then one frame (length + CRC-32) whose payload is the state — from
// the pieces the state was saved in, without joining them. A checkpoint names
// each view's file; a view that did not change since its last save keeps
// naming the same file (engine/view-saves.ts), so a checkpoint writes only
// the views that changed.

import { WAL_MAGIC, frameHeader, scanFrameFile } from './wal-frame.js';
import { NumberedFiles } from './numbered-files.js';

export class ViewStateFiles extends NumberedFiles {
  constructor(dir: string) {
    super(dir, '.view');
  }

  /** Writes a view's state (its pieces, in order) as a new file, durably; returns the file's name. */
  writeState(pieces: readonly Uint8Array[]): string {
    return this.write([WAL_MAGIC, frameHeader(pieces), ...pieces]);
  }

  /** The state in file `name`; throws saying what is wrong when the file is missing or damaged. */
  readState(name: string): Uint8Array {
    const scan = scanFrameFile(this.path(name));
    if (scan.damage !== null || scan.payloads.length !== 1) throw new Error(`view state file ${this.path(name)} is damaged (${scan.damage ?? `${scan.payloads.length} frames`})`);
    return scan.payloads[0]!;
  }
}
