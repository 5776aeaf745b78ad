import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { WebhookDatabase } from '../db/schema.js';

/**
 * The sender's lease: one worker sends at a time (per-subscription order needs one sender), and a
 * dead worker's sending moves to another once its lease expires. Time is the database's, so workers
 * on machines whose clocks disagree still agree on who holds it.
 * @example const lease = new SenderLease(db, { ttlMs: 15_000 }); if (await lease.hold()) await sender.sendDue();
 */
export class SenderLease {
  readonly owner = randomUUID();
  readonly #db: Kysely<WebhookDatabase>;
  readonly #ttlMs: number;
  readonly #name: string;
  #heldUntil = 0;

  constructor(db: Kysely<WebhookDatabase>, options: { readonly ttlMs?: number; readonly name?: string } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#name = options.name ?? 'sender';
  }

  /** Whether this worker holds the lease now: taken when free or expired, renewed when a third of it is spent. */
  async hold(): Promise<boolean> {
    if (Date.now() < this.#heldUntil - (2 * this.#ttlMs) / 3) return true;
    const asked = Date.now();
    const r = await sql<{ owner: string }>`
      INSERT INTO webhook_leases (name, owner, expires_at) VALUES (${this.#name}, ${this.owner}, now() + ${`${this.#ttlMs} milliseconds`}::interval)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE webhook_leases.owner = excluded.owner OR webhook_leases.expires_at < now()
      RETURNING owner`.execute(this.#db);
    this.#heldUntil = r.rows.length === 1 ? asked + this.#ttlMs : 0;
    return this.#heldUntil > 0;
  }

  /** Gives the lease up (on a clean stop), so another worker takes over at once. */
  async release(): Promise<void> {
    this.#heldUntil = 0;
    await this.#db.deleteFrom('webhook_leases').where('name', '=', this.#name).where('owner', '=', this.owner).execute();
  }
}
