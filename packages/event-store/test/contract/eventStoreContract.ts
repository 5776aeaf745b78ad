import type { Test } from 'tap';
import { DuplicateEventId, InvalidAppend, StreamNotFound, verifyChain, WrongExpectedRevision, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { anEvent, events, type StoreFixture } from './fixtures.js';

/** The store's events once `count` of them are readable: a transaction open elsewhere on the server (another test file's) holds readAll back a moment. */
async function readAllOf(store: EventStore, count: number): Promise<RecordedEvent[]> {
  for (let tries = 0; ; tries++) {
    const all = await store.readAll({ limit: count + 100 });
    if (all.length >= count) return all;
    if (tries >= 400) throw new Error(`only ${all.length} of ${count} events became readable`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The one contract every event store adapter must pass (DESIGN.md § Event store contract).
 * Each adapter's test file calls this with its fixture.
 */
export function eventStoreContract(t: Test, fixture: StoreFixture): void {
  /** A contract test on a fresh store; `skip` names why an adapter cannot take part (reported by tap). */
  const withStore = (name: string, fn: (t: Test, store: EventStore) => Promise<void>, skip?: string | false) =>
    t.test(name, skip ? { skip } : {}, async (t) => {
      const store = await fixture.open();
      try {
        await fn(t, store);
      } finally {
        await store.close();
      }
    });

  withStore('appends to a new stream and reads back what was written, chained', async (t, store) => {
    const batch = events(3);
    const r = await store.append('case-a', batch, { expectedRevision: 'no_stream' });
    t.equal(r.nextExpectedRevision, 2);
    t.equal(r.duplicate, false);
    const read = await store.read('case-a');
    t.same(read.map((e) => [e.id, e.revision, e.type, e.data]), batch.map((e, i) => [e.id, i, e.type, e.data]));
    t.equal(read[2]!.position, r.position, 'the reported position is the last event’s');
    t.match(read[0]!.metadata, { actor: 'cw-li', agency: 'demo', role: 'caseworker', causationId: null, prevHash: '0'.repeat(64) });
    t.match(read[0]!.metadata.recordedAt, /^\d{4}-\d{2}-\d{2}T/);
    t.equal(read[1]!.metadata.prevHash, read[0]!.metadata.hash, 'each event links to the one before');
    t.same(verifyChain(read), { ok: true, events: 3, lastHash: read[2]!.metadata.hash });
  });

  withStore('the events an append hands back, if any, are what a read returns', async (t, store) => {
    const results = [
      await store.append('case-handed', [anEvent('Opened', { 名: '王小明', n: [1.5, -0, 1e21], gone: undefined })], { expectedRevision: 'no_stream' }),
      await store.append('case-handed', events(3), { expectedRevision: 0 }),
      await store.append('case-handed', events(1), { expectedRevision: 'any' }),
    ];
    const read = await store.read('case-handed');
    let from = 0;
    for (const r of results) {
      const appended = read.filter((e) => e.revision >= from && e.revision <= r.nextExpectedRevision);
      if (r.events) t.strictSame(r.events, appended, `revisions ${from}–${r.nextExpectedRevision}`);
      from = r.nextExpectedRevision + 1;
    }
    t.equal(from, read.length);
  });

  withStore('refuses a stale or impossible expected revision with WrongExpectedRevision', async (t, store) => {
    await store.append('case-b', events(2), { expectedRevision: 'no_stream' });
    await t.rejects(store.append('case-b', events(1), { expectedRevision: 'no_stream' }), { name: 'WrongExpectedRevision', streamId: 'case-b', expected: 'no_stream', actual: 1 });
    await t.rejects(store.append('case-b', events(1), { expectedRevision: 0 }), { name: 'WrongExpectedRevision', expected: 0, actual: 1 });
    await t.rejects(store.append('case-b', events(1), { expectedRevision: 5 }), { name: 'WrongExpectedRevision', expected: 5, actual: 1 });
    await t.rejects(store.append('case-none', events(1), { expectedRevision: 0 }), { name: 'WrongExpectedRevision', expected: 0, actual: 'no_stream' });
    const ok = await store.append('case-b', events(1), { expectedRevision: 1 });
    t.equal(ok.nextExpectedRevision, 2);
    const any = await store.append('case-b', events(2), { expectedRevision: 'any' });
    t.equal(any.nextExpectedRevision, 4);
    t.equal((await store.read('case-b')).length, 5, 'nothing of the refused appends was written');
  });

  withStore('32 writers race for one revision: exactly one wins, 31 get WrongExpectedRevision', async (t, store) => {
    await store.append('case-race', events(1), { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled(Array.from({ length: 32 }, () => store.append('case-race', events(1), { expectedRevision: 0 })));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    t.equal(refused.length, 31);
    t.ok(refused.every((r) => r.reason instanceof WrongExpectedRevision && r.reason.actual === 1));
    t.equal((await store.read('case-race')).length, 2);
  });

  withStore('64 appends to different streams at once, among them a conflict, a retry and a stale tail: each gets its own answer', async (t, store) => {
    // Where an adapter writes concurrent appends together (group commit), one append's refusal must
    // not take the others with it, and each must get back exactly its own events.
    await store.append('case-taken', events(1), { expectedRevision: 'no_stream' });
    const retried = events(2);
    const first = await store.append('case-retried', retried, { expectedRevision: 'no_stream' });
    await store.append('case-behind', events(1), { expectedRevision: 'no_stream' });
    await store.append('case-behind', events(1), { expectedRevision: 0 });
    const fresh = Array.from({ length: 60 }, (_, i) => ({ streamId: `case-new-${i}`, batch: events(1 + (i % 3)) }));
    const [taken, again, stale, behind, ...rest] = await Promise.allSettled([
      store.append('case-taken', events(1), { expectedRevision: 'no_stream' }),
      store.append('case-retried', retried, { expectedRevision: 'no_stream' }),
      store.append('case-behind', events(1), { expectedRevision: 0 }),
      store.append('case-behind', events(2), { expectedRevision: 'any' }),
      ...fresh.map(({ streamId, batch }) => store.append(streamId, batch, { expectedRevision: 'no_stream' })),
    ]);
    t.match(taken, { status: 'rejected', reason: { name: 'WrongExpectedRevision', expected: 'no_stream', actual: 0 } }, 'the conflict is refused alone');
    t.match(again, { status: 'fulfilled', value: { duplicate: true, nextExpectedRevision: 1, position: first.position } }, 'the retry is a duplicate');
    t.match(stale, { status: 'rejected', reason: { name: 'WrongExpectedRevision', expected: 0 } }, 'a stale revision is refused');
    t.match(behind, { status: 'fulfilled', value: { duplicate: false } }, "'any' lands after whatever is there");
    t.equal((await store.read('case-behind')).length, 4);
    t.ok(verifyChain(await store.read('case-behind')).ok);
    const positions = new Set<bigint>();
    for (const [i, r] of rest.entries()) {
      const { streamId, batch } = fresh[i]!;
      if (r.status !== 'fulfilled') {
        t.fail(`${streamId}: ${String(r.reason)}`);
        continue;
      }
      const read = await store.read(streamId);
      t.same(read.map((e) => [e.id, e.revision, e.data]), batch.map((e, k) => [e.id, k, e.data]), `${streamId}: its own events, in order`);
      t.equal(r.value.nextExpectedRevision, batch.length - 1);
      t.equal(r.value.position, read[read.length - 1]!.position);
      if (r.value.events) t.strictSame(r.value.events, read, `${streamId}: the events handed back are those stored`);
      t.ok(verifyChain(read).ok);
      for (const e of read) positions.add(e.position);
    }
    t.equal(positions.size, fresh.reduce((n, f) => n + f.batch.length, 0), 'every event its own position');
    t.equal((await store.read('case-taken')).length, 1, 'nothing of the refused append was written');
  });

  withStore('32 concurrent writers with retries: every event stored once, revisions without holes', async (t, store) => {
    const perWriter = 5;
    let conflicts = 0;
    const written: string[] = [];
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < perWriter; ) {
          const e = anEvent('Written', { writer: w, i });
          let expected: number | 'no_stream';
          try {
            const current = await store.read('case-busy', { direction: 'backwards', limit: 1 });
            expected = current[0]!.revision;
          } catch (err) {
            if (!(err instanceof StreamNotFound)) throw err;
            expected = 'no_stream';
          }
          try {
            await store.append('case-busy', [e], { expectedRevision: expected });
            written.push(e.id);
            i++;
          } catch (err) {
            if (!(err instanceof WrongExpectedRevision)) throw err;
            conflicts++;
          }
        }
      }),
    );
    const stream = await store.read('case-busy');
    t.equal(stream.length, 32 * perWriter, 'nothing lost');
    t.same(stream.map((e) => e.revision), stream.map((_, i) => i), 'revisions 0…n-1, each once');
    t.same(new Set(stream.map((e) => e.id)), new Set(written), 'exactly the acknowledged events, none doubled');
    if (fixture.concurrentTransactions) t.ok(conflicts > 0, `writers really raced (${conflicts} conflicts)`);
    t.ok(verifyChain(stream).ok, 'the chain holds under contention');
  });

  withStore('a retry with the same event ids after a lost reply appends nothing and succeeds', async (t, store) => {
    const batch = events(2);
    const first = await store.append('case-retry', batch, { expectedRevision: 'no_stream' });
    const again = await store.append('case-retry', batch, { expectedRevision: 'no_stream' });
    const { events: _appended, ...firstResult } = first;
    t.same(again, { ...firstResult, duplicate: true });
    const anyAgain = await store.append('case-retry', batch, { expectedRevision: 'any' });
    t.equal(anyAgain.duplicate, true);
    await store.append('case-retry', events(1), { expectedRevision: 1 });
    const late = await store.append('case-retry', batch, { expectedRevision: 'no_stream' });
    t.equal(late.duplicate, true, 'still recognised after later appends');
    t.equal((await store.read('case-retry')).length, 3);
    await t.rejects(store.append('case-retry', [batch[0]!, anEvent()], { expectedRevision: 2 }), DuplicateEventId, 'a batch reusing only some ids is refused');
    await t.rejects(store.append('case-other', [batch[1]!], { expectedRevision: 'no_stream' }), DuplicateEventId, 'an id from another stream is refused');
  });

  withStore('reads a stream forwards, backwards, from a revision and with a limit', async (t, store) => {
    await store.append('case-order', events(10), { expectedRevision: 'no_stream' });
    const revs = (es: RecordedEvent[]) => es.map((e) => e.revision);
    t.same(revs(await store.read('case-order')), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    t.same(revs(await store.read('case-order', { from: 7 })), [7, 8, 9]);
    t.same(await store.read('case-order', { from: 7 }), (await store.read('case-order')).slice(7), 'each event read from a revision as it is read whole: data and metadata too');
    t.same(revs(await store.read('case-order', { from: 2, limit: 3 })), [2, 3, 4]);
    t.same(revs(await store.read('case-order', { direction: 'backwards', limit: 3 })), [9, 8, 7]);
    t.same(revs(await store.read('case-order', { direction: 'backwards', from: 4, limit: 2 })), [4, 3]);
    t.same(revs(await store.read('case-order', { from: 10 })), [], 'caught up: nothing after the last revision');
    t.same(revs(await store.read('case-order', { from: 12 })), [], 'past the end');
    t.same(revs(await store.read('case-order', { from: 1, limit: 1 })), [1], 'a limit counts the events answered');
    t.same(revs(await store.read('case-order', { from: 9, limit: 5 })), [9]);
    await t.rejects(store.read('case-missing'), { name: 'StreamNotFound', streamId: 'case-missing' });
    await t.rejects(store.read('case-missing', { from: 3 }), { name: 'StreamNotFound', streamId: 'case-missing' }, 'from a revision too');
    await store.append('case-order', events(1), { expectedRevision: 9 });
    t.same(revs(await store.read('case-order', { from: 10 })), [10], 'a reader catching up sees what was appended since');
    t.same(await store.read('case-order', { from: 9 }), (await store.read('case-order')).slice(9), 'and the event it read before, as it was');
  });

  withStore('readAll pages through every stream in strictly increasing positions, each event once', async (t, store) => {
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, s) => {
        for (let i = 0; i < 5; i++) {
          const batch = events(1 + (i % 3));
          ids.push(...batch.map((e) => e.id));
          await store.append(`case-all-${s}`, batch);
        }
      }),
    );
    const seen: RecordedEvent[] = [];
    let from: bigint | undefined;
    // an empty page before the end: a transaction open elsewhere on the server holds the read back a moment
    for (let idle = 0; seen.length < ids.length && idle < 400; ) {
      const page = await store.readAll({ ...(from === undefined ? {} : { fromPosition: from }), limit: 7 });
      if (page.length === 0) {
        idle++;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      seen.push(...page);
      from = page[page.length - 1]!.position;
    }
    t.same(await store.readAll({ fromPosition: from!, limit: 7 }), [], 'nothing after the last');
    t.equal(seen.length, ids.length, 'complete');
    t.same(new Set(seen.map((e) => e.id)), new Set(ids));
    t.ok(seen.every((e, i) => i === 0 || e.position > seen[i - 1]!.position), 'strictly increasing');
    for (let s = 0; s < 10; s++) {
      const revisions = seen.filter((e) => e.streamId === `case-all-${s}`).map((e) => e.revision);
      t.same(revisions, revisions.map((_, i) => i), `case-all-${s} in stream order`);
    }
  });

  withStore('a subscription stopped and resumed from its checkpoint sees every event exactly once, then follows live', async (t, store) => {
    await store.append('case-sub', events(20), { expectedRevision: 'no_stream' });
    const seen: RecordedEvent[] = [];
    let checkpoint: bigint | undefined;
    const first = store.subscribeToAll({ batchSize: 6 });
    for await (const e of first) {
      seen.push(e);
      checkpoint = e.position;
      if (seen.length === 13) break;
    }
    await first.stop();
    await store.append('case-sub', events(5), { expectedRevision: 19 });
    const resumed = store.subscribeToAll({ fromPosition: checkpoint!, batchSize: 6 });
    const live = (async () => {
      for await (const e of resumed) {
        seen.push(e);
        if (seen.length === 30) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await store.append('case-sub', events(5), { expectedRevision: 24 }); // appended while the subscription is live
    await live;
    await resumed.stop();
    t.equal(seen.length, 30);
    t.same(seen.map((e) => e.revision), Array.from({ length: 30 }, (_, i) => i), 'every event once, in order');
  });

  withStore('an append held open while later appends commit is not skipped by readers', async (t, store) => {
    if (!fixture.holdOpenAppend) throw new Error('unreachable: skipped at registration');
    await store.append('case-gap-before', events(1), { expectedRevision: 'no_stream' });
    // any transaction open on the server (another test file's) holds readAll back a moment: wait for the first event
    let [start] = await store.readAll({ limit: 1 });
    for (let tries = 0; !start && tries < 400; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      [start] = await store.readAll({ limit: 1 });
    }
    if (!start) throw new Error('the first event never became readable');
    const held = anEvent('HeldOpen');
    const holder = await fixture.holdOpenAppend(store, 'case-gap-held', [held]);
    // a failure below must not leave the transaction open: it would hold every reader and the schema's cleanup forever
    t.teardown(() => holder.commit());
    const later = [anEvent('Later'), anEvent('Later'), anEvent('Later')];
    const seen: RecordedEvent[] = [];
    let checkpoint = start.position;
    const readOnce = async () => {
      const page = await store.readAll({ fromPosition: checkpoint, limit: 100 });
      seen.push(...page);
      if (page.length) checkpoint = page[page.length - 1]!.position;
    };
    if (fixture.concurrentTransactions) {
      for (const [i, e] of later.entries()) await store.append(`case-gap-later-${i}`, [e], { expectedRevision: 'no_stream' });
      await readOnce(); // a reader polls while the held transaction is still open
      t.notOk(seen.some((e) => e.type === 'HeldOpen'), 'the held event is not visible yet');
      // what the reader cannot have yet is still its lag: the later events committed, and are counted
      t.match(await store.backlog({ fromPosition: checkpoint }), { events: 3 }, 'the backlog counts the committed events readAll holds back');
      await holder.commit();
      await holder.done;
    } else {
      const pending = later.map((e, i) => store.append(`case-gap-later-${i}`, [e], { expectedRevision: 'no_stream' }));
      const reading = readOnce();
      await holder.commit();
      await Promise.all([holder.done, ...pending, reading]);
    }
    await readOnce();
    await readOnce();
    t.same(seen.map((e) => e.id).sort(), [held.id, ...later.map((e) => e.id)].sort(), 'the late-committing event is read, and every event once');
  }, !fixture.holdOpenAppend && 'the adapter has no transaction to hold open');

  withStore('the backlog after a position: how many events are stored past it, and when the first was recorded', async (t, store) => {
    t.same(await store.backlog(), { events: 0, oldestRecordedAt: null }, 'an empty store');
    await store.append('case-backlog-a', events(4), { expectedRevision: 'no_stream' });
    await store.append('case-backlog-b', events(3), { expectedRevision: 'no_stream' });
    const all = await readAllOf(store, 7);
    t.same(await store.backlog(), { events: 7, oldestRecordedAt: all[0]!.metadata.recordedAt });
    t.same(await store.backlog({ fromPosition: all[3]!.position }), { events: 3, oldestRecordedAt: all[4]!.metadata.recordedAt });
    t.same(await store.backlog({ fromPosition: all[3]!.position, limit: 2 }), { events: 2, oldestRecordedAt: all[4]!.metadata.recordedAt }, 'counted up to the limit');
    t.same(await store.backlog({ fromPosition: all[6]!.position }), { events: 0, oldestRecordedAt: null }, 'caught up');
    t.same(await store.backlog({ limit: 0 }), { events: 0, oldestRecordedAt: null }, 'a limit of none counts none');
  });

  withStore('a 1 MB event and Chinese text round-trip exactly', async (t, store) => {
    const big = { text: '政府信息公开申请 — 依申请公开 “引号” \\ 反斜杠 \n 换行 😀', blob: 'あ中文ü'.repeat(150_000), nested: { 数字: 1.5, 列表: [1, '二', { 三: null }], bool: false } };
    t.ok(Buffer.byteLength(JSON.stringify(big)) > 1_000_000, 'over 1 MB of UTF-8');
    const e = anEvent('LargeDocumentAttached', big);
    await store.append('case-big', [e], { expectedRevision: 'no_stream' });
    const [read] = await store.read('case-big');
    t.equal(JSON.stringify(read!.data), JSON.stringify(big), 'byte-exact');
    t.ok(verifyChain([read!]).ok);
  });

  withStore('refuses malformed appends', async (t, store) => {
    await t.rejects(store.append('case-bad', []), InvalidAppend);
    await t.rejects(store.append('case-bad', [anEvent('X', {}, { id: 'not-a-uuid' })]), InvalidAppend);
    await t.rejects(store.read('case-bad'), StreamNotFound, 'and wrote nothing');
  });

  withStore('an event edited behind the store’s back is named by chain verification', async (t, store) => {
    if (!fixture.tamper) throw new Error('unreachable: skipped at registration');
    await store.append('case-tamper', events(5), { expectedRevision: 'no_stream' });
    t.ok(verifyChain(await store.read('case-tamper')).ok);
    await fixture.tamper(store, 'case-tamper', 3);
    const result = verifyChain(await store.read('case-tamper'));
    t.match(result, { ok: false, firstBad: { revision: 3, reason: 'hash-mismatch' } });
    t.equal(verifyChain(await store.read('case-a-clean').catch(() => [])).ok, true);
  }, !fixture.tamper && 'the adapter cannot be edited behind its back');
}
