import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BUILTIN_PROFILES, builtinCalendars, isIsoDate, type CalendarRegistry } from '@disclosure/calendar';
import { deadlineForRequest, type ClockDay } from '@disclosure/domain';
import type { Command } from '../command.js';
import { classify, UsageError, type Failure } from '../errors.js';
import { writeLine, type Io } from '../io.js';

// Far beyond any statutory period, and small enough that a typo cannot make --explain list millions of days.
const MAX_UNITS = 10_000;

const units = z
  .number({ error: 'must be a whole number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_UNITS, { error: `must be at most ${MAX_UNITS}` });

/** One due-date question, as a batch line or as the single-mode options. */
export const DeadlineInput = z.strictObject({
  profile: z.string({ error: 'must be a profile id such as CN-2019' }).min(1, { error: 'must be a profile id such as CN-2019' }),
  received: z.string({ error: 'must be a date written YYYY-MM-DD' }).refine(isIsoDate, { error: 'not a calendar date (YYYY-MM-DD)' }),
  days: units.optional(),
  extension: units.optional(),
  explain: z.boolean({ error: 'must be true or false' }).optional(),
});
export type DeadlineInput = z.infer<typeof DeadlineInput>;

/** What `disclosure deadline` prints for one question. */
export interface DeadlineAnswer {
  readonly dueDate: string | null;
  readonly provisional: boolean;
  readonly missingYears: readonly number[];
  readonly calendarVersion: string;
  readonly profileId: string;
  readonly profileVersion: string;
  readonly explanation?: readonly ClockDay[];
  readonly notes?: readonly string[];
}

/** Answers one question; throws (zod, unknown profile, out of range) when it cannot. */
export function answerDeadline(raw: unknown, calendars: CalendarRegistry): DeadlineAnswer {
  const q = DeadlineInput.parse(raw);
  const d = deadlineForRequest(
    {
      profile: q.profile,
      received: q.received,
      ...(q.days !== undefined ? { days: q.days } : {}),
      ...(q.extension !== undefined ? { extension: q.extension } : {}),
      explain: q.explain ?? false,
    },
    calendars,
  );
  const answer = {
    dueDate: d.dueDate,
    provisional: d.provisional,
    missingYears: d.missingYears,
    calendarVersion: d.calendarVersion,
    profileId: d.profileId,
    profileVersion: d.profileVersion,
  };
  return q.explain ? { ...answer, explanation: d.explanation ?? [], notes: d.notes } : answer;
}

const profileList = BUILTIN_PROFILES.map((p) => `                        ${p.id.padEnd(8)} ${p.title}`).join('\n');

const synopsis = `Usage:
  disclosure deadline --profile <id> --received <YYYY-MM-DD> [--days <n>] [--extension <n>] [--explain]
  disclosure deadline --batch < questions.jsonl`;

const usage = `${synopsis}

The statutory due date of a request received on a day, counted on the official calendar of the
profile's jurisdiction. Prints one JSON object:
  {"dueDate","provisional","missingYears","calendarVersion","profileId","profileVersion"}
"provisional": true when the count runs through a year with no official calendar yet
("missingYears"); those days are counted Monday to Friday.

Options:
  --profile <id>      the rules to apply (required), one of:
${profileList}
  --received <date>   the day the request was received, YYYY-MM-DD (required)
  --days <n>          count n units of the profile's period instead of its statutory length
  --extension <n>     add an approved extension of n units
  --explain           add "explanation" (every day from receipt to the due date, and why it
                      counted or not) and "notes" (the rules applied, with their sources)
  --batch             read one question per line on stdin as JSON
                      {"profile","received","days"?,"extension"?,"explain"?} and write one answer
                      per line, in order; a line that cannot be answered gets
                      {"error":{"type","message","line"}} instead (type: invalid-json,
                      invalid-input, unknown-profile, out-of-range). Blank lines are skipped.
                      Exits 0 once every line is answered.
  -h, --help          show this help

Exit codes: 0 answered, 1 the question cannot be answered, 2 wrong command line.

Example:
  pnpm -s disclosure deadline --profile CN-2019 --received 2025-09-26
`;

const options = {
  profile: { type: 'string' },
  received: { type: 'string' },
  days: { type: 'string' },
  extension: { type: 'string' },
  explain: { type: 'boolean' },
  batch: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--days 7` → 7; anything not written as an integer stays a string, for zod to refuse with the field's name. */
function integerArg(value: string | undefined): number | string | undefined {
  return value !== undefined && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
}

function parseOptions(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function failureLine(failure: Failure, line: number): string {
  return JSON.stringify({ error: { type: failure.type, message: failure.message, line } });
}

/** Answers a JSON-lines stream line by line; memory stays flat however long the input. */
async function runBatch(io: Io, calendars: CalendarRegistry): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = (n === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      await writeLine(io.stdout, failureLine({ type: 'invalid-json', message: e instanceof Error ? e.message : String(e) }, n));
      continue;
    }
    let out: string;
    try {
      out = JSON.stringify(answerDeadline(parsed, calendars));
    } catch (e) {
      out = failureLine(classify(e), n);
    }
    await writeLine(io.stdout, out);
  }
  return 0;
}

/** `disclosure deadline`: a due date for one question, or for each line of a batch. */
export const deadlineCommand: Command = {
  name: 'deadline',
  summary: 'the statutory due date of a request (one question, or a JSON-lines batch on stdin)',
  synopsis,
  usage,
  async run(args, io) {
    const values = parseOptions(args);
    if (values.help) {
      await writeLine(io.stdout, usage.trimEnd());
      return 0;
    }
    const calendars = builtinCalendars();
    if (values.batch) {
      const extra = (['profile', 'received', 'days', 'extension', 'explain'] as const).filter((k) => values[k] !== undefined);
      if (extra.length) throw new UsageError(`--batch reads every question from stdin; drop ${extra.map((k) => `--${k}`).join(', ')}`);
      return runBatch(io, calendars);
    }
    if (values.profile === undefined) throw new UsageError('missing --profile <id>');
    if (values.received === undefined) throw new UsageError('missing --received <YYYY-MM-DD>');
    const question = {
      profile: values.profile,
      received: values.received,
      ...(values.days !== undefined ? { days: integerArg(values.days) } : {}),
      ...(values.extension !== undefined ? { extension: integerArg(values.extension) } : {}),
      ...(values.explain ? { explain: true } : {}),
    };
    try {
      await writeLine(io.stdout, JSON.stringify(answerDeadline(question, calendars)));
      return 0;
    } catch (e) {
      const failure = classify(e);
      await writeLine(io.stderr, `disclosure deadline: ${failure.type}: ${failure.message}`);
      return 1;
    }
  },
};
