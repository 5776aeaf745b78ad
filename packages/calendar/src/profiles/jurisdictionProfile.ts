import type { IsoDate } from '../dates/isoDate.js';

/** How a period is measured. */
export type PeriodUnit = 'working-days' | 'calendar-days' | 'weeks';

/** A length of time in a profile, e.g. 20 working days. */
export interface Period {
  readonly amount: number;
  readonly unit: PeriodUnit;
}

/**
 * How long silence lasts before a pause lapses: a period, or months, as a law may count a payment
 * period (FOIA 2000 s.9(2): "within the period of three months beginning with the day on which the
 * fees notice is given"). Months only lapse a pause; no reply period is counted in them.
 */
export type LapsePeriod = Period | { readonly amount: number; readonly unit: 'months' };

/** Ways a request reaches an agency (条例 第29条, 第31条). */
export const CHANNELS = ['in-person', 'registered-post', 'ordinary-post', 'online', 'fax', 'email', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Which fact fixes the receipt date for a channel:
 * - `handed-in`: the day the request was handed in;
 * - `signed-for`: the day the agency signed for the post;
 * - `confirmed-with-applicant`: the day the agency confirmed receipt with the applicant;
 * - `confirmed-by-both`: the day both sides confirmed (online, fax, email);
 * - `stated-by-sender`: the receipt date the sending government system states;
 * - `arrived`: the day it arrived (laws without a channel rule).
 */
export type ReceiptRule = 'handed-in' | 'signed-for' | 'confirmed-with-applicant' | 'confirmed-by-both' | 'stated-by-sender' | 'arrived';

/** The rules a request from another government system (channel `system`) can follow: nobody hands it in, signs for it or confirms it. */
export type SystemReceiptRule = Extract<ReceiptRule, 'stated-by-sender' | 'arrived'>;

/** A profile's receipt rule for each channel. */
export type ReceiptRules = Readonly<Record<Exclude<Channel, 'system'>, ReceiptRule> & { system: SystemReceiptRule }>;

/** What a workflow step does to the reply clock under a profile. */
export type ClockEffect = 'pause' | 'restart' | 'none';

/** One kind of extension a law allows. */
export interface ExtensionRule {
  readonly kind: string;
  readonly max: Period;
  /** How many times it may be used on one request. */
  readonly times: number;
  readonly requiresApproval: boolean;
  /** The extension must be approved before the due date in force. */
  readonly beforeDueDate: boolean;
  readonly citation: string;
}

/** A pausing step and how long silence lasts before it lapses. */
export interface PauseRule {
  readonly effect: ClockEffect;
  /** Silence for this long ends the pause (and the pause then counts exactly this long). */
  readonly lapseAfter?: LapsePeriod;
  /** Where `lapseAfter` comes from, when another provision than the pause's own sets it. */
  readonly lapseCitation?: string;
  /** How many times it may pause one request (US tolling for requester information: once). */
  readonly times?: number;
  /** The notice day itself is disregarded too (UK FOIA s.10(2): "beginning with the day on which the fees notice is given"). */
  readonly includesNoticeDay?: boolean;
  /** An agency that co-produced the information and is silent until the pause lapses is taken to consent (条例 第34条: 逾期未提出意见的视为同意公开). */
  readonly deemedConsent?: boolean;
  readonly citation: string;
}

/**
 * A jurisdiction's rules for the reply clock, as data: the period and its unit, extensions, which
 * steps pause or restart the count, the receipt-date rule per channel and the correction-notice window.
 */
export interface JurisdictionProfile {
  readonly id: string;
  readonly jurisdiction: string;
  readonly title: string;
  readonly law: string;
  /** The agency's zone: instants are turned into calendar dates here. */
  readonly timeZone: string;
  readonly calendarId: string;
  /** The profile applies to requests received on or after `from` and before `before`. */
  readonly appliesTo: { readonly from?: IsoDate; readonly before?: IsoDate };
  readonly period: Period & { readonly citation: string };
  /** For calendar-day and week periods: a last day that is not a working day moves to the next working day. */
  readonly rollForwardToWorkingDay: boolean;
  readonly extensions: readonly ExtensionRule[];
  readonly correction: PauseRule & { readonly noticeWithin?: Period };
  readonly thirdPartyConsultation: PauseRule;
  readonly agencyConsultation: PauseRule;
  readonly fee: PauseRule;
  readonly receiptRules: ReceiptRules;
  readonly receiptCitation: string;
  /**
   * Where the law lets the agency set a later reply date for an excessive request (条例 第35条:
   * 数量、频次明显超过合理范围…确定延迟答复的合理期限); absent where it has no such rule, and an
   * override there is the agency's own decision, said so in the clock's explanation.
   */
  readonly lateReplyCitation?: string;
  /** A fee schedule the engine computes, and the receipt dates it applies to. */
  readonly feeSchedule?: { readonly id: 'CN-109'; readonly from: IsoDate; readonly citation: string };
}
