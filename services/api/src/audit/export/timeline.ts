import type { CalendarRegistry } from '@disclosure/calendar';
import { deadlineToday, evolve, initialCaseState, localDate, parseCaseEvent, type CaseState } from '@disclosure/domain';
import type { RecordedEvent } from '@disclosure/event-store';
import type { ChainReport } from '../chainCheck.js';
import { chainWords, CLOCK_NAMES, describeEvent, ROLE_NAMES, STATUS_NAMES } from './eventWords.js';

/** One line of the readable timeline: when, who, what, and the due date after it. */
export interface TimelineEntry {
  readonly revision: number;
  /** When it happened, agency-local: `YYYY-MM-DD HH:mm`. */
  readonly when: string;
  /** When it was recorded, agency-local, when that is another minute than `when`. */
  readonly recordedWhen: string | null;
  readonly who: string;
  readonly name: string;
  readonly type: string;
  readonly words: string;
  /** The due date as of that day, after the event; null while none runs (a correction awaited) or past a break. */
  readonly dueDate: string | null;
  /** Where the case and its clock stood after the event, in words. */
  readonly standing: string;
  readonly hash: string;
}

/** Everything the readable timeline shows: the case, who exported it, the chain, the lines. */
export interface Timeline {
  readonly caseId: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly timeZone: string;
  readonly registrationNumber: string | null;
  readonly applicant: string | null;
  readonly request: string | null;
  readonly receivedOn: string | null;
  readonly statusNow: string;
  /** When it was exported, agency-local, with the zone. */
  readonly exportedAt: string;
  /** The same, as an ISO instant. */
  readonly exportedInstant: string;
  readonly exportedBy: string;
  readonly chain: ChainReport;
  readonly entries: readonly TimelineEntry[];
  /** The first event that did not replay (the lines after it show no due date), or null. */
  readonly replayStoppedAt: { readonly revision: number; readonly reason: string } | null;
}

export interface TimelineInput {
  readonly caseId: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly timeZone: string;
  readonly events: readonly RecordedEvent[];
  readonly chain: ChainReport;
  readonly calendars: CalendarRegistry;
  readonly exportedAt: string;
  readonly exportedBy: string;
}

/**
 * The readable timeline of a case: every event in plain words, replayed one by one for the due date
 * after each (as of that day, 条例 第33条). A history that stops replaying (an edited row) is still
 * listed whole; only the due dates stop.
 * @example buildTimeline({ caseId, agency, timeZone: 'Asia/Shanghai', events, chain: checkChain(events), calendars, exportedAt, exportedBy: 'auditor-1' }).entries[0].name // '收到申请'
 */
export function buildTimeline(input: TimelineInput): Timeline {
  const { events, timeZone } = input;
  const time = localTime(timeZone);
  let state: CaseState | undefined = initialCaseState();
  let replayStoppedAt: Timeline['replayStoppedAt'] = null;
  const entries = events.map((e): TimelineEntry => {
    const m = e.metadata;
    if (state) {
      try {
        state = evolve(state, parseCaseEvent(e));
      } catch (error) {
        state = undefined;
        replayStoppedAt = { revision: e.revision, reason: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : String(error) };
      }
    }
    const deadline = state?.clock ? dueAsOf(state, input.calendars, m.occurredAt, timeZone) : undefined;
    const when = time(m.occurredAt);
    const recorded = time(m.recordedAt);
    const { name, words } = describeEvent(e.type, e.data);
    return {
      revision: e.revision,
      when,
      recordedWhen: recorded === when ? null : recorded,
      who: `${ROLE_NAMES[m.role] ?? m.role} ${m.actor}`,
      name,
      type: e.type,
      words,
      dueDate: deadline?.dueDate ?? null,
      standing: state ? `${STATUS_NAMES[state.status]}${deadline ? `，${CLOCK_NAMES[deadline.status]}` : ''}` : '无法重放（见校验结果）',
      hash: m.hash,
    };
  });
  const folded = state as CaseState | undefined;
  const first = events[0]?.data as { applicant?: { name?: unknown }; request?: { description?: unknown }; receivedOn?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    caseId: input.caseId,
    agency: input.agency,
    timeZone,
    registrationNumber: folded?.registrationNumber ?? null,
    applicant: text(first?.applicant?.name),
    request: text(first?.request?.description),
    receivedOn: text(first?.receivedOn),
    statusNow: folded ? STATUS_NAMES[folded.status] : '无法重放（见校验结果）',
    exportedAt: `${time(input.exportedAt)} (${timeZone})`,
    exportedInstant: input.exportedAt,
    exportedBy: input.exportedBy,
    chain: input.chain,
    entries,
    replayStoppedAt,
  };
}

/** The title of the readable timeline. */
export const TIMELINE_TITLE = '政府信息公开申请办理时间线';

/** How the archive proves itself, for the reader of the timeline. */
export const HOW_TO_VERIFY =
  '本文件由 Disclosure Engine 从案件的事件流导出。同一压缩包中的 events.jsonl 逐行列出原始事件；每个事件的哈希 hash = SHA-256(prevHash ‖ 规范化 JSON {id, type, version, data, metadata（不含 hash）})，第一个事件的 prevHash 为 64 个 0。重新计算整条链即可确认记录未被改动；manifest.json 记录了每个文件的 SHA-256 和最后一个哈希。';

/**
 * The case's particulars as label–value rows, the head of both renderings (HTML and PDF).
 * @example summaryRows(timeline)[0] // ['案件编号', '3f2b…']
 */
export function summaryRows(t: Timeline): (readonly [string, string])[] {
  return [
    ['案件编号', t.caseId],
    ['登记编号', t.registrationNumber ?? '未登记'],
    ['办理机关', `${t.agency.name}（${t.agency.id}）`],
    ['申请人', t.applicant ?? '—'],
    ['申请公开的信息', t.request ?? '—'],
    ['收到申请之日', t.receivedOn ?? '—'],
    ['当前状态', t.statusNow],
    ['事件数', String(t.entries.length)],
    ['哈希链校验', chainWords(t.chain)],
    ...(t.replayStoppedAt ? [['重放', `第 ${t.replayStoppedAt.revision} 号事件起无法重放：${t.replayStoppedAt.reason}`] as const] : []),
    ['导出时间', t.exportedAt],
    ['导出人', t.exportedBy],
  ];
}

/**
 * One timeline entry's second line: the due date after it and where the case stood.
 * @example entryStanding(entry) // '此后答复期限：2025-10-30　状态：办理中，计时中'
 */
export function entryStanding(e: TimelineEntry): string {
  return `此后答复期限：${e.dueDate ?? '—'}　状态：${e.standing}${e.recordedWhen ? `　记录于 ${e.recordedWhen}` : ''}`;
}

/** The deadline as of the day an event happened, or undefined when that day is not one the calendars can count (an edited date). */
function dueAsOf(state: CaseState, calendars: CalendarRegistry, occurredAt: string, timeZone: string) {
  try {
    return deadlineToday(state.clock!, { calendars }, localDate(occurredAt, timeZone));
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD HH:mm` in a time zone. */
function localTime(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (iso) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
}
