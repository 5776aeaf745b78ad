import t from 'tap';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { pgDatabase, pgSession, PostgresEventStore, sqlDatabaseOnSession, verifyChain, type EventStore, type NewEvent, type SqlDatabase } from '@disclosure/event-store';
import { anEvent, uniqueSchema } from '../contract/fixtures.js';

// The PostgreSQL adapter sends a single event as plain parameters, a batch as binary arrays, and
// whatever those cannot carry exactly as one JSON document (the one statement all appends used to
// take). Whichever way an event goes, what is stored — or the refusal — must be the same.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Client({ connectionString: url });
const schemas: string[] = [];
t.before(() => admin.connect());
t.teardown(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

async function openStore(db: SqlDatabase = pgDatabase({ connectionString: url, max: 4 })): Promise<{ store: EventStore; schema: string }> {
  const schema = uniqueSchema('es_stmt');
  schemas.push(schema);
  return { store: await PostgresEventStore.open(db, { schema }), schema };
}

/** The stored rows' text, exactly as the server keeps it. */
async function storedText(schema: string, streamId: string) {
  const { rows } = await admin.query<{ revision: number; position: string; event_id: string; type: string; version: number; data: string; metadata: string; hash: string }>(
    `SELECT revision, position::text, event_id::text, type, version, data::text, metadata::text, hash FROM ${schema}.events WHERE stream_id = $1 ORDER BY revision`,
    [streamId],
  );
  return rows;
}

const withData = (data: unknown, overrides: Partial<NewEvent> = {}): NewEvent => ({ ...anEvent('Odd'), data, ...overrides });

t.test('single events and batches store the exact JSON text, positions in order, a sound chain', async (t) => {
  const { store, schema } = await openStore();
  t.teardown(() => store.close());
  const big = { text: '政府信息公开申请 — 依申请公开 “引号” \\ 反斜杠 \n 换行 😀 \u007f \u2028', blob: 'あ中文ü'.repeat(50_000), n: [1.5, -0, 1e21, 2e-7] };
  const one = [withData(big)];
  const batch = [withData({ b: 1, a: [true, null, '\t\b\f'] }), withData('a top-level string, "quoted" \\ \u0001'), withData(42), withData([]), withData({ 键: '值' }, { type: 'Type with spaces & ünïcödé', version: 7 })];
  const r1 = await store.append('case-exact', one, { expectedRevision: 'no_stream' });
  const r2 = await store.append('case-exact', batch, { expectedRevision: 0 });
  t.equal(r2.nextExpectedRevision, 5);
  const rows = await storedText(schema, 'case-exact');
  const sent = [...one, ...batch];
  t.same(rows.map((r) => r.data), sent.map((e) => JSON.stringify(e.data)), 'data stored as JSON.stringify wrote it');
  t.same(rows.map((r) => [r.event_id, r.type, r.version]), sent.map((e) => [e.id, e.type, e.version]));
  const read = await store.read('case-exact');
  t.same(rows.map((r) => r.metadata), read.map((e) => JSON.stringify(e.metadata)), 'metadata stored as JSON.stringify wrote it');
  t.same(rows.map((r) => r.hash), read.map((e) => e.metadata.hash), 'the hash column is the metadata hash');
  t.ok(verifyChain(read).ok);
  const positions = rows.map((r) => BigInt(r.position));
  t.equal(positions[0], r1.position);
  t.equal(positions[5], r2.position, 'the batch reports its last position');
  t.ok(positions.slice(1).every((p, i) => p === positions[1]! + BigInt(i)), 'a batch takes consecutive positions');
  t.ok(positions[1]! > positions[0]!);
});

t.test('an append hands back its events exactly as a read of the stream returns them, with no read', async (t) => {
  const { store } = await openStore();
  t.teardown(() => store.close());
  const upper = randomUUID().toUpperCase();
  const one = [withData({ 名: '王小明', n: [1.5, -0, 1e21], gone: undefined, nested: { a: [true, null] } }, { id: upper })];
  const batch = [withData({ b: 1 }), withData('a top-level string'), withData(42, { type: 'Type with spaces & ünïcödé', version: 7 })];
  const r1 = await store.append('case-handed', one, { expectedRevision: 'no_stream' });
  const r2 = await store.append('case-handed', batch, { expectedRevision: 0 });
  const r3 = await store.append('case-handed', [withData({ last: true })], { expectedRevision: 'any' });
  const read = await store.read('case-handed');
  t.strictSame(r1.events, read.slice(0, 1), 'a single event: the id as the uuid column prints it, the data as parsed back from its JSON');
  t.strictSame(r2.events, read.slice(1, 4), 'a batch: revisions and consecutive positions');
  t.strictSame(r3.events, read.slice(4), 'after the tail was looked up');
  t.equal(r2.events![2]!.position, r2.position, 'the last one at the reported position');
  const again = await store.append('case-handed', batch, { expectedRevision: 0 });
  t.equal(again.duplicate, true);
  t.equal(again.events, undefined, 'a duplicate appended nothing, and hands back nothing');
});

t.test('a guard that fails or a taken revision is a conflict, whichever statement', async (t) => {
  const { store } = await openStore();
  t.teardown(() => store.close());
  await store.append('case-guard', [anEvent()], { expectedRevision: 'no_stream' });
  await t.rejects(store.append('case-guard', [anEvent(), anEvent()], { expectedRevision: 'no_stream' }), { name: 'WrongExpectedRevision', actual: 0 });
  await t.rejects(store.append('case-guard', [anEvent(), anEvent()], { expectedRevision: 3 }), { name: 'WrongExpectedRevision', actual: 0 });
  const other = await openStore();
  t.teardown(() => other.store.close());
  const batch = [anEvent(), anEvent()];
  await store.append('case-guard', batch, { expectedRevision: 0 });
  t.same((await store.append('case-guard', batch, { expectedRevision: 0 })).duplicate, true, 'a batch retried is a duplicate');
  await t.rejects(store.append('case-guard', [anEvent(), batch[1]!], { expectedRevision: 2 }), { name: 'DuplicateEventId' });
});

// What the one JSON statement did with odd input, found by running this file against it: the
// server refuses to de-escape \u0000 and lone surrogates anywhere in the document (22P05, 22P02),
// a JSON null or an absent value is an SQL NULL (23502), a fractional version is not an int (22P02).
const refusals: [string, () => NewEvent, string][] = [
  ['a NUL in data', () => withData({ s: 'a\u0000b' }), '22P05'],
  ['a NUL in metadata', () => withData({}, { metadata: { ...anEvent().metadata, actor: 'a\u0000' } }), '22P05'],
  ['a NUL in the type', () => withData({}, { type: 'T\u0000' }), '22P05'],
  ['a lone surrogate in data', () => withData({ s: 'x\ud800y' }), '22P02'],
  ['a lone surrogate in the type', () => withData({}, { type: 'T\udc00' }), '22P02'],
  ['null data', () => withData(null), '23502'],
  ['absent data', () => withData(undefined), '23502'],
  ['a fractional version', () => withData({}, { version: 1.5 }), '22P02'],
];

t.test('input the JSON statement refused is refused the same way, alone or in a batch', async (t) => {
  const { store, schema } = await openStore();
  t.teardown(() => store.close());
  for (const [name, make, code] of refusals) {
    for (const size of [1, 3]) {
      const batch = [make(), ...Array.from({ length: size - 1 }, () => anEvent())];
      await t.rejects(store.append(`case-refused-${randomUUID()}`, size === 1 ? batch : batch.reverse(), { expectedRevision: 'no_stream' }), { code }, `${name}, ${size} event(s)`);
    }
  }
  t.equal((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.events`)).rows[0].n, 0, 'nothing stored');
});

t.test('text that only looks like those escapes is stored exactly', async (t) => {
  const { store, schema } = await openStore();
  t.teardown(() => store.close());
  const looksOdd = [withData({ s: 'a literal \\u0000 and \\ud800' }), withData('\\udfff'), withData({ k: 1 }, { type: 'T \\u0000' })];
  for (const size of [1, 3]) {
    const streamId = `case-looks-${size}`;
    const batch = looksOdd.slice(0, size).map((e) => ({ ...e, id: randomUUID() }));
    await store.append(streamId, batch, { expectedRevision: 'no_stream' });
    const rows = await storedText(schema, streamId);
    t.same(rows.map((r) => [r.data, r.type]), batch.map((e) => [JSON.stringify(e.data), e.type]));
    t.ok(verifyChain(await store.read(streamId)).ok);
  }
});

t.test('on a session the caller holds: a batch commits with the caller, and a rolled-back tail is not chained onto', async (t) => {
  const { store, schema } = await openStore();
  t.teardown(() => store.close());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  const held = PostgresEventStore.attach(sqlDatabaseOnSession(pgSession(client)), { schema });
  await client.query('BEGIN');
  const batch = [anEvent(), anEvent(), anEvent()];
  const r = await held.append('case-held', batch, { expectedRevision: 'no_stream' });
  t.equal(r.nextExpectedRevision, 2);
  await t.rejects(store.read('case-held'), { name: 'StreamNotFound' }, 'not visible before the commit');
  await client.query('COMMIT');
  t.same((await store.read('case-held')).map((e) => e.id), batch.map((e) => e.id));
  await client.query('BEGIN');
  await held.append('case-held', [anEvent(), anEvent()], { expectedRevision: 2 });
  await client.query('ROLLBACK');
  await t.rejects(held.append('case-held', [anEvent(), anEvent()], { expectedRevision: 4 }), { name: 'WrongExpectedRevision', actual: 2 }, 'the remembered tail was rolled back: the guard refuses it');
  const after = await held.append('case-held', [anEvent(), anEvent()], { expectedRevision: 2 });
  t.equal(after.nextExpectedRevision, 4);
  t.ok(verifyChain(await store.read('case-held')).ok);
});

/** A database that counts the INSERT statements sent to the events table. */
function countingInserts(db: SqlDatabase): { db: SqlDatabase; inserts: () => number } {
  let n = 0;
  const counted: SqlDatabase = {
    ...db,
    query: (sql, params) => {
      if (/INSERT INTO \w+\.events/.test(sql)) n++;
      return db.query(sql, params);
    },
    execute: (script) => db.execute(script),
    transaction: (fn) => db.transaction(fn),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
  return { db: counted, inserts: () => n };
}

t.test('group commit: appends to different streams that arrive together share statements, and each is stored as if alone', async (t) => {
  const { db, inserts } = countingInserts(pgDatabase({ connectionString: url, max: 4 }));
  const { store, schema } = await openStore(db);
  t.teardown(() => store.close());
  const appends = Array.from({ length: 200 }, (_, i) => ({ streamId: `case-group-${i}`, batch: Array.from({ length: 1 + (i % 4) }, (_, k) => withData({ i, k, 名: '王小明' })) }));
  const results = await Promise.all(appends.map(({ streamId, batch }) => store.append(streamId, batch, { expectedRevision: 'no_stream' })));
  t.ok(inserts() < appends.length / 4, `200 appends in ${inserts()} statements`);
  const { rows } = await admin.query<{ stream_id: string; n: number; xids: number }>(`SELECT stream_id, count(*)::int AS n, count(DISTINCT position >> 16)::int AS xids FROM ${schema}.events GROUP BY stream_id`);
  t.equal(rows.length, 200);
  t.ok(rows.every((r) => r.xids === 1), 'each append in one transaction');
  t.ok(new Set((await admin.query<{ x: string }>(`SELECT DISTINCT (position >> 16)::text AS x FROM ${schema}.events`)).rows.map((r) => r.x)).size < 50, 'fewer transactions than appends');
  for (const [i, { streamId, batch }] of appends.entries()) {
    const stored = await storedText(schema, streamId);
    t.same(stored.map((r) => [r.event_id, r.revision, r.data]), batch.map((e, k) => [e.id, k, JSON.stringify(e.data)]), `${streamId} exactly`);
    t.strictSame(results[i]!.events, await store.read(streamId), `${streamId}: handed back as read`);
  }
  // the next appends on the same streams: the tails remembered from the group
  const next = await Promise.all(appends.map(({ streamId, batch }) => store.append(streamId, [withData({ next: true })], { expectedRevision: batch.length - 1 })));
  t.ok(next.every((r, i) => r.nextExpectedRevision === appends[i]!.batch.length));
  for (const { streamId } of appends.slice(0, 20)) t.ok(verifyChain(await store.read(streamId)).ok);
});

t.test('group commit with one statement in flight (the servers’ setting): what arrives meanwhile goes together in the next', async (t) => {
  const { db, inserts } = countingInserts(pgDatabase({ connectionString: url, max: 4 }));
  const schema = uniqueSchema('es_stmt');
  schemas.push(schema);
  const store = await PostgresEventStore.open(db, { schema, groupCommit: { maxInFlight: 1 } });
  t.teardown(() => store.close());
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(`case-one-${i}`, [withData({ i })], { expectedRevision: 'no_stream' })));
  t.equal(inserts(), 2, 'the first alone, the 199 that arrived while it was written in the next');
  t.ok(results.every((r) => r.nextExpectedRevision === 0));
  t.equal((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.events`)).rows[0].n, 200);
});

