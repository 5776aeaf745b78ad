import { HttpProblem } from './problems.js';

/** The ETag of a case at a revision. @example etagOf(3) // '"3"' */
export const etagOf = (revision: number) => `"${revision}"`;

/**
 * The revision an If-Match header names, or undefined without one. `*` matches any revision.
 * @example ifMatchRevision('W/"3"') // 3
 */
export function ifMatchRevision(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)!.trim();
  if (value === '*') return undefined;
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(value);
  if (!m) throw new HttpProblem('validation-failed', 'If-Match must be an ETag this API gave, e.g. "3"', { fields: [{ path: 'headers.if-match', message: 'not an ETag' }] });
  return Number(m[1]);
}
