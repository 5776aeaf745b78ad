/**
 * The correlation id of a request: the caller's `x-correlation-id` when it is a plain token, else the
 * request id. Recorded on the events the request causes and bound to its log lines.
 * @example correlationIdOf({ 'x-correlation-id': 'portal-msg-7' }, req.id) // 'portal-msg-7'
 */
export function correlationIdOf(headers: Record<string, unknown>, fallback: string): string {
  const c = headers['x-correlation-id'];
  return typeof c === 'string' && /^[\w.-]{1,64}$/.test(c) ? c : fallback;
}
