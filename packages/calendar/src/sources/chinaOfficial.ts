import { createRequire } from 'node:module';
import type { CalendarData, DayEntry } from '../calendar/calendarData.js';

const require = createRequire(import.meta.url);

interface ChineseDaysData {
  readonly holidays: Record<string, string>;
  readonly workdays: Record<string, string>;
}

/** Version of the `chinese-days` package the official Chinese calendar is read from. */
export const CHINESE_DAYS_VERSION: string = (require('chinese-days/package.json') as { version: string }).version;

// Entries look like "National Day,国庆节,3": English name, Chinese name, span in days.
const entries = (table: Record<string, string>): DayEntry[] =>
  Object.entries(table).map(([date, label]) => ({ date, name: label.split(',')[1] ?? label }));

/**
 * China's official working-day calendar: public holidays and the weekend days made working days
 * (调休上班), as published each year by the State Council General Office's holiday notice
 * (国务院办公厅关于部分节假日安排的通知), read from the `chinese-days` package. Official years are
 * exactly the years that package has notices for (2004 through its newest year); any later year is
 * provisional until its notice is loaded as an amendment.
 * @example chinaOfficialCalendarData().officialYears.at(-1) // 2026 with chinese-days 1.5.7
 */
export function chinaOfficialCalendarData(): CalendarData {
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const years = new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))));
  return {
    id: 'CN',
    name: '中华人民共和国 法定节假日与调休 (国务院办公厅放假安排)',
    source: `chinese-days@${CHINESE_DAYS_VERSION}`,
    weekend: [6, 7],
    holidays: entries(data.holidays),
    workingDays: entries(data.workdays),
    officialYears: [...years],
  };
}
