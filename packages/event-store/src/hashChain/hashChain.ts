import * as crypto from 'node:crypto';
import { canonicalJson, canonicalJsonMember, canonicalJsonWithout } from '@disclosure/calendar';
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
// and the values go through canonicalJson's own writer (canonicalJsonMember, canonicalJsonWithout).
// test/hashChain/hashChain.test.ts checks it against the definition.

/** The canonical JSON an event's hash covers (see above). */
export function hashedBody(event: Hashable): string {
  const metadata = event.metadata as unknown;
  if (!isPlainRecord(metadata)) return canonicalJson(definitionEnvelope(event));
  let out = '{';
  let sep = '';
  const data = canonicalJsonMember(event.data);
  if (data !== undefined) {
    out += '"data":' + data;
    sep = ',';
  }
  const id = canonicalJsonMember(event.id);
  if (id !== undefined) {
    out += sep + '"id":' + id;
    sep = ',';
  }
  out += sep + '"metadata":' + canonicalJsonWithout(metadata, 'hash');
  const type = canonicalJsonMember(event.type);
  if (type !== undefined) out += ',"type":' + type;
  const version = canonicalJsonMember(event.version);
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
