import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { startEsdbTestServer, type EsdbTestServerOptions } from '../src/index.js';

/** The double as the official client sees it: every check goes through `@eventstore/db-client` over gRPC. */

async function withClient(t: Test, fn: (client: EventStoreDBClient, server: Awaited<ReturnType<typeof startEsdbTestServer>>) => Promise<void>, options: EsdbTestServerOptions = {}) {
  const server = await startEsdbTestServer(options);
  const client = EventStoreDBClient.connectionString(server.url);
  t.teardown(async () => {
    await client.dispose();
    await server.stop();
  });
  await fn(client, server);
}

const event = (id = randomUUID(), type = 'Thing') => jsonEvent({ id, type, data: { n: 1 } });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const wrongVersion = async (t: Test, p: Promise<unknown>, actual: bigint | 'no_stream') => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof WrongExpectedVersionError, 'WrongExpectedVersionError');
  t.equal((error as WrongExpectedVersionError).actualVersion, actual, `actual ${String(actual)}`);
};

for (const batchAppend of [true, false]) {
  t.test(`appends through Streams.${batchAppend ? 'BatchAppend' : 'Append'}: expected revisions as EventStoreDB checks them`, (t) =>
    withClient(
      t,
      async (client) => {
        const ids = [randomUUID(), randomUUID()];
        const first = await client.appendToStream('s', ids.map((id) => event(id)), { expectedRevision: NO_STREAM });
        t.equal(first.nextExpectedRevision, 1n);
        await wrongVersion(t, client.appendToStream('s', event(), { expectedRevision: NO_STREAM }), 1n);
        await wrongVersion(t, client.appendToStream('s', event(), { expectedRevision: 0n }), 1n);
        await wrongVersion(t, client.appendToStream('s', event(), { expectedRevision: 7n }), 1n);
        await wrongVersion(t, client.appendToStream('none', event(), { expectedRevision: 0n }), 'no_stream');
        await wrongVersion(t, client.appendToStream('none', event(), { expectedRevision: STREAM_EXISTS }), 'no_stream');
        t.equal((await client.appendToStream('s', event(), { expectedRevision: 1n })).nextExpectedRevision, 2n);
        t.equal((await client.appendToStream('s', event(), { expectedRevision: ANY })).nextExpectedRevision, 3n);
        t.equal((await client.appendToStream('s', event(), { expectedRevision: STREAM_EXISTS })).nextExpectedRevision, 4n);
        t.equal((await collect(client.readStream('s'))).length, 5, 'refused appends wrote nothing');
      },
      { batchAppend },
    ),
  );

  t.test(`appends through Streams.${batchAppend ? 'BatchAppend' : 'Append'}: a retry with the same ids is idempotent`, (t) =>
    withClient(
      t,
      async (client) => {
        const ids = [randomUUID(), randomUUID()];
        const first = await client.appendToStream('r', ids.map((id) => event(id)), { expectedRevision: NO_STREAM });
        await client.appendToStream('r', event(), { expectedRevision: 1n });
        t.same(await client.appendToStream('r', ids.map((id) => event(id)), { expectedRevision: NO_STREAM }), first, 'same expected revision: the original result, even after later appends');
        t.same(await client.appendToStream('r', ids.map((id) => event(id)), { expectedRevision: ANY }), first, 'any: recognised by the ids');
        await wrongVersion(t, client.appendToStream('r', [event(ids[0]), event()], { expectedRevision: ANY }), 2n);
        await wrongVersion(t, client.appendToStream('r', [event(ids[0]), event()], { expectedRevision: NO_STREAM }), 2n);
        const written = await client.appendToStream('r', ids.map((id) => event(id)), { expectedRevision: 2n });
        t.equal(written.nextExpectedRevision, 4n, 'the same ids at the current revision are written again, as EventStoreDB does');
        t.equal((await collect(client.readStream('r'))).length, 5);
      },
      { batchAppend },
    ),
  );
}

t.test('positions grow with every event; an append reports its last event’s position', (t) =>
  withClient(t, async (client) => {
    const a = await client.appendToStream('a', [event(), event(), event()]);
    const b = await client.appendToStream('b', event());
    const all = await collect(client.readAll());
    const positions = all.map((r) => r.event!.position!.commit);
    t.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]!), 'strictly increasing');
    t.ok(all.every((r) => r.event!.position!.commit === r.event!.position!.prepare), 'commit = prepare for events of one gRPC append');
    t.same(a.position, all[3]!.event!.position);
    t.same(b.position, all[4]!.event!.position);
    const [last] = await collect(client.readStream('a', { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
    t.same(last!.event!.position, a.position, 'stream reads carry the $all position (EventStoreDB 22.10+)');
  }),
);

