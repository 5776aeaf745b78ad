import t from 'tap';
import { randomUUID } from 'node:crypto';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, evolve, initialCaseState, isDomainError, type CaseCommand } from '@disclosure/domain';
import { GENESIS_HASH, sealEvents, type RecordedEvent } from '@disclosure/event-store';
import { caseAsOf, CaseDidNotExistYet, checkChain, HistoryNotReplayable } from '@disclosure/api';
import { describeEvent, timelineWords } from '../src/audit/export/eventWords.js';

/*
 * The pure parts of the auditor's routes, without a server: which events an instant selects, the
 * chain check's names for a break, and the timeline's words for an event it does not know.
 */

const calendars = builtinCalendars();
const actor = { id: 'cw-1', role: 'caseworker', agency: 'demo' } as const;

/** A stream as the store would hold it: received, registered, assigned at the given instants (occurred, recorded). */
function stream(times: readonly (readonly [string, string])[]): RecordedEvent[] {
  const caseId = randomUUID();
  const commands = [
    { type: 'receiveRequest', data: { jurisdiction: 'CN', channel: 'in-person', evidence: { handedInOn: '2025-10-09' }, applicant: { kind: 'natural-person', name: '王小明' }, request: { description: '预算', writtenDownFromOralRequest: false } } },
    { type: 'registerRequest', data: { registrationNumber: 'demo-2025-1', accessCodeDigest: 'a'.repeat(64) } },
    { type: 'assignCase', data: { assignee: { id: 'cw-1', name: '李办理' } } },
  ];
  let state = initialCaseState();
  let prev = GENESIS_HASH;
  return commands.map(({ type, data }, revision) => {
    const [occurredAt, recordedAt] = times[revision]!;
    const result = decide(state, { type, caseId, at: '2025-10-09T02:00:00Z', actor, data } as unknown as CaseCommand, { calendars });
    if (isDomainError(result)) throw result;
    const decided = result[0]!;
    state = evolve(state, decided);
    const [sealed] = sealEvents(prev, [{ id: randomUUID(), type: decided.type, version: decided.version, data: decided.data, metadata: { actor: actor.id, agency: 'demo', role: 'caseworker', correlationId: 'c', causationId: null, occurredAt } }], recordedAt);
    prev = sealed!.metadata.hash;
    return { ...sealed!, streamId: caseId, revision, position: BigInt(revision + 1) };
  });
}

t.test('an instant selects the events that occurred (and, with known, were recorded) by then, whatever form the stamps take', async (t) => {
  const events = stream([
    ['2025-10-09T02:00:00.000Z', '2025-10-09T02:00:00.010Z'],
    ['2025-10-09T10:30:00+08:00', '2025-10-09T02:30:00.010Z'], // an offset: parsed, not compared as text
    ['2025-10-09T03:00:00.000Z', '2025-10-10T09:00:00.000Z'], // recorded a day late
  ]);
  const replayed = (at: string, known?: string) => caseAsOf(events, { at, ...(known ? { known } : {}) });
  t.equal(replayed('2025-10-09T02:00:00Z').revision, 0, 'an event at the very instant is in');
  t.equal(replayed('2025-10-09T02:29:59.999Z').revision, 0);
  t.equal(replayed('2025-10-09T02:30:00Z').revision, 1, 'the offset form compares by time');
  t.equal(replayed('2025-10-09T11:00:00+08:00').revision, 2);
  t.match(replayed('2025-10-09T11:00:00+08:00', '2025-10-09T12:00:00Z'), { revision: 1, notYet: 1 }, 'known leaves out the late entry');
  t.equal(replayed('2025-10-09T11:00:00+08:00').state.assignee?.name, '李办理');
  t.throws(() => replayed('2025-10-09T01:59:59.999Z'), CaseDidNotExistYet);
  t.throws(() => replayed('2025-10-11T00:00:00Z', '2025-10-09T02:00:00.009Z'), CaseDidNotExistYet, 'received but not yet recorded');
});

