import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { DEFAULT_MAX_APPEND_SIZE, TransactionLog } from './log.js';
import { esdbServices } from './server.js';

export { DEFAULT_MAX_APPEND_SIZE } from './log.js';

/**
 * THIS IS A TEST DOUBLE, NOT EVENTSTOREDB. It serves, in memory, the part of EventStoreDB's gRPC
 * API that `@eventstore/db-client` uses to append, read and subscribe, with EventStoreDB's rules
 * for expected revisions, idempotent retries and $all positions. See README.md for what it leaves out.
 */

export interface EsdbTestServerOptions {
  /** Largest append in bytes (data + metadata + type); EventStoreDB's default is 1 MiB. */
  readonly maxAppendSize?: number;
  /** Advertise Streams.BatchAppend (the client then appends through it, as with EventStoreDB 21.10+). Default true. */
  readonly batchAppend?: boolean;
  /**
   * How often a `$statsCollected` system event is written to `$stats-127.0.0.1:PORT`, as
   * EventStoreDB does every 30 s by default. 0 turns it off.
   */
  readonly statsPeriodMs?: number;
}

export interface EsdbTestServer {
  /** `esdb://127.0.0.1:PORT?tls=false`: an insecure single node, as the client expects it. */
  readonly url: string;
  /** Writes one system event (a `$`-typed event in a `$`-named stream), as the server itself does. */
  writeSystemEvent(stream: string, type: string, data?: unknown): void;
  stop(): Promise<void>;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/**
 * Starts the EventStoreDB test double on 127.0.0.1 with a random port. Like a fresh EventStoreDB,
 * its $all is not empty: it begins with a `$settings` system event.
 * @example const esdb = await startEsdbTestServer(); const client = EventStoreDBClient.connectionString(esdb.url);
 */
export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const log = new TransactionLog(options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE);
  const writeSystemEvent = (stream: string, type: string, data: unknown = {}) => {
    log.append(stream, { kind: 'any' }, [{ id: randomUUID(), type, contentType: 'application/json', data: json(data), metadata: new Uint8Array() }]);
  };
  // A fresh EventStoreDB writes its default ACLs before any client does: readers of $all must skip them.
  writeSystemEvent('$settings', '$settings', { $userStreamAcl: { $r: '$all', $w: '$all', $d: '$all', $mr: '$all', $mw: '$all' }, $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' } });

  const server = new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
  for (const { definition, implementation } of esdbServices(log, { maxAppendSize: log.maxAppendSize, batchAppend: options.batchAppend ?? true, serverVersion: '24.10.0-test-double' })) {
    server.addService(definition, implementation);
  }
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))));
  const statsStream = `$stats-127.0.0.1:${port}`;
  const statsPeriod = options.statsPeriodMs ?? 30_000;
  const stats = statsPeriod > 0 ? setInterval(() => writeSystemEvent(statsStream, '$statsCollected', { 'proc-startTime': new Date().toISOString() }), statsPeriod) : undefined;
  stats?.unref();

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    writeSystemEvent,
    async stop() {
      if (stats) clearInterval(stats);
      // Subscriptions never end by themselves: cancel every open call, as a stopping node does.
      server.forceShutdown();
    },
  };
}
