import type { JurisdictionProfile, ReceiptRules } from './jurisdictionProfile.js';

const wd = (amount: number) => ({ amount, unit: 'working-days' as const });
const noEffect = (citation: string) => ({ effect: 'none' as const, citation });
// Laws without a channel rule count from the day the agency receives the request, however it came
// (2008年条例 第24条 收到申请之日; FOIA s.10(6)(a); 5 U.S.C. 552(a)(6)(A)(ii); IE s.13(1); AU s.15(5)(b)):
// a request another system hands over too, so what the sending system states does not fix the date.
const arrivedEverywhere: ReceiptRules = {
  'in-person': 'arrived',
  'registered-post': 'arrived',
  'ordinary-post': 'arrived',
  online: 'arrived',
  fax: 'arrived',
  email: 'arrived',
  system: 'arrived',
};

// 条例 第31条: the receipt date depends on how the request came in.
const CN_RECEIPT: ReceiptRules = {
  'in-person': 'handed-in', // 第31条(一) 当面提交的，以提交之日为收到申请之日
  'registered-post': 'signed-for', // 第31条(二) 以邮寄方式提交的，以行政机关签收之日为收到申请之日
  'ordinary-post': 'confirmed-with-applicant', // 第31条(二) 平常信函…与申请人确认，确认之日为收到申请之日
  online: 'confirmed-by-both', // 第31条(三) 通过互联网渠道…以双方确认之日为收到申请之日
  fax: 'confirmed-by-both', // 第31条(三) …或者政府信息公开工作机构的传真提交
  email: 'confirmed-by-both', // 第31条(三) e-mail is an internet channel
  system: 'stated-by-sender', // intake from another government system carries its own receipt date
};

/** 《政府信息公开条例》 2019 revision (国务院令第711号), for requests received from 2019-05-15. */
export const CN_2019: JurisdictionProfile = {
  id: 'CN-2019',
  jurisdiction: 'CN',
  title: '中华人民共和国政府信息公开条例（2019年修订）',
  law: '国务院令第711号',
  timeZone: 'Asia/Shanghai',
  calendarId: 'CN',
  appliesTo: { from: '2019-05-15' },
  period: { ...wd(20), citation: '条例 第33条第2款: 不能当场答复的，应当自收到申请之日起20个工作日内予以答复' },
  rollForwardToWorkingDay: false,
  extensions: [
    {
      kind: 'statutory',
      max: wd(20),
      times: 1,
      requiresApproval: true,
      beforeDueDate: true,
      citation: '条例 第33条第2款: 需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日 (once: our reading)',
    },
  ],
  correction: {
    effect: 'restart',
    noticeWithin: wd(7),
    // 一次性告知 means every item in one notice; we also allow only one notice per request, our reading
    times: 1,
    citation: '条例 第30条: 自收到申请之日起7个工作日内一次性告知申请人作出补正…答复期限自行政机关收到补正的申请之日起计算；申请人无正当理由逾期不补正的，视为放弃申请',
  },
  thirdPartyConsultation: {
    effect: 'pause',
    lapseAfter: wd(15),
    citation: '条例 第32条 (第三方应当自收到征求意见书之日起15个工作日内提出意见) 与 第33条第3款 (行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内)',
  },
  agencyConsultation: {
    effect: 'pause',
    lapseAfter: wd(15),
    deemedConsent: true,
    citation: '条例 第34条 (两个以上行政机关共同制作的…被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见，逾期未提出意见的视为同意公开) 与 第33条第3款',
  },
  fee: {
    effect: 'pause',
    lapseAfter: wd(20),
    // 条例 第42条 only allows the fee; the pause and the payment period are 109号's (its later articles are not verified here)
    citation: '国办函〔2020〕109号《政府信息公开信息处理费管理办法》: 收费通知至缴费之间的时间不计算在答复期限内；20个工作日内未缴费的视为放弃申请',
  },
  receiptRules: CN_RECEIPT,
  receiptCitation: '条例 第31条 (email and system intake: our reading)',
  lateReplyCitation: '条例 第35条: 申请人申请公开政府信息的数量、频次明显超过合理范围，…说明理由不合理的，行政机关可以不予处理；…可以确定延迟答复的合理期限并告知申请人',
  feeSchedule: { id: 'CN-109', from: '2021-01-01', citation: '国办函〔2020〕109号 第三条至第五条, in force 2021-01-01' },
};

