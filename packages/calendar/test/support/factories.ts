import { WorkingDayCalendar, type CalendarData, type DayEntry, type YearNotice } from '@disclosure/calendar';

/** A small calendar for tests: Mon–Fri, 2025–2026 official, with the entries given. */
export function aCalendar(overrides: Partial<CalendarData> = {}): WorkingDayCalendar {
  return new WorkingDayCalendar({
    id: 'XX',
    name: 'test calendar',
    source: 'test',
    weekend: [6, 7],
    holidays: [],
    workingDays: [],
    officialYears: [2025, 2026],
    ...overrides,
  });
}

/** A dated entry. */
export const entry = (date: string, name: string): DayEntry => ({ date, name });

/** Every date of an inclusive range as holiday entries of one name. */
export function holidaySpan(from: string, to: string, name: string): DayEntry[] {
  const out: DayEntry[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(entry(new Date(t).toISOString().slice(0, 10), name));
  return out;
}

/**
 * A made-up 2027 notice (the real one is not out yet): New Year 01-01..01-03 off, Spring Festival
 * 02-06..02-14 off with Sat 02-20 worked. Only its shape matters to the tests.
 */
export function aSynthetic2027Notice(): YearNotice {
  return {
    year: 2027,
    holidays: [...holidaySpan('2027-01-01', '2027-01-03', '元旦'), ...holidaySpan('2027-02-06', '2027-02-14', '春节')],
    workingDays: [entry('2027-02-20', '春节')],
  };
}
