import type { CaseEventData, CaseEventType, CaseStatus, ClockStatus } from '@disclosure/domain';
import { BUILTIN_PROFILES, CN_2019, type JurisdictionProfile } from '@disclosure/calendar';
import type { ChainReport } from '../chainCheck.js';
import { chineseWords } from './chineseWords.js';
import { englishWords } from './englishWords.js';

/**
 * A case's events in the words of the people who work and audit it: what the readable timeline of
 * an export says, in the language of the case's law and citing that law's own articles. A Chinese
 * case reads in Chinese with the article of the 条例 in force when it was received (2019 or 2008);
 * a case under FOIA, the Irish or the Australian Act reads in English with its sections. An event
 * type not named here (a newer one) is shown by its type name and its data, never dropped.
 */

/** How one event type is told: its data, in the case's words. */
export type Describe = { readonly [T in CaseEventType]?: (d: CaseEventData<T>) => string };

/** The labels of the timeline's head, in the order it shows them. */
export interface SummaryLabels {
  readonly caseId: string;
  readonly registrationNumber: string;
  readonly notRegistered: string;
  readonly agency: string;
  readonly law: string;
  readonly applicant: string;
  readonly request: string;
  readonly receivedOn: string;
  readonly statusNow: string;
  readonly eventCount: string;
  readonly chain: string;
  readonly replay: string;
  readonly exportedAt: string;
  readonly exportedBy: string;
}

/** Everything a timeline says in words, for one language and one law. */
export interface TimelineWords {
  /** The BCP 47 tag of the rendering (`zh-CN`, `en`). */
  readonly lang: string;
  /** The law the case is handled under (the profile's title and instrument). */
  readonly law: string;
  readonly title: string;
  /** What follows a label (`：` in Chinese, `: ` in English). */
  readonly colon: string;
  /** How the archive proves itself, for the reader of the timeline. */
  readonly howToVerify: string;
  readonly labels: SummaryLabels;
  readonly eventNames: Readonly<Partial<Record<CaseEventType, string>>>;
  readonly describe: Describe;
  readonly roles: Readonly<Record<string, string>>;
  readonly statuses: Readonly<Record<CaseStatus, string>>;
  readonly clocks: Readonly<Record<ClockStatus, string>>;
  /** Said where a status would be, once the history stopped replaying. */
  readonly unreplayable: string;
  /** What the hash-chain check found, in one sentence. */
  chain(chain: ChainReport): string;
  replayStopped(revision: number, reason: string): string;
  /** Where the case stood after an event: its status and, while one runs, its clock. */
  standing(status: string, clock: string | undefined): string;
  /** An entry's second line: the due date after it, where the case stood, and when it was recorded if that differs. */
  entryStanding(dueDate: string | null, standing: string, recordedWhen: string | null): string;
  /** A person as the timeline names them: the name with the id, or the id. */
  person(p: { readonly id: string; readonly name?: string | undefined }): string;
  /** Who acted or exported: the person and their role. */
  actor(p: { readonly id: string; readonly name?: string | undefined }, role: string): string;
  /** An entry's head line in the PDF. */
  entryHead(e: { readonly revision: number; readonly when: string; readonly who: string; readonly name: string; readonly type: string }): string;
  /** The page footer. */
  page(document: string, page: number, pages: number): string;
}

/**
 * The words for a case handled under a profile: Chinese with that 条例's articles for a CN
 * profile, English with the Act's sections for any other. An unknown id (a stream edited by hand)
 * reads as the current 条例, the engine's default law.
 * @example timelineWords('CN-2008').describe.ExtensionApproved?.(data) // '… 告知申请人（2008年条例 第24条第2款）…'
 */
export function timelineWords(profileId: string | undefined): TimelineWords {
  const profile = BUILTIN_PROFILES.find((p) => p.id === profileId) ?? CN_2019;
  let words = cache.get(profile);
  if (!words) cache.set(profile, (words = profile.jurisdiction === 'CN' ? chineseWords(profile) : englishWords(profile)));
  return words;
}

const cache = new Map<JurisdictionProfile, TimelineWords>();

/**
 * One event in plain words: its name and what it recorded, in the words of the case's law (the
 * 2019 条例's by default).
 * @example describeEvent('CaseAssigned', { assignee: { id: 'cw-1', name: '李办理' } }) // { name: '分配承办人', words: '承办人：李办理（cw-1）。' }
 */
export function describeEvent(type: string, data: unknown, words: TimelineWords = timelineWords(undefined)): { readonly name: string; readonly words: string } {
  const name = words.eventNames[type as CaseEventType];
  const describe = words.describe[type as CaseEventType] as ((d: unknown) => string) | undefined;
  if (name && describe) {
    try {
      return { name, words: describe(data) };
    } catch {
      // data that does not have the shape of its type (a row edited in the database): shown as stored
    }
  }
  return { name: name ?? type, words: JSON.stringify(data) };
}
