import { createHash } from 'node:crypto';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { CalendarRegistry } from '@disclosure/calendar';
import type { CaseRecord } from '../caseRecord.js';
import { checkChain, type ChainReport } from '../chainCheck.js';
import { storedEventJson } from '../history.js';
import { buildTimeline } from './timeline.js';
import { renderTimelineHtml } from './timelineHtml.js';
import { renderTimelinePdf } from './timelinePdf.js';

/** The files of an export, in the order they are zipped (the manifest, which names the others' hashes, first). */
export const ARCHIVE_FILES = ['manifest.json', 'events.jsonl', 'timeline.pdf', 'timeline.html'] as const;

/** What `manifest.json` says: whose case, how many events, the chain's last hash, who exported it, and each file's SHA-256. */
export interface ArchiveManifest {
  readonly format: 'disclosure-engine.case-export';
  readonly formatVersion: 1;
  readonly caseId: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly registrationNumber: string | null;
  readonly eventCount: number;
  /** The hash the last event carries: anyone who keeps it can later tell whether the stream was rewritten. */
  readonly lastHash: string;
  readonly chain: ChainReport;
  readonly exportedAt: string;
  readonly exportedBy: { readonly id: string; readonly name: string | null; readonly role: string };
  readonly files: Readonly<Record<Exclude<(typeof ARCHIVE_FILES)[number], 'manifest.json'>, { readonly sha256: string; readonly bytes: number }>>;
  readonly hashChain: string;
}

export interface ArchiveInput {
  readonly record: CaseRecord;
  readonly agencyName: string;
  readonly timeZone: string;
  readonly calendars: CalendarRegistry;
  readonly exportedAt: string;
  readonly exportedBy: { readonly id: string; readonly name?: string; readonly role: string };
}

/** A case's export: the zip's bytes, its manifest and a file name for it. */
export interface CaseArchive {
  readonly zip: Uint8Array;
  readonly manifest: ArchiveManifest;
  readonly fileName: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A self-contained archive of one case: `events.jsonl` (every event as stored, with its chain
 * hashes, for machines), `timeline.pdf` and `timeline.html` (the history in plain words, Chinese
 * rendered, for people) and `manifest.json` (what it holds, who exported it, each file's SHA-256).
 * It is built from a stream that may be broken: the manifest and the timeline then say where.
 * @example const { zip, fileName } = await buildCaseArchive({ record, agencyName, timeZone, calendars, exportedAt, exportedBy });
 */
export async function buildCaseArchive(input: ArchiveInput): Promise<CaseArchive> {
  const { record } = input;
  const chain = checkChain(record.events);
  const timeline = buildTimeline({ caseId: record.caseId, agency: { id: record.agency, name: input.agencyName }, timeZone: input.timeZone, events: record.events, chain, calendars: input.calendars, exportedAt: input.exportedAt, exportedBy: input.exportedBy });
  const contents = {
    'events.jsonl': strToU8(record.events.map((e) => `${JSON.stringify(storedEventJson(e))}\n`).join('')),
    'timeline.pdf': new Uint8Array(await renderTimelinePdf(timeline)),
    'timeline.html': strToU8(renderTimelineHtml(timeline)),
  };
  const manifest: ArchiveManifest = {
    format: 'disclosure-engine.case-export',
    formatVersion: 1,
    caseId: record.caseId,
    agency: { id: record.agency, name: input.agencyName },
    registrationNumber: timeline.registrationNumber,
    eventCount: record.events.length,
    lastHash: record.events[record.events.length - 1]!.metadata.hash,
    chain,
    exportedAt: input.exportedAt,
    exportedBy: { id: input.exportedBy.id, name: input.exportedBy.name ?? null, role: input.exportedBy.role },
    files: Object.fromEntries(Object.entries(contents).map(([name, bytes]) => [name, { sha256: sha256(bytes), bytes: bytes.length }])) as ArchiveManifest['files'],
    hashChain: 'hash = sha256(prevHash ‖ canonical JSON of {id, type, version, data, metadata without hash}), hex; the first event’s prevHash is 64 zeros; canonical JSON sorts object keys and has no whitespace',
  };
  const mtime = new Date(input.exportedAt);
  const files: Zippable = {
    'manifest.json': [strToU8(`${JSON.stringify(manifest, null, 2)}\n`), { mtime }],
    'events.jsonl': [contents['events.jsonl'], { mtime }],
    'timeline.pdf': [contents['timeline.pdf'], { mtime, level: 0 }], // already compressed
    'timeline.html': [contents['timeline.html'], { mtime }],
  };
  return { zip: zipSync(files, { level: 6 }), manifest, fileName: `case-${timeline.registrationNumber ?? record.caseId}-${input.exportedAt.slice(0, 10)}.zip` };
}
