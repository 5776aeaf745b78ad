import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { auditStreamOf, type ArchiveManifest } from '@disclosure/api';
import { verifyChain, type RecordedEvent } from '@disclosure/event-store';
import { testApp, receiveBody } from './support/testApp.js';
import { at, callerAs, ok } from './support/http.js';
import { commandBody, partlyDisclosed } from './support/factories.js';

/*
 * The export opens without the system: the zip unpacks, the manifest's hashes match its files,
 * the chain re-verifies from events.jsonl alone, and the PDF's text — extracted by pdf.js, as a
 * reader sees it — holds the timeline with its Chinese, which renders as text, not as boxes.
 */

const app = await testApp();
t.teardown(() => app.close());
const cw = await callerAs(app, 'caseworker');
const rv = await callerAs(app, 'reviewer');
const au = await callerAs(app, 'auditor');

/** The text of every page of a PDF, as a reader extracts it. */
async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: bytes.slice(), disableFontFace: true, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Downloads a case's export and unpacks it. */
async function exported(t: Test, caseId: string) {
  const res = await au.get(`/v1/cases/${caseId}/export`);
  t.equal(res.statusCode, 200, 'export', { body: res.body.slice(0, 300) });
  const files = unzipSync(new Uint8Array(res.rawPayload));
  return { res, files, manifest: JSON.parse(strFromU8(files['manifest.json']!)) as ArchiveManifest };
}

