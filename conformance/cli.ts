// `npm run conformance [-- options] [files...]`: runs sqllogictest files through the engine,
// each twice: one-shot, and in view mode (every query re-checked as a materialized view).
// No arguments: the project's own conformance/slt/**/*.slt, exit 1 on any failure in either mode.
// `--corpus <dir>`: every .slt/.test/.slt.part under dir, a per-file table of both modes and
// the most common failure reasons; exits 0 (the public corpus need not pass yet).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure, runSltFile, type FileReport, type ModeReport, type RecordOutcome } from './slt-runner.js';

const usage = `usage: node dist/conformance/cli.js [--corpus <dir>] [--markdown] [-v] [files or folders...]
  (no paths)       run conformance/slt/**/*.slt; exit 1 on any failure
  --corpus <dir>   run every .slt, .test and .slt.part file under dir; always exit 0
  --markdown       print the per-file table as markdown
  -v, --verbose    print every failure with its SQL, expected and actual results
  --top <n>        how many failure and skip reasons to list (default 15)
  --one-shot       skip view mode (each query re-checked as a materialized view)`;

const topReasonsDefault = 15;

interface CliArgs {
  corpus: string | undefined;
  markdown: boolean;
  verbose: boolean;
  top: number;
  viewMode: boolean;
  paths: string[];
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { corpus: undefined, markdown: false, verbose: false, top: topReasonsDefault, viewMode: true, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--corpus') {
      const dir = argv[++i];
      if (dir === undefined) throw new Error('--corpus needs a folder');
      args.corpus = dir;
    } else if (a === '--markdown') args.markdown = true;
    else if (a === '-v' || a === '--verbose') args.verbose = true;
    else if (a === '--top') args.top = Number(argv[++i] ?? topReasonsDefault);
    else if (a === '--one-shot') args.viewMode = false;
    else if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${usage}`);
    else args.paths.push(a);
  }
  return args;
}

function collectFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (extensions.some((ext) => name.endsWith(ext))) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Groups messages that differ only in quoted names or positions. */
function reasonKey(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b(line|column|position|offset) \d+/g, '$1 N');
}

const counts = (m: ModeReport | undefined): string[] =>
  m === undefined ? ['-', '-', '-'] : [String(m.passed), String(m.failed), String(m.skipped)];

function printTable(reports: readonly FileReport[], base: string, markdown: boolean): void {
  const rows = reports.map((r) => [relative(base, r.file) || r.file, ...counts(r), ...counts(r.view)]);
  const total = (pick: (r: FileReport) => ModeReport | undefined): ModeReport | undefined => {
    const modes = reports.map(pick);
    if (modes.some((m) => m === undefined)) return undefined;
    const sum = (f: (m: ModeReport) => number): number => modes.reduce((acc, m) => acc + (m === undefined ? 0 : f(m)), 0);
    return { passed: sum((m) => m.passed), failed: sum((m) => m.failed), skipped: sum((m) => m.skipped), outcomes: [] };
  };
  rows.push(['total', ...counts(total((r) => r)), ...counts(total((r) => r.view))]);
  const header = ['file', 'passed', 'failed', 'skipped', 'view passed', 'view failed', 'view skipped'];
  if (markdown) {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|---|${'---:|'.repeat(header.length - 1)}`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    return;
  }
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j] ?? 0) : c.padStart(widths[j] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function printReasons(title: string, outcomes: readonly RecordOutcome[], status: RecordOutcome['status'], top: number): void {
  const reasons = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status !== status) continue;
    const key = reasonKey(o.reason ?? status);
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  if (reasons.size === 0) return;
  console.log(`\n${title}:`);
  const sorted = [...reasons.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [reason, n] of sorted.slice(0, top)) console.log(`  ${reason}: ${n}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let files: string[];
  let base: string;
  if (args.corpus !== undefined) {
    base = resolve(args.corpus);
    if (!existsSync(base)) {
      console.log(`corpus folder ${base} does not exist; nothing to run`);
      return 0;
    }
    files = collectFiles(base, ['.slt', '.test', '.slt.part']);
  } else if (args.paths.length > 0) {
    base = process.cwd();
    files = args.paths.flatMap((p) => {
      const abs = resolve(p);
      return statSync(abs).isDirectory() ? collectFiles(abs, ['.slt', '.test', '.slt.part']) : [abs];
    });
  } else {
    // dist/conformance/cli.js -> <root>/conformance/slt, whatever the working directory.
    base = resolve(dirname(fileURLToPath(import.meta.url)), '../../conformance/slt');
    files = collectFiles(base, ['.slt']);
  }
  const corpusMode = args.corpus !== undefined;
  const reports: FileReport[] = [];
  for (const f of files) {
    try {
      reports.push(await runSltFile(f, { matchErrorMessages: !corpusMode, viewMode: args.viewMode }));
    } catch (e) {
      // A file the parser cannot read counts as one failure, not a crash of the whole run.
      const message = e instanceof Error ? e.message : String(e);
      const broken: ModeReport = { passed: 0, failed: 1, skipped: 0, outcomes: [{ line: 0, status: 'failed', sql: '', reason: `cannot run file: ${message}` }] };
      reports.push({ file: f, ...broken, ...(args.viewMode ? { view: broken } : {}) });
    }
  }
  if (args.verbose) {
    for (const r of reports) {
      const name = relative(base, r.file) || r.file;
      for (const o of r.outcomes) if (o.status === 'failed') console.log(`${describeFailure(name, o)}\n`);
      for (const o of r.view?.outcomes ?? []) if (o.status === 'failed') console.log(`[view mode] ${describeFailure(name, o)}\n`);
    }
  }
  printTable(reports, base, args.markdown);
  printReasons('top failure reasons', reports.flatMap((r) => r.outcomes), 'failed', args.top);
  const viewOutcomes = reports.flatMap((r) => r.view?.outcomes ?? []);
  printReasons('top failure reasons in view mode', viewOutcomes, 'failed', args.top);
  printReasons('top reasons for skipping in view mode', viewOutcomes, 'skipped', args.top);
  let failed = 0;
  const summary = (label: string, modes: readonly (ModeReport | undefined)[]): void => {
    let p = 0;
    let f = 0;
    let k = 0;
    for (const m of modes) {
      p += m?.passed ?? 0;
      f += m?.failed ?? 0;
      k += m?.skipped ?? 0;
    }
    failed += f;
    console.log(`${label}: ${p} passed, ${f} failed, ${k} skipped`);
  };
  console.log('');
  summary('one-shot', reports);
  if (args.viewMode) summary('view mode', reports.map((r) => r.view));
  if (corpusMode) return 0;
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  },
);
