import t from 'tap';
import { COMMAND_ROUTES, PROBLEM_BASE, PROBLEMS } from '@disclosure/api';
import { testApp, receiveBody } from './support/testApp.js';
import { allEvents, at, COMMAND_TYPES, type CommandType, type Response } from './support/http.js';
import { commandBody, intakeBody } from './support/factories.js';

/*
 * 10,000 malformed requests, generated from a seed, across every POST and GET route, each with a token
 * of a role the route admits: none may fail with a 5xx, every refusal is a problem of the catalogue,
 * a validation failure names the bad fields, and none appends an event.
 */
const REQUESTS = 10_000;
const SEED = 20251009;

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** One generated request and what it got wrong. */
interface Malformed {
  readonly kind: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
  /** Where the fault is, as the problem's `fields[].path` should name it (or a parent of it). */
  readonly fault?: string;
  /** Whether even a GET must be refused (a lenient reader may accept some faults, e.g. junk after a base64 cursor). */
  readonly mustFail?: boolean;
}

const HUGE = (r: Random) => r.pick(['x', '字', 'é', '\u200b']).repeat(200_000);
const BAD_DATES = ['2025-02-30', '2025-13-01', '2025-00-10', '2025-1-9', '20251009', '2025-10-09T00:00:00Z', '09/10/2025', 'yesterday', '', '2025-02-29', '2024-02-30', '+02025-10-09'];
const BAD_UUIDS = ['not-a-uuid', '123', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '3b241101-e2bb-4255-8caf-4136c566a96', '3b241101-e2bb-4255-8caf-4136c566a9622', "'%20OR%201=1--", '%ZZ', '..%2F..%2Fetc', 'a'.repeat(150), '%00', '3b241101e2bb42558caf4136c566a962', '%E4%B8%AD%E6%96%87'];
const BAD_IF_MATCH = ['abc', '"x"', '1', '"-1"', '""', 'W/', '"1", "2"', '"9999999999"', "'1'", 'W/"a"', '"1'];
const NUL_OR_BROKEN = ['a\\u0000b', '\\u0000', '\\ud800', 'x\\udc00y', '\\ud83d'];

const isDateKey = (k: string | number) => typeof k === 'string' && /(On|Date|respondBy)$/.test(k);

