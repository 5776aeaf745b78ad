#!/usr/bin/env node
/**
 * `node scripts/test-all.mjs [name…]` (the second half of `pnpm test`): runs `pnpm test` in every
 * workspace package that has a test script, one after the other (the machines have two cores, and
 * later packages share one PostgreSQL), streaming each package's output live. With names, only the
 * packages whose name or directory contains one of them.
 *
 * Each package's tap run ends with a totals line such as `# { total: 12, pass: 11, fail: 1 }`
 * (`fail` absent when 0; `skip`, `todo` may appear). The summary gives each package's totals and
 * ends with one plain line, `N passed, N failed`, summed over the packages: the line CI reads.
 * A package whose process fails without a totals line (a crash, a missing dependency) counts as one
 * failure, and so does one that exits non-zero although its totals show no failure, so the last
 * line never says "0 failed" about a run that failed. Exits 1 when anything failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const TOTALS = /^#\s*\{(.*)\}\s*$/;

/** The totals of a tap summary line (`# { total: 3, pass: 2, fail: 1 }`), or undefined for any other line. */
export function parseTotals(line) {
  const m = TOTALS.exec(line.replace(ANSI, '').trimEnd());
  if (!m) return undefined;
  const counts = {};
  for (const [, key, value] of m[1].matchAll(/([A-Za-z]+)\s*:\s*(\d+)/g)) counts[key] = Number(value);
  if (counts.total === undefined) return undefined;
  return { total: counts.total, pass: counts.pass ?? 0, fail: counts.fail ?? 0, skip: counts.skip ?? 0, todo: counts.todo ?? 0 };
}

/** Workspace packages as { name, dir }, in pnpm's order, without the root. */
function workspacePackages() {
  const listed = spawnSync('pnpm', ['-r', 'ls', '--json', '--depth', '-1'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (listed.status === 0) {
    try {
      return JSON.parse(listed.stdout)
        .map((p) => ({ name: p.name, dir: p.path }))
        .filter((p) => path.resolve(p.dir) !== ROOT);
    } catch {
      // fall through to reading the workspace file
    }
  }
  process.stderr.write('test-all: `pnpm -r ls` failed; reading pnpm-workspace.yaml instead\n');
  return workspaceFromYaml();
}

/** The `dir/*` and plain `dir` entries of pnpm-workspace.yaml: all this repository uses. */
function workspaceFromYaml() {
  const yaml = readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([^'"#\s]+)['"]?/gm)].map((m) => m[1]);
  const dirs = globs.flatMap((g) => {
    if (!g.endsWith('/*')) return [path.join(ROOT, g)];
    const parent = path.join(ROOT, g.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(parent, e.name)).sort() : [];
  });
  return dirs.filter((d) => existsSync(path.join(d, 'package.json'))).map((dir) => ({ name: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name ?? path.basename(dir), dir }));
}

function hasTestScript(dir) {
  try {
    return typeof JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts?.test === 'string';
  } catch {
    return false;
  }
}

/** Runs `pnpm test` in one package, passing its output through; resolves to { code, signal, totals }. */
function runPackageTests(pkg) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['test'], { cwd: pkg.dir, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let totals;
    let partial = '';
    const scan = (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) totals = parseTotals(line) ?? totals;
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      scan(chunk);
    });
    child.on('error', (error) => {
      process.stderr.write(`test-all: could not start pnpm test in ${pkg.dir}: ${error.message}\n`);
    });
    child.on('close', (code, signal) => {
      scan('\n');
      resolve({ code: code ?? 1, signal, totals });
    });
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

async function main() {
  const filters = process.argv.slice(2);
  const packages = workspacePackages()
    .filter((p) => hasTestScript(p.dir))
    .filter((p) => filters.length === 0 || filters.some((f) => p.name.includes(f) || path.relative(ROOT, p.dir).includes(f)));
  if (packages.length === 0) {
    process.stdout.write(`test-all: no package with a test script${filters.length ? ` matches ${filters.join(', ')}` : ''}\n0 passed, 1 failed\n`);
    return 1;
  }

  const results = [];
  for (const pkg of packages) {
    const rel = path.relative(ROOT, pkg.dir);
    process.stdout.write(`\n▶ ${pkg.name} (${rel}): pnpm test\n\n`);
    const started = Date.now();
    const { code, signal, totals } = await runPackageTests(pkg);
    const passed = totals?.pass ?? 0;
    let failed = totals?.fail ?? 0;
    let note = '';
    if (code !== 0 && failed === 0) {
      failed = 1;
      note = totals ? ` (exited ${signal ?? code} although no test failed)` : ` (exited ${signal ?? code} without a tap totals line)`;
    }
    const extra = totals && (totals.skip || totals.todo) ? `, ${totals.skip} skipped, ${totals.todo} todo` : '';
    results.push({ name: pkg.name, rel, passed, failed, code, line: `${passed} passed, ${failed} failed${extra}${note}`, time: Date.now() - started });
  }

  const width = Math.max(...results.map((r) => r.name.length));
  const passed = results.reduce((s, r) => s + r.passed, 0);
  const failed = results.reduce((s, r) => s + r.failed, 0);
  process.stdout.write('\n── totals by package ──\n');
  for (const r of results) process.stdout.write(`${r.failed ? '✗' : '✓'} ${r.name.padEnd(width)}  ${r.line}  [${seconds(r.time)}]\n`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed > 0 || results.some((r) => r.code !== 0) ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
