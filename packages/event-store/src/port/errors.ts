import type { ExpectedRevision } from './eventStore.js';

/** The stream is not at the revision the writer expected: someone else wrote first. */
export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(readonly streamId: string, readonly expected: ExpectedRevision, readonly actual: number | 'no_stream') {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The stream has no events. */
export class StreamNotFound extends Error {
  override readonly name = 'StreamNotFound';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
  }
}

/** Some (not all) of the event ids are already stored, or stored in another stream. */
export class DuplicateEventId extends Error {
  override readonly name = 'DuplicateEventId';
  constructor(readonly streamId: string, readonly eventIds: readonly string[]) {
    super(`stream ${streamId}: event ids already used elsewhere: ${eventIds.join(', ')}`);
  }
}

/** An append that the store refuses as malformed (empty batch, bad id, too many events). */
export class InvalidAppend extends Error {
  override readonly name = 'InvalidAppend';
  constructor(readonly streamId: string, readonly reason: string) {
    super(`stream ${streamId}: ${reason}`);
  }
}

/** The store cannot be reached (connection refused, server restarting). Callers may retry. */
export class EventStoreUnavailable extends Error {
  override readonly name = 'EventStoreUnavailable';
  constructor(override readonly cause: unknown) {
    super(`event store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
