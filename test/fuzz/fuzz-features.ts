// The query constructs the fuzzer may generate: the one place that says what
// Freshet supports. New constructs go into `allFeatures` (with generator code)
// and into `enabledByDefault` once Freshet runs them. FRESHET_FUZZ_FEATURES
// adjusts the list for one run, e.g. `-window,-fullJoin`, `none,+groupBy`, `all`.

export const allFeatures = [
  'filter',
  'groupBy',
  'having',
  'selectDistinct',
  'distinctOn',
  'globalAggregate',
  'distinctAggregate',
  'viewOnView',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
  'joinUsing',
  'multiJoin',
  'subqueryInFrom',
  'with',
  'union',
  'unionAll',
  'intersect',
  'except',
  'intersectAll',
  'exceptAll',
  'topN',
  'window',
  'inSubquery',
  'existsSubquery',
  'scalarSubquery',
  /** Whole cases (a share of seeds, see fuzz-case.ts) over TUMBLE/HOP/CUMULATE views. */
  'timeWindow',
] as const;

export type Feature = (typeof allFeatures)[number];

/** What Freshet supports today. Take a construct out here to stop generating it. */
export const enabledByDefault: readonly Feature[] = [...allFeatures];

export type FeatureSet = ReadonlySet<Feature>;

function isFeature(name: string): name is Feature {
  return (allFeatures as readonly string[]).includes(name);
}

/** The default list adjusted by a spec like `+innerJoin,-having` (or `all`, or `none`). */
export function parseFeatures(spec: string | undefined): FeatureSet {
  const out = new Set<Feature>(enabledByDefault);
  if (spec === undefined || spec.trim() === '') return out;
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === 'all') {
      for (const f of allFeatures) out.add(f);
      continue;
    }
    if (item === 'none') {
      out.clear();
      continue;
    }
    const sign = item.startsWith('-') ? '-' : '+';
    const name = item.replace(/^[+-]/, '');
    if (!isFeature(name)) throw new Error(`FRESHET_FUZZ_FEATURES: unknown feature "${name}"; known: ${allFeatures.join(', ')}`);
    if (sign === '+') out.add(name);
    else out.delete(name);
  }
  return out;
}

export function anyJoin(f: FeatureSet): boolean {
  return f.has('innerJoin') || f.has('leftJoin') || f.has('rightJoin') || f.has('fullJoin') || f.has('crossJoin');
}
