/**
 * CPU time of processes, from /proc (Linux): how much of the machine a server, or the PostgreSQL
 * backends serving one database, spent on a load run. Elsewhere the readers answer NaN and the
 * bench prints no CPU figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

/** A process's user + system CPU time so far, in ms (NaN when it cannot be read). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return NaN;
  }
}

/** CPU time so far (ms) per PostgreSQL backend connected to `database` (its title: `postgres: 15/main: user database host(port) state`). */
export function backendsCpuMs(database: string): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const entry of entries) {
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (!title.startsWith('postgres: ') || !title.split(' ').includes(database)) continue;
    const ms = processCpuMs(Number(entry));
    if (Number.isFinite(ms)) out.set(Number(entry), ms);
  }
  return out;
}

/**
 * CPU (ms) the backends spent between two {@link backendsCpuMs} snapshots: a backend in both counts
 * its difference, one that appeared counts all of its time, one that exited meanwhile its time up
 * to the first snapshot only (pools keep their connections, so that is rare). NaN without /proc.
 */
export function cpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  if (before.size === 0 && after.size === 0) return NaN;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
