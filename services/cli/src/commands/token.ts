import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@disclosure/domain';
import { deploymentConfig, issueToken } from '@disclosure/api';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { writeLine } from '../io.js';

const synopsis = 'Usage:\n  disclosure token --role <role>[,<role>…] [--agency demo] [--sub <id>] [--name <name>] [--expires 12h]';

/** `disclosure token`: a dev token, only while the server uses the dev secret. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'print a dev bearer token for a role (dev secret only)',
  synopsis,
  usage: `${synopsis}

Prints a bearer token signed with the development secret, for trying the API locally.
Roles: ${ROLES.filter((r) => r !== 'applicant').join(', ')}; several, comma-separated, in one token
(applicant-data-recipient is a grant beside integrator: --role integrator,applicant-data-recipient).
Refused when JWT_SECRET or JWKS_URL is set: real deployments take tokens from their identity provider.
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], options: { role: { type: 'string' }, agency: { type: 'string' }, sub: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const v = parsed.values;
    if (v.help) {
      await writeLine(io.stdout, this.usage.trimEnd());
      return 0;
    }
    if (!v.role) throw new UsageError('--role is required');
    const roles = [...new Set(v.role.split(','))];
    for (const r of roles) if (!(ROLES as readonly string[]).includes(r) || r === 'applicant') throw new UsageError(`unknown role ${r}`);
    if (v.agency !== undefined && !/^[A-Za-z0-9_.]{1,64}$/.test(v.agency)) throw new UsageError('--agency is letters, digits, _ and .');
    if (v.expires !== undefined && !/^\d{1,4}[smhd]$/.test(v.expires)) throw new UsageError('--expires is like 30m, 12h, 7d');
    const config = deploymentConfig(process.env);
    if (config.auth.kind !== 'secret' || !config.auth.dev) {
      await writeLine(io.stderr, 'disclosure token: refused — the server does not use the dev secret (JWT_SECRET or JWKS_URL is set)');
      return 1;
    }
    const token = await issueToken(config.auth.secret, { sub: v.sub ?? `demo-${roles[0]}`, agency: v.agency ?? 'demo', roles: roles as Role[], ...(v.name ? { name: v.name } : {}) }, { ...(v.expires ? { expiresIn: v.expires } : {}) });
    await writeLine(io.stdout, token);
    return 0;
  },
};
