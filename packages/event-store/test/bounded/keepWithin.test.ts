import t from 'tap';
import fc from 'fast-check';
import { keepWithin } from '@disclosure/event-store';

t.test('a cache past its capacity drops its oldest entries, down to 15/16 of the capacity', async (t) => {
  const cache = new Map<number, string>();
  const dropped: number[] = [];
  for (let i = 0; i < 32; i++) {
    cache.set(i, `v${i}`);
    keepWithin(cache, 32, (k, v) => dropped.push(k) && t.equal(v, `v${k}`));
  }
  t.equal(cache.size, 32, 'at the capacity: nothing dropped');
  t.same(dropped, []);
  cache.set(32, 'v32');
  keepWithin(cache, 32, (k) => dropped.push(k));
  t.same(dropped, [0, 1, 2], 'one over: the three oldest go at once (32 − 32/16 = 30 kept)');
  t.same([...cache.keys()], Array.from({ length: 30 }, (_, i) => i + 3));
});

t.test('a use (delete and set again) keeps an entry; below 16 the capacity is kept exactly', async (t) => {
  const cache = new Map([['a', 1], ['b', 2], ['c', 3]]);
  cache.delete('a');
  cache.set('a', 1);
  cache.set('d', 4);
  keepWithin(cache, 3);
  t.same([...cache.keys()], ['c', 'a', 'd'], 'b, used longest ago, went first');
  keepWithin(cache, 0);
  t.equal(cache.size, 0, 'capacity 0 holds nothing');
});

t.test('whatever is set, a cache never holds more than its capacity and keeps the newest entries', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 600 }), (capacity, keys) => {
      const cache = new Map<number, true>();
      for (const k of keys) {
        cache.delete(k);
        cache.set(k, true);
        keepWithin(cache, capacity);
        if (cache.size > capacity) return false;
        if (capacity > 0 && !cache.has(k)) return false;
      }
      const newestFirst = [...new Set([...keys].reverse())];
      // what is held is exactly the most recently used keys, as many as are held
      return [...cache.keys()].reverse().every((k, i) => newestFirst[i] === k);
    }),
  );
  t.pass('held');
});
