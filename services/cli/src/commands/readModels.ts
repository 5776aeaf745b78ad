import { parseArgs } from 'node:util';
import { PROJECTIONS, Projector } from '@disclosure/read-models';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { writeLine, type Io } from '../io.js';
import { deploymentConfig, loadCalendarBook, openConfiguredEventStore, openConfiguredReadModels } from '@disclosure/api';

const WHERE = `Stores: EVENT_STORE_URL (postgres://… or esdb://…) and DATABASE_URL (postgres://…);
without them, embedded PGlite in DATA_DIR (default ./data) — stop the server first, PGlite
opens a data folder from one process at a time.`;

function parse(args: readonly string[], allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...args], options: { help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

const migrateSynopsis = 'Usage:\n  disclosure migrate';
/** `disclosure migrate`: brings the read-model schema to the latest migration. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'bring the read-model database to the latest schema',
  synopsis: migrateSynopsis,
  usage: `${migrateSynopsis}\n\nRuns every pending read-model migration (they also run when the server starts).\n\n${WHERE}\n`,
  async run(args, io) {
    if (parse(args, false).values.help) return help(io, this.usage);
    const db = await openConfiguredReadModels(deploymentConfig(process.env));
    await db.destroy();
    await writeLine(io.stdout, 'read models migrated to the latest schema');
    return 0;
  },
};

const rebuildSynopsis = `Usage:\n  disclosure rebuild [projection …]`;
/** `disclosure rebuild [projection…]`: truncates and replays, with progress on stderr. */
export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'empty projections and replay every event into them',
  synopsis: rebuildSynopsis,
  usage: `${rebuildSynopsis}

Empties the named projections (all when none is named) and replays the whole event store into
them. Progress goes to stderr; the last line on stdout is a JSON summary.
Projections: ${PROJECTIONS.map((p) => p.name).join(', ')}

${WHERE}
`,
  async run(args, io) {
    const { values, positionals } = parse(args, true);
    if (values.help) return help(io, this.usage);
    const unknown = positionals.filter((n) => !PROJECTIONS.some((p) => p.name === n));
    if (unknown.length) throw new UsageError(`unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
    const config = deploymentConfig(process.env);
    const store = await openConfiguredEventStore(config);
    const db = await openConfiguredReadModels(config);
    try {
      const started = Date.now();
      const tty = 'isTTY' in io.stderr && io.stderr.isTTY === true;
      let lastLine = 0;
      // the calendars with every recorded amendment: each is applied again as the replay reaches it
      const calendars = await loadCalendarBook(store);
      const done = await new Projector({ store, db, calendars, onOtherEvent: (e) => calendars.apply(e) }).rebuild(positionals, (events) => {
        const seconds = (Date.now() - started) / 1000;
        const line = `rebuilding ${positionals.join(', ') || 'all projections'}: ${events.toLocaleString('en')} events, ${Math.round(events / Math.max(seconds, 0.001)).toLocaleString('en')}/s`;
        if (tty) io.stderr.write(`\r${line}`);
        else if (Date.now() - lastLine > 5_000) {
          lastLine = Date.now();
          io.stderr.write(`${line}\n`);
        }
      });
      if (tty) io.stderr.write('\n');
      const seconds = (Date.now() - started) / 1000;
      await writeLine(io.stdout, JSON.stringify({ rebuilt: positionals.length ? positionals : PROJECTIONS.map((p) => p.name), events: done, seconds: Math.round(seconds * 10) / 10 }));
      return 0;
    } finally {
      await db.destroy();
      await store.close();
    }
  },
};

const statusSynopsis = 'Usage:\n  disclosure projections status';
/** `disclosure projections status`: checkpoints, lag and parked events, as JSON. */
export const projectionsCommand: Command = {
  name: 'projections',
  summary: 'show each projection’s checkpoint, the lag and parked events',
  synopsis: statusSynopsis,
  usage: `${statusSynopsis}

Prints one JSON object: every projection's checkpoint, events projected and parked count; the lag
(events not yet projected, up to 10,000, and seconds since the oldest of them was recorded); and
every parked event with its error. Exit code 1 when any event is parked.

${WHERE}
`,
  async run(args, io) {
    const { values, positionals } = parse(args, true);
    if (values.help) return help(io, this.usage);
    if (positionals.length !== 1 || positionals[0] !== 'status') throw new UsageError('the only subcommand is "status"');
    const config = deploymentConfig(process.env);
    const store = await openConfiguredEventStore(config);
    const db = await openConfiguredReadModels(config);
    try {
      const status = await new Projector({ store, db, calendars: await loadCalendarBook(store) }).status();
      await writeLine(io.stdout, JSON.stringify(status));
      return status.parked.length ? 1 : 0;
    } finally {
      await db.destroy();
      await store.close();
    }
  },
};

async function help(io: Io, usage: string): Promise<number> {
  await writeLine(io.stdout, usage.trimEnd());
  return 0;
}
