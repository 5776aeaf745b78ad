import t from 'tap';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { localDate, localYear } from '@disclosure/domain';

/** What localDate answered before its fast path: luxon all the way (null for a zone luxon does not know). */
function reference(at: string, timeZone: string): string | null | Error {
  const dt = DateTime.fromISO(at, { setZone: true });
  if (!dt.isValid) return new RangeError(`not an ISO instant: ${at}`);
  return dt.setZone(timeZone).toISODate();
}

function answer(at: string, timeZone: string): string | null | Error {
  try {
    return localDate(at, timeZone);
  } catch (e) {
    return e as Error;
  }
}

/** Where localDate and luxon differ on an input: undefined when they agree (a refusal must be the same RangeError). */
function differs(at: string, zone: string): string | undefined {
  const want = reference(at, zone);
  const got = answer(at, zone);
  const agree = want instanceof Error ? got instanceof RangeError && got.message === want.message : got === want;
  return agree ? undefined : `${JSON.stringify(at)} in ${zone}: luxon ${String(want)}, localDate ${String(got)}`;
}

const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Europe/Dublin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'UTC', 'utc', 'GMT', 'Etc/GMT+12', 'Etc/GMT-14', 'utc+8', 'UTC-05:30'];

t.test('the day of an instant in a zone', async (t) => {
  t.equal(localDate('2025-09-26T17:30:00Z', 'Asia/Shanghai'), '2025-09-27');
  t.equal(localDate('2025-09-26T15:59:59.999Z', 'Asia/Shanghai'), '2025-09-26');
  t.equal(localDate('2025-09-26T16:00:00Z', 'Asia/Shanghai'), '2025-09-27');
  t.equal(localDate('2025-09-27T00:30:00+08:00', 'Europe/London'), '2025-09-26');
  t.equal(localDate('2025-03-30T00:59:59Z', 'Europe/London'), '2025-03-30');
  t.throws(() => localDate('not a date', 'Asia/Shanghai'), RangeError);
});

t.test('the same answers as luxon on edge cases: forms, fields out of range, zones, DST and offset changes', async (t) => {
  const instants = [
    '2025-09-26T03:00:00Z', '2025-09-26T03:00Z', '2025-09-26T03:00:00.123456789Z', '2025-09-26T03:00:00,5Z', '2025-09-26T03:00:00z',
    '2025-09-26T23:59:59-12:00', '2025-09-26T00:00:00+14:00', '2025-09-26T00:00:00+0800', '2025-09-26T00:00:00+08', '2025-09-26T00:00:00-00:00',
    '2025-09-26T00:00:00+99:00', '2025-09-26T00:00:00+05:99', '2025-09-26T00:00:00', '2025-09-26', '20250926T030000Z', '2025-W39-5T03:00:00Z', '2025-269T03:00:00Z',
    '2025-02-29T12:00:00Z', '2024-02-29T12:00:00Z', '2100-02-29T12:00:00Z', '2000-02-29T12:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-00-10T00:00:00Z',
    '2025-01-00T00:00:00Z', '2025-09-26T24:00:00Z', '2025-09-26T24:00:01Z', '2025-09-26T23:60:00Z', '2025-09-26T23:59:60Z', '0999-12-31T23:00:00Z', '1000-01-01T00:00:00Z',
    '1000-01-01T00:00:00+08:00', '9999-12-31T23:00:00Z', '9999-12-31T23:00:00-08:00', '+010000-01-01T00:00:00Z', '0099-06-01T00:00:00Z', '1900-01-01T00:00:00Z',
    '1901-01-01T15:54:16Z', '1901-01-01T15:54:17Z', '1901-01-01T15:54:18Z', '2025-03-09T06:59:59Z', '2025-03-09T07:00:00Z', '2025-11-02T05:59:59Z', '2025-10-05T15:59:59Z',
    '2025-09-26T03:00:00Z[Asia/Shanghai]', ' 2025-09-26T03:00:00Z', '2025-09-26T03:00:00Z ', '2025-09-26t03:00:00Z', '2025-9-26T03:00:00Z', '',
  ];
  const zones = [...ZONES, 'Local', 'system', 'default', 'Fantasia/Castle', '+08:00', 'Asia/shanghai'];
  const differences = zones.flatMap((zone) => instants.flatMap((at) => differs(at, zone) ?? []));
  t.same(differences, [], `${instants.length} instants × ${zones.length} zones`);
});

