import t from 'tap';
import { builtinCalendars, RULE_CALENDARS, ruleCalendarData } from '@disclosure/calendar';
import { datesFromTo } from '../support/officialNotices.js';

const registry = builtinCalendars();

/** Monday–Friday days of a year the calendar does not count: what the official lists give. */
const weekdaysOff = (id: string, year: number) => {
  const c = registry.current(id);
  return datesFromTo(`${year}-01-01`, `${year}-12-31`).filter((d) => {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !c.isWorkingDay(d);
  });
};

// gov.uk/bank-holidays, per nation.
const GOV_UK_2025 = {
  'GB-EAW': ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26'],
  'GB-SCT': ['2025-01-01', '2025-01-02', '2025-04-18', '2025-05-05', '2025-05-26', '2025-08-04', '2025-12-01', '2025-12-25', '2025-12-26'],
  'GB-NIR': ['2025-01-01', '2025-03-17', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-07-14', '2025-08-25', '2025-12-25', '2025-12-26'],
};
const GOV_UK_2026 = {
  'GB-EAW': ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
  'GB-SCT': ['2026-01-01', '2026-01-02', '2026-04-03', '2026-05-04', '2026-05-25', '2026-08-03', '2026-11-30', '2026-12-25', '2026-12-28'],
  'GB-NIR': ['2026-01-01', '2026-03-17', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-07-13', '2026-08-31', '2026-12-25', '2026-12-28'],
};
const union = (lists: Record<string, string[]>) => [...new Set(Object.values(lists).flat())].sort();

// opm.gov federal holidays (5 U.S.C. 6103(a)), as observed by employees on a Monday–Friday schedule.
const OPM_2025 = ['2025-01-01', '2025-01-20', '2025-02-17', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-10-13', '2025-11-11', '2025-11-27', '2025-12-25'];
const OPM_2026 = ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25'];

t.test('United Kingdom bank holidays (gov.uk)', async (t) => {
  for (const [year, lists] of [[2025, GOV_UK_2025], [2026, GOV_UK_2026]] as const) {
    for (const [id, days] of Object.entries(lists))
      t.test(`given ${id} in ${year}, then the weekdays off are exactly gov.uk's bank holidays`, async (t) => {
        t.same(weekdaysOff(id, year), days);
      });
    t.test(`given GB-UK in ${year} (FOIA s.10(6): a bank holiday in any part of the UK), then the weekdays off are the union of the three lists`, async (t) => {
      t.same(weekdaysOff('GB-UK', year), union(lists));
    });
  }

  t.test('given Christmas 2025 (Thu 25, Fri 26 Dec), then neither is a working day in GB-UK', async (t) => {
    const uk = registry.current('GB-UK');
    t.notOk(uk.isWorkingDay('2025-12-25'));
    t.notOk(uk.isWorkingDay('2025-12-26'));
    t.match(uk.describeDay('2025-12-25'), { kind: 'public-holiday', name: 'Christmas Day' });
  });

  t.test('given days off in one nation only, then GB-UK rests and the other nations work', async (t) => {
    const [uk, eaw, sct, nir] = ['GB-UK', 'GB-EAW', 'GB-SCT', 'GB-NIR'].map((id) => registry.current(id));
    t.test('2 January (Scotland)', async (t) => {
      t.notOk(uk!.isWorkingDay('2025-01-02'));
      t.notOk(sct!.isWorkingDay('2025-01-02'));
      t.ok(eaw!.isWorkingDay('2025-01-02'));
      t.ok(nir!.isWorkingDay('2025-01-02'));
    });
    t.test("St Andrew's Day 2025, observed Mon 1 December (Scotland)", async (t) => {
      t.notOk(uk!.isWorkingDay('2025-12-01'));
      t.ok(eaw!.isWorkingDay('2025-12-01'));
    });
    t.test("St Patrick's Day, 17 March (Northern Ireland)", async (t) => {
      t.notOk(uk!.isWorkingDay('2025-03-17'));
      t.notOk(nir!.isWorkingDay('2025-03-17'));
      t.ok(eaw!.isWorkingDay('2025-03-17'));
      t.ok(sct!.isWorkingDay('2025-03-17'));
    });
  });

  t.test('given a FOIA request received Mon 2025-12-15, then the 20th working day following is Fri 2026-01-16 in GB-UK (a day later than in England alone)', async (t) => {
    // 16–19, 22–24, 29–31 Dec are days 1–10; 25, 26 Dec, 1 Jan and 2 Jan (Scotland) are off; 5–9 and 12–16 Jan are 11–20.
    t.same(registry.current('GB-UK').addWorkingDays('2025-12-15', 20), { date: '2026-01-16', provisional: false, missingYears: [] });
    t.equal(registry.current('GB-EAW').addWorkingDays('2025-12-15', 20).date, '2026-01-15');
  });

  t.test('given the one-off bank holidays gov.uk listed in 2022–2023, then each is a day off', async (t) => {
    const uk = registry.current('GB-UK');
    for (const [d, what] of [
      ['2022-06-02', 'Spring bank holiday, moved'],
      ['2022-06-03', 'Platinum Jubilee'],
      ['2022-09-19', 'State Funeral of Queen Elizabeth II'],
      ['2023-05-08', 'Coronation of King Charles III'],
    ])
      t.notOk(uk.isWorkingDay(d!), `${d} ${what}`);
    t.ok(uk.isWorkingDay('2022-05-30'), 'the usual last Monday of May 2022 was worked');
  });
});

t.test('United States federal holidays (OPM)', async (t) => {
  const us = registry.current('US-FED');
  t.test('given 2025 and 2026, then the weekdays off are exactly the eleven legal public holidays OPM lists', async (t) => {
    t.same(weekdaysOff('US-FED', 2025), OPM_2025);
    t.same(weekdaysOff('US-FED', 2026), OPM_2026);
  });
  t.test('given Independence Day 2026 on a Saturday, then it is observed Fri 07-03 and Mon 07-06 works', async (t) => {
    t.notOk(us.isWorkingDay('2026-07-03'));
    t.match(us.describeDay('2026-07-03'), { working: false, kind: 'public-holiday', name: /Independence Day/ });
    t.ok(us.isWorkingDay('2026-07-06'));
  });
  t.test('given a FOIA request received Wed 2026-07-01, then 20 working days end Thu 2026-07-30', async (t) => {
    // 07-02 is day 1; 07-03 is off; 07-06…07-10 are 2–6, then three full weeks to 07-30.
    t.equal(us.addWorkingDays('2026-07-01', 20).date, '2026-07-30');
  });
});

t.test('the rule-derived calendars', async (t) => {
  t.test('given each shipped calendar, then it builds from date-holidays with official years 2000–2027', async (t) => {
    for (const { id } of RULE_CALENDARS) {
      const data = ruleCalendarData(id)!;
      t.equal(data.id, id);
      t.match(data.source, /^date-holidays@\d+\.\d+\.\d+$/);
      t.same(data.weekend, [6, 7]);
      t.same(data.workingDays, []);
      t.same(data.officialYears, Array.from({ length: 28 }, (_, i) => 2000 + i), `${id} official years`);
    }
  });
  t.test('given a year after 2027, then a count into it is provisional', async (t) => {
    t.same(registry.current('GB-UK').addWorkingDays('2027-12-20', 10).missingYears, [2028]);
  });
  t.test('given an id that is not shipped, then there is no data', async (t) => {
    t.equal(ruleCalendarData('XX'), undefined);
  });
});
