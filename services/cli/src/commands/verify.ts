import { parseArgs } from 'node:util';
import { checkAgency, deploymentConfig, openConfiguredEventStore, openConfiguredReadModels, type BrokenStream } from '@disclosure/api';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { writeLine } from '../io.js';

const synopsis = 'Usage:\n  disclosure verify --agency <agency>';

/**
 * `disclosure verify --agency X`: recomputes the hash chain of every stream of an agency — each
 * case and the audit stream of who looked at them — and names every break.
 */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check the hash chain of every stream of an agency and name any break',
  synopsis,
  usage: `${synopsis}

Reads the whole event store once to find the agency's streams (every stream holding an event
recorded for it), adds the cases the read models list for it, and recomputes each stream's hash
chain. A stream whose chain breaks is printed as one JSON line on stdout with its first bad event
(revision, event id, type, and the kind of break: hash-mismatch, broken-link, revision-gap, or
tail-missing / stream-missing when the read models saw events the store no longer holds); the last
line is a JSON summary. Progress goes to stderr.

Exit code: 0 every chain is intact; 1 a chain is broken, or no stream of the agency was found;
2 wrong command line.

Stores: EVENT_STORE_URL (postgres://… or esdb://…) and DATABASE_URL (postgres://…); without them,
embedded PGlite in DATA_DIR (default ./data) — stop the server first, PGlite opens a data folder
from one process at a time.
`,
  async run(args, io) {
    let values: { agency?: string | undefined; help?: boolean | undefined };
    try {
      ({ values } = parseArgs({ args: [...args], options: { agency: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    if (values.help) {
      await writeLine(io.stdout, this.usage.trimEnd());
      return 0;
    }
    const agency = values.agency;
    if (!agency) throw new UsageError('--agency is required');
    if (!/^[A-Za-z0-9_.]{1,64}$/.test(agency)) throw new UsageError(`"${agency}" is not an agency id (letters, digits, _ and ., up to 64)`);
    const config = deploymentConfig(process.env);
    const store = await openConfiguredEventStore(config);
    const db = await openConfiguredReadModels(config);
    try {
      const rows = await db.selectFrom('cases').select(['case_id', 'revision']).where('agency', '=', agency).execute();
      let checked = 0;
      const report = await checkAgency(store, agency, {
        seen: new Map(rows.map((r) => [r.case_id, r.revision])),
        onStream: (s) => {
          checked++;
          if (!s.ok) io.stderr.write(`BROKEN ${s.kind} ${s.streamId}: event ${s.firstBad.revision}${s.firstBad.eventId ? ` (${s.firstBad.eventId}, ${s.firstBad.type})` : ''}: ${s.firstBad.explanation}\n`);
          else if (checked % 1000 === 0) io.stderr.write(`verified ${checked.toLocaleString('en')} streams\n`);
        },
      });
      for (const s of report.broken) await writeLine(io.stdout, JSON.stringify(brokenLine(s)));
      await writeLine(io.stdout, JSON.stringify({ agency, ok: report.ok && report.streams > 0, streams: report.streams, events: report.events, broken: report.broken.length }));
      if (report.streams === 0) io.stderr.write(`no stream of agency "${agency}" was found: nothing was verified\n`);
      return report.ok && report.streams > 0 ? 0 : 1;
    } finally {
      await db.destroy();
      await store.close();
    }
  },
};

/** A broken stream as one JSON line. */
function brokenLine(s: BrokenStream) {
  return { stream: s.streamId, kind: s.kind, events: s.events, ...s.firstBad };
}
