import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal values always serialise to equal text.
 * @example canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] }) // '{"a":[2,{"c":0,"d":1}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * The canonical JSON of a value as an object member: undefined where JSON.stringify would drop it
 * (undefined, a function, a symbol). For writers that assemble an object whose keys they know.
 * @example canonicalJsonMember(undefined) // undefined
 */
export function canonicalJsonMember(value: unknown): string | undefined {
  return write(value);
}

/**
 * The canonical JSON of an object without one of its keys, with no copy made: what the hash chain
 * covers of an event's metadata (all but its `hash`).
 * @example canonicalJsonWithout({ b: 1, hash: 'x', a: 2 }, 'hash') // '{"a":2,"b":1}'
 */
export function canonicalJsonWithout(value: Record<string, unknown>, key: string): string {
  return writeObject(value, key);
}

// One pass, no sorted copies: it runs for every event appended and verified (the hash chain), so
// it is hot. Same output as JSON.stringify of a key-sorted copy: undefined and functions drop out of
// objects and become null in arrays; toJSON (dates) is honoured. Cheaper steps than the obvious
// ones: quoted keys remembered, small key lists sorted in place (UTF-16 code units, as
// Array.prototype.sort), plain strings quoted without JSON.stringify.
const MAX_REMEMBERED_KEYS = 10_000;
const quotedKeys = new Map<string, string>();
/** Characters JSON.stringify escapes in a string: quote, backslash, controls, and surrogates (lone ones are escaped; paired ones take the same path to stay simple). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (quotedKeys.size < MAX_REMEMBERED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** canonicalJson's writer: undefined, functions and symbols drop out of objects and become null in arrays; toJSON is honoured. */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
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
      return writeObject(value as Record<string, unknown>);
    }
    default:
      return undefined; // undefined, functions, symbols, bigints
  }
}

/** An object's own enumerable keys in sorted order (UTF-16 code units, as Array.prototype.sort), but `skip`. */
function writeObject(value: Record<string, unknown>, skip?: string): string {
  const keys = Object.keys(value);
  if (keys.length <= 16) {
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > key) {
        keys[j + 1] = keys[j]!;
        j--;
      }
      keys[j + 1] = key;
    }
  } else keys.sort();
  let out = '{';
  let sep = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === skip) continue;
    const v = write(value[key]);
    if (v === undefined) continue;
    out += sep + quoteKey(key) + ':' + v;
    sep = ',';
  }
  return out + '}';
}

/**
 * A short content version: `sha256:` and 16 hex digits of the canonical JSON's hash.
 * @example contentVersion({ a: 1 }) === contentVersion({ a: 1 }) // true
 */
export function contentVersion(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
