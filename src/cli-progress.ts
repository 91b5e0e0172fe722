// The CLI's progress bar for views built in the background: while a request
// runs, it polls the engine's (or server's) backfill progress and redraws one
// line per view on standard error, e.g.
//   building by_k [##########----------]  50%  130,000 of 260,000 rows  41,200 rows/s  ETA 3 s
// Drawn only on a terminal (or when a test asks): piped output stays clean.

import type { BackfillProgress } from './engine/backfill.js';

const WIDTH = 20;

/** One line for one view's backfill. */
export function progressLine(p: BackfillProgress): string {
  const share = p.rowsTotal === 0 ? 1 : Math.min(1, p.rowsDone / p.rowsTotal);
  const filled = Math.round(share * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
  const rate = p.rowsPerSecond === null ? '' : `  ${Math.round(p.rowsPerSecond).toLocaleString('en-US')} rows/s`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${Math.ceil(p.etaSeconds)} s`;
  const phase = p.phase === 'snapshot' ? '' : `  (${p.phase})`;
  return `building ${p.view} ${bar} ${String(Math.floor(share * 100)).padStart(3)}%  ${p.rowsDone.toLocaleString('en-US')} of ${p.rowsTotal.toLocaleString('en-US')} rows${rate}${eta}${phase}`;
}

/**
 * Polls `poll` every `everyMs` until `stop` is called, writing each view's
 * line with `write` (carriage return, so the line redraws in place); `stop`
 * ends the last line. Poll failures are ignored: the bar is a courtesy.
 */
export function watchProgress(poll: () => Promise<readonly BackfillProgress[]>, write: (text: string) => void, everyMs = 250): () => void {
  let drawn = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    poll().then(
      (all) => {
        busy = false;
        if (all.length === 0) return;
        write(`\r${all.map(progressLine).join('; ')}\u001b[K`);
        drawn = true;
      },
      () => {
        busy = false;
      },
    );
  }, everyMs);
  return () => {
    clearInterval(timer);
    if (drawn) write('\n');
  };
}
