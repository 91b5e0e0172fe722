// Which file holds each view's saved state, so checkpoints write only the
// views that changed: a view keeps its last file while its circuit has not
// stepped since it was saved (Scheduler.lastStepped) — a commit that failed
// and was undone leaves the same state behind. A new or replaced view (another
// node) is saved afresh; so is one whose commit failed and was undone (the
// same rows, not the same layout). A file goes once no checkpoint on disk
// names it (recovery may fall back to the previous one); the files found at
// start stay until every kept checkpoint is one this engine wrote.

import { saveViewState } from '../dataflow/circuit-state.js';
import type { DataflowNode, Scheduler } from '../dataflow/scheduler.js';
import type { ViewStateFiles } from '../storage/view-state-files.js';
import { MAX_FRAME_BYTES } from '../storage/wal-frame.js';

export class ViewSaves {
  /** Per view, its last saved file (the node weakly: a dropped view's state must not stay alive for it). */
  private readonly last = new Map<string, { readonly node: WeakRef<DataflowNode>; readonly file: string; readonly lsn: number }>();
  /** The files each checkpoint this engine wrote names, by sequence number. */
  private readonly refsBySeq = new Map<number, ReadonlySet<string>>();
  /** Every file there was at start, kept while a checkpoint from before may still be used; then null. */
  private startupRefs: ReadonlySet<string> | null;

  constructor(readonly files: ViewStateFiles) {
    this.startupRefs = new Set(files.names());
  }

  /** The file holding view `name`'s state now — its last one while unchanged, else a new one — or why it cannot be saved. */
  fileFor(name: string, node: DataflowNode, scheduler: Scheduler): { readonly file: string } | { readonly unsupported: string } {
    const last = this.last.get(name);
    if (last !== undefined && last.node.deref() === node && scheduler.lastStepped(node) <= last.lsn) return { file: last.file };
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
    this.last.set(name, { node: new WeakRef(node), file, lsn: scheduler.lsn });
    return { file };
  }

  /** Recovery loaded view `name` (now `node`) from `file` at LSN `lsn`: the next checkpoint keeps the file while it is unchanged. */
  loaded(name: string, node: DataflowNode, file: string, lsn: number): void {
    this.last.set(name, { node: new WeakRef(node), file, lsn });
  }

  /** Checkpoint `seq`, which names `refs`, is on disk (called as soon as it is, so a later failure cannot lose track of it). */
  written(seq: number, refs: ReadonlySet<string>): void {
    this.refsBySeq.set(seq, refs);
  }

  /** The checkpoints on disk are now `kept`: deletes the files none of them names. */
  prune(kept: readonly number[]): void {
    for (const seq of [...this.refsBySeq.keys()]) if (!kept.includes(seq)) this.refsBySeq.delete(seq);
    if (kept.every((seq) => this.refsBySeq.has(seq))) this.startupRefs = null;
    const keep = new Set(this.startupRefs ?? []);
    for (const refs of this.refsBySeq.values()) for (const f of refs) keep.add(f);
    for (const [name, last] of [...this.last]) if (!keep.has(last.file)) this.last.delete(name);
    this.files.removeUnreferenced(keep);
  }
}
