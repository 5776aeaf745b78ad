import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { sizeOnDisk, TransactionLog, type AppendOutcome, type ExpectedState, type LogPosition, type ProposedEvent, type StoredEvent } from './log.js';
import { Any, Code, serverFeaturesGrpc, serverFeaturesPb, sharedPb, statusPb, streamsGrpc, streamsPb, WellKnownEmpty } from './protocol.js';

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
type UuidMessage = InstanceType<typeof sharedPb.UUID>;
type ProposedMessage = InstanceType<typeof streamsPb.AppendReq.ProposedMessage> | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;
type Filter = (e: StoredEvent) => boolean;

export interface DoubleOptions {
  readonly maxAppendSize: number;
  /** Advertise Streams.BatchAppend in ServerFeatures (as EventStoreDB 21.10+ does); false makes the client use Streams.Append. */
  readonly batchAppend: boolean;
  /** What GetSupportedMethods reports as the server version. */
  readonly serverVersion: string;
}

/** How many events a filtered subscription scans between two checkpoints, per unit of the client's multiplier. */
const CHECKPOINT_WINDOW = 32;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class BadRequest extends Error {}

/** Builds the gRPC services the official client calls, over one in-memory log. */
export function esdbServices(log: TransactionLog, options: DoubleOptions) {
  const streams: grpc.UntypedServiceImplementation = {
    read(call: grpc.ServerWritableStream<ReadReq, ReadResp>) {
      void read(log, call).catch((e: unknown) => fail(call, status(e instanceof BadRequest ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL, e instanceof Error ? e.message : String(e))));
    },
    append(call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) {
      appendUnary(log, call, callback);
    },
    batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
      batchAppend(log, call);
    },
  };
  const features: grpc.UntypedServiceImplementation = {
    getSupportedMethods(_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<InstanceType<typeof serverFeaturesPb.SupportedMethods>>) {
      const method = (service: string, name: string, features: string[] = []) => {
        const m = new serverFeaturesPb.SupportedMethod();
        m.setServiceName(service);
        m.setMethodName(name);
        m.setFeaturesList(features);
        return m;
      };
      const supported = new serverFeaturesPb.SupportedMethods();
      supported.setEventStoreServerVersion(options.serverVersion);
      supported.setMethodsList([
        method('event_store.client.streams.streams', 'read', ['position', 'events']),
        method('event_store.client.streams.streams', 'append'),
        ...(options.batchAppend ? [method('event_store.client.streams.streams', 'batchappend', ['deadline_duration'])] : []),
        method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
      ]);
      callback(null, supported);
    },
  };
  return [
    { definition: streamsGrpc.StreamsService as unknown as grpc.ServiceDefinition, implementation: streams },
    { definition: serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition, implementation: features },
  ];
}

// ── Streams.Read: stream reads, $all reads, $all subscriptions ────────────────────────────────

async function read(log: TransactionLog, call: grpc.ServerWritableStream<ReadReq, ReadResp>) {
  const options = call.request.getOptions();
  if (!options) return fail(call, status(grpc.status.INVALID_ARGUMENT, 'ReadReq.options is required'));
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const backwards = options.getReadDirection() === 1;
  const send = (e: StoredEvent) => response((r) => r.setEvent(readEvent(e, structuredIds)));

  if (options.hasSubscription()) {
    if (!options.hasAll()) return fail(call, status(grpc.status.UNIMPLEMENTED, 'the EventStoreDB test double subscribes to $all only'));
    return subscribeToAll(log, call, options, send);
  }

  const count = Number(BigInt(options.getCount() || '0') > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : BigInt(options.getCount() || '0'));
  const page: StoredEvent[] = [];
  if (options.hasStream()) {
    const s = options.getStream()!;
    const name = streamName(s.getStreamIdentifier());
    const events = log.stream(name);
    if (!events) {
      const notFound = new streamsPb.ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(name));
      await write(call, response((r) => r.setStreamNotFound(notFound)));
      return call.end();
    }
    const last = events.length - 1;
    if (backwards) {
      const from = s.hasEnd() ? last : s.hasStart() ? 0 : Math.min(last, Number(BigInt(s.getRevision())));
      for (let i = from; i >= 0 && page.length < count; i--) page.push(events[i]!);
    } else {
      const from = s.hasEnd() ? events.length : s.hasStart() ? 0 : Number(BigInt(s.getRevision()));
      for (let i = from; i <= last && page.length < count; i++) page.push(events[i]!);
    }
  } else if (options.hasAll()) {
    const a = options.getAll()!;
    const filter = eventFilter(options);
    const all = log.all;
    if (backwards) {
      // Backwards reads of $all stop before the given position.
      const from = a.hasPosition() ? log.indexAtOrAfter(position(a.getPosition()!)) : a.hasStart() ? 0 : all.length;
      for (let i = from - 1; i >= 0 && page.length < count; i--) if (filter(all[i]!)) page.push(all[i]!);
    } else {
      // Forwards reads of $all include the event at the given position.
      const from = a.hasEnd() ? all.length : a.hasPosition() ? log.indexAtOrAfter(position(a.getPosition()!)) : 0;
      for (let i = from; i < all.length && page.length < count; i++) if (filter(all[i]!)) page.push(all[i]!);
    }
  } else {
    return fail(call, status(grpc.status.INVALID_ARGUMENT, 'ReadReq.options needs stream or all'));
  }
  for (const e of page) {
    if (call.cancelled) return;
    await write(call, send(e));
  }
  call.end();
}

