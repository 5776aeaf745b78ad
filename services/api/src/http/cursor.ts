import { isIsoDate } from '@disclosure/calendar';
import { HttpProblem } from './problems.js';

/** Where a page sorted by due date ends: the due date (9999-12-31 for none) and the case id. */
export type CursorKey = readonly [string, string];

/** Orders two page keys (due date, then case id). @example [b, a].sort(compareKeys) */
export const compareKeys = (a: CursorKey, b: CursorKey): number => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);

/** A page key as an opaque cursor. @example encodeCursor(['2025-10-30', caseId]) */
export const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The key a cursor holds, or a `validation-failed` problem when it is not one this API gave. @example decodeCursor(encodeCursor(['2025-10-30', caseId])) */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && isIsoDate(v[0]) && typeof v[1] === 'string' && v[1].length <= 128 && !/[\u0000\ud800-\udfff]/.test(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new HttpProblem('validation-failed', 'the cursor is not one this API gave', { fields: [{ path: 'querystring.cursor', message: 'not a valid cursor' }] });
}
