// Which file holds each view's saved state, so checkpoints write only the
// views that changed: a view keeps its last file while its circuit has not
// stepped since it was saved (Scheduler.lastStepped) — a commit that failed
// and was undone leaves the same state behind. A new or replaced view (another
// node) is saved afresh. Files go once neither the newest nor the previous
// checkpoint names them, since recovery may fall back to the previous one.

import { saveViewState } from '../dataflow/circuit-state.js';
import type { DataflowNode, Scheduler } from '../dataflow/scheduler.js';
import type { ViewStateFiles } from '../storage/view-state-files.js';
import { MAX_FRAME_BYTES } from '../storage/wal-frame.js';

export class ViewSaves {
  private readonly last = new Map<string, { readonly node: DataflowNode; readonly file: string; readonly lsn: number }>();
  /** The files the previous checkpoint names (at start: every file there is, until the first checkpoint). */
  private previousRefs: Set<string>;

  constructor(readonly files: ViewStateFiles) {
    this.previousRefs = new Set(files.names());
  }

  /** The file holding view `name`'s state now — its last one while unchanged, else a new one — or why it cannot be saved. */
  fileFor(name: string, node: DataflowNode, scheduler: Scheduler): { readonly file: string } | { readonly unsupported: string } {
    const last = this.last.get(name);
    if (last !== undefined && last.node === node && scheduler.lastStepped(node) <= last.lsn) return { file: last.file };
    let saved: ReturnType<typeof saveViewState>;
    try {
      saved = saveViewState(node);
    } catch (err) {
      // A fault in one view's saving must not cost the tables their checkpoint: recovery rebuilds that view.
      return { unsupported: `saving its state failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!('chunks' in saved)) return saved;
    if (saved.byteLength > MAX_FRAME_BYTES) return { unsupported: `its state (${saved.byteLength} bytes) is larger than a saved state may be (${MAX_FRAME_BYTES})` };
    const file = this.files.writeState(saved.chunks);
    this.last.set(name, { node, file, lsn: scheduler.lsn });
    return { file };
  }

  /** Recovery loaded view `name` (now `node`) from `file` at LSN `lsn`: the next checkpoint keeps the file while it is unchanged. */
  loaded(name: string, node: DataflowNode, file: string, lsn: number): void {
    this.last.set(name, { node, file, lsn });
  }

  /** After a checkpoint naming `refs` was written: deletes the files neither it nor the previous one names. */
  afterCheckpoint(refs: ReadonlySet<string>): void {
    for (const name of [...this.last.keys()]) if (!refs.has(this.last.get(name)!.file)) this.last.delete(name);
    this.files.removeUnreferenced(new Set([...refs, ...this.previousRefs]));
    this.previousRefs = new Set(refs);
  }
}
