import t from 'tap';
import { replyOutcomeSchema, reportRowOf, WITHHOLD_GROUNDS } from '@disclosure/domain';

t.test('every outcome is counted in its 表三 row', async (t) => {
  t.equal(reportRowOf({ kind: 'disclosed', provision: { form: 'paper' } }), '（一）予以公开');
  t.equal(reportRowOf({ kind: 'withheld', ground: 'process-information', reason: '过程性信息' }), '（三）不予公开/属于四类过程性信息');
  t.equal(reportRowOf({ kind: 'cannot-provide', ground: 'not-held', reason: '不掌握' }), '（四）无法提供/本机关不掌握相关政府信息');
  t.equal(reportRowOf({ kind: 'not-handled', ground: 'petition-or-complaint', reason: '信访' }), '（五）不予处理/信访举报投诉类申请');
  t.equal(reportRowOf({ kind: 'other', ground: 'fee-lapsed', reason: '逾期未缴费' }), '（六）其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请');
  t.equal(Object.keys(WITHHOLD_GROUNDS).length, 8, 'the eight 不予公开 rows of 表三');
});

t.test('a partial disclosure must say what was withheld and why (第37条)', async (t) => {
  t.notOk(replyOutcomeSchema.safeParse({ kind: 'partly-disclosed', provision: { form: 'paper' }, withheld: [] }).success);
  t.notOk(replyOutcomeSchema.safeParse({ kind: 'partly-disclosed', provision: { form: 'paper' }, withheld: [{ what: '附件2', ground: 'state-secret' }] }).success, 'a reason is required');
  t.ok(replyOutcomeSchema.safeParse({ kind: 'partly-disclosed', provision: { form: 'paper' }, withheld: [{ what: '附件2', ground: 'state-secret', reason: '已定密' }] }).success);
});

t.test('unknown grounds are refused', async (t) => {
  t.notOk(replyOutcomeSchema.safeParse({ kind: 'withheld', ground: 'because', reason: 'x' }).success);
});
