import { randomUUID } from 'node:crypto';
import { addCalendarDays, builtinCalendars, type IsoDate } from '@disclosure/calendar';
import { decide, evolve, foldCase, initialCaseState, isDomainError, parseCaseEvent, type Actor, type CaseCommand, type CaseEvent, type CaseState, type ReplyOutcome } from '@disclosure/domain';
import { StreamNotFound } from '@disclosure/event-store';
import type { EventStore, NewEvent } from '@disclosure/event-store';

/**
 * Generates realistic cases with the domain's own `decide`: requests arrive over a span of days
 * and follow the law's paths (corrections, consultations, fees, extensions, returns, replies,
 * withdrawals, lapses), stopping wherever the span ends, so every state appears. Seeded: the same
 * seed gives the same commands.
 */
export interface Workload {
  readonly commands: readonly CaseCommand[];
}

const ctx = { calendars: builtinCalendars() };

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTCOMES: readonly ReplyOutcome[] = [
  { kind: 'disclosed', provision: { form: 'electronic', location: 'https://www.example.gov.cn/xxgk' } },
  { kind: 'partly-disclosed', provision: { form: 'paper' }, withheld: [{ what: '个人信息', ground: 'third-party-rights', reason: '涉及个人隐私' }] },
  { kind: 'withheld', ground: 'process-information', reason: '属于内部研究过程中的信息' },
  { kind: 'cannot-provide', ground: 'not-held', reason: '经检索，本机关未制作或获取该信息' },
  { kind: 'not-handled', ground: 'repeated', reason: '重复申请' },
];
const KINDS = ['natural-person', 'natural-person', 'natural-person', 'commercial-enterprise', 'research-institution', 'public-welfare-organisation', 'legal-service-organisation', 'other-organisation'] as const;

export interface WorkloadOptions {
  readonly cases: number;
  readonly seed?: number;
  readonly agencies?: readonly string[];
  readonly from?: IsoDate;
  /** Days over which requests arrive; steps after `from + days + tail` are not taken (cases stay open). */
  readonly days?: number;
  readonly tail?: number;
}

