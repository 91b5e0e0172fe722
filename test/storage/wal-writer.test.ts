// The writer's durability contract, which a SIGKILL test cannot see (the page
// cache survives a killed process): a sync() resolves only after an fsync that
// started after every append made before the sync() call. Checked with
// instrumented write/fsync calls under both policies and random interleavings.

import { afterAll, describe, expect, test } from 'vitest';
import { fsync, mkdtempSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalWriter } from '../../src/storage/wal-writer.js';
import type { FsyncPolicy, WalIo } from '../../src/storage/wal-writer.js';
import { SeededRandom } from '../seeded-random.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-wal-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Node's calls, counting writes and recording, for each completed fsync, how many writes it started after. */
function instrumented(): { io: WalIo; writes: () => number; fsyncsDone: number[] } {
  let writes = 0;
  const fsyncsDone: number[] = [];
  return {
    io: {
      writeSync: (fd, b, o, l) => {
        writes++;
        return writeSync(fd, b, o, l);
      },
      fsync: (fd, cb) => {
        const covered = writes;
        // A slow disk: the fsync completes a little later, so appends and syncs interleave with it.
        setTimeout(() => fsync(fd, (err) => {
          if (err === null) fsyncsDone.push(covered);
          cb(err);
        }), 2);
      },
    },
    writes: () => writes,
    fsyncsDone,
  };
}

describe.each(['always', 'batch'] as FsyncPolicy[])('WalWriter with fsync %s', (policy) => {
  test('every sync resolves only after an fsync covering the appends before it', async () => {
    const probe = instrumented();
    const writer = WalWriter.open(join(root, `${policy}.wal`), 0, { fsync: policy, batchDelayMs: 3, io: probe.io });
    const random = new SeededRandom(policy === 'always' ? 1 : 2);
    const checks: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      writer.append(Uint8Array.of(i & 0xff));
      const appended = probe.writes();
      checks.push(
        writer.sync().then(() => {
          // Some completed fsync must have started after this commit's append.
          expect(probe.fsyncsDone.some((covered) => covered >= appended), `commit ${i}`).toBe(true);
        }),
      );
      const pause = random.next();
      if (pause < 0.3) await new Promise((r) => setTimeout(r, Math.floor(random.next() * 4)));
      else if (pause < 0.5) await Promise.resolve();
    }
    await Promise.all(checks);
    // Commits shared fsyncs: far fewer fsyncs than commits.
    expect(probe.fsyncsDone.length).toBeLessThan(300);
    await writer.close();
  });

  test('a sync with nothing new to write resolves without an fsync', async () => {
    const probe = instrumented();
    const writer = WalWriter.open(join(root, `${policy}-idle.wal`), 0, { fsync: policy, io: probe.io });
    writer.append(Uint8Array.of(1));
    await writer.sync();
    const fsyncs = probe.fsyncsDone.length;
    await writer.sync();
    await writer.sync();
    expect(probe.fsyncsDone.length).toBe(fsyncs);
    await writer.close();
  });
});

describe('WalWriter with fsync batch and a lone writer', () => {
  test('commits one at a time are not held for the batch delay', async () => {
    const probe = instrumented();
    // A delay no test could sit out: if a lone commit waited for it, this test would time out.
    const writer = WalWriter.open(join(root, 'lone.wal'), 0, { fsync: 'batch', batchDelayMs: 600_000, io: probe.io });
    for (let i = 0; i < 10; i++) {
      writer.append(Uint8Array.of(i));
      await writer.sync();
    }
    expect(probe.fsyncsDone.length).toBe(10);
    await writer.close();
  });
});
