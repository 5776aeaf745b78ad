import { StreamNotFound, verifyChain, type ChainVerification, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { auditStreamOf } from './auditTrail.js';

/** How a chain can be broken: the three `verifyChain` names, and events missing that another record says were there. */
export type BreakReason = Extract<ChainVerification, { ok: false }>['firstBad']['reason'] | 'tail-missing' | 'stream-missing';

/** Each kind of break in the words an auditor reads. */
export const BREAK_WORDS: Readonly<Record<BreakReason, string>> = {
  'hash-mismatch': 'its content was changed after it was recorded: its hash no longer matches',
  'broken-link': 'its link to the event before it was changed: its prevHash is not the previous event’s hash',
  'revision-gap': 'an event before it is missing: the revisions are not consecutive',
  'tail-missing': 'it is missing: the read models saw the stream reach it, the store now ends before it',
  'stream-missing': 'the whole stream is missing: the read models list it, the store holds no event of it',
};

/** The first bad event of a chain (for missing events: the first revision missing). */
export interface ChainBreak {
  readonly revision: number;
  readonly eventId: string | null;
  readonly type: string | null;
  readonly recordedAt: string | null;
  readonly reason: BreakReason;
  readonly explanation: string;
}

/** A stream's chain, checked: clean with its last hash, or the first bad event named. */
export type ChainReport = { readonly ok: true; readonly events: number; readonly lastHash: string } | { readonly ok: false; readonly events: number; readonly firstBad: ChainBreak };

/**
 * Checks a stream's hash chain (`verifyChain`) and names the first bad event in full. With
 * `seenUpTo` (the last revision another record — the read models — saw), events deleted from the
 * end of the stream, which leave a shorter chain that still verifies, are named too.
 * @example checkChain(await store.read(caseId)) // { ok: true, events: 12, lastHash: '…' }
 */
export function checkChain(events: readonly RecordedEvent[], seenUpTo?: number): ChainReport {
  const v = verifyChain(events);
  if (!v.ok) {
    const bad = events.find((e) => e.id === v.firstBad.eventId)!;
    const { revision, eventId, reason } = v.firstBad;
    return { ok: false, events: v.events, firstBad: { revision, eventId, type: bad.type, recordedAt: bad.metadata.recordedAt, reason, explanation: BREAK_WORDS[reason] } };
  }
  if (seenUpTo !== undefined && events.length <= seenUpTo) return { ok: false, events: v.events, firstBad: missing(events.length, events.length === 0 ? 'stream-missing' : 'tail-missing') };
  return v;
}

const missing = (revision: number, reason: BreakReason): ChainBreak => ({ revision, eventId: null, type: null, recordedAt: null, reason, explanation: BREAK_WORDS[reason] });

/** One stream of an agency, checked. */
export type StreamReport = ChainReport & { readonly streamId: string; readonly kind: 'case' | 'audit' | 'other' };

/** A stream whose chain is broken. */
export type BrokenStream = Extract<StreamReport, { ok: false }>;

/** Every stream of an agency, checked. */
export interface AgencyReport {
  readonly agency: string;
  readonly ok: boolean;
  readonly streams: number;
  readonly events: number;
  /** The streams whose chain is broken, each with its first bad event. */
  readonly broken: readonly BrokenStream[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 5_000;

/**
 * The streams that hold an agency's events, found by reading the whole store once: any event
 * recorded for the agency (its metadata) or a request received by it (the event's data). A row
 * edited to name another agency hides only itself: its stream's other events still name it.
 * @example await agencyStreams(store, 'demo') // Set { '3f2b…', 'audit-demo' }
 */
export async function agencyStreams(store: EventStore, agency: string): Promise<Set<string>> {
  const found = new Set<string>();
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(from === undefined ? {} : { fromPosition: from }), limit: PAGE });
    for (const e of page) if (e.metadata.agency === agency || (e.type === 'RequestReceived' && (e.data as { agency?: unknown }).agency === agency)) found.add(e.streamId);
    if (page.length < PAGE) return found;
    from = page[page.length - 1]!.position;
  }
}

/**
 * Checks the chain of every stream of an agency (its cases and its audit stream): the streams
 * {@link agencyStreams} finds, and those another record knows of with the last revision it saw
 * (the read model's cases), so that a stream or its last events deleted outright are named too.
 * @example const report = await checkAgency(store, 'demo'); if (!report.ok) console.error(report.broken);
 */
export async function checkAgency(store: EventStore, agency: string, options: { seen?: ReadonlyMap<string, number>; onStream?: (report: StreamReport) => void } = {}): Promise<AgencyReport> {
  const streams = await agencyStreams(store, agency);
  for (const s of options.seen?.keys() ?? []) streams.add(s);
  const broken: BrokenStream[] = [];
  let events = 0;
  for (const streamId of [...streams].sort()) {
    let stored: RecordedEvent[] = [];
    try {
      stored = await store.read(streamId);
    } catch (e) {
      if (!(e instanceof StreamNotFound)) throw e;
    }
    const report: StreamReport = { ...checkChain(stored, options.seen?.get(streamId)), streamId, kind: streamId === auditStreamOf(agency) ? 'audit' : UUID.test(streamId) ? 'case' : 'other' };
    events += report.events;
    if (!report.ok) broken.push(report);
    options.onStream?.(report);
  }
  return { agency, ok: broken.length === 0, streams: streams.size, events, broken };
}