/** 《政府信息公开条例》 2008 version (国务院令第492号), for requests received before 2019-05-15. */
export const CN_2008: JurisdictionProfile = {
  id: 'CN-2008',
  jurisdiction: 'CN',
  title: '中华人民共和国政府信息公开条例（2008年）',
  law: '国务院令第492号',
  timeZone: 'Asia/Shanghai',
  calendarId: 'CN',
  appliesTo: { before: '2019-05-15' },
  period: { ...wd(15), citation: '2008年条例 第24条第2款: 自收到申请之日起15个工作日内予以答复' },
  rollForwardToWorkingDay: false,
  extensions: [
    {
      kind: 'statutory',
      max: wd(15),
      times: 1,
      requiresApproval: true,
      beforeDueDate: true,
      citation: '2008年条例 第24条第2款: 经政府信息公开工作机构负责人同意，并告知申请人，延长答复的期限最长不得超过15个工作日',
    },
  ],
  correction: {
    effect: 'restart',
    // The 2008 text has no restart rule; counting from the corrected request is our reading of practice.
    citation: '2008年条例 第21条(四): 申请内容不明确的，应当告知申请人作出更改、补充',
  },
  thirdPartyConsultation: {
    effect: 'pause',
    citation: '2008年条例 第24条第3款: 申请公开的政府信息涉及第三方权益的，征求第三方意见所需时间不计算在本条第二款规定的期限内',
  },
  agencyConsultation: noEffect('2008年条例: 无征求其他机关意见的期限扣除规定'),
  fee: noEffect('2008年条例 第27条: 收取检索、复制、邮寄等成本费用，不扣除期限'),
  receiptRules: arrivedEverywhere, // the 2008 text has no channel rule: the day the request arrived
  receiptCitation: '2008年条例 第24条 (收到申请之日)',
};

/** Freedom of Information Act 2000 (England, Wales, Northern Ireland; UK public authorities). */
export const UK_FOIA: JurisdictionProfile = {
  id: 'UK-FOIA',
  jurisdiction: 'GB',
  title: 'Freedom of Information Act 2000',
  law: 'FOIA 2000 c.36',
  timeZone: 'Europe/London',
  calendarId: 'GB-UK',
  appliesTo: { from: '2005-01-01' },
  period: { ...wd(20), citation: 's.10(1): not later than the twentieth working day following the date of receipt' },
  rollForwardToWorkingDay: false,
  extensions: [
    {
      kind: 'public-interest-test',
      max: wd(20),
      times: 1,
      requiresApproval: true,
      beforeDueDate: true,
      citation: 's.10(3) and s.17(2): such time as is reasonable; the ICO takes that as a further 20 working days',
    },
  ],
  correction: { effect: 'restart', citation: 's.1(3): a request is received when the further information reasonably required is received' },
  thirdPartyConsultation: noEffect('s.45 code of practice: consultation does not extend the time for compliance'),
  agencyConsultation: noEffect('s.45 code of practice: consultation does not extend the time for compliance'),
  fee: {
    effect: 'pause',
    includesNoticeDay: true,
    lapseAfter: { amount: 3, unit: 'months' },
    lapseCitation: 's.9(2): the authority is not obliged to comply unless the fee is paid within the period of three months beginning with the day on which the fees notice is given',
    citation: 's.10(2): the working days in the period beginning with the day on which the fees notice is given and ending with the day on which the fee is received are disregarded',
  },
  receiptRules: arrivedEverywhere,
  receiptCitation: 's.10(6): the date of receipt is the day the authority receives the request',
};

