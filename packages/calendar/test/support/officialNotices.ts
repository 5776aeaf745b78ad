/**
 * The State Council General Office's holiday notices, typed in from their published text (not from
 * our data source), so the tests check the calendar against the law and not against itself.
 *
 * 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)
 * 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
 */

export interface NoticeSpan {
  /** The festival as the notice names it. */
  readonly festival: string;
  /** First and last day off, inclusive. */
  readonly off: readonly [string, string];
  /** Weekend days the notice makes working days (上班). */
  readonly work: readonly string[];
}

export interface HolidayNotice {
  readonly year: number;
  readonly title: string;
  readonly spans: readonly NoticeSpan[];
}

export const NOTICE_2025: HolidayNotice = {
  year: 2025,
  title: '国务院办公厅关于2025年部分节假日安排的通知',
  spans: [
    { festival: '元旦', off: ['2025-01-01', '2025-01-01'], work: [] }, // 1月1日（周三）放假1天，不调休
    { festival: '春节', off: ['2025-01-28', '2025-02-04'], work: ['2025-01-26', '2025-02-08'] }, // 1月26日（周日）、2月8日（周六）上班
    { festival: '清明节', off: ['2025-04-04', '2025-04-06'], work: [] },
    { festival: '劳动节', off: ['2025-05-01', '2025-05-05'], work: ['2025-04-27'] }, // 4月27日（周日）上班
    { festival: '端午节', off: ['2025-05-31', '2025-06-02'], work: [] },
    { festival: '国庆节、中秋节', off: ['2025-10-01', '2025-10-08'], work: ['2025-09-28', '2025-10-11'] }, // 9月28日（周日）、10月11日（周六）上班
  ],
};

export const NOTICE_2026: HolidayNotice = {
  year: 2026,
  title: '国务院办公厅关于2026年部分节假日安排的通知',
  spans: [
    { festival: '元旦', off: ['2026-01-01', '2026-01-03'], work: ['2026-01-04'] }, // 1月4日（周日）上班
    { festival: '春节', off: ['2026-02-15', '2026-02-23'], work: ['2026-02-14', '2026-02-28'] }, // 2月14日（周六）、2月28日（周六）上班
    { festival: '清明节', off: ['2026-04-04', '2026-04-06'], work: [] },
    { festival: '劳动节', off: ['2026-05-01', '2026-05-05'], work: ['2026-05-09'] }, // 5月9日（周六）上班
    { festival: '端午节', off: ['2026-06-19', '2026-06-21'], work: [] },
    { festival: '中秋节', off: ['2026-09-25', '2026-09-27'], work: [] },
    { festival: '国庆节', off: ['2026-10-01', '2026-10-07'], work: ['2026-09-20', '2026-10-10'] }, // 9月20日（周日）、10月10日（周六）上班
  ],
};

/** Every date from `from` to `to` inclusive, walked with Date.UTC (independent of the package's date code). */
export function datesFromTo(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Whether a notice year's day is a working day, read from the notice alone. */
export function workingPerNotice(notice: HolidayNotice, date: string): boolean {
  for (const s of notice.spans) {
    if (s.work.includes(date)) return true;
    if (date >= s.off[0] && date <= s.off[1]) return false;
  }
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}
