import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal values always serialise to equal text.
 * @example canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] }) // '{"a":[2,{"c":0,"d":1}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

// One pass, no sorted copies: it runs for every event appended (the hash chain), so it is hot.
// Same output as JSON.stringify of a key-sorted copy: undefined and functions drop out of objects
// and become null in arrays; toJSON (dates) is honoured.
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const json = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof json === 'function') return write(json.call(value));
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
        return out + ']';
      }
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = write((value as Record<string, unknown>)[key]);
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + v;
        first = false;
      }
      return out + '}';
    }
    default:
      return undefined; // undefined, functions, symbols
  }
}

/**
 * A short content version: `sha256:` and 16 hex digits of the canonical JSON's hash.
 * @example contentVersion({ a: 1 }) === contentVersion({ a: 1 }) // true
 */
export function contentVersion(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
