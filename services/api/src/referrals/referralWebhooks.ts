import { createHash } from 'node:crypto';
import { parseCaseEvent, type CaseEventData } from '@disclosure/domain';
import { uuidV5, type EventStore } from '@disclosure/event-store';
import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '@disclosure/read-models';
import { TargetGuard, webhookTables, WebhookSubscriptions, type PayloadBuilder, type SubscriptionRecord, type SystemSubscription } from '@disclosure/webhooks';
import type { AgencyDirectory } from '../agencies/agencyDirectory.js';
import { referralIntakeBody } from '../intake/intake.js';
import { referringCase } from './referralReactor.js';
import type { RemoteAgencies } from './remoteAgencies.js';

/** The kind of the configured subscriptions that carry referrals to other instances. */
export const REFERRAL_INTAKE_KIND = 'referral-intake';

/**
 * The id of the configured subscription that carries one agency's referrals to a remote agency.
 * @example referralSubscriptionId('demo', 'city.housing')
 */
export function referralSubscriptionId(fromAgency: string, toAgency: string): string {
  return uuidV5(`${REFERRAL_INTAKE_KIND}/${fromAgency}/${toAgency}`);
}

/**
 * The configured `referral-intake` subscriptions: one per agency served here and remote agency
 * (a subscription belongs to one agency and sees only its events), posting `CaseReferred` to the
 * remote instance's `POST /v1/intake` with its integrator token. Signed with the remote agency's
 * `webhookSecret`; without one, with a key derived from the token, stable across restarts (the
 * bearer token authenticates the call; a receiver that also verifies signatures is given a
 * `webhookSecret`).
 * @example for (const spec of referralSubscriptions(agencies, config.remoteAgencies)) await subscriptions.ensureSystemSubscription(spec);
 */
export function referralSubscriptions(agencies: AgencyDirectory, remote: RemoteAgencies): SystemSubscription[] {
  return agencies.all().flatMap((from) =>
    Object.entries(remote).map(([to, r]) => ({
      id: referralSubscriptionId(from.id, to),
      agency: from.id,
      kind: REFERRAL_INTAKE_KIND,
      url: r.intakeUrl,
      eventTypes: ['CaseReferred'],
      headers: { authorization: `Bearer ${r.token}` },
      secret: r.webhookSecret ?? `whsec_${createHash('sha256').update(`referral-intake\0${r.token}`).digest('base64')}`,
    })),
  );
}

/**
 * The bodies of the `referral-intake` deliveries (the dispatcher's `payloadFor`): for a
 * `CaseReferred` to the remote agency the subscription serves, the intake body built from the
 * referring case as it stood then ({@link referralIntakeBody}); null for anything else.
 * @example startWorker({ …, webhookPayloads: referralPayloads({ store, instanceId: 'city-a' }) })
 */
export function referralPayloads(options: { readonly store: EventStore; readonly instanceId: string }): PayloadBuilder {
  return async (subscription: SubscriptionRecord, event) => {
    if (subscription.kind !== REFERRAL_INTAKE_KIND || event.type !== 'CaseReferred') return null;
    const referral = parseCaseEvent(event).data as CaseEventData<'CaseReferred'>;
    if (subscription.id !== referralSubscriptionId(subscription.agency, referral.toAgency)) return null; // another remote agency's subscription
    return { body: referralIntakeBody(await referringCase(options.store, event), referral, options.instanceId) };
  };
}

/** What the composition root (start, worker) gives `startWorker` for referrals. */
export interface ReferralWiring {
  readonly referrals: { readonly agencies: AgencyDirectory; readonly remoteAgencies: readonly string[]; readonly instanceId: string };
  readonly webhookPayloads: PayloadBuilder;
}

/** Why a `referral-intake` subscription the configuration no longer names was retired (its disabled reason). */
export const REFERRAL_SUBSCRIPTION_RETIRED = 'its remote agency is no longer in REMOTE_AGENCIES (or its agency no longer in AGENCIES)';

/**
 * Referrals at start: the configured `referral-intake` subscriptions made or updated (idempotent, so
 * every process may do it at each start), those of remote agencies taken out of the configuration
 * retired (disabled with the reason, fed nothing more; their deliveries kept for the auditors), the
 * reactor's settings, and the payload builder.
 * @example const { referrals, webhookPayloads } = await referralWiring({ store, db, agencies, remoteAgencies: config.remoteAgencies, instanceId: config.instanceId });
 */
export async function referralWiring(options: { readonly store: EventStore; readonly db: Kysely<ReadModelDatabase>; readonly agencies: AgencyDirectory; readonly remoteAgencies: RemoteAgencies; readonly instanceId: string }): Promise<ReferralWiring> {
  const specs = referralSubscriptions(options.agencies, options.remoteAgencies);
  // the guard checks URLs integrators give; these come from configuration (the sender still checks every delivery's address)
  const subscriptions = new WebhookSubscriptions({ db: webhookTables(options.db), store: options.store, guard: new TargetGuard() });
  for (const spec of specs) await subscriptions.ensureSystemSubscription(spec);
  await subscriptions.retireSystemSubscriptions(REFERRAL_INTAKE_KIND, specs.map((s) => s.id), REFERRAL_SUBSCRIPTION_RETIRED);
  return {
    referrals: { agencies: options.agencies, remoteAgencies: Object.keys(options.remoteAgencies), instanceId: options.instanceId },
    webhookPayloads: referralPayloads({ store: options.store, instanceId: options.instanceId }),
  };
}
