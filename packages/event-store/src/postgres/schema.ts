/**
 * The event table. `position` is the writing transaction's id (xid8) × 65536 + the event's index
 * in its batch: every transaction still running has an id ≥ `pg_snapshot_xmin`, so a reader that
 * stops below `xmin × 65536` can never step over an event that commits later (the gap bug of
 * sequence-based positions), and positions still strictly increase in reading order.
 */
export const POSITION_SHIFT = 65536;
export const MAX_BATCH = POSITION_SHIFT - 1;

/** A schema name we are willing to interpolate into SQL. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}

/** Idempotent DDL for the event store in `schema`. */
export function eventStoreDdl(schema: string): string {
  const s = assertSchemaName(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.events (
  position    bigint      PRIMARY KEY,
  stream_id   text        NOT NULL,
  revision    integer     NOT NULL CHECK (revision >= 0),
  event_id    uuid        NOT NULL,
  type        text        NOT NULL,
  version     integer     NOT NULL,
  data        json        NOT NULL,
  metadata    json        NOT NULL,
  hash        char(64)    NOT NULL,
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT events_event_id UNIQUE (event_id)
);
CREATE OR REPLACE FUNCTION ${s}.notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${s}_events', '');
  RETURN NULL;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'events_notify' AND tgrelid = '${s}.events'::regclass) THEN
    CREATE TRIGGER events_notify AFTER INSERT ON ${s}.events FOR EACH STATEMENT EXECUTE FUNCTION ${s}.notify_events();
  END IF;
END $$;
`;
}
