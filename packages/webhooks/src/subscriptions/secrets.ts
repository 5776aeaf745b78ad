import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Random bytes in a new secret (Standard Webhooks asks for 24 to 64). */
const SECRET_BYTES = 32;

/**
 * A new signing secret: `whsec_` and the base64 of 32 random bytes, the form `standardwebhooks` reads.
 * @example const secret = newSigningSecret(); // 'whsec_…'
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** Whether a string is a secret `standardwebhooks` can sign with: `whsec_` and base64 of 24–64 bytes. @example isSigningSecret(newSigningSecret()) // true */
export function isSigningSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return false;
  const bytes = Buffer.from(m[1]!, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/**
 * Signs deliveries with `standardwebhooks`' own `Webhook#sign`, once per secret in force: during a
 * rotation's overlap the header carries two `v1,…` signatures, and a receiver holding either secret
 * verifies. The `Webhook` objects are kept per secret (their construction decodes the key).
 * @example
 * const signer = new DeliverySigner();
 * const headers = signer.headers(['whsec_…'], webhookId, new Date(), body);
 */
export class DeliverySigner {
  readonly #webhooks = new Map<string, Webhook>();

  /** The three Standard Webhooks headers for one attempt. */
  headers(secrets: readonly string[], webhookId: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
    if (secrets.length === 0) throw new RangeError(`no signing secret in force for ${webhookId}`);
    return {
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': secrets.map((s) => this.#webhook(s).sign(webhookId, at, body)).join(' '),
    };
  }

  #webhook(secret: string): Webhook {
    let w = this.#webhooks.get(secret);
    if (!w) {
      if (this.#webhooks.size > 10_000) this.#webhooks.clear();
      this.#webhooks.set(secret, (w = new Webhook(secret)));
    }
    return w;
  }
}