/** Every path in a JSON value, with the value found there. */
function paths(value: Json, at: Path = []): [Path, Json][] {
  const out: [Path, Json][] = at.length ? [[at, value]] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

const PLACEHOLDER = '"__RAW__"';
/** `base` with the value at `path` replaced by raw JSON text. */
function replaceRaw(base: Json, path: Path, raw: string): string {
  const copy = structuredClone(base) as Json;
  if (path.length === 0) return raw;
  let node = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  node[path.at(-1)!] = '__RAW__';
  return JSON.stringify(copy).replace(PLACEHOLDER, () => raw);
}

const fieldPath = (where: 'body' | 'querystring', path: Path) => [where, ...path].join('.');

/** A JSON value of a type other than `v`'s. */
function wrongType(r: Random, v: Json): string {
  if (typeof v === 'string') return r.pick(['123', 'true', '{}', '[]', '{"a":1}', '-1.5', '["x"]']);
  if (typeof v === 'number') return r.pick(['"12"', 'true', '[]', '{}', '-1', '1.5', '1e400', '"NaN"']);
  if (typeof v === 'boolean') return r.pick(['"true"', '1', '0', '[]', '{}', '"false"']);
  if (Array.isArray(v)) return r.pick(['{}', '"x"', '1', 'true', '{"0":"a"}']);
  return r.pick(['"x"', '1', '[]', 'true', '[{}]']);
}

/** A malformed body for a route whose valid body is `base`. */
function malformedBody(r: Random, given: Json): { kind: string; payload: string | undefined; contentType: string | undefined; fault?: string } {
  const base = JSON.parse(JSON.stringify(given)) as Json; // as sent: no undefined members
  const all = paths(base);
  const leaves = all.filter(([, v]) => v === null || typeof v !== 'object');
  const objects: [Path, Json][] = [[[], base], ...all.filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))];
  const dates = leaves.filter(([p]) => isDateKey(p.at(-1)!));
  const strings = leaves.filter(([, v]) => typeof v === 'string');
  const json = 'application/json';
  const kind = r.pick(['wrong-type', 'null', 'huge-string', 'bad-date', 'unknown-field', 'broken-json', 'content-type', 'empty-body', 'deep-nesting', 'array-for-object', 'wrong-root', 'nul-or-broken-unicode']);
  switch (kind) {
    case 'wrong-type':
    case 'null':
    case 'huge-string': {
      if (all.length === 0) return { kind: 'unknown-field', payload: JSON.stringify({ [`zz${r.int(1000)}`]: 1 }), contentType: json, fault: 'body' };
      const [p, v] = r.pick(all);
      const raw = kind === 'null' ? 'null' : kind === 'huge-string' ? JSON.stringify(HUGE(r)) : wrongType(r, v);
      return { kind, payload: replaceRaw(base, p, raw), contentType: json, fault: fieldPath('body', p) };
    }
    case 'bad-date': {
      if (dates.length === 0) return malformedBody(r, base);
      const [p] = r.pick(dates);
      return { kind, payload: replaceRaw(base, p, JSON.stringify(r.pick(BAD_DATES))), contentType: json, fault: fieldPath('body', p) };
    }
    case 'unknown-field': {
      const [p] = r.pick(objects);
      const copy = structuredClone(base) as Record<string, Json>;
      let node = copy as Record<string | number, Json>;
      for (const k of p) node = node[k] as Record<string | number, Json>;
      node[r.pick(['zz', 'isAdmin', '__proto__x', 'caseId', 'agency', 'jurisdiction', 'actor', 'status', '审批人'])] = r.pick([1, 'x', null, true, [], {}] as Json[]);
      return { kind, payload: JSON.stringify(copy), contentType: json, fault: fieldPath('body', p) };
    }
    case 'broken-json': {
      const text = JSON.stringify(base);
      const broken = r.pick([
        () => text.slice(0, r.int(text.length)), // a proper prefix of an object is never JSON
        () => `${text.slice(0, -1)},}`,
        () => text.replace(/"/g, "'"),
        () => `${text}}`,
        () => `{${text}`,
        () => text.replace(':', '::'),
        () => '{"a":NaN}',
        () => '{"a":undefined}',
        () => '\uFEFF{',
      ])();
      return { kind, payload: parses(broken) ? '{"a":NaN}' : broken, contentType: json };
    }
    case 'content-type':
      return { kind, payload: r.pick([JSON.stringify(base), 'a=b&c=d', '<xml/>']), contentType: r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json-patch+json', 'text/json', 'application/octet-stream']) };
    case 'empty-body':
      return { kind, payload: r.pick([undefined, '']), contentType: r.pick([json, undefined]) };
    case 'deep-nesting': {
      const depth = r.pick([100, 1000, 5000, 20_000]);
      const nested = r.next() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const [p] = all.length && r.next() < 0.7 ? r.pick(all) : [[] as Path];
      return { kind, payload: replaceRaw(base, p, nested), contentType: json, fault: fieldPath('body', p) };
    }
    case 'array-for-object': {
      const [p, v] = r.pick(objects);
      return { kind, payload: replaceRaw(base, p, r.pick(['[]', `[${JSON.stringify(v)}]`, '[null]'])), contentType: json, fault: fieldPath('body', p) };
    }
    case 'wrong-root':
      return { kind, payload: r.pick(['null', 'true', '0', '"text"', '[]', '[[]]']), contentType: json, fault: 'body' };
    default: {
      if (strings.length === 0) return malformedBody(r, base);
      const [p] = r.pick(strings);
      return { kind, payload: replaceRaw(base, p, `"${r.pick(NUL_OR_BROKEN)}"`), contentType: json, fault: fieldPath('body', p) };
    }
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A malformed query string for a route whose valid query is `base`. */
function malformedQuery(r: Random, base: Record<string, string>, bad: Record<string, readonly string[]>): { kind: string; query: string; fault: string; mustFail: boolean } {
  const enc = (q: Record<string, string>) => Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const kind = r.pick(['bad-value', 'unknown-param', 'over-long', 'repeated', 'nul']);
  const keys = Object.keys(bad);
  const key = r.pick(keys);
  switch (kind) {
    case 'bad-value':
      return { kind, query: enc({ ...base, [key]: r.pick(bad[key]!) }), fault: `querystring.${key}`, mustFail: true };
    case 'unknown-param':
      return { kind, query: `${enc(base)}&${r.pick(['foo', 'sort', 'page', '%E4%B8%AD', 'limit[]', '__proto__'])}=${r.pick(['1', '', 'x'.repeat(300)])}`, fault: 'querystring', mustFail: true };
    case 'over-long':
      return { kind, query: enc({ ...base, [key]: r.pick(['q', '字', '%']).repeat(r.pick([401, 5000, 60_000])) }), fault: `querystring.${key}`, mustFail: true };
    case 'repeated':
      return { kind, query: `${enc(base)}&${enc({ [key]: base[key] ?? 'x' })}&${enc({ [key]: 'y' })}`, fault: `querystring.${key}`, mustFail: true };
    default:
      return { kind, query: enc({ ...base, [key]: `${base[key] ?? 'a'}\u0000` }), fault: `querystring.${key}`, mustFail: true };
  }
}

t.test(`${REQUESTS} malformed requests: no 5xx, every refusal a catalogued problem, no event appended`, async (t) => {
  const app = await testApp({ publicRateLimit: 1_000_000 });
  t.teardown(() => app.close());
  const today = '2025-10-09';
  app.setNow(at(today));
  const tokens = {
    supervisor: `Bearer ${await app.token('supervisor')}`,
    caseworker: `Bearer ${await app.token('caseworker')}`,
    integrator: `Bearer ${await app.token('integrator')}`,
  };
  // one real, registered case for the command routes and the public routes to aim at
  const created = await app.app.inject({ method: 'POST', url: '/v1/cases', headers: { authorization: tokens.caseworker }, payload: receiveBody(today) });
  const caseId = created.json().caseId as string;
  const reg = (await app.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/register`, headers: { authorization: tokens.caseworker }, payload: {} })).json();
  await app.project();
  const eventsBefore = (await allEvents(app)).length;

  const r = random(SEED);
  const goodCursor = Buffer.from(JSON.stringify(['2025-11-05', caseId])).toString('base64url');
  const listBad = {
    state: ['', '1', 'in review', 'x'.repeat(41), 'processing;drop'],
    assignee: ['', 'x'.repeat(129)],
    dueBefore: BAD_DATES,
    overdue: ['yes', 'TRUE', '1', ''],
    provisional: ['no', '0', 'False'],
    q: ['', 'x'.repeat(201)],
    limit: ['0', '-1', '201', '1.5', 'abc', '', '1e3'],
    cursor: ['zzz', '!!!', 'x'.repeat(401), Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["2025-02-30","x"]').toString('base64url'), Buffer.from(JSON.stringify(['2025-01-01', 'a\u0000b'])).toString('base64url'), Buffer.from(JSON.stringify(['2025-01-01', '\ud800'])).toString('base64url'), Buffer.from(JSON.stringify(['2025-01-01', 'x'.repeat(129)])).toString('base64url'), 'bnVsbA'],
  } as const;
  const publicBad = { registrationNumber: ['', 'demo', 'demo-25-1', 'demo-2025-', 'x'.repeat(300), 'demo-2025-1;--', '演示-2025-1'], accessCode: ['', 'short', 'x'.repeat(21), 'ABC DEF GHJ', 'ABCDEFGH!J', '字字字字字字字'] } as const;

  /** The next generated request. */
  const generate = (): Malformed => {
    const route = r.pick(['create', 'command', 'command', 'command', 'intake', 'rating', 'list', 'list', 'case', 'deadline', 'public-status', 'queue', 'stats'] as const);
    if (route === 'list' || route === 'public-status') {
      const base: Record<string, string> = route === 'list' ? { state: 'processing', limit: '10', cursor: goodCursor } : { registrationNumber: reg.registrationNumber as string, accessCode: reg.accessCode as string };
      const q = malformedQuery(r, base, route === 'list' ? listBad : publicBad);
      return { kind: `${route}:${q.kind}`, method: 'GET', url: `${route === 'list' ? '/v1/cases' : '/v1/public/status'}?${q.query}`, headers: route === 'list' ? { authorization: tokens.supervisor } : {}, fault: q.fault, mustFail: q.mustFail };
    }
    if (route === 'queue' || route === 'stats') {
      const junk = r.pick(['?limit=-1', '?x=' + 'y'.repeat(20_000), '?%00=%00', '?a[b]=c', '?' + '&'.repeat(1000)]);
      return { kind: `${route}:query`, method: 'GET', url: `${route === 'queue' ? '/v1/queue' : '/v1/agency/stats'}${junk}`, headers: { authorization: tokens.supervisor } };
    }
    if (route === 'case' || route === 'deadline') {
      const id = r.pick(BAD_UUIDS);
      return { kind: `${route}:bad-uuid`, method: 'GET', url: `/v1/cases/${id}${route === 'deadline' ? '/deadline' : ''}`, headers: { authorization: tokens.supervisor }, fault: 'params.caseId', mustFail: true };
    }
    const type: CommandType | undefined = route === 'command' ? r.pick(COMMAND_TYPES) : undefined;
    const base = (route === 'create' ? receiveBody(today) : route === 'intake' ? intakeBody('REF-1', today) : route === 'rating' ? { registrationNumber: reg.registrationNumber, accessCode: reg.accessCode, rating: 'satisfied', comment: '好' } : commandBody(type!, today)) as Json;
    const url = route === 'create' ? '/v1/cases' : route === 'intake' ? '/v1/intake' : route === 'rating' ? '/v1/public/rating' : `/v1/cases/${caseId}/${COMMAND_ROUTES[type!]}`;
    const auth: Record<string, string> = route === 'intake' ? { authorization: tokens.integrator } : route === 'rating' ? {} : { authorization: tokens.supervisor };
    if (type && r.next() < 0.2) {
      // a valid body, but a broken If-Match or case id
      const valid = JSON.stringify(base);
      if (r.next() < 0.5) return { kind: 'command:bad-if-match', method: 'POST', url, headers: { ...auth, 'content-type': 'application/json', 'if-match': r.pick(BAD_IF_MATCH) }, payload: valid, fault: 'headers.if-match' };
      return { kind: 'command:bad-uuid', method: 'POST', url: `/v1/cases/${r.pick(BAD_UUIDS)}/${COMMAND_ROUTES[type]}`, headers: { ...auth, 'content-type': 'application/json' }, payload: valid, fault: 'params.caseId' };
    }
    const m = malformedBody(r, base);
    return { kind: `${route}:${m.kind}`, method: 'POST', url, headers: { ...auth, ...(m.contentType ? { 'content-type': m.contentType } : {}) }, ...(m.payload === undefined ? {} : { payload: m.payload }), ...(m.fault ? { fault: m.fault } : {}) };
  };

  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  const failures: string[] = [];
  const byKind = new Map<string, Map<number, number>>();
  const started = Date.now();
  for (let i = 0; i < REQUESTS; i++) {
    const req = generate();
    let res: Response;
    try {
      res = await app.app.inject({ method: req.method, url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
    } catch (e) {
      failures.push(`#${i} ${req.kind} ${req.method} ${req.url.slice(0, 120)}: inject threw ${String(e)}`);
      continue;
    }
    const counts = byKind.get(req.kind) ?? new Map<number, number>();
    counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1);
    byKind.set(req.kind, counts);
    const where = `#${i} ${req.kind} ${req.method} ${req.url.slice(0, 100)} ${req.payload === undefined ? '' : req.payload.slice(0, 100)} → ${res.statusCode}`;
    if (res.statusCode >= 500) {
      failures.push(`${where}: a 5xx ${res.body.slice(0, 200)}`);
      continue;
    }
    if ((req.method === 'POST' || req.mustFail) && res.statusCode < 300) {
      failures.push(`${where}: a malformed request succeeded: ${req.payload?.slice(0, 1500) ?? req.url.slice(0, 300)}`);
      continue;
    }
    if (res.statusCode < 300) continue;
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
      failures.push(`${where}: not problem+json but ${res.headers['content-type']} ${res.body.slice(0, 200)}`);
      continue;
    }
    const problem = res.json() as { type?: string; status?: number; title?: string; fields?: { path?: unknown; message?: unknown }[] };
    const code = problem.type?.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : undefined;
    if (!code || !(code in PROBLEMS)) {
      failures.push(`${where}: type ${problem.type} is not in the catalogue`);
      continue;
    }
    const kind = PROBLEMS[code as keyof typeof PROBLEMS];
    if (problem.status !== res.statusCode || kind.status !== res.statusCode || problem.title !== kind.title) failures.push(`${where}: ${code} with status ${problem.status}/${kind.status} and title ${problem.title}`);
    if (code === 'validation-failed') {
      const fields = problem.fields;
      if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f.path === 'string' && f.path.length > 0 && typeof f.message === 'string' && f.message.length > 0)) {
        failures.push(`${where}: validation-failed without the list of bad fields ${res.body.slice(0, 300)}`);
      } else if (req.fault && !fields.some((f) => related(f.path as string, req.fault!) || (req.fault === 'params.caseId' && f.path === 'url'))) {
        failures.push(`${where}: the fault is at ${req.fault}, the problem names ${fields.map((f) => f.path).join(', ')}`);
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  t.comment(`${REQUESTS} requests in ${seconds.toFixed(1)} s`);
  for (const [kind, counts] of [...byKind].sort()) t.comment(`${kind}: ${[...counts].sort().map(([s, n]) => `${s}×${n}`).join(' ')}`);
  t.same(failures.slice(0, 40), [], `every malformed request was refused properly (${failures.length} were not)`);
  t.ok(byKind.size >= 60, `the generator reached every kind of fault on every route (${byKind.size} kinds)`);
  t.equal((await allEvents(app)).length, eventsBefore, 'no malformed request appended an event');
  await app.project();
  const parked = await app.db.selectFrom('parked_events').selectAll().execute();
  t.same(parked, [], 'and the read models took everything');
});