/** The commands of a generated workload, in time order across cases. */
export function generateWorkload(options: WorkloadOptions): Workload {
  const rnd = prng(options.seed ?? 42);
  const agencies = options.agencies ?? ['demo', 'city-finance'];
  const from = options.from ?? '2025-09-01';
  const days = options.days ?? 120;
  const end = addCalendarDays(from, days + (options.tail ?? 20));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const steps: { at: string; seq: number; command: CaseCommand }[] = [];
  let seq = 0;
  for (let i = 0; i < options.cases; i++) {
    const caseId = randomUUIDFrom(rnd);
    const agency = pick(agencies);
    const people = {
      caseworker: { id: `${agency}-cw-${1 + Math.floor(rnd() * 5)}`, name: '办理人', role: 'caseworker', agency },
      reviewer: { id: `${agency}-rv-1`, name: '审核人', role: 'reviewer', agency },
      supervisor: { id: `${agency}-sv-1`, name: '负责人', role: 'supervisor', agency },
    } satisfies Record<string, Actor>;
    const received = addCalendarDays(from, Math.floor(rnd() * days));
    let day = received;
    const add = (afterDays: number, type: string, data: object, actor: Actor = people.caseworker) => {
      day = addCalendarDays(day, afterDays);
      if (day > end) return false;
      steps.push({ at: `${day}T03:00:00Z`, seq: seq++, command: { type, caseId, at: `${day}T03:00:00Z`, actor, data } as unknown as CaseCommand });
      return true;
    };
    const channel = pick(['in-person', 'registered-post', 'online', 'system'] as const);
    const evidence = { 'in-person': { handedInOn: received }, 'registered-post': { signedForOn: received }, online: { confirmedByBothOn: received }, system: { statedReceiptDate: received, sourceSystem: '省政务服务网' } }[channel];
    add(0, 'receiveRequest', {
      jurisdiction: 'CN',
      channel,
      evidence,
      applicant: { kind: pick(KINDS), name: `申请人${i}`, phone: `1380000${String(i).padStart(4, '0')}`, email: `applicant${i}@example.cn` },
      request: { description: `关于${2020 + (i % 5)}年度${pick(['财政预算', '征地补偿', '环境监测', '行政处罚', '规划许可'])}的信息`, writtenDownFromOralRequest: false },
    });
    if (rnd() < 0.03) continue; // received, never registered yet
    if (!add(0, 'registerRequest', { registrationNumber: `${agency}-${received.slice(0, 4)}-${i + 1}`, accessCodeDigest: (i.toString(16) + 'f'.repeat(64)).slice(0, 64) })) continue;
    if (!add(1, 'assignCase', { assignee: { id: people.caseworker.id, name: people.caseworker.name } })) continue;
    if (rnd() < 0.04) {
      add(2, 'withdrawRequest', { reason: '申请人撤回' }) && rnd() < 0.5 && add(3, 'archiveCase', {});
      continue;
    }
    if (rnd() < 0.15) {
      if (!add(2, 'requestCorrection', { items: ['请明确所需信息的名称或文号'], respondBy: addCalendarDays(day, 15) })) continue;
      if (rnd() < 0.2) {
        add(16, 'lapseCorrection', {}) && rnd() < 0.5 && add(2, 'archiveCase', {});
        continue;
      }
      if (!add(3 + Math.floor(rnd() * 8), 'receiveCorrection', { summary: '补充了文号' })) continue;
    }
    if (rnd() < 0.2) {
      const consultation = `c-${i}`;
      if (!add(4, 'consultThirdParty', { consultationId: consultation, party: '相关企业', question: '是否同意公开' })) continue;
      if (rnd() < 0.75) {
        if (!add(2 + Math.floor(rnd() * 10), 'recordConsultationAnswer', { consultationId: consultation, opinion: pick(['consent', 'objection', 'partial'] as const), summary: '书面意见' })) continue;
      } else if (!add(40, 'lapseConsultation', { consultationId: consultation })) continue;
    }
    if (rnd() < 0.08) {
      if (!add(3, 'issueFeeNotice', { method: 'per-page', quantity: 50, alreadyCounted: 0 })) continue;
      if (rnd() < 0.2) {
        add(45, 'lapseFee', {}) && rnd() < 0.5 && add(2, 'archiveCase', {});
        continue;
      }
      if (!add(2, 'recordFeePayment', { amount: 200, reference: `缴费${i}` })) continue;
    }
    if (rnd() < 0.1 && !add(3, 'approveExtension', { amount: 10 + Math.floor(rnd() * 11), reason: '需调取档案' }, people.supervisor)) continue;
    if (rnd() < 0.05 && !add(1, 'instructSupervision', { instructionId: `i-${i}`, instruction: '请加快办理' }, people.supervisor)) continue;
    const outcome = pick(OUTCOMES);
    if (!add(3 + Math.floor(rnd() * 6), 'submitForReview', { outcome, draft: '答复书草稿' })) continue;
    if (rnd() < 0.2) {
      if (!add(1, 'returnReply', { reasons: ['理由不充分'] }, people.reviewer)) continue;
      if (!add(2, 'submitForReview', { outcome, draft: '答复书修改稿' })) continue;
    }
    if (!add(1, 'approveReply', {}, people.reviewer)) continue;
    if (!add(1, 'issueReply', { delivery: pick(['post', 'email', 'online'] as const) })) continue;
    if (!add(2, 'archiveCase', {})) continue;
    if (rnd() < 0.3) add(3, 'recordApplicantRating', { rating: pick(['satisfied', 'basically-satisfied', 'dissatisfied'] as const) });
    if (rnd() < 0.05) add(10, 'recordAppealOutcome', { kind: 'reconsideration', result: pick(['upheld', 'corrected', 'pending'] as const), reference: `复议${i}` });
  }
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  return { commands: steps.map((s) => s.command) };
}

function randomUUIDFrom(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Decides each command against the case as it stands and appends the events; returns the folded cases. */
export async function applyWorkload(store: EventStore, workload: Workload, onlyFirst?: number): Promise<Map<string, CaseState>> {
  const states = new Map<string, CaseState>();
  const revisions = new Map<string, number>();
  for (const command of workload.commands.slice(0, onlyFirst)) {
    const state = states.get(command.caseId) ?? initialCaseState();
    const result = decide(state, command, ctx);
    if (isDomainError(result)) throw new Error(`workload ${command.type} on ${command.caseId}: ${result.message}`);
    const revision = revisions.get(command.caseId);
    const r = await store.append(command.caseId, result.map((e) => toNewEvent(e, command)), { expectedRevision: revision ?? 'no_stream' });
    revisions.set(command.caseId, r.nextExpectedRevision);
    states.set(command.caseId, result.reduce(evolve, state));
  }
  return states;
}

/** The stored form of a decided event. */
export function toNewEvent(e: CaseEvent, command: CaseCommand): NewEvent {
  return { id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata: { actor: command.actor.id, agency: command.actor.agency, role: command.actor.role, correlationId: randomUUID(), causationId: null, occurredAt: command.at } };
}

/** load → fold → decide → append for one command, as the API does it. */
export async function applyCommand(store: EventStore, command: CaseCommand): Promise<void> {
  let state = initialCaseState();
  let revision: number | 'no_stream' = 'no_stream';
  try {
    const stored = await store.read(command.caseId);
    state = foldCase(stored.map((e) => parseCaseEvent(e)), state);
    revision = stored[stored.length - 1]!.revision;
  } catch (e) {
    if (!(e instanceof StreamNotFound)) throw e;
  }
  const result = decide(state, command, ctx);
  if (isDomainError(result)) throw new Error(`${command.type} on ${command.caseId}: ${result.message}`);
  await store.append(command.caseId, result.map((e) => toNewEvent(e, command)), { expectedRevision: revision });
}
