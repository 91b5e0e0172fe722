// Horizontal bar charts as standalone SVG documents, for bench/REPORT.md:
// one bar per labelled value (barChart), or one bar per series within each
// labelled group on a logarithmic scale (groupedBarChart, for values that span
// orders of magnitude), the value printed at the bar's end. No dependencies;
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
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `  <rect width="${width}" height="${height}" fill="white"/>`,
    `  <text x="8" y="20" font-size="14">${escape(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
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
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `  <rect width="${width}" height="${height}" fill="white"/>`,
    `  <text x="8" y="20" font-size="14">${escape(title)}</text>`,
    ...legend,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
