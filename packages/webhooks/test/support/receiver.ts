import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface Received {
  /** The URL path: tests give each subscription its own. */
  readonly path: string;
  readonly webhookId: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The envelope, as `Webhook#verify` returned it (undefined when no secret verified). */
  readonly payload: any;
  /** The secrets (of those the test gave for the path) whose `Webhook#verify` accepted it. */
  readonly verifiedWith: readonly string[];
  readonly at: number;
  /** The status the receiver answered. */
  status: number;
}

/** How the receiver answers one request: a status and headers, or hanging up without an answer. */
export type Answer = { readonly status: number; readonly headers?: Record<string, string>; readonly delayMs?: number; readonly body?: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that checks every request with `standardwebhooks`' own
 * `Webhook#verify` against the secrets the test says the path's subscription has, records it, and
 * answers as the test's `answer` says (200 by default).
 */
export class Receiver {
  readonly received: Received[] = [];
  secrets = new Map<string, readonly string[]>();
  answer: (r: Received, index: number) => Answer = () => ({ status: 200 });
  inFlight = 0;
  maxInFlight = 0;
  #server: http.Server;
  #port = 0;

  private constructor() {
    this.#server = this.#make();
  }

  static async start(port = 0): Promise<Receiver> {
    const r = new Receiver();
    await r.listen(port);
    return r;
  }

  get port(): number {
    return this.#port;
  }

  /** A URL on the receiver for `path` (e.g. `/s/a`). */
  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** The requests answered 2xx, in the order they came. */
  accepted(path?: string): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300 && (path === undefined || r.path === path));
  }

  async listen(port = this.#port): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening (connections refused) and drops open connections; `listen()` again brings it back on the same port. */
  async down(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server = this.#make();
  }

  close(): Promise<void> {
    return this.down();
  }

  #make(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { 'webhook-id': String(req.headers['webhook-id'] ?? ''), 'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''), 'webhook-signature': String(req.headers['webhook-signature'] ?? '') };
        const path = (req.url ?? '/').split('?')[0]!;
        const verifiedWith: string[] = [];
        let payload: unknown;
        for (const secret of this.secrets.get(path) ?? []) {
          try {
            payload = new Webhook(secret).verify(body, headers);
            verifiedWith.push(secret);
          } catch {
            /* not signed with this one */
          }
        }
        const r: Received = { path, webhookId: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], headers: req.headers, body, payload, verifiedWith, at: Date.now(), status: 0 };
        const answer = this.answer(r, this.received.length);
        this.received.push(r);
        const reply = () => {
          this.inFlight--;
          if (answer === 'hang') return void req.socket.destroy();
          r.status = answer.status;
          res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? 'ok');
        };
        if (answer !== 'hang' && answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
  }
}

/** Waits until `done()` holds (polling), or fails after `ms`. */
export async function until(done: () => boolean | Promise<boolean>, ms = 20_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
