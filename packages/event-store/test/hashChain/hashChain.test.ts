import t from 'tap';
import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '@disclosure/calendar';
import { eventHash, GENESIS_HASH, hashedBody, sealEvents, verifyChain, type EventContext, type NewEvent, type RecordedEvent } from '@disclosure/event-store';

// The hash is part of the stored data's format: chains already stored must keep verifying. These
// are the definition, written the way it was first implemented, and vectors it produced.

/** The definition: sha256(prevHash ‖ canonicalJson({ id, type, version, data, metadata without hash })). */
function definitionHash(event: { id: string; type: string; version: number; data: unknown; metadata: Record<string, unknown> & { prevHash: string } }): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const body = canonicalJson({ id: event.id, type: event.type, version: event.version, data: event.data, metadata });
  return createHash('sha256').update(event.metadata.prevHash).update(body).digest('hex');
}

function definitionBody(event: { id: string; type: string; version: number; data: unknown; metadata: Record<string, unknown> }): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  return canonicalJson({ id: event.id, type: event.type, version: event.version, data: event.data, metadata });
}

/** sealEvents as first implemented. */
function definitionSeal(prevHash: string, events: readonly NewEvent[], recordedAt: string) {
  let prev = prevHash;
  return events.map((e) => {
    const metadata = { ...e.metadata, causationId: e.metadata.causationId ?? null, recordedAt, prevHash: prev };
    const hash = definitionHash({ ...e, metadata } as never);
    prev = hash;
    return { ...e, metadata: { ...metadata, hash } };
  });
}

const context: EventContext = { actor: 'cw-li', agency: 'bj-ghzrzyw', role: 'caseworker', correlationId: '3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c', causationId: null, occurredAt: '2025-09-26T02:00:00.000Z' };
const vectorEvents = (): NewEvent[] => [
  { id: '0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', type: 'RequestReceived', version: 1, data: { caseId: '2025-依申请-000001', applicant: { name: '李明', address: '北京市海淀区中关村大街27号' }, request: { description: '申请公开2024年度本市城市更新项目的立项批复。' } }, metadata: context },
  {
    id: '1c7a2f3b-4d5e-4f60-9bac-1d2e3f4a5b6c',
    type: 'Edge',
    version: 2,
    data: { z: [1, -0, 1.5e-7, 1e21, NaN, null, undefined, true, '"\\\n\u0001\u2028😀\ud800'], a: { é: 1, E: 2, '10': 3, '9': 4, '': 5, nested: { u: undefined } }, d: new Date('2025-01-02T03:04:05.006Z') },
    metadata: { ...context, causationId: 'c-1', extra: { b: 1, a: 2 } } as EventContext,
  },
  { id: '2d8b3a4c-5e6f-4071-8cbd-2e3f4a5b6c7d', type: 'LargeDocumentAttached', version: 1, data: { text: '政府信息公开申请 — 依申请公开 “引号” \\ 反斜杠 \n 换行 😀', blob: 'あ中文ü'.repeat(150_000) }, metadata: context },
];
/** Produced by the implementation before the one-pass rewrite (chains stored with it must still verify). */
const VECTOR_HASHES = [
  '81dcaf8b5be818c7d37b40c780a0c141363ff1298083e59213b9e7fd2a187ec0',
  '58f81a9957e5bd617a30190493061d4ee6719365abc6538c8ab53506ee94180b',
  'bfe40bdce1d9683139c84ff55fa74158e668403d0ca4480607b9a951f87a245a',
];

/** What the store would return for a sealed batch (JSON round trip, as read back from the database). */
const recorded = (sealed: readonly NewEvent[]): RecordedEvent[] =>
  sealed.map((e, i) => ({ ...(JSON.parse(JSON.stringify(e)) as NewEvent & { metadata: RecordedEvent['metadata'] }), streamId: 's', revision: i, position: BigInt(i + 1) }));

t.test('the stored test vectors still come out byte for byte, and verify', async (t) => {
  const sealed = sealEvents(GENESIS_HASH, vectorEvents(), '2025-09-26T02:00:01.000Z');
  t.same(sealed.map((e) => e.metadata.hash), VECTOR_HASHES);
  t.same(definitionSeal(GENESIS_HASH, vectorEvents(), '2025-09-26T02:00:01.000Z').map((e) => e.metadata.hash), VECTOR_HASHES, 'the definition agrees');
  t.same(verifyChain(recorded(sealed)), { ok: true, events: 3, lastHash: VECTOR_HASHES[2] });
});

t.test('lone surrogates, which JSON.stringify escapes, hash as before', async (t) => {
  const event: NewEvent = { id: '3e9c4b5d-6f70-4182-9dce-3f4a5b6c7d8e', type: 'Surrogates', version: 1, data: { lone: 'x\ud800y', low: '\udc00', pair: '😀', del: 'a\u007fb\u2028c', ['k\udbff']: 1 }, metadata: context };
  const [sealed] = sealEvents(VECTOR_HASHES[0]!, [event], '2025-09-26T02:00:01.000Z');
  t.equal(sealed!.metadata.hash, '32d88d0a9e76bfaf4e09e7c590b9902e60389f57b8857c7b077e73b97ae3a7ab', 'produced by the implementation before the rewrite');
});

