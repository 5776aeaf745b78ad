import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../db/schema.js';
import { statsDelta, type CaseView, type StatsVector } from './caseView.js';

/** One case's view before and after a batch of its events (before is null for a new case). */
export interface CaseChange {
  readonly before: CaseView | null;
  readonly after: CaseView;
}

/**
 * A projection: a named set of tables and how a batch of case changes is written into them.
 * Every projection derives its rows from the same folded case (`caseView`), so they cannot drift.
 */
export interface Projection {
  readonly name: string;
  readonly tables: readonly string[];
  apply(changes: readonly CaseChange[], db: Kysely<ReadModelDatabase>): Promise<void>;
}

/**
 * `INSERT … SELECT FROM json_populate_recordset … ON CONFLICT DO UPDATE`: one statement per table per
 * batch. With `newer`, a stored row is only replaced by one whose `newer` column is not lower: a
 * projection replaying from the start (after a migration) leaves rows that are ahead as they are
 * until it reaches them, instead of showing older states meanwhile.
 */
async function upsert(db: Kysely<ReadModelDatabase>, table: string, key: readonly string[], rows: readonly object[], update: (col: string) => string = (c) => `excluded.${c}`, newer?: string): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!).join(', ');
  const set = Object.keys(rows[0]!).filter((c) => !key.includes(c)).map((c) => `${c} = ${update(c)}`);
  const head = `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${table}, `;
  const guard = newer ? ` WHERE ${table}.${newer} <= excluded.${newer}` : '';
  const tail = `::json) ON CONFLICT (${key.join(', ')}) DO ${set.length ? `UPDATE SET ${set.join(', ')}${guard}` : 'NOTHING'}`;
  await sql`${sql.raw(head)}${JSON.stringify(rows)}${sql.raw(tail)}`.execute(db);
}

const lastWins = (changes: readonly CaseChange[]) => changes.map((c) => c.after);

export const casesProjection: Projection = {
  name: 'cases',
  tables: ['cases'],
  apply: (changes, db) => upsert(db, 'cases', ['case_id'], lastWins(changes).map((v) => v.cases), undefined, 'last_position'),
};

export const publicStatusProjection: Projection = {
  name: 'public_status',
  tables: ['public_status'],
  apply: (changes, db) => upsert(db, 'public_status', ['registration_number'], lastWins(changes).flatMap((v) => (v.publicStatus ? [v.publicStatus] : [])), undefined, 'last_position'),
};

export const agencyStatsProjection: Projection = {
  name: 'agency_stats',
  tables: ['agency_stats'],
  async apply(changes, db) {
    const byAgency = new Map<string, StatsVector>();
    for (const c of changes) {
      const d = statsDelta(c.before, c.after);
      const sum = byAgency.get(c.after.agency);
      if (!sum) byAgency.set(c.after.agency, d);
      else for (const k of Object.keys(d) as (keyof StatsVector)[]) sum[k] += d[k];
    }
    const rows = [...byAgency].map(([agency, d]) => ({ agency, ...d }));
    await upsert(db, 'agency_stats', ['agency'], rows, (c) => `agency_stats.${c} + excluded.${c}`);
  },
};

export const annualFactsProjection: Projection = {
  name: 'annual_facts',
  tables: ['annual_facts'],
  apply: (changes, db) => upsert(db, 'annual_facts', ['case_id', 'year'], lastWins(changes).flatMap((v) => v.annualFacts)),
};

/** Every projection, in the order they are applied. */
export const PROJECTIONS: readonly Projection[] = [casesProjection, publicStatusProjection, agencyStatsProjection, annualFactsProjection];
