import t from 'tap';
import { ConflictingCalendarEntry, DateOutOfCalendarRange, UnknownCalendar } from '@disclosure/calendar';

const range = { from: '1990-01-01', to: '2150-12-31' };

t.test('given each calendar error, then it is an Error with a stable name, a readable message and the data to act on', async (t) => {
  const outOfRange = new DateOutOfCalendarRange('CN', '2300-01-01', range);
  t.ok(outOfRange instanceof Error);
  t.match(outOfRange, { name: 'DateOutOfCalendarRange', calendarId: 'CN', date: '2300-01-01', range });
  t.match(outOfRange.message, /2300-01-01.*CN.*1990-01-01…2150-12-31/);

  const conflict = new ConflictingCalendarEntry('CN', '2025-10-11');
  t.match(conflict, { name: 'ConflictingCalendarEntry', calendarId: 'CN', date: '2025-10-11' });
  t.match(conflict.message, /2025-10-11.*holiday.*make-up/);

  t.match(new UnknownCalendar('XX'), { name: 'UnknownCalendar', calendarId: 'XX', message: 'unknown calendar XX' });
  t.match(new UnknownCalendar('CN', 'sha256:00'), { calendarId: 'CN', version: 'sha256:00', message: 'calendar CN has no version sha256:00' });
});
