/**
 * Keeps a Map used as a cache — insertion order, oldest first; a use moves an entry to the end by
 * deleting and setting it again — within `capacity` entries: once it holds more, the oldest are
 * dropped, down to 15/16 of the capacity, in one pass. `onDrop` hears of each one dropped.
 *
 * Not one at a time, because V8 makes that slow: a Map's deleted entries stay in its table as holes
 * until it is rebuilt, and `map.keys().next()` walks over every hole at the front, so dropping the
 * single oldest entry on each insert costs time in proportion to the capacity (≈7 µs per insert at
 * 10,000 entries, ≈27 µs at 50,000, measured here) — per case received, in the stores' and the
 * projector's caches. Dropping a sixteenth at once walks the holes once per sixteenth (≈0.2 µs an
 * insert; bench/keepWithin.bench.ts).
 * @example cache.delete(key); cache.set(key, value); keepWithin(cache, 10_000);
 */
export function keepWithin<K, V>(map: Map<K, V>, capacity: number, onDrop?: (key: K, value: V) => void): void {
  if (map.size <= capacity) return;
  let drop = map.size - (capacity - (capacity >> 4));
  for (const [key, value] of map) {
    if (drop-- <= 0) return;
    map.delete(key);
    onDrop?.(key, value);
  }
}
