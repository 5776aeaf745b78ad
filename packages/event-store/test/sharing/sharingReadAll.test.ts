import t from 'tap';
import fc from 'fast-check';
import { pgliteDatabase, PostgresEventStore, sharingReadAll, type EventStore, type ReadAllOptions } from '@disclosure/event-store';
import { events } from '../contract/fixtures.js';

/** The store, counting the readAll queries that reach it. */
function counted(store: EventStore) {
  const calls: ReadAllOptions[] = [];
  const inner: EventStore = { ...store, append: (...a) => store.append(...a), read: (...a) => store.read(...a), readAll: (o = {}) => (calls.push(o), store.readAll(o)), backlog: (...a) => store.backlog(...a), subscribeToAll: (...a) => store.subscribeToAll(...a), close: () => store.close() };
  return { shared: sharingReadAll(inner), calls };
}

const store = await PostgresEventStore.open(await pgliteDatabase());
t.teardown(() => store.close());

t.test('a second reader of the stretch just read gets it without a query; a reader past it queries', async (t) => {
  await store.append('s-1', events(6));
  await store.append('s-2', events(4));
  const { shared, calls } = counted(store);
  const first = await shared.readAll({});
  t.equal(first.length, 10);
  t.same(await shared.readAll({}), first, 'the same page again');
  t.same(await shared.readAll({ fromPosition: first[3]!.position, limit: 2 }), first.slice(4, 6), 'from one of its events, up to the limit');
  t.ok(first[6]!.position - first[5]!.position > 1n, 'two appends: a gap between their positions');
  t.same(await shared.readAll({ fromPosition: first[5]!.position + 1n, limit: 100 }), first.slice(6), 'from a position between two of its events');
  t.equal(calls.length, 1, 'one query in all');
  t.same(await shared.readAll({ fromPosition: first[9]!.position }), [], 'from its last event: the store says there is nothing more');
  t.equal(calls.length, 2);
  await store.append('s-1', events(2), { expectedRevision: 5 });
  const more = await shared.readAll({ fromPosition: first[9]!.position });
  t.equal(more.length, 2, 'and finds what came after');
  t.same(await shared.readAll({ fromPosition: first[9]!.position }), more, 'which the next reader then shares');
  t.equal(calls.length, 3);
  t.same(await shared.readAll({}), [...first, ...more], 'a reader from before the page remembered reads the store');
  t.equal(calls.length, 4);
});

t.test('a shared answer is always a non-empty beginning of what the store itself answers, whatever is read and appended', async (t) => {
  const own = await PostgresEventStore.open(await pgliteDatabase());
  t.teardown(() => own.close());
  const { shared } = counted(own);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.record({ append: fc.integer({ min: 1, max: 3 }) }), fc.record({ from: fc.nat(40), limit: fc.integer({ min: 1, max: 12 }) })), { minLength: 1, maxLength: 30 }),
      async (steps) => {
        for (const step of steps) {
          if ('append' in step) {
            await own.append(`p-${n++ % 5}`, events(step.append));
            continue;
          }
          const all = await own.readAll({ limit: 10_000 });
          const options = { ...(step.from === 0 || all.length === 0 ? {} : { fromPosition: all[Math.min(step.from, all.length) - 1]!.position }), limit: step.limit };
          const truth = await own.readAll(options);
          const got = await shared.readAll(options);
          if (truth.length > 0 && got.length === 0) return false;
          if (got.length > truth.length || got.some((e, i) => e.id !== truth[i]!.id || e.position !== truth[i]!.position)) return false;
        }
        return true;
      },
    ),
    { numRuns: 60 },
  );
  t.pass('every answer was a beginning of the truth');
});
