import { StreamNotFound, type EventStore, type RecordedEvent } from '@disclosure/event-store';

/**
 * A case stream exactly as stored, read without folding it: an auditor must be able to read and
 * verify a history that no longer replays (an edited row, an event the workflow would refuse).
 */
export interface CaseRecord {
  readonly caseId: string;
  /** The agency of the case's first event, as recorded in its (hashed) metadata. */
  readonly agency: string;
  readonly events: readonly RecordedEvent[];
}

/**
 * The stream of one case of `agency`, or null when there is none or it is another agency's (the
 * caller answers 404 either way: another agency's case is "not found").
 * @example const record = await readCaseRecord(store, caseId, 'demo'); if (!record) throw notFound;
 */
export async function readCaseRecord(store: EventStore, caseId: string, agency: string): Promise<CaseRecord | null> {
  let events: RecordedEvent[];
  try {
    events = await store.read(caseId);
  } catch (e) {
    if (e instanceof StreamNotFound) return null;
    throw e;
  }
  const owner = events[0]?.metadata.agency;
  return owner === agency ? { caseId, agency: owner, events } : null;
}