t.test('the same answers as luxon on any instant of 1900–2200, in any offset form, in many zones', async (t) => {
  const from = Date.UTC(1900, 0, 1);
  const to = Date.UTC(2200, 0, 1);
  const arb = fc.record({
    ms: fc.integer({ min: from, max: to }),
    offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
    form: fc.constantFrom('Z', 'offset', 'minutes', 'millis', 'nanos'),
    zone: fc.constantFrom(...ZONES),
  });
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  let checked = 0;
  fc.assert(
    fc.property(arb, ({ ms, offset, form, zone }) => {
      const shown = new Date(ms + (form === 'Z' ? 0 : offset) * 60_000).toISOString(); // wall time in that offset
      const off = form === 'Z' ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
      const body = form === 'minutes' ? shown.slice(0, 16) : form === 'millis' ? shown.slice(0, 23) : form === 'nanos' ? `${shown.slice(0, 23)}456789` : shown.slice(0, 19);
      const at = `${body}${off}`;
      checked++;
      return differs(at, zone) === undefined;
    }),
    { numRuns: 20_000 },
  );
  t.equal(checked >= 20_000, true, `${checked} instants checked`);
});

t.test('the same answers as luxon every few minutes through offset changes and midnights', async (t) => {
  // DST starts and ends (whole, half-hour and Lord Howe's half-hour shifts), a zone that skipped a day
  // (Samoa, 2011-12-30), a fall-back at midnight (Havana), Tehran's changes at midnight on the half hour (2021), and ordinary midnights in odd offsets
  const days = ['2025-03-09', '2025-11-02', '2025-03-30', '2025-10-26', '2025-04-06', '2025-10-05', '2011-12-29', '2011-12-30', '2025-09-26', '1970-01-01', '1901-12-13', '2021-03-21', '2021-09-21'];
  const zones = [...ZONES.filter((z) => !/^utc[+-]/i.test(z)), 'Pacific/Apia', 'America/Havana', 'America/Santiago', 'Asia/Tehran', 'Pacific/Chatham'];
  const differences: string[] = [];
  let checked = 0;
  for (const zone of zones)
    for (const day of days)
      for (let ms = Date.parse(`${day}T00:00:00Z`) - 86_400_000, end = ms + 3 * 86_400_000; ms < end; ms += 7 * 60_000) {
        const at = new Date(ms).toISOString().slice(0, 19) + 'Z';
        checked++;
        const d = differs(at, zone);
        if (d) differences.push(d);
      }
  t.same(differences.slice(0, 10), [], `${checked} instants, in order`);
});

t.test('localYear is the year of localDate', async (t) => {
  const yearOf = (at: string, zone: string) => {
    try {
      return Number(localDate(at, zone).slice(0, 4));
    } catch (e) {
      return e instanceof RangeError ? e.message : String(e);
    }
  };
  const yearNow = (at: string, zone: string) => {
    try {
      return localYear(at, zone);
    } catch (e) {
      return e instanceof RangeError ? e.message : String(e);
    }
  };
  t.equal(localYear('2025-12-31T17:30:00Z', 'Asia/Shanghai'), 2026);
  t.equal(localYear('2026-01-01T03:00:00+08:00', 'America/New_York'), 2025);
  t.equal(localYear('2025-06-30T03:00:00Z', 'Pacific/Kiritimati'), 2025);
  const edges = ['2025-01-01T00:00:00Z', '2025-01-02T23:59:59+14:00', '2025-01-03T00:00:00+14:00', '2025-01-03T00:00:00-12:00', '2025-12-29T23:59:59-12:00', '2025-12-30T00:00:00Z', '2025-12-31T23:59:59-12:00', '2025-02-30T00:00:00Z', '2025-06-01T00:00:00+99:00', 'nonsense', '2025-06-01'];
  const zones = [...ZONES, 'Fantasia/Castle', 'local'];
  const differences = zones.flatMap((zone) => edges.flatMap((at) => (Object.is(yearNow(at, zone), yearOf(at, zone)) ? [] : [`${at} in ${zone}: ${yearNow(at, zone)} ≠ ${yearOf(at, zone)}`])));
  t.same(differences, []);
  const from = Date.UTC(1950, 0, 1);
  const to = Date.UTC(2150, 0, 1);
  fc.assert(
    fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.constantFrom(...ZONES), (ms, offset, zone) => {
      const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      const at = `${wall}${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
      return yearNow(at, zone) === yearOf(at, zone);
    }),
    { numRuns: 20_000 },
  );
});
