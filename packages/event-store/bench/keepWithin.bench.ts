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
import { opsPerSecond } from '../../../bench/support/opsPerSecond.js';

const CAPACITIES = [10_000, 50_000];

const oneByOne = <K, V>(map: Map<K, V>, capacity: number) => {
  if (map.size > capacity) map.delete(map.keys().next().value!);
};

/** Inserts per second of new keys into a full cache of `capacity`, kept within it by `keep`. */
function insertsPerSecond(capacity: number, keep: (map: Map<string, number>, capacity: number) => void): number {
  const map = new Map<string, number>();
  const { median } = opsPerSecond(
    (i) => {
      map.set(`case-${i}`, i);
      keep(map, capacity);
      return map.size;
    },
    { batch: 1_000 },
  );
  if (map.size > capacity) throw new Error(`the cache holds ${map.size} entries, more than ${capacity}`);
  return median;
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
