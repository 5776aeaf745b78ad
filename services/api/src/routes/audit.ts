import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDate } from '@disclosure/domain';
import type { ApiDependencies } from '../app.js';
import { caseAsOf, CaseDidNotExistYet, HistoryNotReplayable } from '../audit/asOf.js';
import { recordCaseAccess, type AuditedEndpoint } from '../audit/auditTrail.js';
import { readCaseRecord, type CaseRecord } from '../audit/caseRecord.js';
import { checkChain } from '../audit/chainCheck.js';
import { buildCaseArchive } from '../audit/export/caseArchive.js';
import { historyEntry } from '../audit/history.js';
import { etagOf } from '../http/conditional.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';
import { caseResponse } from './cases.js';

export interface AuditRouteOptions {
  readonly deps: ApiDependencies;
  readonly now: () => Date;
}

const caseParams = z.object({ caseId: z.uuid({ error: 'a case id is a uuid' }) }).strict();
const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with Z or an offset, e.g. 2025-10-09T18:00:00%2B08:00 (a + in a query is sent as %2B)' });
const asOfQuery = z.object({ at: instant, known: instant.optional() }).strict();

/**
 * The auditor's routes (auditor role, read-only): a case's full history, the case as it stood at
 * any instant, its hash chain checked, and a self-contained export. They read the case stream
 * itself, never the read models. Every look is first recorded in the agency's audit stream (who
 * looked at which case, when, through which route); a look that cannot be recorded is not answered.
 */
export const auditRoutes: FastifyPluginAsyncZod<AuditRouteOptions> = async (app, { deps, now }) => {
  /** The case of the caller's agency (404 otherwise, as everywhere), after recording the look at it. */
  const open = async (req: FastifyRequest, caseId: string, endpoint: AuditedEndpoint, query?: Record<string, string>): Promise<CaseRecord> => {
    const p = req.principal!;
    const record = await readCaseRecord(deps.store, caseId, p.agency);
    if (!record) throw new HttpProblem('not-found', 'no such case');
    await recordCaseAccess(
      deps.store,
      { caseId, agency: p.agency, endpoint, viewer: { id: p.sub, ...(p.name ? { name: p.name } : {}) }, role: req.role!, at: now().toISOString(), ...(query ? { query } : {}), requestId: req.id },
      correlationIdOf(req.headers, req.id),
    );
    return record;
  };

  app.get('/v1/cases/:caseId/history', { schema: { params: caseParams, tags: ['audit'], summary: 'Every event of a case: what, who, when, its place and hash in the chain' }, config: { access: 'audit.history' } }, async (req, reply) => {
    const record = await open(req, req.params.caseId, 'history');
    const last = record.events[record.events.length - 1]!;
    return reply.header('ETag', etagOf(last.revision)).send({ caseId: record.caseId, agency: record.agency, count: record.events.length, events: record.events.map(historyEntry) });
  });

  app.get(
    '/v1/cases/:caseId/as-of',
    { schema: { params: caseParams, querystring: asOfQuery, tags: ['audit'], summary: 'The case as it stood at an instant (and, with known, as the system knew it then), rebuilt by replay' }, config: { access: 'audit.asOf' } },
    async (req, reply) => {
      const { at, known } = req.query;
      const record = await open(req, req.params.caseId, 'as-of', { at, ...(known ? { known } : {}) });
      let replayed;
      try {
        replayed = caseAsOf(record.events, { at, ...(known ? { known } : {}) });
      } catch (e) {
        if (e instanceof CaseDidNotExistYet) throw new HttpProblem('case-did-not-exist-yet', e.message, { firstOccurredAt: e.firstOccurredAt, firstRecordedAt: e.firstRecordedAt });
        if (e instanceof HistoryNotReplayable) throw new HttpProblem('history-not-replayable', e.message, { revision: e.revision, eventId: e.eventId, eventType: e.eventType });
        throw e;
      }
      const day = localDate(at, deps.agencies.timeZone(record.agency));
      const shown = caseResponse(replayed, deps, day);
      return reply.header('ETag', etagOf(replayed.revision)).send({
        asOf: { at, known: known ?? null, day, eventsReplayed: replayed.events.length, eventsNotYet: replayed.notYet },
        ...shown,
        outcome: replayed.state.reply?.outcome ?? null,
      });
    },
  );

  app.get('/v1/cases/:caseId/verify', { schema: { params: caseParams, tags: ['audit'], summary: 'The case’s hash chain recomputed: clean, or the first bad event named' }, config: { access: 'audit.verify' } }, async (req) => {
    const record = await open(req, req.params.caseId, 'verify');
    const seen = await deps.db.selectFrom('cases').select('revision').where('case_id', '=', record.caseId).where('agency', '=', record.agency).executeTakeFirst();
    return { caseId: record.caseId, agency: record.agency, verifiedAt: now().toISOString(), ...checkChain(record.events, seen?.revision) };
  });

  app.get('/v1/cases/:caseId/export', { schema: { params: caseParams, tags: ['audit'], summary: 'A zip to keep: events.jsonl with the chain, manifest.json, and the timeline as PDF and HTML' }, config: { access: 'audit.export' } }, async (req, reply) => {
    const p = req.principal!;
    const record = await open(req, req.params.caseId, 'export');
    const archive = await buildCaseArchive({
      record,
      agencyName: deps.agencies.get(record.agency)?.name ?? record.agency,
      timeZone: deps.agencies.timeZone(record.agency),
      calendars: deps.calendars,
      exportedAt: now().toISOString(),
      exportedBy: { id: p.sub, ...(p.name ? { name: p.name } : {}), role: req.role! },
    });
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="${archive.fileName}"`)
      .header('x-case-last-hash', archive.manifest.lastHash)
      .send(Buffer.from(archive.zip.buffer, archive.zip.byteOffset, archive.zip.byteLength));
  });
};