/** US Freedom of Information Act, 5 U.S.C. 552(a)(6). */
export const US_FOIA: JurisdictionProfile = {
  id: 'US-FOIA',
  jurisdiction: 'US',
  title: 'Freedom of Information Act',
  law: '5 U.S.C. 552',
  timeZone: 'America/New_York',
  calendarId: 'US-FED',
  appliesTo: {},
  period: { ...wd(20), citation: '552(a)(6)(A)(i): within 20 days (excepting Saturdays, Sundays, and legal public holidays) after receipt' },
  rollForwardToWorkingDay: false,
  extensions: [
    {
      kind: 'unusual-circumstances',
      max: wd(10),
      times: 1,
      requiresApproval: false,
      beforeDueDate: true,
      citation: '552(a)(6)(B)(i): written notice setting forth the unusual circumstances; no more than ten working days',
    },
  ],
  correction: { effect: 'pause', times: 1, citation: '552(a)(6)(A)(ii)(I): the agency may toll the 20 days once while awaiting information it reasonably requested from the requester' },
  thirdPartyConsultation: noEffect('552(a)(6)(B)(iii)(III): consultation is an unusual circumstance, not a toll'),
  agencyConsultation: noEffect('552(a)(6)(B)(iii)(III): consultation is an unusual circumstance, not a toll'),
  fee: { effect: 'pause', citation: '552(a)(6)(A)(ii)(II): tolling while clarifying fee assessment with the requester' },
  receiptRules: arrivedEverywhere,
  receiptCitation: '552(a)(6)(A)(ii): the date on which the request is first received by the appropriate component, at most 10 days after any component',
  lateReplyCitation: '552(a)(6)(B)(ii): an alternative time frame for processing the request, arranged with the requester',
};

/** Ireland, Freedom of Information Act 2014. */
export const IE_FOI: JurisdictionProfile = {
  id: 'IE-FOI',
  jurisdiction: 'IE',
  title: 'Freedom of Information Act 2014',
  law: 'Act No. 30 of 2014',
  timeZone: 'Europe/Dublin',
  calendarId: 'IE',
  appliesTo: { from: '2014-10-14' },
  period: { amount: 4, unit: 'weeks', citation: 's.13(1): as soon as may be, but not later than 4 weeks after the receipt of the request' },
  rollForwardToWorkingDay: false,
  extensions: [
    {
      kind: 'voluminous',
      max: { amount: 4, unit: 'weeks' },
      times: 1,
      requiresApproval: false,
      beforeDueDate: true,
      citation: 's.14(1): the period may be extended by not more than 4 weeks, with notice before it expires',
    },
  ],
  correction: noEffect('s.15(4): the body assists the requester to amend the request; no change to the period'),
  thirdPartyConsultation: noEffect('s.38: the third-party procedure runs on its own time limits'),
  agencyConsultation: noEffect('no provision'),
  fee: noEffect('s.27: search and retrieval fees do not stop the clock'),
  receiptRules: arrivedEverywhere,
  receiptCitation: 's.13(1): receipt of the request',
};

/** Australia, Freedom of Information Act 1982 (Commonwealth). */
export const AU_FOI: JurisdictionProfile = {
  id: 'AU-FOI',
  jurisdiction: 'AU',
  title: 'Freedom of Information Act 1982',
  law: 'Act No. 3 of 1982 (Cth)',
  timeZone: 'Australia/Sydney',
  calendarId: 'AU-FED',
  appliesTo: {},
  period: { amount: 30, unit: 'calendar-days', citation: 's.15(5)(b): 30 days after the day on which the request is received' },
  rollForwardToWorkingDay: true, // Acts Interpretation Act 1901 s.36(2): a last day on a weekend or holiday moves to the next day
  extensions: [
    { kind: 'consultation', max: { amount: 30, unit: 'calendar-days' }, times: 1, requiresApproval: false, beforeDueDate: true, citation: 's.15(6)-(8): consultation under s.26A, 27 or 27A' },
    { kind: 'agreed', max: { amount: 30, unit: 'calendar-days' }, times: 1, requiresApproval: true, beforeDueDate: true, citation: 's.15AA: extension agreed in writing with the applicant' },
  ],
  correction: noEffect('s.15(2): a request must provide such information as is reasonably necessary; no statutory restart'),
  thirdPartyConsultation: noEffect('consultation extends the period (s.15(6)) rather than pausing it'),
  agencyConsultation: noEffect('consultation extends the period (s.15(6)) rather than pausing it'),
  fee: noEffect('s.31: charges suspend processing in practice; not modelled as a pause'),
  receiptRules: arrivedEverywhere,
  receiptCitation: 's.15(5)(b): the day on which the request is received',
};

/** Every profile the engine ships. */
export const BUILTIN_PROFILES: readonly JurisdictionProfile[] = [CN_2019, CN_2008, UK_FOIA, US_FOIA, IE_FOI, AU_FOI];
