import t from 'tap';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonWithout, contentVersion } from '@disclosure/calendar';

t.test('given two objects with the same content in a different key order', async (t) => {
  const a = { b: 1, a: [2, { d: 1, c: 0 }] };
  const b = { a: [2, { c: 0, d: 1 }], b: 1 };
  t.test('when written as canonical JSON, then both read the same, keys sorted at every depth', async (t) => {
    t.equal(canonicalJson(a), '{"a":[2,{"c":0,"d":1}],"b":1}');
    t.equal(canonicalJson(b), canonicalJson(a));
  });
  t.test('when versioned, then both get the same version', async (t) => {
    t.equal(contentVersion(a), contentVersion(b));
  });
});

t.test('given array order, when written as canonical JSON, then it is kept (order is content)', async (t) => {
  t.not(canonicalJson([1, 2]), canonicalJson([2, 1]));
  t.not(contentVersion([1, 2]), contentVersion([2, 1]));
});

t.test('given a key whose value is undefined, when written, then it is left out like JSON.stringify does', async (t) => {
  t.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
  t.equal(contentVersion({ a: 1, b: undefined }), contentVersion({ a: 1 }));
});

t.test('given any content, when versioned, then the version is sha256: and 16 hex digits, and changes with the content', async (t) => {
  t.match(contentVersion({ a: 1 }), /^sha256:[0-9a-f]{16}$/);
  t.not(contentVersion({ a: 1 }), contentVersion({ a: 2 }));
});

/**
 * The definition canonicalJson must agree with: JSON.stringify's text of each value, with every
 * object's members in UTF-16 code-unit order of their keys at every depth (RFC 8785's order). Written
 * out member by member: JSON.stringify of a key-sorted copy would put integer-like keys ("0", "10")
 * first, as V8 orders them in any object, whatever order they were added in.
 */
function sortedJson(value: unknown): string | undefined {
  if (Array.isArray(value)) return `[${value.map((v) => sortedJson(v) ?? 'null').join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const members = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const v = sortedJson((value as Record<string, unknown>)[k]);
      return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
    });
  return `{${members.join(',')}}`;
}

t.test('given integer-like keys, when written as canonical JSON, then they are sorted as text like any other key', async (t) => {
  t.equal(canonicalJson({ b: 1, '10': 2, '9': 3, '': 4 }), '{"":4,"10":2,"9":3,"b":1}');
});

t.test('given any JSON value (any key order, any text: Chinese, controls, lone surrogates), canonical JSON is JSON.stringify’s text with the keys sorted at every depth', async (t) => {
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('record')),
    leaf: fc.oneof(text, fc.constantFrom('征地补偿', '"\\\n', '\ud800'), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
    list: fc.array(tie('node'), { maxLength: 5 }),
    record: fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'B', 'hash', '中', '_')), tie('node'), { maxKeys: 20 }),
  })).node;
  fc.assert(fc.property(value, (v) => canonicalJson(v) === (sortedJson(v) ?? 'null')), { numRuns: 3000, examples: [[{ '': { '': [{ '0': null, '': '征地补偿' }] } }]] });
  fc.assert(fc.property(fc.dictionary(text, value, { maxKeys: 20 }), text, (v, key) => {
    const { [key]: _dropped, ...rest } = v;
    return canonicalJsonWithout(v, key) === sortedJson(rest);
  }), { numRuns: 1000 });
  t.pass();
});
