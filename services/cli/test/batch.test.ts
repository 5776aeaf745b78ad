import t from 'tap';
import { disclosure, jsonLines } from './support/disclosure.js';

const line = (question: unknown) => JSON.stringify(question);
const batch = async (lines: readonly string[]) => {
  const run = await disclosure(['deadline', '--batch'], lines.map((l) => `${l}\n`).join(''));
  return { ...run, out: jsonLines(run.stdout) as Record<string, any>[] };
};

t.test('answers every line in order, with an error line in place of each bad one', async (t) => {
  const run = await batch([
    line({ profile: 'CN-2019', received: '2025-09-26' }), // 1
    line({ profile: 'CN-2008', received: '2019-04-26' }), // 2
    '', // 3: skipped
    '{"profile": "CN-2019", "received": ', // 4: broken JSON
    line({ profile: 'XX-1999', received: '2025-09-26' }), // 5
    line({ profile: 'CN-2019', received: '2025-02-30' }), // 6: no such day
    line({ profile: 'CN-2019', received: '2025-09-26', days: -3 }), // 7
    line({ profile: 'CN-2019', received: '2025-09-26', urgent: true }), // 8: unknown field
    '   ', // 9: skipped
    line({ profile: 'CN-2019', received: '1900-01-02' }), // 10: before the calendar's range
    line({ profile: 'CN-2019', received: '2025-09-26', extension: 20 }), // 11
    line({ profile: 'CN-2019', received: '2025-09-26', days: 7 }), // 12
    line({ profile: 'CN-2019', received: '2027-03-01' }), // 13
  ]);
  t.equal(run.code, 0, 'bad lines are answered, not fatal');
  t.equal(run.stderr, '');
  t.equal(run.out.length, 11, 'one line out per non-blank line in');

  t.match(run.out[0], { dueDate: '2025-10-30', profileId: 'CN-2019', provisional: false });
  t.match(run.out[1], { dueDate: '2019-05-20', profileId: 'CN-2008' });
  t.match(run.out[2], { error: { type: 'invalid-json', line: 4, message: String } });
  t.match(run.out[3], { error: { type: 'unknown-profile', line: 5, message: /XX-1999/ } });
  t.match(run.out[4], { error: { type: 'invalid-input', line: 6, message: /received/ } });
  t.match(run.out[5], { error: { type: 'invalid-input', line: 7, message: /days/ } });
  t.match(run.out[6], { error: { type: 'invalid-input', line: 8, message: /urgent/ } });
  t.match(run.out[7], { error: { type: 'out-of-range', line: 10 } });
  t.match(run.out[8], { dueDate: '2025-11-27' });
  t.match(run.out[9], { dueDate: '2025-10-13' });
  t.match(run.out[10], { dueDate: '2027-03-29', provisional: true, missingYears: [2027] });
  for (const o of run.out) if ('dueDate' in o) t.notOk('explanation' in o, 'no explanation unless the line asks');
});

t.test('a line may ask for its own explanation', async (t) => {
  const run = await batch([line({ profile: 'CN-2019', received: '2025-09-26', explain: true }), line({ profile: 'CN-2019', received: '2025-09-26' })]);
  t.equal(run.out[0]!.explanation.length, 35);
  t.ok(Array.isArray(run.out[0]!.notes));
  t.notOk('explanation' in run.out[1]!);
});

t.test('values of the wrong type are invalid input, not a crash', async (t) => {
  const run = await batch([
    line({ profile: 'CN-2019', received: '2025-09-26', days: '7' }),
    line({ profile: 'CN-2019', received: '2025-09-26', days: 2.5 }),
    line({ profile: 'CN-2019', received: 20250926 }),
    line({ received: '2025-09-26' }),
    line({ profile: 'CN-2019', received: '2025-09-26', explain: 'yes' }),
    line([1, 2]),
    'null',
    '42',
  ]);
  t.equal(run.code, 0);
  t.equal(run.out.length, 8);
  run.out.forEach((o, i) => t.match(o, { error: { type: 'invalid-input', line: i + 1 } }, `line ${i + 1}`));
});

t.test('Windows line endings and a byte-order mark are read as plain lines', async (t) => {
  const stdin = `\uFEFF${line({ profile: 'CN-2019', received: '2025-09-26' })}\r\n${line({ profile: 'CN-2008', received: '2019-05-10' })}\r\n`;
  const run = await disclosure(['deadline', '--batch'], stdin);
  t.match(jsonLines(run.stdout), [{ dueDate: '2025-10-30' }, { dueDate: '2019-05-31' }]);
});

t.test('an empty input gives an empty output', async (t) => {
  const run = await disclosure(['deadline', '--batch'], '');
  t.equal(run.code, 0);
  t.equal(run.stdout, '');
});

t.test('a long batch streams through: every line answered, in order', async (t) => {
  const received = (i: number) => new Date(Date.UTC(2010, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const n = 5000;
  const lines = Array.from({ length: n }, (_, i) => (i % 500 === 499 ? '{oops' : line({ profile: i % 2 ? 'CN-2019' : 'UK-FOIA', received: received(i) })));
  const run = await batch(lines);
  t.equal(run.out.length, n);
  const errors = run.out.filter((o) => 'error' in o);
  t.same(errors.map((o) => o.error.line), [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
  const ordered = run.out.every((o, i) => 'error' in o || (o.profileId === (i % 2 ? 'CN-2019' : 'UK-FOIA') && o.dueDate > received(i)));
  t.ok(ordered, 'answer i belongs to question i');
});