t.test('the export opens: manifest, events.jsonl that re-verifies alone, a PDF and an HTML timeline in Chinese', async (t) => {
  app.setNow(at('2025-09-26'));
  const caseId = ok(t, await cw.post('/v1/cases', receiveBody('2025-09-26')), 'receive').caseId as string;
  const registered = ok(t, await cw.command(caseId, 'registerRequest', {}), 'register');
  app.setNow(at('2025-10-09'));
  ok(t, await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1', name: '李办理' } }), 'assign');
  ok(t, await cw.command(caseId, 'consultThirdParty', commandBody('consultThirdParty', '2025-10-09')), 'consult');
  app.setNow(at('2025-10-14'));
  ok(t, await cw.command(caseId, 'recordConsultationAnswer', commandBody('recordConsultationAnswer', '2025-10-14')), 'answer');
  ok(t, await cw.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: '答复书草稿' }), 'submit');
  ok(t, await rv.command(caseId, 'approveReply', {}), 'approve');
  const replied = ok(t, await cw.command(caseId, 'issueReply', { delivery: 'email' }), 'reply');
  const exportedAt = '2025-11-03T06:30:00.000Z';
  app.setNow(exportedAt);

  const { res, files, manifest } = await exported(t, caseId);
  t.match(res.headers['content-type'], /^application\/zip/);
  t.equal(res.headers['content-disposition'], `attachment; filename="case-${registered.registrationNumber}-2025-11-03.zip"`);
  t.same(Object.keys(files).sort(), ['events.jsonl', 'manifest.json', 'timeline.html', 'timeline.pdf'], 'four files');

  const stored = await app.store.read(caseId);
  t.match(manifest, {
    format: 'disclosure-engine.case-export',
    caseId,
    agency: { id: 'demo' },
    registrationNumber: registered.registrationNumber,
    eventCount: stored.length,
    lastHash: stored.at(-1)!.metadata.hash,
    chain: { ok: true, events: stored.length, lastHash: stored.at(-1)!.metadata.hash },
    exportedAt,
    exportedBy: { id: 'auditor-1', name: 'auditor 1', role: 'auditor' },
  });
  t.equal(res.headers['x-case-last-hash'], manifest.lastHash);
  for (const [name, { sha256: digest, bytes }] of Object.entries(manifest.files)) {
    t.equal(sha256(files[name]!), digest, `${name}: the manifest's SHA-256`);
    t.equal(files[name]!.length, bytes, `${name}: its size`);
  }

  // a machine re-verifies the chain from the file alone
  const lines = strFromU8(files['events.jsonl']!).trimEnd().split('\n');
  const fromFile = lines.map((l) => {
    const e = JSON.parse(l) as Omit<RecordedEvent, 'position'> & { position: string };
    return { ...e, position: BigInt(e.position) } as RecordedEvent;
  });
  t.equal(fromFile.length, stored.length, 'one line per event');
  t.same(verifyChain(fromFile), { ok: true, events: stored.length, lastHash: manifest.lastHash }, 'events.jsonl re-verifies to the manifest’s last hash');
  t.notOk(fromFile.some((e) => e.streamId !== caseId), 'the case’s events only, no audit record');
  const forged = fromFile.map((e, i) => (i === 3 ? { ...e, data: { ...(e.data as object), party: '另一家公司' } } : e));
  t.match(verifyChain(forged), { ok: false, firstBad: { revision: 3, reason: 'hash-mismatch' } }, 'and a line edited in the file is caught');

  // a person reads the timeline: the PDF's text holds the Chinese as text
  const pdf = files['timeline.pdf']!;
  t.equal(strFromU8(pdf.subarray(0, 5)), '%PDF-');
  t.ok(pdf.length < 200_000, `the font is embedded as a subset: ${pdf.length} bytes`);
  const text = (await pdfText(pdf)).join('\n');
  for (const words of [
    '政府信息公开申请办理时间线',
    '2024年本区征地补偿标准文件', // the applicant's request
    '王小明',
    '收到申请',
    '登记',
    '分配承办人',
    '李办理（caseworker-1）',
    '征求第三方意见',
    '某某房地产开发有限公司',
    '作出答复',
    '（二）部分公开',
    '2025-09-26 10:00', // Beijing time
    '此后答复期限：2025-10-30',
    '完整：8 个事件的哈希链校验通过',
    manifest.lastHash,
  ])
    t.ok(text.includes(words), `the PDF says ${words}`);
  t.notOk(/\uFFFD|□/.test(text), 'no replacement characters');
  const dueAfterReply = replied.deadline.dueDate as string;
  t.match(text, new RegExp(`此后答复期限：${dueAfterReply}\\s*状态：已答复，已停止计时`), 'the due date after the reply, and the clock stopped');

  const html = strFromU8(files['timeline.html']!);
  t.match(html, /^<!DOCTYPE html>/);
  t.match(html, /<meta charset="utf-8">/);
  for (const words of ['2024年本区征地补偿标准文件', '收到申请', '李办理（caseworker-1）', '（二）部分公开', `此后答复期限：${dueAfterReply}`]) t.ok(html.includes(words), `the HTML says ${words}`);
  t.notOk(/<script|src=|href=/.test(html), 'nothing to fetch: it opens without the system');

  const audit = await app.store.read(auditStreamOf('demo'));
  t.match(audit.at(-1), { data: { caseId, endpoint: 'export', viewer: { id: 'auditor-1' }, at: exportedAt } }, 'the export is a recorded look');
});

t.test('a broken case exports all the same, and says where it breaks', async (t) => {
  app.setNow(at('2025-10-09'));
  const caseId = ok(t, await cw.post('/v1/cases', receiveBody('2025-10-09')), 'receive').caseId as string;
  ok(t, await cw.command(caseId, 'registerRequest', {}), 'register');
  ok(t, await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1', name: '李办理' } }), 'assign');
  await app.eventsSql.query(`UPDATE disclosure.events SET data = '{"registrationNumber":"","accessCodeDigest":"x","registeredOn":"2025-10-09"}'::json WHERE stream_id = $1 AND revision = 1`, [caseId]);
  const { files, manifest } = await exported(t, caseId);
  t.match(manifest.chain, { ok: false, firstBad: { revision: 1, reason: 'hash-mismatch' } });
  const text = (await pdfText(files['timeline.pdf']!)).join('\n');
  t.ok(text.includes('发现异常：第 1 号事件'), 'the timeline names the edited event');
  t.ok(text.includes('分配承办人'), 'and still lists every event');
  t.match(verifyChain(strFromU8(files['events.jsonl']!).trimEnd().split('\n').map((l) => ({ ...JSON.parse(l), position: 0n }) as RecordedEvent)), { ok: false, firstBad: { revision: 1 } }, 'the file shows the same break');
});
