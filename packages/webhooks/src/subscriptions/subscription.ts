import type { Selectable } from 'kysely';
import type { WebhookSubscriptionsTable } from '../db/schema.js';

/** Subscription kinds: `events` (made through the API) and the configured ones (e.g. `referral-intake`). */
export const EVENTS_KIND = 'events';

/** The scope that adds the applicant (personal data) to the envelope. */
export const APPLICANT_DATA_SCOPE = 'applicant-data';
export const SCOPES = [APPLICANT_DATA_SCOPE] as const;
export type Scope = (typeof SCOPES)[number];

/** `*` in a subscription's event types: every case event. */
export const ALL_CASE_EVENTS = '*';

export type SubscriptionStatus = 'active' | 'paused' | 'disabled';

/** A subscription as the outbox and the sender see it. */
export interface SubscriptionRecord {
  readonly id: string;
  readonly agency: string;
  readonly kind: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly description: string;
  readonly status: SubscriptionStatus;
  readonly disabledReason: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Events at or before this global position are not fed to it (it did not exist yet). */
  readonly fromPosition: bigint;
  readonly createdAt: string;
  readonly createdBy: string;
}

/**
 * Whether a subscription's deliveries carry applicant personal data: one granted the `applicant-data`
 * scope, or a configured one (its body is the configuration's payload builder's: a referral's intake
 * body names the applicant). Such a delivery keeps nothing of the receiver's answer but its status,
 * its `Location` and its problem type, since a receiver may echo what it was sent.
 * @example carriesApplicantData({ kind: 'referral-intake', scopes: [] }) // true
 */
export function carriesApplicantData(s: Pick<SubscriptionRecord, 'kind' | 'scopes'>): boolean {
  return s.kind !== EVENTS_KIND || s.scopes.includes(APPLICANT_DATA_SCOPE);
}

/** A stored row as a record. @example subscriptionOf(await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) */
export function subscriptionOf(row: Selectable<WebhookSubscriptionsTable>): SubscriptionRecord {
  return {
    id: row.id,
    agency: row.agency,
    kind: row.kind,
    url: row.url,
    eventTypes: row.event_types,
    scopes: row.scopes,
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    headers: row.headers,
    fromPosition: BigInt(row.from_position),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}
