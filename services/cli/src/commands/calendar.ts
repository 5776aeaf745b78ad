import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { calendarAmendmentSchema, CalendarIdMismatch, ConflictingCalendarEntry, UnknownCalendar } from '@disclosure/calendar';
import { amendCalendarStream, CalendarStreamContended, DeadlineClock, deploymentConfig, loadCalendarBook, openConfiguredEventStore, openConfiguredReadModels, type CalendarBook } from '@disclosure/api';
import type { EventStore } from '@disclosure/event-store';
import { Projector, type ReadModelDatabase } from '@disclosure/read-models';
import type { Kysely } from 'kysely';
import type { Command } from '../command.js';
import { describeZodError, UsageError } from '../errors.js';
import { writeLine, type Io } from '../io.js';

const synopsis = `Usage:
  disclosure calendar load <file> [--calendar CN] [--no-recompute]
  disclosure calendar show [--calendar CN]`;

const ID = /^[A-Z]{2}(-[A-Z0-9]{1,12})*$/;

/**
 * `disclosure calendar load <file>`: records a calendar amendment (a year's 放假安排, a correction) and
 * recomputes the open cases whose due dates it moves; `disclosure calendar show`: the calendar's
 * version, official years and the amendments recorded.
 */
export const calendarCommand: Command = {
  name: 'calendar',
  summary: 'load a calendar amendment (e.g. next year’s holiday notice) and recompute open cases; show a calendar',
  synopsis,
  usage: `${synopsis}

load: reads a JSON file in the calendar package's CalendarAmendment format —
  {"source": "国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕…)",
   "years": [{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}, …],
              "workingDays": [{"date": "2027-02-20", "name": "春节"}]}],
   "holidays": [], "workingDays": [], "removeDates": []}
  — a year listed replaces everything the calendar had for that year and makes it official (no
  longer provisional); one-off holidays, working days and removed dates change single days. It is
  recorded as a CalendarAmended event in the stream calendar-<id>, a new calendar version in force
  from today. Then every open case whose due date changes (or stops being provisional) gets a
  DeadlineRecomputed event — old and new date, both calendar versions, the source as the reason —
  unless --no-recompute leaves that to the running worker. Closed cases keep their dates. Loading
  the same file again records nothing. Prints one JSON line.
  --calendar  the calendar to amend (default: the file's "id", else CN)

show: prints the calendar's current version, its official years and the amendments recorded.

Exit code: 0 done (also when nothing changed); 1 the file cannot be read or is not a valid
amendment (the reason is printed), or the calendar is unknown; 2 wrong command line.

Stores: EVENT_STORE_URL (postgres://… or esdb://…) and DATABASE_URL (postgres://…); without them,
embedded PGlite in DATA_DIR (default ./data) — stop the server first, PGlite opens a data folder
from one process at a time.
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], options: { calendar: { type: 'string' }, 'no-recompute': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      await writeLine(io.stdout, this.usage.trimEnd());
      return 0;
    }
    if (values.calendar !== undefined && !ID.test(values.calendar)) throw new UsageError(`--calendar ${values.calendar} is not a calendar id like CN or GB-UK`);
    const [sub, ...rest] = positionals;
    if (sub === 'load') {
      if (rest.length !== 1) throw new UsageError('give one amendment file: disclosure calendar load <file>');
      return load(rest[0]!, values.calendar, values['no-recompute'] !== true, io);
    }
    if (sub === 'show') {
      if (rest.length !== 0) throw new UsageError('calendar show takes no file');
      return show(values.calendar ?? 'CN', io);
    }
    throw new UsageError(sub === undefined ? 'say load or show' : `unknown subcommand "${sub}"; the subcommands are load and show`);
  },
};

async function load(file: string, calendarOption: string | undefined, recompute: boolean, io: Io): Promise<number> {
  const fail = async (why: string) => {
    await writeLine(io.stderr, `disclosure calendar load: ${file}: ${why}`);
    return 1;
  };
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    return fail(e instanceof SyntaxError ? `not JSON (${e.message})` : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e));
  }
  const checked = calendarAmendmentSchema.safeParse(input); // before any store is opened: a wrong file fails fast
  if (!checked.success) return fail(`not a valid calendar amendment: ${describeZodError(checked.error)}`);
  const calendarId = calendarOption ?? checked.data.id ?? 'CN';
  return withStores(async (store, openDb) => {
    const calendars = await loadCalendarBook(store);
    let result;
    try {
      result = await amendCalendarStream(store, calendars, calendarId, input, { actor: `cli:${process.env.USER ?? 'operator'}`, agency: '*', role: 'admin', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString() });
    } catch (e) {
      if (e instanceof ZodError) return fail(`not a valid calendar amendment: ${describeZodError(e)}`);
      if (e instanceof CalendarIdMismatch || e instanceof ConflictingCalendarEntry || e instanceof UnknownCalendar || e instanceof CalendarStreamContended) return fail(e.message);
      throw e;
    }
    const recomputed = recompute ? await recomputeOpenCases(store, await openDb(), calendars) : null;
    await writeLine(io.stdout, JSON.stringify({ ...result, officialYears: span(result.officialYears), ...(recomputed === null ? { recomputation: 'left to the worker' } : { recomputed }) }));
    return 0;
  });
}

/**
 * What the worker does after an amendment, done here at once: bring the read models up to date (so
 * every open case is a candidate), record DeadlineRecomputed where due dates moved, and project them.
 */
async function recomputeOpenCases(store: EventStore, db: Kysely<ReadModelDatabase>, calendars: CalendarBook): Promise<number> {
  const projector = new Projector({ store, db, calendars, onOtherEvent: (e) => calendars.apply(e) });
  const catchUp = async () => {
    for (;;) if ((await projector.step()).caughtUp) return;
  };
  await catchUp();
  const recomputed = await new DeadlineClock({ store, db, calendars }).recomputePending();
  await catchUp();
  return recomputed;
}

async function show(calendarId: string, io: Io): Promise<number> {
  return withStores(async (store) => {
    const calendars = await loadCalendarBook(store);
    let current;
    try {
      current = calendars.current(calendarId);
    } catch (e) {
      if (!(e instanceof UnknownCalendar)) throw e;
      await writeLine(io.stderr, `disclosure calendar show: ${e.message}`);
      return 1;
    }
    const amendments = calendars.changes().filter((c) => c.calendarId === calendarId);
    await writeLine(io.stdout, JSON.stringify({ calendarId, version: current.version, source: current.data.source, officialYears: span(current.data.officialYears), amendments }));
    return 0;
  });
}

/** Opens the event store (and the read models when asked), runs `fn`, closes both. */
async function withStores(fn: (store: EventStore, openDb: () => Promise<Kysely<ReadModelDatabase>>) => Promise<number>): Promise<number> {
  const config = deploymentConfig(process.env);
  const store = await openConfiguredEventStore(config);
  let db: Kysely<ReadModelDatabase> | undefined;
  try {
    return await fn(store, async () => (db ??= await openConfiguredReadModels(config)));
  } finally {
    await db?.destroy();
    await store.close();
  }
}

/** Years as short text: [2004, 2005, …, 2027] → "2004–2027"; gaps are listed. */
function span(years: readonly number[]): string {
  const sorted = [...years].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}
