import t from 'tap';
import { canonicalJson, contentVersion } from '@disclosure/calendar';

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
