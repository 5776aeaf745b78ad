import t from 'tap';
import pg from 'pg';
import { pgDatabase, pgSession, PostgresEventStore, sqlDatabaseOnSession, type EventStore } from '@disclosure/event-store';
import { eventStoreContract } from '../contract/eventStoreContract.js';
import { uniqueSchema, type StoreFixture } from '../contract/fixtures.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
const schemaOf = new WeakMap<EventStore, string>();

const fixture: StoreFixture = {
  name: 'PostgreSQL',
  concurrentTransactions: true,
  async open() {
    const schema = uniqueSchema('es_pg');
    schemas.push(schema);
    const store = await PostgresEventStore.open(pgDatabase({ connectionString: url, max: 20 }), { schema });
    schemaOf.set(store, schema);
    return store;
  },
  async holdOpenAppend(store, streamId, events) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    const held = PostgresEventStore.attach(sqlDatabaseOnSession(pgSession(client)), { schema: schemaOf.get(store)! });
    await held.append(streamId, events, { expectedRevision: 'no_stream' });
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    let committed = false;
    return {
      done,
      async commit() {
        if (committed) return;
        committed = true;
        await client.query('COMMIT');
        await client.end();
        release();
      },
    };
  },
  async tamper(store, streamId, revision) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE ${schemaOf.get(store)!}.events SET data = '{"n": 999}' WHERE stream_id = $1 AND revision = $2`, [streamId, revision]);
    await client.end();
  },
  async cleanup() {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await client.end();
  },
};

t.teardown(() => fixture.cleanup());
eventStoreContract(t, fixture);