/** Catch-up from the position (exclusive), then live; `caught_up` once the log's end is reached. */
async function subscribeToAll(log: TransactionLog, call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: InstanceType<typeof streamsPb.ReadReq.Options>, send: (e: StoredEvent) => ReadResp) {
  let cancelled = false;
  let wake: () => void = () => {};
  const stop = () => {
    cancelled = true;
    wake();
  };
  call.on('cancelled', stop);
  call.on('close', stop);
  call.on('error', stop);

  const a = options.getAll()!;
  let next = a.hasEnd() ? log.all.length : a.hasPosition() ? log.indexAfter(position(a.getPosition()!)) : 0;
  const filter = eventFilter(options);
  const f = options.hasFilter() ? options.getFilter()! : undefined;
  const checkpointEvery = f ? Math.max(1, f.getCheckpointintervalmultiplier()) * (f.hasMax() ? Math.max(1, f.getMax()) : CHECKPOINT_WINDOW) : 0;
  let sinceCheckpoint = 0;

  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  await write(call, response((r) => r.setConfirmation(confirmation)));

  let caughtUp = false;
  while (!cancelled) {
    const all = log.all;
    while (next < all.length && !cancelled) {
      const e = all[next++]!;
      if (filter(e)) await write(call, send(e));
      if (checkpointEvery && ++sinceCheckpoint >= checkpointEvery) {
        sinceCheckpoint = 0;
        const checkpoint = new streamsPb.ReadResp.Checkpoint();
        checkpoint.setCommitPosition(e.position.toString());
        checkpoint.setPreparePosition(e.position.toString());
        await write(call, response((r) => r.setCheckpoint(checkpoint)));
      }
    }
    if (cancelled) break;
    if (!caughtUp) {
      caughtUp = true;
      await write(call, response((r) => r.setCaughtUp(new streamsPb.ReadResp.CaughtUp())));
    }
    const appended = log.nextAppend();
    if (next < log.all.length) continue;
    await new Promise<void>((resolve) => {
      wake = resolve;
      void appended.then(resolve);
    });
  }
}

/** Writes one message, waiting for the client to drain when its window is full. */
async function write(call: grpc.ServerWritableStream<ReadReq, ReadResp>, message: ReadResp): Promise<void> {
  if (call.cancelled || call.destroyed) return;
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const events = ['drain', 'close', 'cancelled', 'error'] as const;
    const done = () => {
      for (const e of events) call.off(e, done);
      resolve();
    };
    for (const e of events) call.on(e, done);
  });
}

function response(set: (r: ReadResp) => void): ReadResp {
  const r = new streamsPb.ReadResp();
  set(r);
  return r;
}

function readEvent(e: StoredEvent, structuredIds: boolean) {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(e.id, structuredIds));
  recorded.setStreamIdentifier(streamIdentifier(e.stream));
  recorded.setStreamRevision(e.revision.toString());
  recorded.setCommitPosition(e.position.toString());
  recorded.setPreparePosition(e.position.toString());
  recorded.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.created.toString());
  recorded.setData(e.data);
  recorded.setCustomMetadata(e.metadata);
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(e.position.toString());
  return event;
}

function eventFilter(options: InstanceType<typeof streamsPb.ReadReq.Options>): (e: StoredEvent) => boolean {
  if (!options.hasFilter()) return () => true;
  const f = options.getFilter()!;
  const on = f.hasEventType() ? f.getEventType()! : f.getStreamIdentifier();
  if (!on) return () => true;
  const value = f.hasEventType() ? (e: StoredEvent) => e.type : (e: StoredEvent) => e.stream;
  const regex = on.getRegex();
  if (regex) {
    const re = new RegExp(regex);
    return (e) => re.test(value(e));
  }
  const prefixes = on.getPrefixList();
  return (e) => prefixes.some((p) => value(e).startsWith(p));
}

