import { createHash } from 'node:crypto';

/**
 * A name-based uuid (RFC 9562 version 5, SHA-1): the same name always gives the same id, so a
 * retried creation appends the same event ids and the store recognises the retry, and a webhook
 * delivery keeps one `webhook-id` however often it is sent.
 * @example uuidV5('demo/intake/PORTAL-1')
 */
export function uuidV5(name: string, namespace = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
