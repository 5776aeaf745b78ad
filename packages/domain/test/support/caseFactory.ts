import { isDeepStrictEqual } from 'node:util';
import { builtinCalendars, type IsoDate } from '@disclosure/calendar';
import {
  decide,
  evolve,
  initialCaseState,
  isDomainError,
  parseCaseCommand,
  parseCaseEvent,
  type Actor,
  type CaseCommand,
  type CaseCommandOf,
  type CaseCommandType,
  type CaseEvent,
  type CaseState,
  type DecideContext,
  type DomainError,
} from '@disclosure/domain';

/** Small factories for specs: commands are built from a type, a day and data, never copied JSON. */

export const ctx: DecideContext = { calendars: builtinCalendars() };
export const CASE_ID = 'case-1';

export const actors = {
  caseworker: { id: 'cw-li', name: '李办理', role: 'caseworker', agency: 'demo' },
  caseworker2: { id: 'cw-wang', name: '王办理', role: 'caseworker', agency: 'demo' },
  reviewer: { id: 'rv-zhao', name: '赵审核', role: 'reviewer', agency: 'demo' },
  supervisor: { id: 'sv-chen', name: '陈主任', role: 'supervisor', agency: 'demo' },
  outsider: { id: 'cw-x', role: 'caseworker', agency: 'other' },
} satisfies Record<string, Actor>;

/** An instant that falls on `day` in every zone we ship (noon UTC: 20:00 in Beijing, 08:00 in New York, evening in Sydney). */
export const on = (day: IsoDate) => `${day}T12:00:00Z`;

type DataOf<T extends CaseCommandType> = CaseCommandOf<T>['data'];

/** A command of `type` given on `day` by `actor`. */
export function cmd<T extends CaseCommandType>(type: T, day: IsoDate, data: DataOf<T>, actor: Actor = actors.caseworker): CaseCommandOf<T> {
  return { type, caseId: CASE_ID, at: on(day), actor, data } as unknown as CaseCommandOf<T>;
}

/** A receive command with sensible defaults: a natural person, registered post signed for on `day`. */
export function receive(day: IsoDate, overrides: Partial<DataOf<'receiveRequest'>> = {}, jurisdiction = 'CN'): CaseCommandOf<'receiveRequest'> {
  const parsed = parseCaseCommand(
    cmd('receiveRequest', day, {
      jurisdiction,
      channel: 'registered-post',
      evidence: { signedForOn: day, arrivedOn: day },
      applicant: { kind: 'natural-person', name: '张三', idNumber: '110101199003071234', phone: '13800138000', email: 'zhangsan@example.cn', address: '北京市东城区某街1号' },
      request: { description: '2024年度本机关财政预算执行情况' },
      ...overrides,
    } as DataOf<'receiveRequest'>),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields));
  return parsed.command as CaseCommandOf<'receiveRequest'>;
}

export const register = (day: IsoDate) =>
  cmd('registerRequest', day, { registrationNumber: `demo-${day.slice(0, 4)}-1`, accessCodeDigest: 'a'.repeat(64) });

/**
 * Fails loudly unless each event reads back from storage as itself: its data stored as JSON and
 * parsed with its schema gives the very same value (no default filled in, nothing dropped, no
 * undefined left behind). The API answers a case it has just created from the fold of the decided
 * events instead of parsing back and folding what it stored (services/api CaseService), which is
 * right only while this holds — so every spec's decisions are checked here.
 */
export function readsBackAsItself(events: readonly CaseEvent[]): void {
  for (const e of events) {
    const stored = JSON.parse(JSON.stringify(e.data)) as unknown;
    if (!isDeepStrictEqual(stored, e.data)) throw new Error(`${e.type} does not survive JSON: ${JSON.stringify(e.data)}`);
    const read = parseCaseEvent({ type: e.type, version: e.version, data: stored });
    if (!isDeepStrictEqual(read, e)) throw new Error(`${e.type} reads back as ${JSON.stringify(read)}, decided as ${JSON.stringify(e)}`);
  }
}

/** Runs commands from a fresh case; any refusal fails loudly with its message. */
export function given(...commands: CaseCommand[]): { state: CaseState; events: CaseEvent[] } {
  let state = initialCaseState();
  const events: CaseEvent[] = [];
  for (const c of commands) {
    const result = decide(state, c, ctx);
    if (isDomainError(result)) throw new Error(`${c.type} refused: ${result.message}`);
    readsBackAsItself(result);
    for (const e of result) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}

/** Decides one more command on a state: the events, or the refusal. */
export function when(state: CaseState, command: CaseCommand): readonly CaseEvent[] | DomainError {
  const result = decide(state, command, ctx);
  if (!isDomainError(result)) readsBackAsItself(result);
  return result;
}
