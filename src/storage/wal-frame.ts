// The byte framing of a WAL segment, and the scan that finds where its valid
// part ends. A segment is an 8-byte magic followed by frames:
//
//   u32 LE payload length | u32 LE CRC-32 of the payload | payload bytes
//
// A crash can leave the last frame half-written (a torn tail) and a bad disk
// can flip bits anywhere; the scan stops at the first frame whose length runs
// past the end or whose checksum does not match, so recovery replays exactly
// the records before it and the writer cuts the file there.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** "FRSHWAL" plus a format version byte. */
export const WAL_MAGIC = Uint8Array.of(0x46, 0x52, 0x53, 0x48, 0x57, 0x41, 0x4c, 0x01);
export const FRAME_HEADER_BYTES = 8;
/** A frame longer than this is taken as damage, not as a record (a flipped bit in a length would otherwise ask for gigabytes). */
export const MAX_FRAME_BYTES = 1 << 30;

/** The frame that carries `payload`: header and payload in one buffer, ready to append. */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** The header of a frame whose payload is `chunks` concatenated (written after it as they are, without a copy). */
export function frameHeader(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  let crc = 0;
  for (const c of chunks) {
    // Skipped when empty: zlib's crc32 of an array without storage (a null pointer) returns 0, not the running value.
    if (c.length === 0) continue;
    length += c.length;
    crc = crc32(c, crc);
  }
  const out = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  view.setUint32(4, crc, true);
  return out;
}

export interface FrameScan {
  /** The payloads of the valid frames, in order (views into the scanned bytes). */
  readonly payloads: Uint8Array[];
  /** Byte offset just past the last valid frame: where the writer continues. */
  readonly validEnd: number;
  /** Why the scan stopped before the end of the bytes, or null when every byte was valid. */
  readonly damage: string | null;
}

/** Reads the frames of one segment's bytes; never throws on bad bytes. */
export function scanFrames(bytes: Uint8Array): FrameScan {
  return scan(bytes.length, (at, n) => bytes.subarray(at, at + n));
}

/**
 * scanFrames over a file, read frame by frame (a checkpoint may pass the
 * 2 GiB a single read can return); each payload is a buffer of its own.
 */
export function scanFrameFile(path: string): FrameScan {
  const fd = openSync(path, 'r');
  try {
    return scan(fstatSync(fd).size, (at, n) => {
      const out = Buffer.allocUnsafe(n);
      for (let got = 0; got < n; ) {
        const read = readSync(fd, out, got, n - got, at + got);
        if (read === 0) throw new Error(`${path} ended at byte ${at + got} while being read`);
        got += read;
      }
      return out;
    });
  } finally {
    closeSync(fd);
  }
}

/** The scan over `size` bytes that `read(at, n)` returns (exactly n bytes at offset at). */
function scan(size: number, read: (at: number, n: number) => Uint8Array): FrameScan {
  const payloads: Uint8Array[] = [];
  if (size < WAL_MAGIC.length) {
    return { payloads, validEnd: 0, damage: size === 0 ? null : `segment header is torn (${size} of ${WAL_MAGIC.length} bytes)` };
  }
  const magic = read(0, WAL_MAGIC.length);
  for (let i = 0; i < WAL_MAGIC.length; i++) {
    if (magic[i] !== WAL_MAGIC[i]) return { payloads, validEnd: 0, damage: 'segment does not start with the Freshet WAL header' };
  }
  let at = WAL_MAGIC.length;
  while (at < size) {
    if (size - at < FRAME_HEADER_BYTES) return { payloads, validEnd: at, damage: `torn frame header at byte ${at}` };
    const header = read(at, FRAME_HEADER_BYTES);
    const view = new DataView(header.buffer, header.byteOffset, FRAME_HEADER_BYTES);
    const length = view.getUint32(0, true);
    const sum = view.getUint32(4, true);
    const start = at + FRAME_HEADER_BYTES;
    if (length > MAX_FRAME_BYTES || start + length > size) {
      return { payloads, validEnd: at, damage: `frame at byte ${at} claims ${length} bytes; ${size - start} remain` };
    }
    const payload = read(start, length);
    if (crc32(payload) !== sum) return { payloads, validEnd: at, damage: `checksum mismatch in the frame at byte ${at}` };
    payloads.push(payload);
    at = start + length;
  }
  return { payloads, validEnd: at, damage: null };
}
