import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { startEsdbTestServer, type EsdbTestServer } from '@disclosure/esdb-test-server';
import { EsdbEventStore, EventStoreUnavailable, InvalidAppend, openEventStore, verifyChain, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { eventStoreContract } from '../contract/eventStoreContract.js';
import { anEvent, events, type StoreFixture } from '../contract/fixtures.js';

/**
 * The contract runs over real gRPC against the in-memory EventStoreDB test double
 * (infra/esdb-test-server), one fresh server per store because the contract uses fixed stream
 * names. With EVENT_STORE_URL=esdb://… it runs against that server too, one stream prefix per store.
 */

/** The contract writes a 1.6 MB event: over EventStoreDB's 1 MiB default, so the double allows what infra/compose.yaml sets. */
const MAX_APPEND_SIZE = 4 * 1024 * 1024;

/** A store that also stops its own server when closed. */
function closingWith(store: EventStore, stop: () => Promise<void>): EventStore {
  return {
    append: (streamId, batch, options) => store.append(streamId, batch, options),
    read: (streamId, options) => store.read(streamId, options),
    readAll: (options) => store.readAll(options),
    backlog: (options) => store.backlog(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: async () => {
      await store.close();
      await stop();
    },
  };
}

const doubleFixture: StoreFixture = {
  name: 'EventStoreDB test double',
  concurrentTransactions: true,
  async open() {
    const server = await startEsdbTestServer({ maxAppendSize: MAX_APPEND_SIZE });
    return closingWith(await EsdbEventStore.open(server.url), () => server.stop());
  },
  async cleanup() {},
};

t.test('contract: EventStoreDB test double', async (t) => eventStoreContract(t, doubleFixture));

const realUrl = process.env.EVENT_STORE_URL;
if (realUrl?.startsWith('esdb://')) {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const realFixture: StoreFixture = {
    name: 'EventStoreDB',
    concurrentTransactions: true,
    open: () => EsdbEventStore.open(realUrl, { streamPrefix: `test-${run}-${n++}-` }),
    async cleanup() {},
  };
  t.test(`contract: EventStoreDB at ${realUrl.replace(/\/\/[^@]*@/, '//…@')}`, async (t) => eventStoreContract(t, realFixture));
}

/** A double, a store on it, and a raw client for looking behind the adapter. */
async function withDouble(t: Test, fn: (store: EsdbEventStore, server: EsdbTestServer, client: EventStoreDBClient) => Promise<void>, options: Parameters<typeof startEsdbTestServer>[0] = {}) {
  const server = await startEsdbTestServer({ maxAppendSize: MAX_APPEND_SIZE, ...options });
  const store = await EsdbEventStore.open(server.url);
  const client = EventStoreDBClient.connectionString(server.url);
  t.teardown(async () => {
    await store.close();
    await client.dispose();
    await server.stop();
  });
  await fn(store, server, client);
}

t.test('system events in $all are not returned by readAll or a subscription', (t) =>
  withDouble(t, async (store, server, client) => {
    await store.append('case-sys', events(2), { expectedRevision: 'no_stream' });
    await client.setStreamMetadata('case-sys', { maxAge: 86_400 }); // EventStoreDB writes a $metadata event to $$case-sys
    server.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
    await store.append('case-sys', events(2), { expectedRevision: 1 });

    const raw: string[] = [];
    for await (const r of client.readAll()) raw.push(r.event!.type);
    t.ok(raw.includes('$metadata') && raw.includes('$statsCollected') && raw.includes('$settings'), `$all holds system events: ${raw.join(', ')}`);

    const all = await store.readAll();
    t.same(all.map((e) => [e.streamId, e.revision]), [0, 1, 2, 3].map((r) => ['case-sys', r]), 'readAll: only the four case events');
    const paged = [...(await store.readAll({ limit: 1 })), ...(await store.readAll({ fromPosition: all[0]!.position, limit: 1 }))];
    t.same(paged.map((e) => e.revision), [0, 1], 'a page of one skips the system events between them');

    const seen: RecordedEvent[] = [];
    const sub = store.subscribeToAll();
    for await (const e of sub) {
      seen.push(e);
      if (seen.length === 2) server.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected'); // while live
      if (seen.length === 4) {
        await store.append('case-sys', events(1), { expectedRevision: 3 });
      }
      if (seen.length === 5) break;
    }
    await sub.stop();
    t.same(seen.map((e) => e.type), Array(5).fill('ThingHappened'), 'the subscription, catching up and live, yields no system event');
  }),
);

t.test('a subscription resumes after the commit position it was given', (t) =>
  withDouble(t, async (store, _server, client) => {
    await store.append('case-resume-a', events(3), { expectedRevision: 'no_stream' });
    await store.append('case-resume-b', events(3), { expectedRevision: 'no_stream' });
    const all = await store.readAll();
    const commitPositions: bigint[] = [];
    for await (const r of client.readAll()) if (!r.event!.type.startsWith('$')) commitPositions.push(r.event!.position!.commit);
    t.same(all.map((e) => e.position), commitPositions, 'positions are EventStoreDB commit positions');

    const checkpoint = all[3]!.position;
    const sub = store.subscribeToAll({ fromPosition: checkpoint });
    const seen: RecordedEvent[] = [];
    for await (const e of sub) {
      seen.push(e);
      if (seen.length === 2) await store.append('case-resume-a', events(1), { expectedRevision: 2 });
      if (seen.length === 3) break;
    }
    await sub.stop();
    t.same(seen.map((e) => `${e.streamId}@${e.revision}`), ['case-resume-b@1', 'case-resume-b@2', 'case-resume-a@3'], 'the event at the checkpoint is not repeated; live events follow');
    t.ok(seen.every((e, i) => e.position > (i === 0 ? checkpoint : seen[i - 1]!.position)));
  }),
);

t.test('stop() ends an iteration that is waiting for the next event, and close() ends the ones left open', (t) =>
  withDouble(t, async (store) => {
    await store.append('case-wait', events(1), { expectedRevision: 'no_stream' });
    const waiting = (sub: ReturnType<EventStore['subscribeToAll']>) =>
      (async () => {
        let n = 0;
        for await (const _ of sub) n++;
        return n;
      })();
    const stopped = store.subscribeToAll();
    const first = waiting(stopped);
    const leftOpen = waiting(store.subscribeToAll());
    await new Promise((r) => setTimeout(r, 50));
    await stopped.stop();
    t.equal(await first, 1, 'the loop ends after the one event');
    await store.close();
    t.equal(await leftOpen, 1);
  }),
);

t.test('another process retrying a batch whose reply was lost gets the first result, and the chain continues', (t) =>
  withDouble(t, async (store, server) => {
    const batch = events(2);
    const first = await store.append('case-lost', batch, { expectedRevision: 'no_stream' });
    const other = await EsdbEventStore.open(server.url); // knows nothing of case-lost yet
    t.teardown(() => other.close());
    t.same(await other.append('case-lost', batch, { expectedRevision: 'no_stream' }), { ...first, duplicate: true });
    t.same(await other.append('case-lost', batch, { expectedRevision: 'any' }), { ...first, duplicate: true });
    await other.append('case-lost', events(1), { expectedRevision: 'any' });
    await store.append('case-lost', events(1), { expectedRevision: 'any' });
    const stream = await store.read('case-lost');
    t.equal(stream.length, 4);
    t.ok(verifyChain(stream).ok, 'each process chained onto the hash the server holds');
  }),
);

t.test('an append over the server’s maximum append size is refused as InvalidAppend', (t) =>
  withDouble(
    t,
    async (store) => {
      await t.rejects(store.append('case-huge', [anEvent('Huge', { blob: 'x'.repeat(1_100_000) })]), InvalidAppend);
      await t.rejects(store.read('case-huge'), { name: 'StreamNotFound' });
    },
    { maxAppendSize: 1_048_576 },
  ),
);

t.test('appends through Streams.Append when the server does not offer BatchAppend', (t) =>
  withDouble(
    t,
    async (store) => {
      const batch = events(3);
      const r = await store.append('case-append', batch, { expectedRevision: 'no_stream' });
      await t.rejects(store.append('case-append', events(1), { expectedRevision: 0 }), { name: 'WrongExpectedRevision', actual: 2 });
      t.same(await store.append('case-append', batch, { expectedRevision: 'no_stream' }), { ...r, duplicate: true });
      t.ok(verifyChain(await store.read('case-append')).ok);
    },
    { batchAppend: false },
  ),
);

t.test('openEventStore routes esdb:// URLs to EventStoreDB', async (t) => {
  const server = await startEsdbTestServer();
  t.teardown(() => server.stop());
  const store = await openEventStore({ url: server.url });
  t.teardown(() => store.close());
  t.ok(store instanceof EsdbEventStore);
  await store.append('case-url', events(1), { expectedRevision: 'no_stream' });
  t.equal((await store.read('case-url')).length, 1);
});

t.test('a server that does not answer is EventStoreUnavailable', async (t) => {
  const server = await startEsdbTestServer();
  await server.stop();
  await t.rejects(EsdbEventStore.open(server.url), EventStoreUnavailable);
});

t.test('events with a caller’s upper-case uuid are stored under the same id', (t) =>
  withDouble(t, async (store) => {
    const id = randomUUID();
    await store.append('case-case', [anEvent('X', {}, { id: id.toUpperCase() })], { expectedRevision: 'no_stream' });
    const again = await store.append('case-case', [anEvent('X', {}, { id })], { expectedRevision: 'no_stream' });
    t.equal(again.duplicate, true);
    t.equal((await store.read('case-case'))[0]!.id, id);
  }),
);
