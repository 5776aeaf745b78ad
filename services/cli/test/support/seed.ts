import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, evolve, initialCaseState, isDomainError, type CaseCommand } from '@disclosure/domain';
import { openEventStore } from '@disclosure/event-store';

const ctx = { calendars: builtinCalendars() };
const actor = { id: 'cw-li', role: 'caseworker', agency: 'demo' } as const;

/** An event written as is, outside any case's rules (a corrupt history, another stream). */
export interface RawEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * Receives and registers `n` requests on `receivedOn` (online, confirmed that day) in the embedded
 * store of `dataDir`, through the domain's decide, then appends the `extra` events as they are.
 * Resolves to the case ids.
 */
export async function seedCases(dataDir: string, n: number, options: { receivedOn?: string; extra?: readonly RawEvent[] } = {}): Promise<string[]> {
  const day = options.receivedOn ?? '2025-09-26';
  const at = `${day}T03:00:00Z`;
  const store = await openEventStore({ dataDir: join(dataDir, 'events') });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const caseId = randomUUID();
    let state = initialCaseState();
    let revision: number | 'no_stream' = 'no_stream';
    for (const command of [
      { type: 'receiveRequest', caseId, at, actor, data: { jurisdiction: 'CN', channel: 'online', evidence: { confirmedByBothOn: day }, applicant: { kind: 'natural-person', name: `申请人${i}` }, request: { description: '预算', writtenDownFromOralRequest: false } } },
      { type: 'registerRequest', caseId, at, actor, data: { registrationNumber: `demo-${day.slice(0, 4)}-${i + 1}`, accessCodeDigest: 'e'.repeat(64) } },
    ] as unknown as CaseCommand[]) {
      const events = decide(state, command, ctx);
      if (isDomainError(events)) throw events;
      const r = await store.append(caseId, events.map((e) => ({ id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata: { actor: actor.id, agency: actor.agency, role: actor.role, correlationId: randomUUID(), causationId: null, occurredAt: command.at } })), { expectedRevision: revision });
      revision = r.nextExpectedRevision;
      state = events.reduce(evolve, state);
    }
    ids.push(caseId);
  }
  for (const e of options.extra ?? []) await store.append(e.streamId, [{ id: randomUUID(), type: e.type, version: 1, data: e.data, metadata: { actor: 'x', agency: 'demo', role: 'admin', correlationId: randomUUID(), causationId: null, occurredAt: '2025-10-01T00:00:00Z' } }]);
  await store.close();
  return ids;
}

/** A data folder of its own, removed when the test ends. */
export function withDataDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'disclosure-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment of a run on the embedded stores of `dataDir` (no server URLs). */
export const embedded = (dataDir: string) => ({ DATA_DIR: dataDir, EVENT_STORE_URL: '', DATABASE_URL: '' });
