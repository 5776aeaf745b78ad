import type { ColumnType, Generated } from 'kysely';

type Big = ColumnType<string, string | bigint, string | bigint>; // bigint positions travel as text
/** A timestamptz: read back as a Date (pg and PGlite), written as ISO text. */
type Stamp = ColumnType<Date, string, string>;
type Json<T> = ColumnType<T, string, string>; // jsonb: written as JSON text, read back parsed

/** Who a subscription is for and what it asks for. */
export interface WebhookSubscriptionsTable {
  id: string;
  agency: string;
  /** `events` (made through the API: the thin envelope) or a configured kind such as `referral-intake`. */
  kind: string;
  url: string;
  /** Event types, or `*` for every case event. */
  event_types: string[];
  /** Extra grants, e.g. `applicant-data`. */
  scopes: string[];
  description: string;
  status: 'active' | 'paused' | 'disabled';
  disabled_reason: string | null;
  /** Static headers sent with every delivery (a configured subscription's `authorization`). */
  headers: Json<Record<string, string>>;
  /** The outbox feeds it the events after this global position (where the feeder stood when it was made). */
  from_position: Big;
  created_at: Stamp;
  created_by: string;
  updated_at: Stamp;
  /** When the configuration stopped naming it (a configured subscription only; it is disabled meanwhile and fed nothing); null while named. */
  retired_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** A subscription's signing secrets: every one not past `valid_until` signs. */
export interface WebhookSecretsTable {
  id: Generated<number>;
  subscription_id: string;
  secret: string;
  created_at: Stamp;
  /** Null while it is the current secret; the end of the overlap once rotated out. */
  valid_until: Stamp | null;
}

export type DeliveryStatus = 'pending' | 'failed' | 'delivered' | 'dead';

/** One event for one subscription: recorded before it is sent, kept after. */
export interface WebhookDeliveriesTable {
  /** The `webhook-id`: uuid v5 of (subscription, event), the same on every attempt and redelivery. */
  id: string;
  subscription_id: string;
  position: Big;
  event_id: string;
  event_type: string;
  /** The exact bytes signed and sent, so a redelivery sends the same body. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Stamp | null;
  last_attempt_at: Stamp | null;
  last_status_code: number | null;
  /** The first 1 KB of the receiver's last answer; never kept for a subscription whose deliveries carry applicant data (see `carriesApplicantData`). */
  last_response: string | null;
  /** The `Location` header of the receiver's last answer: where it put what it was sent. */
  last_location: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: string | null;
  delivered_at: Stamp | null;
  created_at: Stamp;
}

/** Every attempt at a delivery, for operators. */
export interface WebhookAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  at: Stamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** How far the outbox has been fed from the store. */
export interface WebhookCheckpointTable {
  name: string;
  position: Big;
  updated_at: Stamp;
}

/** A case's agency and registration number, fed from its own events in the outbox's transaction. */
export interface WebhookCaseRefsTable {
  case_id: string;
  agency: string;
  registration_number: string | null;
}

/** Who runs the sender: one worker at a time, until its lease expires. */
export interface WebhookLeasesTable {
  name: string;
  owner: string;
  expires_at: Stamp;
}

/** The webhook tables, beside the read models in the same database. */
export interface WebhookDatabase {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_checkpoint: WebhookCheckpointTable;
  webhook_case_refs: WebhookCaseRefsTable;
  webhook_leases: WebhookLeasesTable;
}
