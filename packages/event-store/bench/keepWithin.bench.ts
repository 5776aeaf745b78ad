/**
 * What keeping a cache within its capacity costs per new entry (a case received: the stores' stream
 * tails, the projector's folded cases, the outbox's applicants): `keepWithin`, which drops a
 * sixteenth of the capacity at once, against dropping the single oldest entry on each insert
 * (`map.delete(map.keys().next().value)`), on the same Map sizes. Both end holding the same newest
 * entries (checked before timing).
 *
 * Run with `pnpm bench keepWithin`. Prints one JSON line per figure; `scripts/bench.mjs` records them.
 */
import { keepWithin } from '@disclosure/event-store';

const CAPACITIES = [10_000, 50_000];
const WARM_UP_MS = 500;
const ROUND_MS = 1_000;
const ROUNDS = 5;

const oneByOne = <K, V>(map: Map<K, V>, capacity: number) => {
  if (map.size > capacity) map.delete(map.keys().next().value!);
};

/** Inserts per second of new keys into a full cache of `capacity`, kept within it by `keep`: the median of ROUNDS rounds. */
function insertsPerSecond(capacity: number, keep: (map: Map<string, number>, capacity: number) => void): number {
  const map = new Map<string, number>();
  let next = 0;
  const runFor = (ms: number) => {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let k = 0; k < 1_000; k++) {
        const key = `case-${next++}`;
        map.set(key, next);
        keep(map, capacity);
      }
      ops += 1_000;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (ops * 1000) / elapsed;
  };
  runFor(WARM_UP_MS);
  const rounds = Array.from({ length: ROUNDS }, () => runFor(ROUND_MS)).sort((a, b) => a - b);
  if (map.size > capacity) throw new Error(`the cache holds ${map.size} entries, more than ${capacity}`);
  return rounds[Math.floor(ROUNDS / 2)]!;
}

function verifySameNewest(capacity: number): void {
  const a = new Map<number, true>();
  const b = new Map<number, true>();
  for (let i = 0; i < capacity * 3; i++) {
    a.set(i, true);
    keepWithin(a, capacity);
    b.set(i, true);
    oneByOne(b, capacity);
  }
  const newest = [...b.keys()].slice(-a.size);
  if (a.size < capacity - (capacity >> 4) || newest.some((k, i) => [...a.keys()][i] !== k)) throw new Error(`keepWithin(${capacity}) does not hold the newest entries`);
}

for (const capacity of CAPACITIES) {
  verifySameNewest(capacity);
  const ours = insertsPerSecond(capacity, keepWithin);
  const theirs = insertsPerSecond(capacity, oneByOne);
  console.log(JSON.stringify({ bench: `event-store.keepWithin.${capacity}`, value: Math.round(ours), unit: 'ops/s', compare: { 'one-by-one': Math.round(theirs), ratio: Math.round((ours / theirs) * 10) / 10 } }));
}