function position(p: InstanceType<typeof streamsPb.ReadReq.Options.Position>): LogPosition {
  return { commit: BigInt(p.getCommitPosition()), prepare: BigInt(p.getPreparePosition()) };
}

// ── Streams.Append (one event per message) and Streams.BatchAppend (batches by correlation id) ──

function appendUnary(log: TransactionLog, call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) {
  let stream: string | undefined;
  let expected: ExpectedState | undefined;
  const events: ProposedEvent[] = [];
  let failed: grpc.ServiceError | undefined;
  call.on('data', (req: AppendReq) => {
    if (failed) return;
    try {
      if (req.hasOptions()) {
        const o = req.getOptions()!;
        stream = streamName(o.getStreamIdentifier());
        expected = o.hasRevision() ? { kind: 'revision', revision: BigInt(o.getRevision()) } : o.hasNoStream() ? { kind: 'no_stream' } : o.hasStreamExists() ? { kind: 'stream_exists' } : { kind: 'any' };
      } else if (req.hasProposedMessage()) {
        const m = req.getProposedMessage()!;
        const missing = ['type', 'content-type'].filter((k) => !m.getMetadataMap().has(k));
        if (missing.length) {
          failed = status(grpc.status.INVALID_ARGUMENT, `Required metadata properties are missing: ${missing.join(', ')}`, { exception: 'missing-required-metadata-property', 'required-metadata-properties': missing.join(',') });
          return;
        }
        events.push(proposed(m));
        const size = events.reduce((s, e) => s + sizeOnDisk(e), 0);
        if (size > log.maxAppendSize) failed = maxAppendSizeError(log.maxAppendSize);
      }
    } catch (e) {
      failed = status(grpc.status.INVALID_ARGUMENT, e instanceof Error ? e.message : String(e));
    }
  });
  call.on('end', () => {
    if (failed) return callback(failed);
    if (stream === undefined || expected === undefined) return callback(status(grpc.status.INVALID_ARGUMENT, 'AppendReq.options must come first'));
    const outcome = log.append(stream, expected, events);
    if (outcome.kind === 'too_large') return callback(maxAppendSizeError(outcome.maxAppendSize));
    const resp = new streamsPb.AppendResp();
    if (outcome.kind === 'wrong_expected_version') {
      const w = new streamsPb.AppendResp.WrongExpectedVersion();
      if (outcome.current === 'no_stream') w.setCurrentNoStream(new sharedPb.Empty());
      else w.setCurrentRevision(outcome.current.toString());
      if (expected.kind === 'revision') w.setExpectedRevision(expected.revision.toString());
      else if (expected.kind === 'no_stream') w.setExpectedNoStream(new sharedPb.Empty());
      else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new sharedPb.Empty());
      else w.setExpectedAny(new sharedPb.Empty());
      resp.setWrongExpectedVersion(w);
    } else {
      const success = new streamsPb.AppendResp.Success();
      success.setCurrentRevision(outcome.lastRevision.toString());
      const p = new streamsPb.AppendResp.Position();
      p.setCommitPosition(outcome.position.toString());
      p.setPreparePosition(outcome.position.toString());
      success.setPosition(p);
      resp.setSuccess(success);
    }
    callback(null, resp);
  });
}

interface PendingBatch {
  readonly stream: string;
  readonly expected: ExpectedState;
  readonly events: ProposedEvent[];
}

