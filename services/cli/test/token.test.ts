import t from 'tap';
import { decodeJwt } from 'jose';
import { DEV_SECRET, tokenVerifier } from '@disclosure/api';
import { disclosure } from './support/disclosure.js';

t.test('prints a dev token that the dev server accepts', async (t) => {
  const run = await disclosure(['token', '--role', 'caseworker', '--agency', 'demo'], '', { JWT_SECRET: '', JWKS_URL: '' });
  t.equal(run.code, 0, run.stderr);
  const token = run.stdout.trim();
  t.match(decodeJwt(token), { sub: 'demo-caseworker', agency: 'demo', roles: ['caseworker'] });
  t.match(await tokenVerifier({ kind: 'secret', secret: DEV_SECRET, dev: true })(token), { sub: 'demo-caseworker', roles: ['caseworker'] });
});

t.test('several roles in one token: the applicant-data grant beside integrator', async (t) => {
  const run = await disclosure(['token', '--role', 'integrator,applicant-data-recipient'], '', { JWT_SECRET: '', JWKS_URL: '' });
  t.equal(run.code, 0, run.stderr);
  t.match(decodeJwt(run.stdout.trim()), { sub: 'demo-integrator', roles: ['integrator', 'applicant-data-recipient'] });
});

t.test('refuses when a real secret is configured', async (t) => {
  const run = await disclosure(['token', '--role', 'caseworker'], '', { JWT_SECRET: 'a-real-secret-of-at-least-32-characters!!' });
  t.equal(run.code, 1);
  t.match(run.stderr, /refused/);
  t.equal(run.stdout, '');
});

t.test('usage errors', async (t) => {
  t.equal((await disclosure(['token'], '', { JWT_SECRET: '' })).code, 2);
  t.equal((await disclosure(['token', '--role', 'root'], '', { JWT_SECRET: '' })).code, 2);
  t.equal((await disclosure(['token', '--role', 'integrator,root'], '', { JWT_SECRET: '' })).code, 2);
  t.equal((await disclosure(['token', '--role', 'auditor', '--expires', 'forever'], '', { JWT_SECRET: '' })).code, 2);
});
