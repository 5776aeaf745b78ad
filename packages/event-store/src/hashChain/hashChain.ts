import * as crypto from 'node:crypto';
import { canonicalJson } from '@disclosure/calendar';
import type { EventContext, EventMetadata, NewEvent, RecordedEvent } from '../port/eventStore.js';

/** The previous hash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

interface Hashable {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: Omit<EventMetadata, 'hash'> & { readonly hash?: string };
}

/**
 * `sha256(prevHash ‖ canonical JSON of {id, type, version, data, metadata without hash})`, hex
 * (DESIGN.md § Event store contract). The one place the chain is computed, for every adapter.
 * @example eventHash({ id, type, version: 1, data, metadata: { …, prevHash: GENESIS_HASH } })
 */
export function eventHash(event: Hashable): string {
  return sha256(event.metadata.prevHash, hashedBody(event));
}

/** Node ≥ 20.12 hashes a string in one call; earlier ones, and anything but a string, take a Hash object (which refuses non-strings as it always did). */
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** sha256(prevHash ‖ body), hex; strings are hashed as UTF-8 either way. */
function sha256(prevHash: string, body: string): string {
  if (oneShot && typeof prevHash === 'string') return oneShot('sha256', prevHash + body, 'hex');
  return crypto.createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** A new event with its chain metadata filled in. */
export interface SealedEvent extends NewEvent {
  readonly metadata: EventMetadata;
}

/**
 * Chains a batch onto a stream's last hash, stamping the time the store records it.
 * @example sealEvents(GENESIS_HASH, [event], '2025-09-26T02:00:00.000Z')[0].metadata.prevHash // GENESIS_HASH
 */
export function sealEvents(prevHash: string, events: readonly NewEvent[], recordedAt: string): SealedEvent[] {
  const sealed: SealedEvent[] = new Array(events.length);
  let prev = prevHash;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const metadata = storedMetadata(e.metadata, recordedAt, prev);
    const hash = sha256(prev, hashedBody({ id: e.id, type: e.type, version: e.version, data: e.data, metadata }));
    metadata.hash = hash;
    sealed[i] = { ...e, metadata };
    prev = hash;
  }
  return sealed;
}

/**
 * `{ ...context, causationId: context.causationId ?? null, recordedAt, prevHash, hash: '' }`: the
 * caller's keys in their order, then the store's (the hash is filled in once computed, and never
 * covers itself). Built by copying and assigning because V8 makes a spread followed by more keys
 * slow (several µs per event: every added key builds a new hidden class).
 */
function storedMetadata(context: EventContext, recordedAt: string, prevHash: string): EventMetadata & { hash: string } {
  // Object.assign sets where the spread defines: they differ only for an own `__proto__` key.
  if (Object.hasOwn(context, '__proto__')) return { ...context, causationId: context.causationId ?? null, recordedAt, prevHash, hash: '' };
  const metadata = Object.assign({}, context) as { -readonly [K in keyof EventMetadata]: EventMetadata[K] };
  metadata.causationId = context.causationId ?? null;
  metadata.recordedAt = recordedAt;
  metadata.prevHash = prevHash;
  metadata.hash = '';
  return metadata;
}

/** The outcome of checking a stream's chain. */
export type ChainVerification =
  | { readonly ok: true; readonly events: number; readonly lastHash: string }
  | { readonly ok: false; readonly events: number; readonly firstBad: { readonly revision: number; readonly eventId: string; readonly reason: 'hash-mismatch' | 'broken-link' | 'revision-gap' } };

/**
 * Recomputes a stream's chain and names the first event that does not match: its content was
 * changed (hash-mismatch), its link to the previous event was changed (broken-link), or an event
 * is missing (revision-gap).
 * @example verifyChain(await store.read('case-1')) // { ok: true, events: 12, lastHash: '…' }
 */
export function verifyChain(events: readonly RecordedEvent[]): ChainVerification {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    const bad = (reason: 'hash-mismatch' | 'broken-link' | 'revision-gap') => ({ ok: false as const, events: events.length, firstBad: { revision: e.revision, eventId: e.id, reason } });
    if (e.revision !== i) return bad('revision-gap');
    if (e.metadata.prevHash !== prev) return bad('broken-link');
    if (eventHash(e) !== e.metadata.hash) return bad('hash-mismatch');
    prev = e.metadata.hash;
  }
  return { ok: true, events: events.length, lastHash: prev };
}

// ── the hashed text ──────────────────────────────────────────────────────────────────────────
//
// The definition (the stored chains depend on it, byte for byte) is
//   const { hash, ...rest } = event.metadata;
//   canonicalJson({ id: event.id, type: event.type, version: event.version, data: event.data, metadata: rest })
// with canonicalJson from @disclosure/calendar. It runs for every event appended and every event
// verified, so it is written here in one pass without the copies: the envelope's keys are known
// (data, id, metadata, type, version — already sorted), the metadata is written skipping `hash`,
// and the values go through `write`, the same algorithm as canonicalJson with cheaper steps
// (quoted keys remembered, small key lists sorted in place, plain strings quoted without
// JSON.stringify). test/hashChain/hashChain.test.ts checks it against the definition.

/** The canonical JSON an event's hash covers (see above). */
export function hashedBody(event: Hashable): string {
  const metadata = event.metadata as unknown;
  if (!isPlainRecord(metadata)) return canonicalJson(definitionEnvelope(event));
  let out = '{';
  let sep = '';
  const data = write(event.data);
  if (data !== undefined) {
    out += '"data":' + data;
    sep = ',';
  }
  const id = write(event.id);
  if (id !== undefined) {
    out += sep + '"id":' + id;
    sep = ',';
  }
  out += sep + '"metadata":' + writeObject(metadata, 'hash');
  const type = write(event.type);
  if (type !== undefined) out += ',"type":' + type;
  const version = write(event.version);
  if (version !== undefined) out += ',"version":' + version;
  return out + '}';
}

/** The envelope of the definition, literally (used for metadata that is not a plain record). */
function definitionEnvelope(event: Hashable): unknown {
  const { hash: _ignored, ...metadata } = event.metadata;
  return { id: event.id, type: event.type, version: event.version, data: event.data, metadata };
}

/**
 * A plain object (its keys and values are all that canonicalJson reads from the definition's rest
 * copy) with no `toJSON`: anything else takes the definition's own path.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

const MAX_REMEMBERED_KEYS = 10_000;
const quotedKeys = new Map<string, string>();
/** Characters JSON.stringify escapes in a string: quote, backslash, controls, and surrogates (lone ones are escaped; paired ones take the same path to stay simple). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (quotedKeys.size < MAX_REMEMBERED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** canonicalJson's writer: undefined, functions and symbols drop out of objects and become null in arrays; toJSON is honoured. */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const json = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof json === 'function') return write(json.call(value));
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
        return out + ']';
      }
      return writeObject(value as Record<string, unknown>);
    }
    default:
      return undefined; // undefined, functions, symbols, bigints
  }
}

/** An object's own enumerable keys in sorted order (UTF-16 code units, as Array.prototype.sort), but `skip`. */
function writeObject(value: Record<string, unknown>, skip?: string): string {
  const keys = Object.keys(value);
  if (keys.length <= 16) {
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > key) {
        keys[j + 1] = keys[j]!;
        j--;
      }
      keys[j + 1] = key;
    }
  } else keys.sort();
  let out = '{';
  let sep = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === skip) continue;
    const v = write(value[key]);
    if (v === undefined) continue;
    out += sep + quoteKey(key) + ':' + v;
    sep = ',';
  }
  return out + '}';
}
