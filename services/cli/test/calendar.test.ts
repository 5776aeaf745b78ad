import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '@disclosure/event-store';
import { disclosure } from './support/disclosure.js';
import { embedded as env, seedCases, withDataDir } from './support/seed.js';

// A made-up 2027 notice with only New Year in it (01-01…01-03 off). Cases received Tue 2026-12-15:
// counted Mon–Fri, Fri 2027-01-01 is day 13 and Tue 01-12 day 20 (provisional); with New Year off,
// Mon 01-04 is day 13 and Wed 01-13 day 20.
const NOTICE = {
  source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic, New Year only)',
  years: [{ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'].map((date) => ({ date, name: '元旦' })), workingDays: [] }],
};

t.test('calendar load records the notice, recomputes the open cases, and a second load changes nothing', async (t) => {
  const dir = withDataDir(t);
  const caseIds = await seedCases(dir, 2, { receivedOn: '2026-12-15' });
  const file = join(dir, 'cn-2027.json');
  writeFileSync(file, JSON.stringify(NOTICE));

  const first = await disclosure(['calendar', 'load', file], '', env(dir));
  t.equal(first.code, 0, first.stderr);
  t.match(JSON.parse(first.stdout), { calendarId: 'CN', appended: true, officialYears: '2004–2027', recomputed: 2 });

  const second = await disclosure(['calendar', 'load', file], '', env(dir));
  t.equal(second.code, 0, second.stderr);
  t.match(JSON.parse(second.stdout), { appended: false, recomputed: 0 }, 'nothing recorded the second time');

  const store = await openEventStore({ dataDir: join(dir, 'events') });
  t.teardown(() => store.close());
  for (const caseId of caseIds) {
    const recomputed = (await store.read(caseId)).filter((e) => e.type === 'DeadlineRecomputed');
    t.match(recomputed, [{ data: { previousDueDate: '2027-01-12', dueDate: '2027-01-13', previousProvisional: true, provisional: false, reason: NOTICE.source } }], 'one recomputation per case');
  }
  t.equal((await store.read('calendar-CN')).length, 1, 'one amendment recorded');
});

t.test('a file that is not a valid amendment is refused with the reason, before any store is opened', async (t) => {
  const dir = withDataDir(t);
  const file = join(dir, 'wrong.json');
  writeFileSync(file, JSON.stringify({ source: 'x', years: [{ year: 2027, holidays: [{ date: '2027-02-30', name: '不存在' }], workingDays: [] }] }));
  const wrong = await disclosure(['calendar', 'load', file], '', env(dir));
  t.equal(wrong.code, 1);
  t.match(wrong.stderr, /wrong\.json: not a valid calendar amendment: years\.0\.holidays\.0\.date: expected a calendar date YYYY-MM-DD/);
});
