/**
 * How fast a due date is found on the Chinese calendar: `addWorkingDays(receipt, 20)` (ISO string in,
 * result out), against chinese-days' own `findWorkday(20, receipt)` answering the same question, and
 * `workingDaysBetween` (how many working days of the period have passed).
 *
 * Run with `pnpm bench calendar`. Prints one JSON line per figure; `scripts/bench.mjs` records them
 * in docs/benchmarks.md. Exits non-zero if the two libraries ever disagree on a due date.
 */
import chineseDays from 'chinese-days';
import { builtinCalendars } from '@disclosure/calendar';
import { benchSink, opsPerSecond } from '../../../bench/support/opsPerSecond.js';

const DAY_MS = 86_400_000;
const PERIOD = 20; // 条例 第33条: the 20th working day after receipt
const DATE_COUNT = 10_000;
const WARM_UP_MS = 500;
const ROUND_MS = 1_000;
const ROUNDS = 5;

const cn = builtinCalendars().current('CN');

/** A small deterministic generator, so every run measures the same dates. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Receipt dates spread over 2020-01-01…2026-11-30 (their due dates stay inside chinese-days' data). */
function receiptDates(count: number): string[] {
  const random = lcg(20250926);
  const first = Date.UTC(2020, 0, 1) / DAY_MS;
  const last = Date.UTC(2026, 10, 30) / DAY_MS;
  return Array.from({ length: count }, () => new Date((first + Math.floor(random() * (last - first + 1))) * DAY_MS).toISOString().slice(0, 10));
}

/** For each receipt date, a day up to 60 days later: "how much of the period has passed by then?" */
function laterDates(dates: readonly string[]): string[] {
  const random = lcg(20191015);
  return dates.map((d) => new Date(Date.parse(`${d}T00:00:00Z`) + Math.floor(random() * 61) * DAY_MS).toISOString().slice(0, 10));
}

const receipts = receiptDates(DATE_COUNT);
const laters = laterDates(receipts);

function verifySameAnswers(): void {
  const disagreements: string[] = [];
  for (const d of ['2025-09-26', '2025-01-24', '2026-02-12', ...receipts]) {
    const ours = cn.addWorkingDays(d, PERIOD).date;
    const theirs = chineseDays.findWorkday(PERIOD, d);
    if (ours !== theirs) disagreements.push(`${d} +${PERIOD}: ours ${ours}, chinese-days ${theirs}`);
  }
  if (cn.addWorkingDays('2025-09-26', PERIOD).date !== '2025-10-30') disagreements.push('2025-09-26 +20 is not 2025-10-30 (国务院办公厅关于2025年部分节假日安排的通知)');
  if (disagreements.length > 0) {
    console.error(`addWorkingDays and chinese-days.findWorkday disagree on ${disagreements.length} dates:\n  ${disagreements.slice(0, 20).join('\n  ')}`);
    process.exit(1);
  }
  console.log(`verified: addWorkingDays(d, ${PERIOD}) equals chinese-days findWorkday(${PERIOD}, d) on all ${receipts.length + 3} dates`);
}

/** Operations per second of `op` over the rotating date set, logged with its rounds. */
function measured(label: string, op: (i: number) => number, batch: number): number {
  const { median, rounds } = opsPerSecond((i) => op(i % DATE_COUNT), { batch, warmUpMs: WARM_UP_MS, roundMs: ROUND_MS, rounds: ROUNDS });
  console.log(`${label}: median ${Math.round(median).toLocaleString('en-US')} ops/s (rounds ${rounds.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')})`);
  return median;
}

verifySameAnswers();

const ours = measured('calendar addWorkingDays(d, 20)', (i) => cn.addWorkingDays(receipts[i]!, PERIOD).date.charCodeAt(9), 1_000);
const theirs = measured('chinese-days findWorkday(20, d)', (i) => chineseDays.findWorkday(PERIOD, receipts[i]!).charCodeAt(9), 10);
const between = measured('calendar workingDaysBetween(d, later)', (i) => cn.workingDaysBetween(receipts[i]!, laters[i]!).days, 1_000);

const ratio = ours / theirs;
console.log(JSON.stringify({ bench: 'calendar.addWorkingDays.cn', value: Math.round(ours), unit: 'ops/s', compare: { 'chinese-days.findWorkday': Math.round(theirs), ratio: Math.round(ratio * 10) / 10 } }));
console.log(JSON.stringify({ bench: 'calendar.workingDaysBetween.cn', value: Math.round(between), unit: 'ops/s' }));

// Goals from the issue: at least 1,000,000 ops/s and at least 50× chinese-days.
const goals = [ours >= 1_000_000 ? null : `below 1,000,000 ops/s`, ratio >= 50 ? null : `below 50× chinese-days`].filter((g) => g !== null);
console.log(goals.length === 0 ? 'goals met: ≥1,000,000 ops/s and ≥50× chinese-days' : `goals NOT met: ${goals.join('; ')}`);
if (benchSink() === 0.5) console.log(benchSink()); // never true; keeps the results observable
