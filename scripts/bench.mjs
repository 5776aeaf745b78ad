#!/usr/bin/env node
/**
 * `pnpm bench [filter]`: runs every `bench/*.bench.ts` of packages/*, services/* and the root, one
 * child process at a time, and records their figures in docs/benchmarks.md.
 *
 * A bench file prints whatever it likes; each stdout line that is JSON with `bench` (string),
 * `value` (number), `unit` (string) and optionally `compare` (an object) is one figure. The doc
 * gets one table per bench file; rows of benches that ran are replaced, all other rows are kept.
 * Exits non-zero when a bench process fails (its figures are then not recorded) or nothing matches.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const BENCH_FILE = /\.bench\.ts$/;
const COLUMNS = ['bench', 'value', 'unit', 'compare', 'date', 'machine'];

/** Every bench file as { file (absolute), rel (from the root, with /), cwd (its package dir) }. */
function findBenchFiles() {
  const found = [];
  const collect = (packageDir) => {
    const benchDir = path.join(packageDir, 'bench');
    if (!existsSync(benchDir)) return;
    for (const name of readdirSync(benchDir).sort())
      if (BENCH_FILE.test(name)) {
        const file = path.join(benchDir, name);
        found.push({ file, rel: path.relative(ROOT, file).split(path.sep).join('/'), cwd: packageDir });
      }
  };
  for (const group of ['packages', 'services']) {
    const groupDir = path.join(ROOT, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)))
      if (entry.isDirectory()) collect(path.join(groupDir, entry.name));
  }
  collect(ROOT);
  return found;
}

/** Whether a bench file matches the filter: by its path or by a quoted name inside it (a bench name). */
function matches(bench, filter) {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  if (bench.rel.toLowerCase().includes(needle)) return true;
  const quoted = readFileSync(bench.file, 'utf8').match(/(['"`])[^'"`\n]*\1/g) ?? [];
  return quoted.some((s) => s.toLowerCase().includes(needle));
}

/** A stdout line as a figure, or undefined when it is not one. */
function parseFigure(line) {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    if (typeof v.bench !== 'string' || v.bench === '' || typeof v.value !== 'number' || !Number.isFinite(v.value) || typeof v.unit !== 'string') return undefined;
    if (v.compare !== undefined && (typeof v.compare !== 'object' || v.compare === null || Array.isArray(v.compare))) return undefined;
    return { bench: v.bench, value: v.value, unit: v.unit, compare: v.compare };
  } catch {
    return undefined;
  }
}

/** Runs one bench file, passing its output through; resolves to { ok, figures }. */
function runBench(bench) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', bench.file], {
      cwd: bench.cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const figures = [];
    let pending = '';
    const take = (line) => {
      const figure = parseFigure(line);
      if (figure) figures.push(figure);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('error', (error) => {
      console.error(`bench: could not start ${bench.rel}: ${error.message}`);
      resolve({ ok: false, figures: [] });
    });
    child.on('close', (code, signal) => {
      if (pending) take(pending);
      if (code !== 0) console.error(`bench: ${bench.rel} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`);
      resolve({ ok: code === 0, figures });
    });
  });
}

/** The machine the figures come from: cpu model, cores, memory, platform, node. */
function machine() {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown cpu').replace(/\s+/g, ' ').trim();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${model}, ${cpus.length} cores, ${gib} GiB, ${os.platform()}-${os.arch()}, node ${process.version}`;
}

/** Whole numbers from 100 up, three significant digits below. */
const formatNumber = (n) =>
  typeof n !== 'number' ? String(n) : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toLocaleString('en-US', { maximumSignificantDigits: 3 });

const formatCompare = (compare) =>
  compare === undefined
    ? ''
    : Object.entries(compare)
        .map(([k, v]) => `${k}: ${k === 'ratio' && typeof v === 'number' ? `${formatNumber(v)}×` : formatNumber(v)}`)
        .join('; ');

