// CPU profiling of one benchmark phase through the inspector (V8's sampling
// profiler), so a profile covers only Freshet's update work and not data
// generation or DuckDB. The summary lists functions by self time.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename } from 'node:path';

/** Sampling interval in microseconds: fine enough for sub-millisecond batches. */
const SAMPLING_INTERVAL_US = 100;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTimeEntry {
  readonly fn: string;
  readonly selfMs: number;
  readonly percent: number;
}

/** Where the time went: functions by self time, and all time by the engine layer it was spent for. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly top: readonly SelfTimeEntry[];
  readonly areas: readonly SelfTimeEntry[];
}

/** Engine layers by source path, tried in order on a sample's stack from the leaf
 *  up; shared helpers (columnar, expr, common) count for the layer that called them. */
const AREAS: readonly (readonly [string, RegExp])[] = [
  ['SQL parsing', /\/src\/sql\/|\/chevrotain\//],
  ['view maintenance (dataflow)', /\/src\/dataflow\//],
  ['DML and table store', /\/src\/storage\/|\/src\/engine\/dml|\/src\/engine\/ingest/],
  ['engine (other)', /\/src\/engine/],
];

export class CpuProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await this.session.post('Profiler.start');
  }

  /** Stops, writes the .cpuprofile file (loadable in Chrome DevTools) and summarises it. */
  async stop(file: string, top: number): Promise<ProfileSummary> {
    const { profile } = (await this.session.post('Profiler.stop')) as { profile: Profile };
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return summarise(profile, top);
  }
}

function summarise(profile: Profile, top: number): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${basename(url)}:${lineNumber + 1}`;
    return `${functionName === '' ? '(anonymous)' : functionName}${where}`;
  };
  const areaCache = new Map<number, string>();
  const areaOf = (id: number): string => {
    const cached = areaCache.get(id);
    if (cached !== undefined) return cached;
    let area = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined) break;
      if (frame.functionName === '(garbage collector)') {
        area = 'garbage collection';
        break;
      }
      const hit = AREAS.find(([, re]) => re.test(frame.url));
      if (hit !== undefined) {
        area = hit[0];
        break;
      }
    }
    areaCache.set(id, area);
    return area;
  };
  const selfUs = new Map<string, number>();
  const areaUs = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  // timeDeltas[i] is the time before sample i. The first and last samples are
  // skipped: their intervals cover the profiler starting and stopping.
  for (let i = 1; i < samples.length - 1; i++) {
    const us = deltas[i] ?? 0;
    const node = byId.get(samples[i] ?? -1);
    if (node === undefined) continue;
    const name = label(node);
    selfUs.set(name, (selfUs.get(name) ?? 0) + us);
    const area = areaOf(node.id);
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
    total += us;
  }
  const ranked = (m: Map<string, number>, n: number): SelfTimeEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, us]) => ({ fn, selfMs: us / 1000, percent: total > 0 ? (100 * us) / total : 0 }));
  return { totalMs: total / 1000, top: ranked(selfUs, top), areas: ranked(areaUs, AREAS.length + 2) };
}
