import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BUILTIN_PROFILES, type IsoDate } from '@disclosure/calendar';
import { DEFAULT_ALERT_THRESHOLDS, localDate } from '@disclosure/domain';
import { rowDeadline } from '@disclosure/read-models';
import type { ApiDependencies } from '../app.js';
import { compareKeys, decodeCursor, encodeCursor, type CursorKey } from '../http/cursor.js';

export interface SupervisionRouteOptions {
  readonly deps: ApiDependencies;
  readonly now: () => Date;
}

const query = z
  .object({
    /** Working days ahead a case counts as approaching (default: the clock's widest warning, 5). */
    within: z.coerce.number().int().min(0).max(60).default(Math.max(...DEFAULT_ALERT_THRESHOLDS)),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(400).optional(),
  })
  .strict();

/** More rows than an agency can have approaching or late at once: the queue is read whole, then paged. */
const QUEUE_CAP = 10_000;

/**
 * The supervisors' queue (可督办): the agency's open cases that are late or due within a few working
 * days, as of today — the due date then, the working days left, whether it is overdue, and whether
 * a supervision instruction (督办) still awaits the caseworker's answer. Late cases come first (their
 * due dates are the earliest), then the others by due date.
 */
export const supervisionRoutes: FastifyPluginAsyncZod<SupervisionRouteOptions> = async (app, { deps, now }) => {
  app.get(
    '/v1/supervision/queue',
    { schema: { querystring: query, tags: ['supervision'], summary: 'Approaching and overdue cases, with any supervision instruction (督办) awaiting an answer' }, config: { access: 'supervision.queue' } },
    async (req) => {
      const p = req.principal!;
      const today = localDate(now().toISOString(), deps.agencies.timeZone(p.agency));
      const within = req.query.within;
      // A stored due date never runs ahead of the one as of today (an open pause only moves it later),
      // so this bound keeps every candidate; the figures as of today decide.
      const rows = await deps.db
        .selectFrom('deadlines')
        .selectAll()
        .where('agency', '=', p.agency)
        .where((eb) => eb.or([eb('overdue_from', '<=', today), eb('due_date', '<=', lastDayWithin(deps, p.agency, today, within))]))
        .orderBy('due_date')
        .limit(QUEUE_CAP)
        .execute();
      const key = (i: { dueDate: string | null; caseId: string }): CursorKey => [i.dueDate ?? '9999-12-31', i.caseId];
      const after = req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
      const items = rows
        .map((r) => {
          const d = rowDeadline(r, today, deps.calendars);
          const alerts = r.alerts ?? [];
          return {
            caseId: r.case_id,
            registrationNumber: r.registration_number,
            status: r.status,
            assignee: r.assignee_id === null ? null : { id: r.assignee_id, name: r.assignee_name },
            dueDate: d.dueDate,
            workingDaysLeft: d.workingDaysLeft,
            overdue: d.overdue,
            clockStatus: d.clockStatus,
            provisional: r.provisional,
            supervision: { awaitingAnswer: r.open_instructions > 0, openInstructions: r.open_instructions },
            lastAlert: alerts.length ? alerts[alerts.length - 1]! : null,
          };
        })
        .filter((i) => i.overdue || (i.workingDaysLeft !== null && i.workingDaysLeft <= within))
        .sort((a, b) => compareKeys(key(a), key(b)))
        .filter((i) => !after || compareKeys(key(i), after) > 0);
      const page = items.slice(0, req.query.limit);
      const last = page[page.length - 1];
      return { asOf: today, within, items: page, nextCursor: items.length > page.length && last ? encodeCursor(key(last)) : null };
    },
  );
};

/** The latest day `within` working days after today on any calendar the agency's jurisdiction counts with. */
function lastDayWithin(deps: ApiDependencies, agency: string, today: IsoDate, within: number): IsoDate {
  const jurisdiction = deps.agencies.get(agency)?.jurisdiction;
  const profiles = BUILTIN_PROFILES.filter((p) => p.jurisdiction === jurisdiction);
  let last = today;
  for (const p of profiles.length ? profiles : BUILTIN_PROFILES) {
    const day = deps.calendars.current(p.calendarId).addWorkingDays(today, within).date;
    if (day > last) last = day;
  }
  return last;
}
