import t from 'tap';
import { openReadModels } from '@disclosure/read-models';
import { Metrics } from '../src/http/metrics.js';

t.test('a scrape reads the projector lag once for both gauges, and afresh on the next scrape', async (t) => {
  const db = await openReadModels(); // embedded, empty: no open cases
  t.teardown(() => db.destroy());
  let readings = 0;
  const metrics = new Metrics({ db, projectorLag: async () => ({ events: 7 + readings++, seconds: 12.5 }) });
  const first = await metrics.registry.metrics();
  t.match(first, /^disclosure_projector_lag_events 7$/m);
  t.match(first, /^disclosure_projector_lag_seconds 12\.5$/m);
  t.equal(readings, 1, 'one reading served both gauges');
  t.match(await metrics.registry.metrics(), /^disclosure_projector_lag_events 8$/m, 'the next scrape reads it again');
  t.equal(readings, 2);
});

t.test('a lag that cannot be read fails that scrape only', async (t) => {
  const db = await openReadModels();
  t.teardown(() => db.destroy());
  let fail = true;
  const metrics = new Metrics({ db, projectorLag: async () => (fail ? Promise.reject(new Error('event store down')) : { events: 0, seconds: 0 }) });
  await t.rejects(metrics.registry.metrics(), /event store down/);
  fail = false;
  t.match(await metrics.registry.metrics(), /^disclosure_projector_lag_events 0$/m, 'the failed reading is not kept');
});
