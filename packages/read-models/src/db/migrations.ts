import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';

/** Every read-model migration, in order. Names sort; never edit a shipped one, add the next. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_read_models': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('cases')
        .addColumn('case_id', 'text', (c) => c.primaryKey())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('registration_number', 'text')
        .addColumn('applicant_kind', 'text', (c) => c.notNull())
        .addColumn('applicant_name', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_open', 'boolean', (c) => c.notNull())
        .addColumn('assignee_id', 'text')
        .addColumn('assignee_name', 'text')
        .addColumn('received_on', 'date', (c) => c.notNull())
        .addColumn('due_date', 'date')
        .addColumn('period_ends_on', 'date')
        .addColumn('provisional', 'boolean', (c) => c.notNull())
        .addColumn('missing_years', 'text', (c) => c.notNull())
        .addColumn('clock_status', 'text', (c) => c.notNull())
        .addColumn('outcome_kind', 'text')
        .addColumn('outcome_row', 'text')
        .addColumn('replied_on', 'date')
        .addColumn('on_time', 'boolean')
        .addColumn('closed_on', 'date')
        .addColumn('archived_on', 'date')
        .addColumn('calendar_version', 'text', (c) => c.notNull())
        .addColumn('profile_version', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('last_position', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cases_agency_open_due').on('cases').columns(['agency', 'is_open', 'due_date']).execute();
      await db.schema.createIndex('cases_assignee_open_due').on('cases').columns(['agency', 'assignee_id', 'is_open', 'due_date']).execute();
      await db.schema.createIndex('cases_agency_registration').on('cases').columns(['agency', 'registration_number']).execute();
      await db.schema.createIndex('cases_agency_received').on('cases').columns(['agency', 'received_on']).execute();

      await db.schema
        .createTable('public_status')
        .addColumn('registration_number', 'text', (c) => c.primaryKey())
        .addColumn('access_code_digest', 'text', (c) => c.notNull())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('received_on', 'date', (c) => c.notNull())
        .addColumn('due_date', 'date')
        .addColumn('replied_on', 'date')
        .addColumn('outcome_kind', 'text')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();

      let stats = db.schema.createTable('agency_stats').addColumn('agency', 'text', (c) => c.primaryKey());
      for (const col of ['received', 'open_cases', 'replies', 'replies_on_time', 'withdrawn', 'abandoned', 'outcome_disclosed', 'outcome_partly_disclosed', 'outcome_withheld', 'outcome_cannot_provide', 'outcome_not_handled', 'outcome_other'])
        stats = stats.addColumn(col, 'integer', (c) => c.notNull().defaultTo(0));
      await stats.execute();

      await db.schema
        .createTable('annual_facts')
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('applicant_kind', 'text', (c) => c.notNull())
        .addColumn('is_new', 'boolean', (c) => c.notNull())
        .addColumn('carried_in', 'boolean', (c) => c.notNull())
        .addColumn('outcome_row', 'text')
        .addColumn('carried_forward', 'boolean', (c) => c.notNull())
        .addPrimaryKeyConstraint('annual_facts_pk', ['case_id', 'year'])
        .execute();
      await db.schema.createIndex('annual_facts_agency_year').on('annual_facts').columns(['agency', 'year']).execute();

      await db.schema
        .createTable('projection_checkpoints')
        .addColumn('projection', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('parked_events')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('projection', 'text', (c) => c.notNull())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('parked_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await sql`CREATE VIEW work_queue AS
        SELECT case_id, agency, assignee_id, registration_number, status, due_date, provisional, clock_status
        FROM cases WHERE is_open`.execute(db);
      await sql`CREATE VIEW deadlines AS
        SELECT case_id, agency, due_date, provisional, clock_status
        FROM cases WHERE is_open AND due_date IS NOT NULL`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`DROP VIEW IF EXISTS deadlines`.execute(db);
      await sql`DROP VIEW IF EXISTS work_queue`.execute(db);
      for (const t of ['parked_events', 'projection_checkpoints', 'annual_facts', 'agency_stats', 'public_status', 'cases']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0002_api_state': {
    // Not projections: state the API keeps beside the read models (same database, same migrations).
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('registration_sequences')
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('last', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('registration_sequences_pk', ['agency', 'year'])
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['agency', 'key'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('idempotency_keys').ifExists().execute();
      await db.schema.dropTable('registration_sequences').ifExists().execute();
    },
  },
  '0003_clock_standing': {
    // A due date alone goes stale while a pause is open: the row keeps the clock facts, from which the
    // API computes the due date as of today, and the day the case falls late if nothing more happens.
    async up(db: Kysely<any>) {
      for (const table of ['cases', 'public_status']) await db.schema.alterTable(table).addColumn('overdue_from', 'date').addColumn('clock_facts', 'jsonb').execute();
      await db.schema.createIndex('cases_agency_overdue_from').on('cases').columns(['agency', 'overdue_from']).execute();
      await sql`DROP VIEW work_queue`.execute(db);
      await sql`DROP VIEW deadlines`.execute(db);
      await sql`CREATE VIEW work_queue AS
        SELECT case_id, agency, assignee_id, registration_number, status, due_date, overdue_from, provisional, clock_status, clock_facts
        FROM cases WHERE is_open`.execute(db);
      await sql`CREATE VIEW deadlines AS
        SELECT case_id, agency, due_date, overdue_from, provisional, clock_status, clock_facts
        FROM cases WHERE is_open AND due_date IS NOT NULL`.execute(db);
      // Rows written before this migration lack the new columns: these two projections replay from
      // the start (their upserts are idempotent); the delta-counting agency_stats keeps its place.
      await db.deleteFrom('projection_checkpoints').where('projection', 'in', ['cases', 'public_status']).execute();
    },
    async down(db: Kysely<any>) {
      await sql`DROP VIEW deadlines`.execute(db);
      await sql`DROP VIEW work_queue`.execute(db);
      await sql`CREATE VIEW work_queue AS
        SELECT case_id, agency, assignee_id, registration_number, status, due_date, provisional, clock_status
        FROM cases WHERE is_open`.execute(db);
      await sql`CREATE VIEW deadlines AS
        SELECT case_id, agency, due_date, provisional, clock_status
        FROM cases WHERE is_open AND due_date IS NOT NULL`.execute(db);
      await db.schema.dropIndex('cases_agency_overdue_from').execute();
      for (const table of ['cases', 'public_status']) await db.schema.alterTable(table).dropColumn('overdue_from').dropColumn('clock_facts').execute();
    },
  },
  '0004_deadline_clock': {
    // The deadline clock picks its candidates from the deadlines view without reading a stream: a row
    // keeps the alerts already recorded, and the supervisors' queue shows whether a 督办 instruction
    // awaits its answer. Amendments swept for recomputation are remembered beside the read models.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('cases').addColumn('alerts', 'jsonb').addColumn('open_instructions', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await sql`DROP VIEW deadlines`.execute(db);
      await sql`CREATE VIEW deadlines AS
        SELECT case_id, agency, due_date, overdue_from, provisional, clock_status, clock_facts,
               registration_number, status, assignee_id, assignee_name, calendar_version, alerts, open_instructions
        FROM cases WHERE is_open AND due_date IS NOT NULL`.execute(db);
      await db.schema
        .createTable('calendar_recomputations')
        .addColumn('calendar_version', 'text', (c) => c.primaryKey())
        .addColumn('calendar_id', 'text', (c) => c.notNull())
        .addColumn('previous_version', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('recomputed', 'integer', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Rows written before this migration lack the new columns: the cases projection replays (idempotent upserts).
      await db.deleteFrom('projection_checkpoints').where('projection', '=', 'cases').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('calendar_recomputations').ifExists().execute();
      await sql`DROP VIEW deadlines`.execute(db);
      await sql`CREATE VIEW deadlines AS
        SELECT case_id, agency, due_date, overdue_from, provisional, clock_status, clock_facts
        FROM cases WHERE is_open AND due_date IS NOT NULL`.execute(db);
      await db.schema.alterTable('cases').dropColumn('alerts').dropColumn('open_instructions').execute();
    },
  },
  '0005_fee_payment_periods': {
    // A UK fee notice's pause now carries its payment period (FOIA s.9(2), three months), which the
    // deadline clock reads off the row's clock_facts to record the lapse: rows folded before it lack
    // the period and would never lapse by themselves. The projections holding clock_facts replay
    // (idempotent upserts); the delta-counting agency_stats keeps its place. Their parked events are
    // cleared as a rebuild clears them: the replay parks again whatever still fails.
    async up(db: Kysely<any>) {
      await db.deleteFrom('projection_checkpoints').where('projection', 'in', ['cases', 'public_status']).execute();
      await db.deleteFrom('parked_events').where('projection', 'in', ['cases', 'public_status']).execute();
    },
    async down() {}, // nothing to undo: the rows the replay wrote are what the projections write now
  },
  '0006_public_status_positions': {
    // public_status rows carry the position of the case's last event, as cases rows do, so that a
    // replay after a migration leaves a row that is ahead of it as it is (the applicant's lookup no
    // longer shows an older state of the request meanwhile). A row's position is its case's, taken
    // from cases (both projections advance in the same transactions); 0, replaceable by any replay,
    // where cases has no row for it.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('public_status').addColumn('last_position', 'bigint').execute();
      await sql`UPDATE public_status p SET last_position = COALESCE((SELECT c.last_position FROM cases c WHERE c.case_id = p.case_id), 0)`.execute(db);
      await db.schema.alterTable('public_status').alterColumn('last_position', (c) => c.setNotNull()).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('public_status').dropColumn('last_position').execute();
    },
  },
};

/** Brings the read-model schema to the latest migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
