import t from 'tap';
import { commandBody, intakeBody } from './support/factories.js';
import { at, callerAs, ok, type CommandType } from './support/http.js';
import { receiveBody, testApp } from './support/testApp.js';

// A command's answer is folded from the events the store handed back, onto the case it was decided
// on, instead of reading the stream again: it must be exactly what a read of the stream gives.

t.test('each answer to a creation or a command is the case a GET then reads from its stream, ETag and all', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const day = '2025-10-09';
  app.setNow(at(day));
  const cw = await callerAs(app, 'caseworker');
  const rv = await callerAs(app, 'reviewer');
  const integrator = await callerAs(app, 'integrator', 'portal');

  const sameAsRead = async (answer: Awaited<ReturnType<typeof cw.get>>, caseId: string, what: string) => {
    const read = await cw.get(`/v1/cases/${caseId}`);
    const { accessCode: _shownOnce, ...body } = ok(t, answer, what);
    t.same(body, ok(t, read, `${what}: GET`), `${what}: the answer is the case as read`);
    t.equal(answer.headers.etag, read.headers.etag, `${what}: the same ETag`);
  };

  const created = await cw.post('/v1/cases', receiveBody(day));
  const caseId = ok(t, created, 'created').caseId as string;
  await sameAsRead(created, caseId, 'a new case');
  const keyed = await cw.post('/v1/cases', receiveBody(day), { 'idempotency-key': 'answers-1' });
  await sameAsRead(keyed, ok(t, keyed, 'keyed').caseId, 'a new case with an Idempotency-Key');
  // a new case is answered from the fold of what was decided, not from its stored events parsed back:
  // bodies that leave out what the schemas fill in, and ones with every optional field, answer alike
  const variants: [string, Record<string, unknown>][] = [
    ['no optional fields', { applicant: { kind: 'natural-person', name: '李四' }, request: { description: '某文件' } }],
    ['online, every request field', { channel: 'online', evidence: { confirmedByBothOn: day }, request: { description: '某文件', preferredForm: 'electronic', preferredDelivery: 'email', writtenDownFromOralRequest: true } }],
    ['an organisation', { channel: 'in-person', evidence: { handedInOn: day }, applicant: { kind: 'commercial-enterprise', name: '某公司', organisationCode: '91110000000000000X', contactPerson: '赵六', address: '某路1号' } }],
  ];
  for (const [what, overrides] of variants) {
    const answer = await cw.post('/v1/cases', receiveBody(day, overrides));
    await sameAsRead(answer, ok(t, answer, what).caseId, `a new case, ${what}`);
  }

  const steps: [CommandType, typeof cw][] = [
    ['registerRequest', cw],
    ['assignCase', cw],
    ['requestCorrection', cw],
    ['receiveCorrection', cw],
    ['consultThirdParty', cw],
    ['recordConsultationAnswer', cw],
    ['submitForReview', cw],
    ['approveReply', rv],
    ['issueReply', cw],
  ];
  for (const [type, caller] of steps) await sameAsRead(await caller.command(caseId, type, commandBody(type, day)), caseId, type);

  // a filing of several events at once (receipt and its platform's facts) goes as one batch
  const intake = await integrator.post('/v1/intake', intakeBody('ANSWERS-1', day));
  await sameAsRead(intake, ok(t, intake, 'intake').caseId, 'an intake');
});
