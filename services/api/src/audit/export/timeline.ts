import type { CalendarRegistry } from '@disclosure/calendar';
import { deadlineToday, evolve, initialCaseState, localDate, parseCaseEvent, type CaseState } from '@disclosure/domain';
import type { RecordedEvent } from '@disclosure/event-store';
import type { ChainReport } from '../chainCheck.js';
import { describeEvent, timelineWords, type TimelineWords } from './eventWords.js';

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
  /** The language and the law the timeline is told in: the case's own (see {@link timelineWords}). */
  readonly words: TimelineWords;
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
  /** Who exported it, as the manifest has them. */
  readonly exportedBy: { readonly id: string; readonly name?: string | undefined; readonly role: string };
}

/**
 * The readable timeline of a case: every event in plain words, replayed one by one for the due date
 * after each (as of that day, 条例 第33条). A history that stops replaying (an edited row) is still
 * listed whole; only the due dates stop.
 * @example buildTimeline({ caseId, agency, timeZone: 'Asia/Shanghai', events, chain: checkChain(events), calendars, exportedAt, exportedBy: { id: 'auditor-1', role: 'auditor' } }).entries[0].name // '收到申请'
 */
export function buildTimeline(input: TimelineInput): Timeline {
  const { events, timeZone } = input;
  const time = localTime(timeZone);
  const words = timelineWords(profileOf(events[0]));
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
    const described = describeEvent(e.type, e.data, words);
    return {
      revision: e.revision,
      when,
      recordedWhen: recorded === when ? null : recorded,
      who: `${words.roles[m.role] ?? m.role} ${m.actor}`,
      name: described.name,
      type: e.type,
      words: described.words,
      dueDate: deadline?.dueDate ?? null,
      standing: state ? words.standing(words.statuses[state.status], deadline ? words.clocks[deadline.status] : undefined) : words.unreplayable,
      hash: m.hash,
    };
  });
  const folded = state as CaseState | undefined;
  const first = events[0]?.data as { applicant?: { name?: unknown }; request?: { description?: unknown }; receivedOn?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    words,
    caseId: input.caseId,
    agency: input.agency,
    timeZone,
    registrationNumber: folded?.registrationNumber ?? null,
    applicant: text(first?.applicant?.name),
    request: text(first?.request?.description),
    receivedOn: text(first?.receivedOn),
    statusNow: folded ? words.statuses[folded.status] : words.unreplayable,
    exportedAt: `${time(input.exportedAt)} (${timeZone})`,
    exportedInstant: input.exportedAt,
    exportedBy: words.actor(input.exportedBy, input.exportedBy.role),
    chain: input.chain,
    entries,
    replayStoppedAt,
  };
}

/**
 * The case's particulars as label–value rows, the head of both renderings (HTML and PDF).
 * @example summaryRows(timeline)[0] // ['案件编号', '3f2b…']
 */
export function summaryRows(t: Timeline): (readonly [string, string])[] {
  const { labels } = t.words;
  return [
    [labels.caseId, t.caseId],
    [labels.registrationNumber, t.registrationNumber ?? labels.notRegistered],
    [labels.agency, t.words.person({ id: t.agency.id, name: t.agency.name })],
    [labels.law, t.words.law],
    [labels.applicant, t.applicant ?? '—'],
    [labels.request, t.request ?? '—'],
    [labels.receivedOn, t.receivedOn ?? '—'],
    [labels.statusNow, t.statusNow],
    [labels.eventCount, String(t.entries.length)],
    [labels.chain, t.words.chain(t.chain)],
    ...(t.replayStoppedAt ? [[labels.replay, t.words.replayStopped(t.replayStoppedAt.revision, t.replayStoppedAt.reason)] as const] : []),
    [labels.exportedAt, t.exportedAt],
    [labels.exportedBy, t.exportedBy],
  ];
}

/**
 * One timeline entry's second line: the due date after it and where the case stood.
 * @example entryStanding(timeline, entry) // '此后答复期限：2025-10-30　状态：办理中，计时中'
 */
export function entryStanding(t: Timeline, e: TimelineEntry): string {
  return t.words.entryStanding(e.dueDate, e.standing, e.recordedWhen);
}

/** The law a stream's first event names (`RequestReceived.profileId`); undefined for any other first event. */
function profileOf(first: RecordedEvent | undefined): string | undefined {
  const id = (first?.data as { profileId?: unknown } | undefined)?.profileId;
  return typeof id === 'string' ? id : undefined;
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
