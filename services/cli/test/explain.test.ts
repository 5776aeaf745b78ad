import t from 'tap';
import { answerOf, disclosure } from './support/disclosure.js';

interface Day {
  date: string;
  counted: boolean;
  ordinal?: number;
  reason: string;
}

// 国办发明电〔2024〕12号: 国庆/中秋 2025-10-01…10-08 off, Sun 09-28 and Sat 10-11 worked.
t.test('--explain lists every day from receipt to the due date and says why each counted', async (t) => {
  const a = answerOf(await disclosure(['deadline', '--profile', 'CN-2019', '--received', '2025-09-26', '--explain']));
  t.equal(a.dueDate, '2025-10-30');
  const days = a.explanation as Day[];

  t.equal(days.length, 35, '2025-09-26 … 2025-10-30, both ends included');
  t.equal(days[0]!.date, '2025-09-26');
  t.equal(days.at(-1)!.date, '2025-10-30');
  for (let i = 1; i < days.length; i++) {
    const gap = (Date.parse(days[i]!.date) - Date.parse(days[i - 1]!.date)) / 86_400_000;
    if (gap !== 1) t.fail(`a day is missing or repeated before ${days[i]!.date}`);
  }

  const day = (date: string) => days.find((d) => d.date === date)!;
  t.match(day('2025-09-26'), { counted: false, reason: 'receipt-day' }, 'the receipt day itself does not count');
  t.match(day('2025-09-27'), { counted: false, reason: 'weekend' });
  t.match(day('2025-09-28'), { counted: true, ordinal: 1, reason: 'make-up-working-day' }, 'Sunday 09-28 is worked');
  t.match(day('2025-10-11'), { counted: true, ordinal: 6, reason: 'make-up-working-day' }, 'Saturday 10-11 is worked');
  for (const date of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'])
    t.match(day(date), { counted: false, reason: 'public-holiday' }, `${date} is a holiday`);
  t.match(day('2025-10-30'), { counted: true, ordinal: 20, reason: 'working-day' }, 'the due date is the 20th counted day');

  t.same(
    days.filter((d) => d.reason === 'make-up-working-day').map((d) => d.date),
    ['2025-09-28', '2025-10-11'],
    'exactly the two make-up days are marked',
  );
  t.equal(days.filter((d) => d.counted).length, 20);

  const notes = a.notes as string[];
  t.ok(notes.length >= 1);
  t.match(notes[0], /第33条/, 'the notes cite the article that sets the period');
});

t.test('--explain on a provisional count marks the days without official data', async (t) => {
  const a = answerOf(await disclosure(['deadline', '--profile', 'CN-2019', '--received', '2027-03-01', '--explain']));
  const days = a.explanation as (Day & { provisional?: boolean })[];
  t.ok(days.every((d) => d.provisional === true), 'every day of 2027 is provisional');
});
