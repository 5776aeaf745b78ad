/** A target the SSRF guard refuses: not http(s), or an address that is private, loopback, link-local… and not allow-listed. */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
  constructor(readonly url: string, readonly reason: string) {
    super(`webhook target ${url} refused: ${reason}`);
  }
}

/** No subscription of that id in the agency (another agency's is not found either). */
export class SubscriptionNotFound extends Error {
  override readonly name = 'SubscriptionNotFound';
  constructor(readonly subscriptionId: string) {
    super(`no webhook subscription ${subscriptionId}`);
  }
}

/** No delivery of that id for the subscription. */
export class DeliveryNotFound extends Error {
  override readonly name = 'DeliveryNotFound';
  constructor(readonly deliveryId: string) {
    super(`no delivery ${deliveryId}`);
  }
}

/** A change the subscription's (or delivery's) state does not allow, e.g. pausing a disabled subscription. */
export class WebhookStateConflict extends Error {
  override readonly name = 'WebhookStateConflict';
  constructor(readonly subject: string, readonly state: string, readonly change: string) {
    super(`cannot ${change}: ${subject} is ${state}`);
  }
}

/** A retried create (same id) that asks for something else than the first. */
export class SubscriptionIdReused extends Error {
  override readonly name = 'SubscriptionIdReused';
  constructor(readonly subscriptionId: string) {
    super(`subscription ${subscriptionId} exists with other settings`);
  }
}

/** Another feeder moved the outbox checkpoint after this one read it: its batch is rolled back. */
export class OutboxCheckpointMoved extends Error {
  override readonly name = 'OutboxCheckpointMoved';
  constructor(readonly expected: bigint) {
    super(`the webhook outbox checkpoint is no longer at ${expected}: another feeder works on this database`);
  }
}
