import t from 'tap';
import { disclosure } from './support/disclosure.js';

t.test('disclosure --help lists the commands and exits 0', async (t) => {
  const run = await disclosure(['--help']);
  t.equal(run.code, 0);
  t.match(run.stdout, /Usage: disclosure <command>/);
  t.match(run.stdout, /deadline/);
  t.equal(run.stderr, '');
});

t.test('disclosure deadline --help shows every option and the profiles', async (t) => {
  const run = await disclosure(['deadline', '--help']);
  t.equal(run.code, 0);
  for (const option of ['--profile', '--received', '--days', '--extension', '--explain', '--batch']) t.match(run.stdout, option);
  for (const profile of ['CN-2019', 'CN-2008', 'UK-FOIA']) t.match(run.stdout, profile);
});

t.test('command-line mistakes exit 2 with the usage on stderr and nothing on stdout', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /no command given/],
    ['an unknown command', ['dedline'], /unknown command "dedline"/],
    ['an unknown flag', ['deadline', '--profile', 'CN-2019', '--received', '2025-09-26', '--urgent'], /--urgent/],
    ['a missing --received', ['deadline', '--profile', 'CN-2019'], /missing --received/],
    ['a missing --profile', ['deadline', '--received', '2025-09-26'], /missing --profile/],
    ['a flag without its value', ['deadline', '--profile', 'CN-2019', '--received'], /--received/],
    ['a stray argument', ['deadline', '--profile', 'CN-2019', '--received', '2025-09-26', 'please'], /please/],
    ['--batch with a question on the command line', ['deadline', '--batch', '--profile', 'CN-2019'], /--profile/],
  ];
  for (const [what, args, message] of cases) {
    const run = await disclosure(args);
    t.equal(run.code, 2, `${what}: exit 2`);
    t.match(run.stderr, message, `${what}: says what is wrong`);
    t.match(run.stderr, /Usage:/, `${what}: shows the usage`);
    t.equal(run.stdout, '', `${what}: nothing on stdout`);
  }
});

t.test('a question that cannot be answered exits 1 with its kind on stderr', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown profile', ['--profile', 'CN-1999', '--received', '2025-09-26'], /unknown-profile: .*CN-1999/],
    ['a day that does not exist', ['--profile', 'CN-2019', '--received', '2025-02-30'], /invalid-input: received/],
    ['a date not written YYYY-MM-DD', ['--profile', 'CN-2019', '--received', '26/09/2025'], /invalid-input: received/],
    ['negative days', ['--profile', 'CN-2019', '--received', '2025-09-26', '--days=-3'], /invalid-input: days/],
    ['days that are not a number', ['--profile', 'CN-2019', '--received', '2025-09-26', '--days', 'seven'], /invalid-input: days/],
    ['a negative extension', ['--profile', 'CN-2019', '--received', '2025-09-26', '--extension=-1'], /invalid-input: extension/],
    ['a date outside the calendar', ['--profile', 'CN-2019', '--received', '1900-01-02'], /out-of-range/],
  ];
  for (const [what, args, message] of cases) {
    const run = await disclosure(['deadline', ...args]);
    t.equal(run.code, 1, `${what}: exit 1`);
    t.match(run.stderr, message, `${what}: says why`);
    t.equal(run.stdout, '', `${what}: nothing on stdout`);
  }
});
