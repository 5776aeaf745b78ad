import t from 'tap';
import { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from '@disclosure/read-models';
import { migrateWebhooks, WEBHOOK_MIGRATION_TABLE, WEBHOOK_MIGRATIONS, type WebhookDatabase } from '@disclosure/webhooks';

t.test('upgrading withdraws the applicant-data scope an integrator gave itself before the grant existed; other subscriptions keep theirs', async (t) => {
  const db = new Kysely<WebhookDatabase>({ dialect: new PGliteDialect(await PGlite.create()) });
  t.teardown(() => db.destroy());
  const migrator = new Migrator({ db, provider: { getMigrations: async () => WEBHOOK_MIGRATIONS }, migrationTableName: WEBHOOK_MIGRATION_TABLE, migrationLockTableName: `${WEBHOOK_MIGRATION_TABLE}_lock` });
  t.notOk((await migrator.migrateTo('0003_retired_subscriptions_and_checkpoint_row')).error);
  const row = (id: string, kind: string, scopes: string[]) => ({
    id, agency: 'demo', kind, url: 'https://hooks.example.test/x', event_types: ['*'], scopes, description: 'case events for the archive', status: 'active',
    disabled_reason: null, headers: '{}', from_position: '-1', created_at: '2026-11-01T00:00:00Z', created_by: 'integrator-1', updated_at: '2026-11-01T00:00:00Z', retired_at: null,
  });
  await db.insertInto('webhook_subscriptions').values([row('with-data', 'events', ['applicant-data']), row('thin', 'events', []), row('referral', 'referral-intake', ['applicant-data'])] as never).execute();
  t.notOk((await migrateWebhooks(db)).error);
  const after = Object.fromEntries((await db.selectFrom('webhook_subscriptions').select(['id', 'scopes', 'description']).execute()).map((r) => [r.id, r]));
  t.same(after['with-data']!.scopes, [], 'the scope nobody granted is withdrawn');
  t.match(after['with-data']!.description, /^\[applicant-data scope withdrawn: .*subscribe again with it\] case events for the archive$/, 'and its description says so');
  t.same(after['thin'], { id: 'thin', scopes: [], description: 'case events for the archive' }, 'a subscription without it is untouched');
  t.same(after['referral']!.scopes, ['applicant-data'], 'a configured referral subscription (its payload is the configuration’s) keeps it');
});
