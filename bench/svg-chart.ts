// A horizontal bar chart as a standalone SVG document, for bench/REPORT.md:
// one bar per labelled value, the value printed at the bar's end. No
// dependencies; the text is escaped.

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