t.test('group commit: a stream whose remembered tail was changed behind the store is left out of its group and retried; the others go in', async (t) => {
  const { db, inserts } = countingInserts(pgDatabase({ connectionString: url, max: 4 }));
  const { store, schema } = await openStore(db);
  t.teardown(() => store.close());
  await store.append('case-edited', [withData({ v: 1 })], { expectedRevision: 'no_stream' });
  await admin.query(`UPDATE ${schema}.events SET hash = repeat('e', 64) WHERE stream_id = 'case-edited'`); // the store still remembers the old hash
  const beside = (from: number) => Array.from({ length: 15 }, (_, i) => store.append(`case-beside-${from + i}`, [withData({ i })], { expectedRevision: 'no_stream' }));
  const before = inserts();
  // the first appends find free slots and go alone; the edited stream's waits among the rest
  const settled = await Promise.allSettled([...beside(0), store.append('case-edited', [withData({ v: 2 })], { expectedRevision: 0 }), ...beside(15)]);
  const [edited] = settled.splice(15, 1);
  t.ok(inserts() - before < 10, `31 appends in ${inserts() - before} statements, one of them a retry`);
  t.ok(settled.every((r) => r.status === 'fulfilled'), 'the others are stored');
  t.match(edited, { status: 'fulfilled', value: { nextExpectedRevision: 1 } }, 'its guard failed; looked up again, it chains onto what is stored');
  const stored = await storedText(schema, 'case-edited');
  t.equal(stored[1]!.metadata.includes(`"prevHash":"${'e'.repeat(64)}"`), true, 'chained onto the stored hash, not the remembered one');
  await t.rejects(store.append('case-edited', [withData({ v: 3 })], { expectedRevision: 0 }), { name: 'WrongExpectedRevision', actual: 1 });
});

