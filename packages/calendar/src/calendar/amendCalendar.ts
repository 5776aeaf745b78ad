import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../dates/isoDate.js';
import type { DayEntry } from './calendarData.js';
import { WorkingDayCalendar } from './workingDayCalendar.js';

const isoDate = z.string().refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' });
const dayEntry = z.object({ date: isoDate, name: z.string().min(1).max(200) }).strict();

/** The official notice for one year: it replaces whatever the calendar had for that year. */
export const yearNoticeSchema = z
  .object({
    year: z.number().int().min(1990).max(2150),
    holidays: z.array(dayEntry),
    workingDays: z.array(dayEntry),
  })
  .strict()
  .superRefine((notice, ctx) => {
    for (const [i, e] of [...notice.holidays, ...notice.workingDays].entries())
      if (!e.date.startsWith(`${notice.year}-`)) ctx.addIssue({ code: 'custom', message: `${e.date} is not in ${notice.year}`, path: ['entries', i] });
  });

/**
 * An amendment: a new or corrected year's notice, one-off holidays or working days, removed dates,
 * or (with a new `id`) a regional calendar derived from this one.
 */
export const calendarAmendmentSchema = z
  .object({
    source: z.string().min(1).max(500),
    id: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,12})*$/).optional(),
    name: z.string().min(1).max(200).optional(),
    years: z.array(yearNoticeSchema).default([]),
    holidays: z.array(dayEntry).default([]),
    workingDays: z.array(dayEntry).default([]),
    removeDates: z.array(isoDate).default([]),
  })
  .strict();

export type YearNotice = z.infer<typeof yearNoticeSchema>;
export type CalendarAmendment = z.input<typeof calendarAmendmentSchema>;

/**
 * Applies an amendment and returns a new calendar (the old one is untouched). Amending with what
 * the calendar already says returns a calendar of the same version.
 * @example
 * const cn2027 = amendCalendar(cn, { source: '国办发明电〔2026〕…', years: [{ year: 2027, holidays, workingDays }] });
 * cn2027.version !== cn.version // true
 */
export function amendCalendar(calendar: WorkingDayCalendar, amendment: CalendarAmendment): WorkingDayCalendar {
  const a = calendarAmendmentSchema.parse(amendment);
  const replaced = new Set(a.years.map((y) => y.year));
  const removed = new Set<IsoDate>([...a.removeDates, ...a.holidays.map((e) => e.date), ...a.workingDays.map((e) => e.date)]);
  const keep = (e: DayEntry) => !replaced.has(Number(e.date.slice(0, 4))) && !removed.has(e.date);
  const data = calendar.data;
  return new WorkingDayCalendar({
    id: a.id ?? data.id,
    name: a.name ?? data.name,
    source: data.source === a.source || data.source.endsWith(`; ${a.source}`) ? data.source : `${data.source}; ${a.source}`,
    weekend: data.weekend,
    holidays: [...data.holidays.filter(keep), ...a.years.flatMap((y) => y.holidays), ...a.holidays],
    workingDays: [...data.workingDays.filter(keep), ...a.years.flatMap((y) => y.workingDays), ...a.workingDays],
    officialYears: [...data.officialYears, ...replaced],
  });
}
