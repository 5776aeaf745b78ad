import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The architecture test (STYLE.md, after Emmett's): dependencies point one way
// (calendar ← domain ← adapters ← services), and the domain is pure.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

const ALLOWED: Record<string, readonly string[]> = {
  'packages/calendar/src': ['zod', 'luxon', 'date-holidays', 'node:crypto', 'node:module'],
  'packages/domain/src': ['@disclosure/calendar', 'zod', 'luxon', 'xstate'],
};

for (const [dir, allowed] of Object.entries(ALLOWED)) {
  t.test(`${dir} imports only ${allowed.join(', ')} and its own files`, async (t) => {
    const files = sourceFiles(join(root, dir));
    t.ok(files.length > 5, 'the scan finds the sources');
    for (const file of files)
      for (const spec of importsOf(file))
        if (!spec.startsWith('.')) t.ok(allowed.includes(spec), `${relative(root, file)} imports ${spec}`);
  });
}

t.test('the domain does no I/O, reads no clock and draws no random numbers', async (t) => {
  const forbidden: [RegExp, string][] = [
    [/\bDate\.now\(/, 'Date.now()'],
    [/new Date\(\s*\)/, 'new Date()'],
    [/\bMath\.random\(/, 'Math.random()'],
    [/\brandomUUID\(/, 'randomUUID()'],
    [/\bprocess\.(env|hrtime|argv)/, 'process'],
    [/DateTime\.(now|local)\(/, 'luxon now()'],
    [/\b(setTimeout|setInterval|fetch)\(/, 'timers or network'],
    [/\bcreateActor\(/, 'a running XState actor (the workflow is a pure transition function)'],
  ];
  for (const file of sourceFiles(join(root, 'packages/domain/src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of forbidden) t.notOk(pattern.test(text), `${relative(root, file)} uses ${what}`);
  }
});

t.test('no package imports a service, and adapters do not import each other’s internals', async (t) => {
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sourceFiles(src))
      for (const spec of importsOf(file)) {
        t.notOk(spec.startsWith('@disclosure/') && ['api', 'worker', 'cli'].includes(spec.split('/')[1]!), `${relative(root, file)} imports the service ${spec}`);
        t.notOk(/^@disclosure\/[^/]+\/.+/.test(spec), `${relative(root, file)} reaches into ${spec}`);
      }
  }
});
