import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TargetRefused } from '../errors.js';
import type { TargetGuard } from '../guard/targetGuard.js';

/** The receiver's answer kept on a delivery: at most this many bytes. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** More of an answer than this is not read: the socket is dropped instead. */
const RESPONSE_READ_LIMIT = 64 * 1024;

/** What one POST came to. */
export interface PostOutcome {
  /** The HTTP status, or null when no answer came (refused target, timeout, connection error). */
  readonly statusCode: number | null;
  readonly retryAfter: string | undefined;
  /** The first 1 KB of the answer's body. */
  readonly response: string | null;
  /** The answer's `Location` header: where the receiver put what it was sent (a referral's intake: the case made there). */
  readonly location: string | null;
  /** The `type` of an `application/problem+json` answer (RFC 9457): why the receiver refused, without the rest of what it said. */
  readonly problemType: string | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface HttpPosterOptions {
  readonly guard: TargetGuard;
  /** Per request, from the first byte sent to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Sockets kept per endpoint (origin). */
  readonly maxSocketsPerOrigin: number;
}

/**
 * POSTs webhook deliveries over keep-alive connections (one `http.Agent` per scheme). Every new
 * connection resolves its host through the SSRF guard's `lookup` and has its peer address checked once
 * connected, so a DNS answer that changed since the subscription was made cannot steer a delivery to
 * a private address. Never throws: a failure is an outcome.
 * @example const outcome = await poster.post(url, { 'content-type': 'application/json' }, body);
 */
export class HttpPoster {
  readonly #guard: TargetGuard;
  readonly #timeoutMs: number;
  readonly #agents: { readonly 'http:': http.Agent; readonly 'https:': https.Agent };

  constructor(options: HttpPosterOptions) {
    this.#guard = options.guard;
    this.#timeoutMs = options.timeoutMs;
    const agent = { keepAlive: true, maxSockets: options.maxSocketsPerOrigin, maxFreeSockets: options.maxSocketsPerOrigin, scheduling: 'lifo' as const };
    this.#agents = { 'http:': new http.Agent(agent), 'https:': new https.Agent(agent) };
  }

  async post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<PostOutcome> {
    const started = performance.now();
    const done = (o: Omit<PostOutcome, 'durationMs'>): PostOutcome => ({ ...o, durationMs: Math.round(performance.now() - started) });
    let target: URL;
    try {
      target = new URL(url);
      await this.#checkLiteral(url, target);
    } catch (e) {
      return done(unanswered(e instanceof TargetRefused ? e.message : `bad URL: ${(e as Error).message}`));
    }
    return new Promise<PostOutcome>((resolve) => {
      const payload = Buffer.from(body);
      const req = (target.protocol === 'https:' ? https : http).request(target, {
        method: 'POST',
        agent: this.#agents[target.protocol as 'http:' | 'https:'],
        lookup: this.#guard.lookupFor(url),
        headers: { ...headers, 'content-length': String(payload.length) },
      });
      let settled = false;
      const finish = (o: Omit<PostOutcome, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(done(o));
      };
      const fail = (message: string) => finish(unanswered(message));
      const timer = setTimeout(() => {
        fail(`no answer within ${this.#timeoutMs} ms`);
        req.destroy();
      }, this.#timeoutMs);
      req.on('socket', (socket: Socket) => {
        // a reused keep-alive socket was checked when it connected
        if (socket.remoteAddress !== undefined && !socket.connecting) return;
        socket.once('connect', () => {
          try {
            this.#guard.checkAddress(url, target.hostname, socket.remoteAddress ?? '');
          } catch (e) {
            fail((e as Error).message);
            socket.destroy();
          }
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => fail(e instanceof TargetRefused ? e.message : `${e.code ? `${e.code}: ` : ''}${e.message}`));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          if (read < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          read += chunk.length;
          if (read > RESPONSE_READ_LIMIT) res.destroy(); // enough: the excerpt is kept, the socket dropped
        });
        const answered = () => {
          const body = Buffer.concat(chunks);
          finish({
            statusCode: res.statusCode ?? null,
            retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
            response: excerpt(body),
            location: typeof res.headers.location === 'string' ? res.headers.location.slice(0, RESPONSE_EXCERPT_BYTES) : null,
            problemType: /^application\/problem\+json\b/i.test(res.headers['content-type'] ?? '') ? problemTypeOf(body) : null,
            error: null,
          });
        };
        res.on('end', answered);
        res.on('close', answered);
        res.on('error', answered);
      });
      req.end(payload);
    });
  }

  /** Closes the kept connections. */
  close(): void {
    this.#agents['http:'].destroy();
    this.#agents['https:'].destroy();
  }

  /** A host that is an IP literal is never looked up: it is checked here before connecting. */
  async #checkLiteral(url: string, target: URL): Promise<void> {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TargetRefused(url, `${target.protocol} is not http or https`);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$/.test(host) || host.includes(':')) this.#guard.checkAddress(url, target.hostname, host);
  }
}

/**
 * The outcome of a POST that got no answer (a refused target, a timeout, a failed connection).
 * @example unanswered('no answer within 10000 ms')
 */
export function unanswered(error: string): Omit<PostOutcome, 'durationMs'> {
  return { statusCode: null, retryAfter: undefined, response: null, location: null, problemType: null, error };
}

/** A problem document's `type`, when the part of the answer read is one whole and its type a plain token (a URI has no spaces). */
function problemTypeOf(body: Buffer): string | null {
  try {
    const type = (JSON.parse(body.toString('utf8')) as { type?: unknown }).type;
    return typeof type === 'string' && /^\S{1,300}$/.test(type) ? type : null;
  } catch {
    return null; // cut short, or not JSON after all
  }
}

/** The first 1 KB of an answer as text (a character cut in half is dropped). */
function excerpt(body: Buffer): string | null {
  if (body.length === 0) return null;
  return body.subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
}