t.test('sealEvents gives the same events as the definition: values, key order, hashes', async (t) => {
  const batch = vectorEvents();
  t.equal(JSON.stringify(sealEvents(GENESIS_HASH, batch, 'r')), JSON.stringify(definitionSeal(GENESIS_HASH, batch, 'r')));
  const odd = [{ ...batch[0]!, metadata: { hash: 'stale', ...context, recordedAt: 'x', prevHash: 'y' } as EventContext }, { ...batch[0]!, id: randomUUID(), metadata: { actor: 'a' } as EventContext }];
  t.equal(JSON.stringify(sealEvents(GENESIS_HASH, odd, 'r')), JSON.stringify(definitionSeal(GENESIS_HASH, odd, 'r')), 'caller keys named like store keys, causationId missing');
  const proto = [{ ...batch[0]!, metadata: JSON.parse('{"__proto__":{"x":1},"actor":"a","causationId":"c"}') as EventContext }];
  const sealedProto = sealEvents(GENESIS_HASH, proto, 'r');
  t.equal(JSON.stringify(sealedProto), JSON.stringify(definitionSeal(GENESIS_HASH, proto, 'r')), 'an own __proto__ key stays a key');
  t.ok(Object.hasOwn(sealedProto[0]!.metadata, '__proto__'));
});

t.test('metadata that is not a plain record takes the definition’s path', async (t) => {
  class Meta {
    constructor(readonly actor: string) {}
    get role() {
      return 'inherited getter, not an own key';
    }
  }
  const cases: unknown[] = [
    new Meta('x'),
    Object.assign(Object.create(null) as object, { b: 1, a: 2, hash: 'h', prevHash: GENESIS_HASH }),
    { a: 1, toJSON: () => ({ replaced: true }), prevHash: GENESIS_HASH },
    { a: 1, toJSON: 'not a function', prevHash: GENESIS_HASH },
    ['array', 'metadata'],
  ];
  for (const metadata of cases) {
    const event = { id: 'i', type: 't', version: 1, data: { k: 1 }, metadata: metadata as never };
    t.equal(hashedBody(event), definitionBody(event));
  }
});

// Random events: JSON values (what is stored and read back) and any JavaScript value a caller
// might put in data (dates, undefined, sparse arrays, -0, NaN, lone surrogates, odd keys).
const surrogateHeavy = fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '"', '\\', '\u001f', '\u007f'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })) });
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), surrogateHeavy, fc.constantFrom('x\ud800y', '\udc00', '李明', '依申请公开', '"\\\n\t\u0000\u001f\u007f\u2028\ud83d\ude00\ud800\udfff', '__proto__', 'toJSON', ''));
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 20 }),
  ),
})).value;
const anything = fc.anything({ withDate: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true, withObjectString: true, maxDepth: 4 });
const metadataArb = fc.record({
  actor: text,
  agency: text,
  role: text,
  correlationId: fc.uuid(),
  causationId: fc.option(text, { nil: null }),
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  extra: fc.option(fc.dictionary(text, jsonish, { maxKeys: 4 }), { nil: undefined }),
}, { requiredKeys: ['actor', 'agency', 'role', 'correlationId', 'causationId', 'occurredAt'] });
const eventArb = (data: fc.Arbitrary<unknown>) =>
  fc.record({ id: fc.uuid(), type: text, version: fc.oneof(fc.integer(), fc.double()), data, metadata: metadataArb }).map((e) => e as unknown as NewEvent);

t.test('random events: the same hashed text, hashes and sealed events as the definition', async (t) => {
  for (const [name, data] of [['JSON values', fc.jsonValue()], ['JavaScript values', jsonish], ['anything', anything]] as const) {
    fc.assert(
      fc.property(fc.array(eventArb(data), { minLength: 1, maxLength: 4 }), fc.string(), (events, recordedAt) => {
        const mine = sealEvents(GENESIS_HASH, events, recordedAt);
        const theirs = definitionSeal(GENESIS_HASH, events, recordedAt);
        if (JSON.stringify(mine) !== JSON.stringify(theirs)) return false;
        for (const e of mine) if (eventHash(e) !== definitionHash(e as never) || hashedBody(e) !== definitionBody(e as never)) return false;
        return true;
      }),
      { numRuns: 3000 },
    );
    t.pass(name);
  }
});

t.test('random stored events (read back from JSON) verify under both, and an edit is caught', async (t) => {
  fc.assert(
    fc.property(fc.array(eventArb(fc.jsonValue()), { minLength: 1, maxLength: 5 }), (events) => {
      const stored = recorded(sealEvents(GENESIS_HASH, events, '2025-09-26T02:00:01.000Z'));
      if (!verifyChain(stored).ok) return false;
      if (stored.some((e) => definitionHash(e as never) !== e.metadata.hash)) return false;
      const edited = stored.map((e, i) => (i === stored.length - 1 ? { ...e, data: { edited: e.data } } : e));
      return !verifyChain(edited).ok;
    }),
    { numRuns: 2000 },
  );
  t.pass('ok');
});

t.test('a 1 MB event with Chinese text hashes as the definition says', async (t) => {
  const big = { text: '政府信息公开申请 — 依申请公开 “引号” \\ 反斜杠 \n 换行 😀', blob: 'あ中文ü'.repeat(150_000), nested: { 数字: 1.5, 列表: [1, '二', { 三: null }], bool: false } };
  const [sealed] = sealEvents(GENESIS_HASH, [{ id: randomUUID(), type: 'LargeDocumentAttached', version: 1, data: big, metadata: context }], '2025-09-26T02:00:01.000Z');
  t.ok(Buffer.byteLength(JSON.stringify(big)) > 1_000_000);
  t.equal(sealed!.metadata.hash, definitionHash(sealed as never));
  t.equal(hashedBody(sealed!), definitionBody(sealed as never));
});
