// Replays a generated event stream into an in-process Engine under a manual
// clock: each event is inserted when the clock reaches its arrival time
// (`at`), and between events the clock ticks every `tickMs` as
// `freshet serve --tick-ms` would, so temporal views move on time. The view
// contents after any step depend only on the events arrived so far and the
// clock: exactly what the examples' tests recompute.

import { readFile } from 'node:fs/promises';

/** A clock the replay moves by hand; pass `() => clock.now` to `new Engine({ clock })`. */
export function manualClock(startMs) {
  const clock = { now: startMs, read: () => clock.now };
  return clock;
}

/** Runs a schema file (several statements, comments allowed) on the engine. */
export async function loadSchema(engine, path) {
  await engine.sqlAll(await readFile(path, 'utf8'));
}

/**
 * Inserts `events` ({at, table, row}) in arrival order. Events with the same
 * arrival time and table go in one insert (one commit); a tick runs at every
 * multiple of `tickMs` after `from` up to `until`. `onInsert(at, table, rows)`
 * runs after each insert and `onTick(t)` after each tick (awaited), so a
 * caller can read the views at any step.
 */
export async function replay(engine, clock, events, options) {
  const { from, until, tickMs = 1000, onInsert, onTick } = options;
  const ordered = [...events].sort((a, b) => a.at - b.at);
  let i = 0;
  let nextTick = from + tickMs;
  while (i < ordered.length || nextTick <= until) {
    const event = ordered[i];
    if (event !== undefined && (event.at <= nextTick || nextTick > until)) {
      const rows = [];
      let j = i;
      while (j < ordered.length && ordered[j].at === event.at && ordered[j].table === event.table) rows.push(ordered[j++].row);
      i = j;
      clock.now = Math.max(clock.now, event.at);
      await engine.insert(event.table, rows);
      if (onInsert !== undefined) await onInsert(event.at, event.table, rows);
    } else {
      clock.now = Math.max(clock.now, nextTick);
      await engine.tick();
      if (onTick !== undefined) await onTick(nextTick);
      nextTick += tickMs;
    }
  }
}