function batchAppend(log: TransactionLog, call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
  const pending = new Map<string, PendingBatch>();
  const answer = (req: BatchAppendReq, stream: string | undefined, set: (r: BatchAppendResp) => void) => {
    const resp = new streamsPb.BatchAppendResp();
    resp.setCorrelationId(req.getCorrelationId());
    if (stream !== undefined) resp.setStreamIdentifier(streamIdentifier(stream));
    set(resp);
    if (!call.cancelled && !call.destroyed) call.write(resp);
  };
  call.on('data', (req: BatchAppendReq) => {
    const correlation = uuidText(req.getCorrelationId());
    let batch = pending.get(correlation);
    try {
      if (req.hasOptions()) {
        const o = req.getOptions()!;
        const expected: ExpectedState = o.hasStreamPosition() ? { kind: 'revision', revision: BigInt(o.getStreamPosition()) } : o.hasNoStream() ? { kind: 'no_stream' } : o.hasStreamExists() ? { kind: 'stream_exists' } : { kind: 'any' };
        batch = { stream: streamName(o.getStreamIdentifier()), expected, events: [] };
        pending.set(correlation, batch);
      }
      if (!batch) return;
      batch.events.push(...req.getProposedMessagesList().map(proposed));
    } catch (e) {
      pending.delete(correlation);
      const bad = new sharedPb.BadRequest();
      bad.setMessage(e instanceof Error ? e.message : String(e));
      answer(req, batch?.stream, (r) => r.setError(rpcStatus(Code.INVALID_ARGUMENT, 'BadRequest', bad, 'event_store.client.BadRequest')));
      return;
    }
    const size = batch.events.reduce((s, e) => s + sizeOnDisk(e), 0);
    if (size > log.maxAppendSize) {
      pending.delete(correlation);
      const details = new sharedPb.MaximumAppendSizeExceeded();
      details.setMaxappendsize(log.maxAppendSize);
      answer(req, batch.stream, (r) => r.setError(rpcStatus(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, 'event_store.client.MaximumAppendSizeExceeded')));
      return;
    }
    if (!req.getIsFinal()) return;
    pending.delete(correlation);
    const { stream, expected, events } = batch;
    const outcome: AppendOutcome = log.append(stream, expected, events);
    answer(req, stream, (r) => {
      if (outcome.kind === 'too_large') {
        const details = new sharedPb.MaximumAppendSizeExceeded();
        details.setMaxappendsize(outcome.maxAppendSize);
        r.setError(rpcStatus(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, 'event_store.client.MaximumAppendSizeExceeded'));
      } else if (outcome.kind === 'wrong_expected_version') {
        const w = new sharedPb.WrongExpectedVersion();
        if (outcome.current === 'no_stream') w.setCurrentNoStream(new WellKnownEmpty());
        else w.setCurrentStreamRevision(outcome.current.toString());
        if (expected.kind === 'revision') w.setExpectedStreamPosition(expected.revision.toString());
        else if (expected.kind === 'no_stream') w.setExpectedNoStream(new WellKnownEmpty());
        else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new WellKnownEmpty());
        else w.setExpectedAny(new WellKnownEmpty());
        r.setError(rpcStatus(Code.ALREADY_EXISTS, 'WrongExpectedVersion', w, 'event_store.client.WrongExpectedVersion'));
      } else {
        const success = new streamsPb.BatchAppendResp.Success();
        success.setCurrentRevision(outcome.lastRevision.toString());
        const p = new sharedPb.AllStreamPosition();
        p.setCommitPosition(outcome.position.toString());
        p.setPreparePosition(outcome.position.toString());
        success.setPosition(p);
        r.setSuccess(success);
      }
    });
  });
  call.on('end', () => call.end());
  call.on('error', () => pending.clear());
}

function proposed(m: ProposedMessage): ProposedEvent {
  const metadata = m.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) throw new BadRequest('proposed message needs "type" and "content-type" metadata');
  return { id: uuidText(m.getId()), type, contentType, data: m.getData_asU8(), metadata: m.getCustomMetadata_asU8() };
}

// ── Shared pieces ──────────────────────────────────────────────────────────────────────────────

function streamName(identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  if (!identifier) throw new BadRequest('stream identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function streamIdentifier(name: string) {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(name, 'utf8'));
  return id;
}

/** A uuid as EventStoreDB parses it (a .NET Guid), lower-cased as it formats it. */
function uuidText(uuid: UuidMessage | undefined): string {
  if (!uuid) throw new BadRequest('uuid is required');
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const hex = BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') + BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString();
  if (!UUID_TEXT.test(text)) throw new BadRequest(`"${text}" is not a uuid`);
  return text.toLowerCase();
}

function uuidMessage(id: string, structured: boolean): UuidMessage {
  const uuid = new sharedPb.UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  uuid.setStructured(s);
  return uuid;
}

/** A google.rpc.Status carrying one detail message, as BatchAppend reports failures. */
function rpcStatus(code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) {
  const s = new statusPb.Status();
  s.setCode(code as Parameters<typeof s.setCode>[0]);
  s.setMessage(message);
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  s.setDetails(any);
  return s;
}

/** A gRPC error with EventStoreDB's trailers (the client maps `exception` to its error classes). */
function status(code: grpc.status, details: string, trailers: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return Object.assign(new Error(details), { code, details, metadata });
}

/** Ends a server-streaming call with an error status (grpc-js sends the status of an emitted error). */
function fail(call: grpc.ServerWritableStream<ReadReq, ReadResp>, error: grpc.ServiceError): void {
  call.emit('error', error);
}

function maxAppendSizeError(max: number): grpc.ServiceError {
  return status(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, { exception: 'maximum-append-size-exceeded', 'maximum-append-size': String(max) });
}
