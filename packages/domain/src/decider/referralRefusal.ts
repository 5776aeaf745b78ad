import type { IsoDate } from '@disclosure/calendar';
import { caseEvent, type CaseEvent, type CaseEventData } from '../events/caseEvents.js';
import type { CaseState } from './caseState.js';

/** Why the agency referred to could not receive a referral: the stable type of its refusal and its words. */
export interface RefusedReferral {
  readonly toAgency: string;
  readonly problem: string;
  readonly detail: string;
}

/**
 * What the referral reactor records on the referring case when the agency it was referred to cannot
 * receive the referred request (会商/转办: e.g. that agency's law has no profile for the referral
 * day): `ReferralRefused`, so the caseworker sees that no case was made there and the applicant
 * still has to be told where to ask (条例 第36条(五)). Once per referral; nothing for an agency the
 * case was not referred to, or one that did receive it (a `referred-to` link names it). Pure: the
 * day comes in as data, the referring case's own local date.
 * @example referralRefusal(state, { toAgency: 'us.agency', problem: 'no-profile', detail: 'no US profile applies…' }, '2025-10-09') // [ReferralRefused { toAgency: 'us.agency', … }]
 */
export function referralRefusal(state: CaseState, refusal: RefusedReferral, today: IsoDate): CaseEvent[] {
  const { toAgency } = refusal;
  if (!state.referrals.some((r) => r.toAgency === toAgency)) return [];
  if (state.referralRefusals.some((r) => r.toAgency === toAgency) || receivedBy(state, toAgency)) return [];
  return [caseEvent('ReferralRefused', { toAgency, problem: refusal.problem, detail: refusal.detail.slice(0, 2000), noticedOn: today })];
}

/**
 * The refusal that stands on a case's referral to an agency: its `ReferralRefused`, unless the agency
 * has received the referral since (a `referred-to` link names it); null when none stands.
 * @example refusalOf(state, 'ie.body')?.problem // 'invalid-value'
 */
export function refusalOf(state: CaseState, toAgency: string): CaseEventData<'ReferralRefused'> | null {
  if (receivedBy(state, toAgency)) return null;
  return state.referralRefusals.find((r) => r.toAgency === toAgency) ?? null;
}

/** Whether the agency a case was referred to received it: a `referred-to` link names it. */
function receivedBy(state: CaseState, toAgency: string): boolean {
  return state.links.some((l) => l.relation === 'referred-to' && l.linkedAgency === toAgency);
}
