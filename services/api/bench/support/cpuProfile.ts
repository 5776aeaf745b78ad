/**
 * Where a server's CPU time went, from the `.cpuprofile` files `node --cpu-prof` writes: self time
 * per function and per area (an npm package, one of our packages, node's internals, GC), as text
 * lines for the bench's output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** The area a script belongs to: `fastify`, `@disclosure/domain`, `services/api`, `node:internal`… */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (ours) return ours[1] === 'packages' ? `@disclosure/${ours[2]}` : `services/${ours[2]}`;
  return url;
}

/** Self time (ms) per key, over every sample of the profile. */
function selfTimes(profile: Profile, key: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const k = key(node);
    out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

/** Total (inclusive) time (ms) per function: every sample whose stack holds it, once per sample. */
function totalTimes(profile: Profile, key: (node: ProfileNode) => string): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stackKeys = new Map<number, Set<string>>();
  const keysOf = (id: number): Set<string> => {
    let keys = stackKeys.get(id);
    if (keys) return keys;
    const up = parent.get(id);
    keys = new Set(up === undefined ? [] : keysOf(up));
    keys.add(key(byId.get(id)!));
    stackKeys.set(id, keys);
    return keys;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    for (const k of keysOf(id)) out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

/**
 * Self time (ms) per owner: a sample in node's internals or native code is charged to the nearest
 * caller in a package (a socket write under `pg` is `pg`'s, under fastify's reply fastify's).
 */
function ownerTimes(profile: Profile): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const internal = (area: string) => area === 'node:internal' || area === '(native)' || area === '(program)' || area === '(root)';
  const owners = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = owners.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const up = parent.get(id);
    const owner = !internal(area) || up === undefined ? area : ownerOf(up) === '(root)' ? area : ownerOf(up);
    owners.set(id, owner);
    return owner;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const k = ownerOf(id);
    out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

function withoutIdle(times: Map<string, number>): Map<string, number> {
  times.delete('(idle)');
  return times;
}

function top(times: Map<string, number>, total: number, n: number): string[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${Math.round(ms).toLocaleString('en-US').padStart(7)} ms  ${k}`);
}

/**
 * A text summary of every `.cpuprofile` in `dir`: per file, the busy share by area and the top
 * functions by self time and by total time (idle excluded from the percentages).
 */
export function summariseProfiles(dir: string, functions = 30): string[] {
  const lines: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
    const areas = selfTimes(profile, (n) => areaOf(n.callFrame.url, n.callFrame.functionName));
    const idle = areas.get('(idle)') ?? 0;
    areas.delete('(idle)');
    const busy = [...areas.values()].reduce((a, b) => a + b, 0);
    const fnKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${areaOf(n.callFrame.url, n.callFrame.functionName)}${n.callFrame.url ? `:${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`;
    const fns = selfTimes(profile, fnKey);
    fns.delete('(idle) (idle)');
    const totals = totalTimes(profile, fnKey);
    for (const k of ['(idle) (idle)', '(root) (root)']) totals.delete(k);
    lines.push(
      `${file}: ${Math.round(busy).toLocaleString('en-US')} ms busy, ${Math.round(idle).toLocaleString('en-US')} ms idle; self time by area:`,
      ...top(areas, busy, 25),
      "self time by owner (node's internals charged to the package that called them):",
      ...top(withoutIdle(ownerTimes(profile)), busy, 25),
      'top functions by self time:',
      ...top(fns, busy, functions),
      'top functions by total time (self and callees):',
      ...top(totals, busy, functions),
    );
  }
  return lines;
}

if (process.argv[1] === new URL(import.meta.url).pathname) for (const line of summariseProfiles(process.argv[2] ?? '.', Number(process.argv[3] ?? 40))) console.log(line);
