import t from 'tap';
import { randomUUID } from 'node:crypto';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, foldCase, initialCaseState, isDomainError, parseCaseEvent, evolve, deadlineOf, type CaseCommand, type CaseEvent, type CaseState } from '@disclosure/domain';
import { pgliteDatabase, PostgresEventStore, verifyChain, type EventStore } from '@disclosure/event-store';

const ctx = { calendars: builtinCalendars() };
const actor = (role: 'caseworker' | 'reviewer' | 'supervisor', id: string) => ({ id, role, agency: 'demo' }) as const;
const at = (day: string) => `${day}T02:00:00Z`;
const command = (type: string, day: string, data: object, who = actor('caseworker', 'cw-li')) => ({ type, caseId: 'case-rt', at: at(day), actor: who, data }) as unknown as CaseCommand;

/** load → decide → append, as the API will do it. */
async function handle(store: EventStore, cmd: CaseCommand): Promise<void> {
  let state: CaseState = initialCaseState();
  let revision: number | 'no_stream' = 'no_stream';
  try {
    const stored = await store.read(cmd.caseId);
    state = foldCase(stored.map((e) => parseCaseEvent(e)), initialCaseState());
    revision = stored[stored.length - 1]!.revision;
  } catch (e) {
    if ((e as Error).name !== 'StreamNotFound') throw e;
  }
  const result = decide(state, cmd, ctx);
  if (isDomainError(result)) throw result;
  await store.append(
    cmd.caseId,
    result.map((e: CaseEvent) => ({ id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata: { actor: cmd.actor.id, agency: cmd.actor.agency, role: cmd.actor.role, correlationId: randomUUID(), causationId: null, occurredAt: cmd.at } })),
    { expectedRevision: revision },
  );
}

t.test('events decided by the domain, stored and read back, fold to the same case', async (t) => {
  const store = await PostgresEventStore.open(await pgliteDatabase());
  t.teardown(() => store.close());
  const commands = [
    command('receiveRequest', '2025-09-26', {
      jurisdiction: 'CN',
      channel: 'registered-post',
      evidence: { signedForOn: '2025-09-26' },
      applicant: { kind: 'research-institution', name: '某大学法学院', contactPerson: '王五', phone: '010-12345678' },
      request: { description: '2024年行政复议案件统计', writtenDownFromOralRequest: false },
    }),
    command('registerRequest', '2025-09-26', { registrationNumber: 'demo-2025-7', accessCodeDigest: 'c'.repeat(64) }),
    command('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某律师事务所', question: '是否同意公开' }),
    command('recordConsultationAnswer', '2025-10-22', { consultationId: 'c1', opinion: 'partial', summary: '部分同意' }),
    command('approveExtension', '2025-10-30', { amount: 10, reason: '材料较多' }, actor('supervisor', 'sv-chen')),
    command('submitForReview', '2025-11-10', { outcome: { kind: 'partly-disclosed', provision: { form: 'electronic' }, withheld: [{ what: '当事人姓名', ground: 'third-party-rights', reason: '个人隐私' }] }, draft: '部分公开' }),
    command('approveReply', '2025-11-11', {}, actor('reviewer', 'rv-zhao')),
    command('issueReply', '2025-11-12', { delivery: 'post', postedOn: '2025-11-12' }),
    command('archiveCase', '2025-11-14', {}),
  ];
  let expected = initialCaseState();
  for (const c of commands) {
    await handle(store, c);
    const r = decide(expected, c, ctx);
    if (isDomainError(r)) throw r;
    expected = r.reduce(evolve, expected);
  }
  const stored = await store.read('case-rt');
  t.equal(stored.length, commands.length);
  t.ok(verifyChain(stored).ok);
  const replayed = foldCase(stored.map((e) => parseCaseEvent(e)), initialCaseState());
  const comparable = (s: CaseState) => ({ ...s, workflow: s.workflow.value });
  t.same(comparable(replayed), comparable(expected));
  t.equal(replayed.status, 'archived');
  t.same(deadlineOf(replayed, ctx), deadlineOf(expected, ctx));
  t.equal(deadlineOf(replayed, ctx).dueDate, '2025-11-20', '10-30 + 5 paused + 10 extension working days');
});