t.test('stream reads: forwards, backwards, from a revision, a count, and a stream that does not exist', (t) =>
  withClient(t, async (client) => {
    await client.appendToStream('o', Array.from({ length: 10 }, () => event()));
    const revs = (rs: ResolvedEvent[]) => rs.map((r) => Number(r.event!.revision));
    t.same(revs(await collect(client.readStream('o', { fromRevision: 7n }))), [7, 8, 9]);
    t.same(revs(await collect(client.readStream('o', { fromRevision: 2n, maxCount: 3 }))), [2, 3, 4]);
    t.same(revs(await collect(client.readStream('o', { direction: BACKWARDS, fromRevision: END, maxCount: 3 }))), [9, 8, 7]);
    t.same(revs(await collect(client.readStream('o', { direction: BACKWARDS, fromRevision: 4n, maxCount: 2 }))), [4, 3]);
    t.same(revs(await collect(client.readStream('o', { fromRevision: 10n }))), []);
    await t.rejects(collect(client.readStream('missing')), { message: /not found/ });
  }),
);

t.test('$all: starts with a system event; reads forwards from a position inclusively, backwards exclusively', (t) =>
  withClient(t, async (client) => {
    await client.appendToStream('x', [event(), event(), event()]);
    const all = await collect(client.readAll());
    t.same(all.map((r) => r.event!.type), ['$settings', 'Thing', 'Thing', 'Thing']);
    const p = all[2]!.event!.position!;
    t.same((await collect(client.readAll({ fromPosition: p }))).map((r) => r.event!.position), [all[2], all[3]].map((r) => r!.event!.position));
    t.same((await collect(client.readAll({ fromPosition: p, direction: BACKWARDS }))).map((r) => r.event!.position), [all[1], all[0]].map((r) => r!.event!.position));
    t.same((await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })))[0]!.event!.position, all[3]!.event!.position);
  }),
);

t.test('subscriptions to $all: confirmation, catch-up after the position, caught-up, then live; filters and checkpoints', (t) =>
  withClient(
    t,
    async (client, server) => {
      await client.appendToStream('s1', [event(), event(), event()]);
      const [, firstUser] = await collect(client.readAll({ maxCount: 2 }));
      const checkpoints: bigint[] = [];
      const sub = client.subscribeToAll({
        fromPosition: firstUser!.event!.position!,
        filter: excludeSystemEvents({ checkpointInterval: 1, maxSearchWindow: 2, checkpointReached: (_s, p) => void checkpoints.push(p.commit) }),
      });
      const signals: string[] = [];
      sub.on('confirmation', () => signals.push('confirmation'));
      sub.on('caughtUp', () => signals.push('caughtUp'));
      const seen: string[] = [];
      for await (const r of sub) {
        seen.push(`${r.event!.streamId}@${r.event!.revision}`);
        if (seen.length === 2) {
          server.writeSystemEvent('$stats-test', '$statsCollected');
          await client.appendToStream('s2', event());
        }
        if (seen.length === 3) break;
      }
      await sub.unsubscribe();
      t.same(seen, ['s1@1', 's1@2', 's2@0'], 'after the position, without the system event written live');
      t.same(signals, ['confirmation', 'caughtUp']);
      t.ok(checkpoints.length >= 1 && checkpoints.every((c, i) => i === 0 || c > checkpoints[i - 1]!), `checkpoints every two scanned events: ${checkpoints.join(', ')}`);
    },
    { statsPeriodMs: 0 },
  ),
);

t.test('refuses appends over the maximum append size and ids that are not uuids', (t) =>
  withClient(
    t,
    async (client) => {
      const error = await client.appendToStream('big', jsonEvent({ type: 'Big', data: { s: 'x'.repeat(2000) } })).catch((e: unknown) => e);
      t.ok(error instanceof MaxAppendSizeExceededError && error.maxAppendSize === 1000, 'MaxAppendSizeExceededError');
      await t.rejects(client.appendToStream('bad', jsonEvent({ id: 'not-a-uuid', type: 'X', data: {} })));
      await t.rejects(collect(client.readStream('big')), { message: /not found/ });
      await t.rejects(collect(client.readStream('bad')), { message: /not found/ });
    },
    { maxAppendSize: 1000 },
  ),
);

t.test('stop() ends open subscriptions', async (t) => {
  const server = await startEsdbTestServer();
  const client = EventStoreDBClient.connectionString(server.url);
  t.teardown(() => client.dispose());
  const sub = client.subscribeToAll({ fromPosition: START });
  const ended = (async () => {
    try {
      for await (const _ of sub);
      return 'ended';
    } catch {
      return 'failed';
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  await server.stop();
  t.match(await ended, /ended|failed/);
});
