import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarAmendmentSchema, CalendarIdMismatch, ConflictingCalendarEntry, UnknownCalendar } from '@disclosure/calendar';
import type { ApiDependencies } from '../app.js';
import { amendCalendarStream, CalendarStreamContended, type CalendarBook } from '../calendars/calendarBook.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';

export interface CalendarRouteOptions {
  readonly deps: ApiDependencies;
  readonly calendars: CalendarBook;
  readonly now: () => Date;
}

const params = z.object({ calendarId: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,12})*$/, { error: 'a calendar id is like CN or GB-UK' }) }).strict();

/**
 * Calendar amendments (admin): a new or corrected year's notice (国务院办公厅关于…部分节假日安排的通知),
 * one-off holidays or working days. The amendment is recorded in the calendar's stream and is in
 * force at once in this process (in the others within seconds); the worker then records
 * `DeadlineRecomputed` on every open case whose due date it moved.
 */
export const calendarRoutes: FastifyPluginAsyncZod<CalendarRouteOptions> = async (app, { deps, calendars, now }) => {
  app.get('/v1/admin/calendars/:calendarId', { schema: { params, tags: ['calendars'], summary: 'A calendar’s current version, its official years and the amendments recorded' }, config: { access: 'calendars.read' } }, async (req) => {
    const id = req.params.calendarId;
    const current = known(() => calendars.current(id), id);
    return {
      calendarId: id,
      version: current.version,
      name: current.name,
      source: current.data.source,
      officialYears: current.data.officialYears,
      amendments: calendars.changes().filter((c) => c.calendarId === id),
    };
  });

  app.post(
    '/v1/admin/calendars/:calendarId/amendments',
    { schema: { params, body: calendarAmendmentSchema, tags: ['calendars'], summary: 'Amend a calendar: add or correct a year (e.g. the 2027 notice); open cases are recomputed' }, config: { access: 'calendars.amend' } },
    async (req, reply) => {
      const p = req.principal!;
      const id = req.params.calendarId;
      known(() => calendars.current(id), id);
      try {
        const result = await amendCalendarStream(deps.store, calendars, id, req.body, {
          actor: p.sub,
          agency: p.agency,
          role: req.role!,
          correlationId: correlationIdOf(req.headers, req.id),
          causationId: null,
          occurredAt: now().toISOString(),
        });
        return reply.code(result.appended ? 201 : 200).send(result);
      } catch (e) {
        if (e instanceof CalendarIdMismatch) throw new HttpProblem('validation-failed', e.message, { fields: [{ path: 'body.id', message: e.message }] });
        if (e instanceof ConflictingCalendarEntry) throw new HttpProblem('conflicting-calendar-entry', e.message, { date: e.date });
        if (e instanceof CalendarStreamContended) throw new HttpProblem('concurrent-update', e.message);
        throw e;
      }
    },
  );
};

function known<T>(get: () => T, id: string): T {
  try {
    return get();
  } catch (e) {
    if (e instanceof UnknownCalendar) throw new HttpProblem('not-found', `no calendar ${id}`);
    throw e;
  }
}
