// A projector in a process of its own, for the crash test: it projects in small batches and says
// "in-batch N" from inside each batch's transaction (then lingers), so the parent can SIGKILL it
// between the writes and the commit. Exits 0 when caught up.
import { builtinCalendars } from '@disclosure/calendar';
import { pgDatabase, PostgresEventStore } from '@disclosure/event-store';
import { openReadModels, Projector } from '@disclosure/read-models';

const url = process.env.RM_TEST_URL!;
const linger = Number(process.env.RM_TEST_LINGER_MS ?? '0');
const store = PostgresEventStore.attach(pgDatabase({ connectionString: url, max: 4 }), { schema: 'events' });
const db = await openReadModels({ url });
let batch = 0;
const projector = new Projector({
  store,
  db,
  calendars: builtinCalendars(),
  batchSize: 40,
  beforeCommit: async () => {
    process.stdout.write(`in-batch ${++batch}\n`);
    if (linger) await new Promise((r) => setTimeout(r, linger));
  },
});
for (;;) if ((await projector.step()).caughtUp) break;
process.stdout.write('caught-up\n');
await db.destroy();
await store.close();
