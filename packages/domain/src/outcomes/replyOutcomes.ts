import { z } from 'zod';

/**
 * The statutory reply outcomes (条例 第36–37条), in the rows of the annual report's 表三
 * (国办公开办函〔2021〕30号). Each ground keeps the report's own wording as its label.
 */

/** Grounds for withholding (不予公开), 条例 第14–16条. */
export const WITHHOLD_GROUNDS = {
  'state-secret': '属于国家秘密', // 第14条
  'prohibited-by-law': '其他法律行政法规禁止公开', // 第14条
  'three-securities-one-stability': '危及"三安全一稳定"', // 第14条: 国家安全、公共安全、经济安全、社会稳定
  'third-party-rights': '保护第三方合法权益', // 第15条
  'internal-affairs': '属于三类内部事务信息', // 第16条第1款
  'process-information': '属于四类过程性信息', // 第16条第2款
  'law-enforcement-file': '属于行政执法案卷', // 第16条第2款
  'administrative-inquiry': '属于行政查询事项', // 第36条(七): 工商、不动产登记资料等，依照有关法律、行政法规办理
} as const;

/** Grounds for 无法提供, 条例 第36条(四)(五), 第38条, 第30条. */
export const CANNOT_PROVIDE_GROUNDS = {
  'not-held': '本机关不掌握相关政府信息', // 第36条(四)(五)
  'needs-creation': '没有现成信息需要另行制作', // 第38条
  'still-unclear-after-correction': '补正后申请内容仍不明确', // 第30条
} as const;

/** Grounds for 不予处理 (表三 rows), 条例 第36条(六), 第35条, 第39条. */
export const NOT_HANDLED_GROUNDS = {
  'petition-or-complaint': '信访举报投诉类申请', // 第39条第1款
  repeated: '重复申请', // 第36条(六)
  'public-publication': '要求提供公开出版物', // 第39条第2款
  'excessive-without-reason': '无正当理由大量反复申请', // 第35条
  'confirm-or-reissue': '要求行政机关确认或重新出具已获取信息', // a 表三 row; no article of 条例 states it
} as const;

/** Grounds for 其他处理. */
export const OTHER_GROUNDS = {
  'correction-lapsed': '申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', // 第30条
  'fee-lapsed': '申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', // 国办函〔2020〕109号
  other: '其他',
} as const;

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

export const withholdGroundSchema = z.enum(keys(WITHHOLD_GROUNDS));
export type WithholdGround = z.infer<typeof withholdGroundSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** How the information is provided (条例 第40条: 纸质文本、电子数据以及其他适当形式；查阅、抄录 …). */
export const provisionSchema = z
  .object({
    form: z.enum(['paper', 'electronic', 'inspection', 'copy', 'other']),
    /** The information itself, or where it is published (第36条(一)(二): 告知获取的方式、途径). */
    location: text(2000).optional(),
  })
  .strict();

const withheldPart = z
  .object({
    what: text(2000),
    ground: withholdGroundSchema,
    reason: text(4000),
  })
  .strict();

/**
 * A reply's outcome, with its grounds. 部分公开 must say what was withheld and why (第37条).
 * @example replyOutcomeSchema.parse({ kind: 'withheld', ground: 'state-secret', reason: '…' })
 */
export const replyOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disclosed'), provision: provisionSchema }).strict(), // 第36条(一)(二)
  z.object({ kind: z.literal('partly-disclosed'), provision: provisionSchema, withheld: z.array(withheldPart).min(1).max(100) }).strict(), // 第37条
  z.object({ kind: z.literal('withheld'), ground: withholdGroundSchema, reason: text(4000) }).strict(), // 第36条(三)
  z.object({ kind: z.literal('cannot-provide'), ground: z.enum(keys(CANNOT_PROVIDE_GROUNDS)), reason: text(4000), responsibleAgency: text(200).optional() }).strict(),
  z.object({ kind: z.literal('not-handled'), ground: z.enum(keys(NOT_HANDLED_GROUNDS)), reason: text(4000) }).strict(),
  z.object({ kind: z.literal('other'), ground: z.enum(keys(OTHER_GROUNDS)), reason: text(4000) }).strict(),
]);
export type ReplyOutcome = z.infer<typeof replyOutcomeSchema>;

/** The annual report's heading for each outcome kind (表三 三、本年度办理结果). */
export const OUTCOME_LABELS: Readonly<Record<ReplyOutcome['kind'], string>> = {
  disclosed: '（一）予以公开',
  'partly-disclosed': '（二）部分公开',
  withheld: '（三）不予公开',
  'cannot-provide': '（四）无法提供',
  'not-handled': '（五）不予处理',
  other: '（六）其他处理',
};

/**
 * The 表三 row an outcome is counted in: its kind, and for grounded kinds the ground's label.
 * @example reportRowOf({ kind: 'withheld', ground: 'state-secret', reason: '…' }) // '（三）不予公开/属于国家秘密'
 */
export function reportRowOf(outcome: ReplyOutcome): string {
  const head = OUTCOME_LABELS[outcome.kind];
  switch (outcome.kind) {
    case 'disclosed':
    case 'partly-disclosed':
      return head;
    case 'withheld':
      return `${head}/${WITHHOLD_GROUNDS[outcome.ground]}`;
    case 'cannot-provide':
      return `${head}/${CANNOT_PROVIDE_GROUNDS[outcome.ground]}`;
    case 'not-handled':
      return `${head}/${NOT_HANDLED_GROUNDS[outcome.ground]}`;
    case 'other':
      return `${head}/${OTHER_GROUNDS[outcome.ground]}`;
  }
}
