import { createHash } from 'node:crypto';
import { canonicalJson } from '@disclosure/calendar';
import type { EventMetadata, NewEvent, RecordedEvent } from '../port/eventStore.js';

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
  const { hash: _ignored, ...metadata } = event.metadata;
  const body = canonicalJson({ id: event.id, type: event.type, version: event.version, data: event.data, metadata });
  return createHash('sha256').update(event.metadata.prevHash).update(body).digest('hex');
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
  let prev = prevHash;
  return events.map((e) => {
    const metadata = { ...e.metadata, causationId: e.metadata.causationId ?? null, recordedAt, prevHash: prev };
    const hash = eventHash({ ...e, metadata });
    prev = hash;
    return { ...e, metadata: { ...metadata, hash } };
  });
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
