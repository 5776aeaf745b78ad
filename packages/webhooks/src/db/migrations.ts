import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import type { WebhookDatabase } from './schema.js';

/** The webhook package's migrations, tracked apart from the read models' (`webhook_migrations`). Never edit a shipped one. */
export const WEBHOOK_MIGRATIONS: Record<string, Migration> = {
  '0001_webhooks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('event_types', sql`text[]`, (c) => c.notNull())
        .addColumn('scopes', sql`text[]`, (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('active', 'paused', 'disabled')`))
        .addColumn('disabled_reason', 'text')
        .addColumn('headers', 'jsonb', (c) => c.notNull())
        .addColumn('from_position', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_subscriptions_agency').on('webhook_subscriptions').columns(['agency', 'created_at']).execute();

      await db.schema
        .createTable('webhook_secrets')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('valid_until', 'timestamptz')
        .execute();
      await db.schema.createIndex('webhook_secrets_subscription').on('webhook_secrets').column('subscription_id').execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending', 'failed', 'delivered', 'dead')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz')
        .addColumn('last_attempt_at', 'timestamptz')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_response', 'text')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('webhook_deliveries_event', ['subscription_id', 'event_id'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_subscription_position').on('webhook_deliveries').columns(['subscription_id', 'position']).execute();
      // the sender's head of line: a subscription's undelivered deliveries in global order
      await sql`CREATE INDEX webhook_deliveries_open ON webhook_deliveries (subscription_id, position) WHERE status IN ('pending', 'failed')`.execute(db);

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'at']).execute();

      await db.schema
        .createTable('webhook_checkpoint')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_case_refs')
        .addColumn('case_id', 'text', (c) => c.primaryKey())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('registration_number', 'text')
        .execute();
      await db.schema
        .createTable('webhook_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['webhook_leases', 'webhook_case_refs', 'webhook_checkpoint', 'webhook_attempts', 'webhook_deliveries', 'webhook_secrets', 'webhook_subscriptions']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0002_answers_without_applicant_data': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('webhook_deliveries').addColumn('last_location', 'text').execute();
      // the answers kept so far of deliveries that carried applicant data: a receiver (a remote intake) may have echoed it
      await sql`UPDATE webhook_deliveries d SET last_response = NULL
        FROM webhook_subscriptions s
        WHERE s.id = d.subscription_id AND d.last_response IS NOT NULL AND (s.kind <> 'events' OR 'applicant-data' = ANY(s.scopes))`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('webhook_deliveries').dropColumn('last_location').execute();
    },
  },
  '0003_retired_subscriptions_and_checkpoint_row': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('webhook_subscriptions').addColumn('retired_at', 'timestamptz').execute();
      // the row a new subscription locks to read where the outbox stands (webhookSubscriptions.ts, fedUpTo): it must exist before the first batch
      await sql`INSERT INTO webhook_checkpoint (name, position, updated_at) VALUES ('outbox', -1, now()) ON CONFLICT (name) DO NOTHING`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('webhook_subscriptions').dropColumn('retired_at').execute();
    },
  },
  '0004_applicant_data_needs_the_grant': {
    async up(db: Kysely<any>) {
      // Before the applicant-data-recipient grant, any integrator could give its own subscription the
      // applicant-data scope. Nobody checked that grant for the subscriptions made then, so their
      // scope is withdrawn (fail closed: the envelopes go on without personal data); an integrator
      // holding the grant makes the subscription again. The description says what happened.
      await sql`UPDATE webhook_subscriptions
        SET scopes = array_remove(scopes, 'applicant-data'), updated_at = now(),
            description = left('[applicant-data scope withdrawn: made before the applicant-data-recipient grant; subscribe again with it] ' || description, 500)
        WHERE kind = 'events' AND 'applicant-data' = ANY(scopes)`.execute(db);
    },
    async down() {},
  },
};

/** The migration table of the webhook package: its own history beside the read models'. */
export const WEBHOOK_MIGRATION_TABLE = 'webhook_migrations';

/**
 * Brings the webhook tables to the latest migration (in the read models' database); throws with the failing migration's error.
 * @example await migrateWebhooks(db);
 */
export async function migrateWebhooks(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => WEBHOOK_MIGRATIONS },
    migrationTableName: WEBHOOK_MIGRATION_TABLE,
    migrationLockTableName: `${WEBHOOK_MIGRATION_TABLE}_lock`,
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/**
 * The webhook tables of a database they were migrated into (the read models' database, typed for its
 * own tables): the composition root hands it to the webhook parts.
 * @example const subscriptions = new WebhookSubscriptions({ db: webhookTables(readModels), store, guard });
 */
export function webhookTables(db: Kysely<any>): Kysely<WebhookDatabase> {
  return db as Kysely<WebhookDatabase>;
}
