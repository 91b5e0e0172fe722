// WAL framing: a scan of damaged bytes keeps exactly the frames before the
// damage. Frame boundaries are computed here from the payload lengths (the
// documented layout: 8-byte magic, then 8-byte header + payload per frame),
// independently of the scanner.

import { describe, expect, test } from 'vitest';
import { WAL_MAGIC, frameHeader, frameRecord, scanFrameFile, scanFrames } from '../../src/storage/wal-frame.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../seeded-random.js';

function seeded(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

function segment(payloads: Uint8Array[]): { bytes: Uint8Array; ends: number[] } {
  const ends: number[] = [];
  let size = WAL_MAGIC.length;
  for (const p of payloads) {
    size += 8 + p.length;
    ends.push(size);
  }
  const bytes = new Uint8Array(size);
  bytes.set(WAL_MAGIC, 0);
  let at = WAL_MAGIC.length;
  for (const p of payloads) {
    const f = frameRecord(p);
    bytes.set(f, at);
    at += f.length;
  }
  return { bytes, ends };
}

function randomPayloads(next: () => number, count: number): Uint8Array[] {
  return Array.from({ length: count }, () => {
    const p = new Uint8Array(Math.floor(next() * 300));
    for (let i = 0; i < p.length; i++) p[i] = Math.floor(next() * 256);
    return p;
  });
}

/** How many frames end at or before byte `x`. */
function framesBefore(ends: number[], x: number): number {
  let k = 0;
  while (k < ends.length && ends[k]! <= x) k++;
  return k;
}

describe('scanFrames', () => {
  test('reads back every frame of an intact segment, including empty payloads', () => {
    const payloads = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(1000).fill(7)];
    const { bytes, ends } = segment(payloads);
    const scan = scanFrames(bytes);
    expect(scan.damage).toBeNull();
    expect(scan.validEnd).toBe(ends[2]);
    expect(scan.payloads.map((p) => [...p])).toEqual(payloads.map((p) => [...p]));
  });

  test('an empty file is an empty, undamaged log; a foreign file is damage at byte 0', () => {
    expect(scanFrames(new Uint8Array(0))).toEqual({ payloads: [], validEnd: 0, damage: null });
    const foreign = scanFrames(new TextEncoder().encode('not a write-ahead log at all'));
    expect(foreign.validEnd).toBe(0);
    expect(foreign.damage).toMatch(/header/);
  });

  test('1,000 truncations at random offsets keep exactly the complete frames', () => {
    const next = seeded(42);
    for (let c = 0; c < 1000; c++) {
      const payloads = randomPayloads(next, 1 + Math.floor(next() * 12));
      const { bytes, ends } = segment(payloads);
      const cut = Math.floor(next() * (bytes.length + 1));
      const scan = scanFrames(bytes.subarray(0, cut));
      const k = cut < WAL_MAGIC.length ? 0 : framesBefore(ends, cut);
      expect(scan.payloads.length, `case ${c}: cut at ${cut} of ${bytes.length}`).toBe(k);
      scan.payloads.forEach((p, i) => expect([...p]).toEqual([...payloads[i]!]));
      const expectedEnd = cut < WAL_MAGIC.length ? 0 : k === 0 ? WAL_MAGIC.length : ends[k - 1]!;
      expect(scan.validEnd).toBe(expectedEnd);
      // A cut on a frame boundary looks like a clean log; anywhere else it is a torn tail.
      const clean = cut === 0 || (cut >= WAL_MAGIC.length && cut === expectedEnd);
      expect(scan.damage === null).toBe(clean);
    }
  });

  test('1,000 random byte corruptions stop the scan at the damaged frame', () => {
    const next = seeded(7);
    for (let c = 0; c < 1000; c++) {
      const payloads = randomPayloads(next, 1 + Math.floor(next() * 12));
      const { bytes, ends } = segment(payloads);
      const at = Math.floor(next() * bytes.length);
      const damaged = bytes.slice();
      damaged[at] = damaged[at]! ^ (1 + Math.floor(next() * 255));
      const scan = scanFrames(damaged);
      // The frame holding byte `at` and everything after it are lost; the magic's damage loses all.
      const k = at < WAL_MAGIC.length ? 0 : framesBefore(ends, at);
      expect(scan.payloads.length, `case ${c}: byte ${at} of ${bytes.length}`).toBe(k);
      scan.payloads.forEach((p, i) => expect([...p]).toEqual([...payloads[i]!]));
      expect(scan.damage).not.toBeNull();
    }
  });
});

describe('frames written in pieces', () => {
  test('a header computed over pieces (empty ones among them) frames their concatenation, as the scan reads it', () => {
    // Empty arrays without storage, as views of empty typed arrays are: zlib's crc32 resets on them.
    const pieces = [Uint8Array.of(1, 2, 3), new Uint8Array(new Int32Array(0).buffer), new Uint8Array(new Float64Array([1.5, -2]).buffer), new Uint8Array(0), Uint8Array.of(9)];
    const payload = Uint8Array.from(pieces.flatMap((p) => [...p]));
    const header = frameHeader(pieces);
    expect([...header]).toEqual([...frameRecord(payload).subarray(0, 8)]);
    const bytes = new Uint8Array(WAL_MAGIC.length + 8 + payload.length);
    bytes.set(WAL_MAGIC, 0);
    bytes.set(header, WAL_MAGIC.length);
    bytes.set(payload, WAL_MAGIC.length + 8);
    const scan = scanFrames(bytes);
    expect(scan.damage).toBeNull();
    expect(scan.payloads.map((p) => [...p])).toEqual([[...payload]]);
  });
});

describe('scanFrameFile', () => {
  test('reads a file frame by frame as scanFrames reads its bytes: 200 random segments, cut or with a flipped byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-frames-'));
    try {
      const next = seeded(7);
      const path = join(dir, 'segment');
      for (let c = 0; c < 200; c++) {
        const { bytes } = segment(randomPayloads(next, 1 + Math.floor(next() * 6)));
        const damaged = bytes.slice(0, c % 2 === 0 ? Math.floor(next() * (bytes.length + 1)) : bytes.length);
        if (c % 2 === 1 && c % 4 === 1) damaged[Math.floor(next() * damaged.length)]! ^= 0x10;
        writeFileSync(path, damaged);
        const fromFile = scanFrameFile(path);
        const fromBytes = scanFrames(damaged);
        expect({ ...fromFile, payloads: fromFile.payloads.map((p) => [...p]) }, `case ${c}`).toEqual({ ...fromBytes, payloads: fromBytes.payloads.map((p) => [...p]) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
