import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ROLES, type Role } from '@disclosure/domain';

/** Who is calling: the token's subject, agency and roles. */
export interface Principal {
  readonly sub: string;
  readonly agency: string;
  readonly roles: readonly Role[];
  readonly name?: string;
}

const claims = z.object({
  sub: z.string().min(1).max(128),
  agency: z.string().regex(/^[A-Za-z0-9_.]{1,64}$/),
  roles: z.array(z.enum(ROLES)).min(1),
  name: z.string().max(200).optional(),
});

/** How tokens are checked: an HS256 secret, or a JWKS URL (RS/ES keys of an identity provider). */
export type AuthConfig =
  | { readonly kind: 'secret'; readonly secret: string; readonly issuer?: string; readonly audience?: string; readonly dev: boolean }
  | { readonly kind: 'jwks'; readonly jwksUrl: string; readonly issuer?: string; readonly audience?: string };

/** The secret `pnpm start` uses when none is configured; tokens signed with it are dev tokens. */
export const DEV_SECRET = 'disclosure-engine-dev-secret-do-not-use-in-production';

/** Verifies a bearer token; rejects with a reason a log may keep (never the token). */
export type TokenVerifier = (token: string) => Promise<Principal>;

/**
 * A verifier for the configured keys, checking signature, expiry, issuer and audience, then the
 * claims (`sub`, `agency`, `roles`).
 * @example const verify = tokenVerifier({ kind: 'secret', secret, dev: true }); await verify(token)
 */
export function tokenVerifier(config: AuthConfig): TokenVerifier {
  const options = { ...(config.issuer ? { issuer: config.issuer } : {}), ...(config.audience ? { audience: config.audience } : {}) };
  const key = config.kind === 'secret' ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl));
  return async (token) => {
    const { payload } = config.kind === 'secret' ? await jwtVerify(token, key as Uint8Array, { ...options, algorithms: ['HS256'] }) : await jwtVerify(token, key as ReturnType<typeof createRemoteJWKSet>, options);
    return claims.parse(payload satisfies JWTPayload) as Principal;
  };
}

/**
 * Signs a token (dev tokens, tests). Refused unless the secret is the dev secret or the caller says so.
 * @example await issueToken(DEV_SECRET, { sub: 'cw-1', agency: 'demo', roles: ['caseworker'] })
 */
export async function issueToken(secret: string, principal: Principal, options: { expiresIn?: string; issuer?: string; audience?: string } = {}): Promise<string> {
  let jwt = new SignJWT({ agency: principal.agency, roles: [...principal.roles], ...(principal.name ? { name: principal.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
