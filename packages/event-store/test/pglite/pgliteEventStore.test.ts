import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteSession, pgliteSqlDatabase, PostgresEventStore, sqlDatabaseOnSession, type EventStore } from '@disclosure/event-store';
import { eventStoreContract } from '../contract/eventStoreContract.js';
import { type StoreFixture } from '../contract/fixtures.js';

// PGlite runs the same PostgresEventStore and SQL as the server, in a data folder on disk.
const dirs: string[] = [];
const dbOf = new WeakMap<EventStore, PGlite>();

const fixture: StoreFixture = {
  name: 'PGlite',
  concurrentTransactions: false,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'es-pglite-'));
    dirs.push(dir);
    const db = await PGlite.create(dir);
    const store = await PostgresEventStore.open(pgliteSqlDatabase(db), { schema: 'disclosure' });
    dbOf.set(store, db);
    return store;
  },
  async holdOpenAppend(store, streamId, events) {
    const db = dbOf.get(store)!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const started = new Promise<void>((r) => (appended = r));
    const done = db.transaction(async (tx) => {
      const held = PostgresEventStore.attach(sqlDatabaseOnSession(pgliteSession(tx)), { schema: 'disclosure' });
      await held.append(streamId, events, { expectedRevision: 'no_stream' });
      appended();
      await gate;
    });
    await started;
    return { done, commit: async () => release() };
  },
  async tamper(store, streamId, revision) {
    await dbOf.get(store)!.query(`UPDATE disclosure.events SET data = '{"n": 999}' WHERE stream_id = $1 AND revision = $2`, [streamId, revision]);
  },
  async cleanup() {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  },
};

t.teardown(() => fixture.cleanup());
eventStoreContract(t, fixture);