t.test('a reader catching up on a stream asks the server once, whether or not anything is new', async (t) => {
  const statements: string[] = [];
  const inner = pgDatabase({ connectionString: url, max: 4 });
  const counting: SqlDatabase = {
    query: (sql, params) => (statements.push(sql), inner.query(sql, params)),
    execute: (script) => inner.execute(script),
    binaryParameters: inner.binaryParameters,
    transaction: (fn) => inner.transaction(fn),
    listen: (channel, onNotify) => inner.listen(channel, onNotify),
    close: () => inner.close(),
  } as SqlDatabase;
  const { store } = await openStore(counting);
  t.teardown(() => store.close());
  await store.append('case-caught-up', [anEvent('A'), anEvent('B'), anEvent('C')], { expectedRevision: 'no_stream' });
  const asked = async (read: () => Promise<unknown>) => {
    statements.length = 0;
    const result = await read();
    return { result, statements: statements.length };
  };
  const caughtUp = await asked(() => store.read('case-caught-up', { from: 3 }));
  t.same(caughtUp, { result: [], statements: 1 }, 'caught up: one SELECT (the event before says the stream exists), not three');
  await store.append('case-caught-up', [anEvent('D')], { expectedRevision: 2 });
  const appended = await asked(() => store.read('case-caught-up', { from: 3 }));
  t.equal(appended.statements, 1, 'appended since: one SELECT');
  t.same((appended.result as { type: string }[]).map((e) => e.type), ['D']);
  const missing = await asked(() => store.read('case-never-written', { from: 2 }).catch((e: Error) => e.name));
  t.same(missing, { result: 'StreamNotFound', statements: 2 }, 'a stream that does not exist: the SELECT, then the look-up that tells');
});