const escapeCell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Cells of a markdown table row, with `\|` kept inside cells. */
function splitRow(line) {
  const cells = [];
  let cell = '';
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && body[i + 1] === '|') {
      cell += '\\|';
      i++;
    } else if (body[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += body[i];
  }
  cells.push(cell.trim());
  return cells;
}

const DEFAULT_INTRO = `# Benchmarks

Figures written by \`pnpm bench [filter]\`; see the runner in \`scripts/bench.mjs\`.
`;

/**
 * The doc as { intro, sections }: the intro is everything before the first bench-file heading
 * (\`## <path>.bench.ts\`), kept as written; a section is its heading, any prose, and one table.
 */
function parseDoc(text) {
  const lines = text.split('\n');
  const isHeading = (l) => /^## `?[^`]+\.bench\.ts`?\s*$/.test(l);
  const first = lines.findIndex(isHeading);
  const intro = (first === -1 ? lines : lines.slice(0, first)).join('\n').replace(/\s+$/, '') + '\n';
  const sections = [];
  if (first === -1) return { intro, sections };
  let current;
  for (const line of lines.slice(first)) {
    if (isHeading(line)) {
      current = { rel: line.replace(/^## `?/, '').replace(/`?\s*$/, ''), prose: [], rows: new Map() };
      sections.push(current);
    } else if (line.trim().startsWith('|')) {
      const cells = splitRow(line);
      if (cells[0] === 'bench' || /^:?-+:?$/.test(cells[0] ?? '')) continue; // header and rule
      if (cells[0]) current.rows.set(cells[0].replace(/^`|`$/g, ''), cells);
    } else if (line.trim() !== '') current.prose.push(line);
  }
  return { intro, sections };
}

function renderDoc({ intro, sections }) {
  const out = [intro.replace(/\s+$/, ''), ''];
  for (const s of sections) {
    out.push(`## \`${s.rel}\``, '');
    if (s.prose.length > 0) out.push(...s.prose, '');
    out.push(`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((c) => (c === 'value' ? '---:' : '---')).join('|')}|`);
    for (const cells of s.rows.values()) out.push(`| ${cells.join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}

function updateDoc(results) {
  const doc = parseDoc(existsSync(DOC) ? readFileSync(DOC, 'utf8') : DEFAULT_INTRO);
  const date = new Date().toISOString().slice(0, 10);
  const where = escapeCell(machine());
  for (const { bench, figures } of results) {
    let section = doc.sections.find((s) => s.rel === bench.rel);
    if (!section) {
      section = { rel: bench.rel, prose: [], rows: new Map() };
      doc.sections.push(section);
      doc.sections.sort((a, b) => a.rel.localeCompare(b.rel));
    }
    for (const f of figures)
      section.rows.set(f.bench, [`\`${escapeCell(f.bench)}\``, escapeCell(formatNumber(f.value)), escapeCell(f.unit), escapeCell(formatCompare(f.compare)), date, where]);
  }
  writeFileSync(DOC, renderDoc(doc));
}

async function main() {
  const filter = process.argv[2];
  const all = findBenchFiles();
  const selected = all.filter((b) => matches(b, filter));
  if (selected.length === 0) {
    console.error(filter ? `bench: no bench file matches "${filter}" (of ${all.length})` : 'bench: no bench files found');
    process.exit(1);
  }
  const results = [];
  let failed = 0;
  for (const bench of selected) {
    console.log(`\n▶ ${bench.rel}`);
    const { ok, figures } = await runBench(bench);
    if (!ok) failed++;
    else if (figures.length === 0) console.error(`bench: ${bench.rel} printed no figures`);
    else results.push({ bench, figures });
  }
  if (results.length > 0) {
    updateDoc(results);
    const count = results.reduce((n, r) => n + r.figures.length, 0);
    console.log(`\nbench: ${count} figure${count === 1 ? '' : 's'} from ${results.length} file${results.length === 1 ? '' : 's'} written to ${path.relative(ROOT, DOC)}`);
  }
  if (failed > 0) {
    console.error(`bench: ${failed} bench file${failed === 1 ? '' : 's'} failed`);
    process.exit(1);
  }
}

await main();