t.test('times that contradict the stream’s order, or a stamp that is not a time, do not pass silently', async (t) => {
  // registration stamped after the assignment: at 02:45 the assignment is in, the registration it needed is not
  const events = stream([
    ['2025-10-09T02:00:00.000Z', '2025-10-09T02:00:00.000Z'],
    ['2025-10-09T03:00:00.000Z', '2025-10-09T03:00:00.000Z'],
    ['2025-10-09T02:30:00.000Z', '2025-10-09T03:00:01.000Z'],
  ]);
  const error = t.throws(() => caseAsOf(events, { at: '2025-10-09T02:45:00Z' })) as HistoryNotReplayable;
  t.ok(error instanceof HistoryNotReplayable);
  t.match(error, { revision: 2, eventType: 'CaseAssigned' });
  const garbled = events.map((e, i) => (i === 1 ? { ...e, metadata: { ...e.metadata, occurredAt: 'yesterday' } } : e));
  t.throws(() => caseAsOf(garbled, { at: '2030-01-01T00:00:00Z' }), HistoryNotReplayable, 'an unreadable stamp is never "by then", so the assignment after it does not replay');
});

t.test('checkChain names the first bad event and the kind of break', async (t) => {
  const events = stream([
    ['2025-10-09T02:00:00.000Z', '2025-10-09T02:00:00.000Z'],
    ['2025-10-09T02:10:00.000Z', '2025-10-09T02:10:00.000Z'],
    ['2025-10-09T02:20:00.000Z', '2025-10-09T02:20:00.000Z'],
  ]);
  t.same(checkChain(events), { ok: true, events: 3, lastHash: events[2]!.metadata.hash });
  const edited = events.map((e, i) => (i === 1 ? { ...e, data: { ...(e.data as object), registrationNumber: 'demo-2025-9' } } : e));
  t.match(checkChain(edited), { ok: false, firstBad: { revision: 1, eventId: events[1]!.id, type: 'RequestRegistered', reason: 'hash-mismatch' } });
  t.match(checkChain([events[0]!, events[2]!]), { ok: false, firstBad: { revision: 2, reason: 'revision-gap' } });
  t.match(checkChain(events.slice(0, 2), 2), { ok: false, firstBad: { revision: 2, eventId: null, reason: 'tail-missing' } }, 'shorter than another record saw');
  t.match(checkChain([], 0), { ok: false, firstBad: { revision: 0, reason: 'stream-missing' } });
  t.match(checkChain(events, 2), { ok: true }, 'as long as the record saw: intact');
});

t.test('the timeline shows an event it has no words for, or whose data lost its shape, as stored', async (t) => {
  t.same(describeEvent('CaseAssigned', { assignee: { id: 'cw-1', name: '李办理' } }), { name: '分配承办人', words: '承办人：李办理（cw-1）。' });
  t.same(describeEvent('SomethingNew', { a: 1 }), { name: 'SomethingNew', words: '{"a":1}' });
  t.same(describeEvent('CaseAssigned', { nobody: true }), { name: '分配承办人', words: '{"nobody":true}' });
});

t.test('the timeline cites the receipt rule of the case’s own law: 第31条 under the 2019 条例, s.10(6) for a UK council', async (t) => {
  const received = (profileId: string) => ({ channel: 'email', evidence: { arrivedOn: '2025-12-18' }, receivedOn: '2025-12-18', profileId, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '文件' } });
  const words = (profileId: string) => describeEvent('RequestReceived', received(profileId), timelineWords(profileId)).words;
  t.match(words('CN-2019'), /收到申请之日为 2025-12-18（条例 第31条）/);
  t.match(words('UK-FOIA'), /date of receipt 2025-12-18 \(s\.10\(6\)\)/);
  t.notMatch(words('UK-FOIA'), /第31条/);
  t.match(words('CN-2008'), /（2008年条例 第24条）/);
});
