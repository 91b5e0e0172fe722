// Charts as standalone SVG documents, for bench/REPORT.md: horizontal bars,
// one per labelled value (barChart), or one bar per series within each
// labelled group on a logarithmic scale (groupedBarChart, for values that span
// orders of magnitude), the value printed at the bar's end; and lines over a
// shared x axis (lineChart). No dependencies;
// the text is escaped.

export interface Bar {
  readonly label: string;
  readonly value: number;
}

const ROW = 22;
const LABEL_WIDTH = 70;
const BAR_WIDTH = 480;
const TOP = 36;

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A standalone SVG document: white background, the title, then `body`'s elements. */
function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `  <rect width="${width}" height="${height}" fill="white"/>`,
    `  <text x="8" y="20" font-size="14">${escape(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function barChart(title: string, bars: readonly Bar[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = TOP + bars.length * ROW + 10;
  const width = LABEL_WIDTH + BAR_WIDTH + 110;
  const rows = bars.map((b, i) => {
    const y = TOP + i * ROW;
    const w = Math.max(1, Math.round((b.value / max) * BAR_WIDTH));
    return [
      `  <text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escape(b.label)}</text>`,
      `  <rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w}" height="${ROW - 6}" fill="#4e79a7"/>`,
      `  <text x="${LABEL_WIDTH + w + 6}" y="${y + 15}">${Math.round(b.value).toLocaleString('en-US')}</text>`,
    ].join('\n');
  });
  return svgDocument(width, height, title, rows);
}

export interface BarGroup {
  readonly label: string;
  /** One value per series (positive). */
  readonly values: readonly number[];
}

const SERIES_COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b'];

/** Grouped bars on a log scale: per group one bar per series, with a legend of the series. */
export function groupedBarChart(title: string, series: readonly string[], groups: readonly BarGroup[], unit: string): string {
  const all = groups.flatMap((g) => g.values).filter((v) => v > 0);
  const lo = Math.min(...all) / 2;
  const hi = Math.max(...all);
  const span = Math.log10(hi / lo) || 1;
  const bar = 14;
  const groupHeight = series.length * bar + 10;
  const top = TOP + 18;
  const height = top + groups.length * groupHeight + 10;
  const width = LABEL_WIDTH + 40 + BAR_WIDTH + 110;
  const left = LABEL_WIDTH + 40;
  // Legend entries side by side, each as wide as its text (about 7 px a character at this size).
  let lx = left;
  const legend = series.map((name, k) => {
    const entry = `  <rect x="${lx}" y="${TOP - 8}" width="10" height="10" fill="${SERIES_COLORS[k % SERIES_COLORS.length]}"/>\n  <text x="${lx + 14}" y="${TOP + 1}">${escape(name)}</text>`;
    lx += 14 + name.length * 7 + 20;
    return entry;
  });
  const rows = groups.map((g, i) => {
    const y = top + i * groupHeight;
    const bars = g.values.map((v, k) => {
      const w = v > 0 ? Math.max(1, Math.round((Math.log10(v / lo) / span) * BAR_WIDTH)) : 0;
      const by = y + k * bar;
      return `  <rect x="${left}" y="${by}" width="${w}" height="${bar - 2}" fill="${SERIES_COLORS[k % SERIES_COLORS.length]}"/>\n  <text x="${left + w + 6}" y="${by + 10}">${v >= 10 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(2)} ${escape(unit)}</text>`;
    });
    return [`  <text x="${left - 8}" y="${y + (series.length * bar) / 2 + 4}" text-anchor="end">${escape(g.label)}</text>`, ...bars].join('\n');
  });
  return svgDocument(width, height, title, [...legend, ...rows]);
}

export interface Line {
  readonly label: string;
  /** [x, y] points in x order; y > 0 on a log scale. */
  readonly points: readonly (readonly [number, number])[];
}

const LINE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Round figures for axis ticks: 1,234,567 as 1.2M. */
function short(x: number): string {
  for (const [unit, div] of [['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) if (Math.abs(x) >= div) return `${+(x / div).toPrecision(2)}${unit}`;
  return `${+x.toPrecision(2)}`;
}

/**
 * Lines over a shared x axis (linear from 0) and a y axis, logarithmic when
 * `logY` (for values spanning orders of magnitude; points at or below 0 are
 * left out). Each line is labelled at its last point.
 */
export function lineChart(title: string, xLabel: string, yLabel: string, lines: readonly Line[], logY: boolean): string {
  const width = 760;
  const left = 70;
  const plotW = 520;
  const top = TOP + 10;
  const plotH = 320;
  const height = top + plotH + 50;
  const shown = lines.map((l) => ({ label: l.label, points: logY ? l.points.filter(([, y]) => y > 0) : l.points })).filter((l) => l.points.length > 0);
  const xs = shown.flatMap((l) => l.points.map(([x]) => x));
  const ys = shown.flatMap((l) => l.points.map(([, y]) => y));
  const xMax = Math.max(1, ...xs);
  const yLo = logY ? 10 ** Math.floor(Math.log10(Math.min(...ys, 1))) : 0;
  const yHi = logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys, 10))) : Math.max(1, ...ys);
  const sx = (x: number): number => left + (x / xMax) * plotW;
  const sy = (y: number): number => top + plotH - (logY ? Math.log10(y / yLo) / Math.log10(yHi / yLo) : y / yHi) * plotH;
  const yTicks = logY ? Array.from({ length: Math.round(Math.log10(yHi / yLo)) + 1 }, (_, k) => yLo * 10 ** k) : [0, 0.25, 0.5, 0.75, 1].map((f) => f * yHi);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * xMax);
  const axes = [
    `  <line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `  <line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
    ...yTicks.map((t) => `  <line x1="${left}" y1="${sy(t).toFixed(1)}" x2="${left + plotW}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>\n  <text x="${left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${short(t)}</text>`),
    ...xTicks.map((t) => `  <text x="${sx(t).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${short(t)}</text>`),
    `  <text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">${escape(xLabel)}</text>`,
    `  <text x="14" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">${escape(yLabel)}</text>`,
  ];
  // Labels at the lines' ends, nudged apart so they do not overlap.
  const ends = shown.map((l, k) => ({ k, y: sy(l.points[l.points.length - 1]![1]) })).sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i++) ends[i]!.y = Math.max(ends[i]!.y, ends[i - 1]!.y + 12);
  const labelY = new Map(ends.map((e) => [e.k, e.y]));
  const paths = shown.map((l, k) => {
    const color = LINE_COLORS[k % LINE_COLORS.length]!;
    const d = l.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const [lx] = l.points[l.points.length - 1]!;
    return `  <path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>\n  <text x="${(sx(lx) + 6).toFixed(1)}" y="${(labelY.get(k)! + 4).toFixed(1)}" fill="${color}">${escape(l.label)}</text>`;
  });
  return svgDocument(width, height, title, [...axes, ...paths]);
}
