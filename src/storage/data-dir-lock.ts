// One process per data directory: two servers appending to one log would
// interleave their records and corrupt it. `DIR/freshet.lock` holds the owner's
// pid; a lock whose process is gone (it was killed) is taken over.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, SqlState } from '../common/errors.js';

const LOCK_FILE = 'freshet.lock';

/** Locks within this process (a second Engine.open of a directory before close). */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

/** Takes the lock of `dataDir` (an existing directory); throws 55006 when another live process, or this one, holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  if (heldHere.has(dataDir)) throw inUse(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) throw inUse(dataDir, owner);
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    heldHere.add(dataDir);
    return {
      release: () => {
        heldHere.delete(dataDir);
        rmSync(path, { force: true });
      },
    };
  }
  throw inUse(dataDir, null);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as { code?: unknown }).code === 'EPERM';
  }
}

function inUse(dataDir: string, pid: number | null): EngineError {
  const who = pid === null ? 'another process' : pid === process.pid ? 'this process (an engine opened on it is not closed)' : `process ${pid}`;
  return new EngineError(SqlState.objectInUse, `data directory ${dataDir} is in use by ${who}; stop it first, or use another --data directory`);
}
