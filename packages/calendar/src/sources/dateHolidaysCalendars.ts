import { createRequire } from 'node:module';
import Holidays from 'date-holidays';
import type { CalendarData, DayEntry } from '../calendar/calendarData.js';

const require = createRequire(import.meta.url);
const DATE_HOLIDAYS_VERSION: string = (require('date-holidays/package.json') as { version: string }).version;

/**
 * date-holidays derives holidays from statutory rules plus the one-off days known when it was
 * released (jubilees, state funerals). We treat 2000–2027 as official: beyond that a one-off day
 * could still be proclaimed, so counts there are flagged provisional like any year without data.
 */
const OFFICIAL_YEARS: readonly number[] = Array.from({ length: 2027 - 2000 + 1 }, (_, i) => 2000 + i);

interface Region {
  readonly country: string;
  readonly state?: string;
  /** date-holidays types that close the offices this calendar is for. */
  readonly types: readonly string[];
}

interface RuleCalendar {
  readonly id: string;
  readonly name: string;
  readonly regions: readonly Region[];
}

const GB_BANK: readonly string[] = ['public', 'bank'];

/** The rule-derived calendars we ship, by id. */
export const RULE_CALENDARS: readonly RuleCalendar[] = [
  { id: 'GB-EAW', name: 'England and Wales bank holidays', regions: [{ country: 'GB', state: 'ENG', types: GB_BANK }] },
  { id: 'GB-SCT', name: 'Scotland bank holidays', regions: [{ country: 'GB', state: 'SCT', types: GB_BANK }] },
  { id: 'GB-NIR', name: 'Northern Ireland bank holidays', regions: [{ country: 'GB', state: 'NIR', types: GB_BANK }] },
  {
    // FOIA 2000 s.10(6): a working day is any day but Saturday, Sunday, Christmas Day, Good Friday or
    // a bank holiday under the Banking and Financial Dealings Act 1971 in any part of the UK.
    id: 'GB-UK',
    name: 'United Kingdom: bank holidays in any UK nation (FOIA s.10(6))',
    regions: ['ENG', 'SCT', 'NIR'].map((state) => ({ country: 'GB', state, types: GB_BANK })),
  },
  { id: 'US-FED', name: 'United States federal legal public holidays (5 U.S.C. 6103)', regions: [{ country: 'US', types: ['public'] }] },
  { id: 'IE', name: 'Ireland public holidays', regions: [{ country: 'IE', types: ['public'] }] },
  { id: 'AU-FED', name: 'Australia national public holidays', regions: [{ country: 'AU', types: ['public'] }] },
  { id: 'AU-NSW', name: 'New South Wales public holidays', regions: [{ country: 'AU', state: 'NSW', types: ['public'] }] },
];

/**
 * Builds one rule-derived calendar's data from the `date-holidays` package.
 * @example ruleCalendarData('US-FED').holidays.find((h) => h.date === '2026-07-03')?.name // 'Independence Day (substitute day)'
 */
export function ruleCalendarData(id: string): CalendarData | undefined {
  const def = RULE_CALENDARS.find((c) => c.id === id);
  if (!def) return undefined;
  const holidays: DayEntry[] = [];
  for (const region of def.regions) {
    const hd = region.state ? new Holidays(region.country, region.state) : new Holidays(region.country);
    for (const year of OFFICIAL_YEARS)
      for (const h of hd.getHolidays(year))
        if (region.types.includes(h.type)) holidays.push({ date: h.date.slice(0, 10), name: h.name });
  }
  return {
    id: def.id,
    name: def.name,
    source: `date-holidays@${DATE_HOLIDAYS_VERSION}`,
    weekend: [6, 7],
    holidays,
    workingDays: [],
    officialYears: OFFICIAL_YEARS,
  };
}
