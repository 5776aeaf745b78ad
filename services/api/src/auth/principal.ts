import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ROLES, type Role } from '@disclosure/domain';
import { keepWithin } from '@disclosure/event-store';

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

/** A verified token: who it names, and until when it may be trusted (its `exp`, ms; undefined when it has none). */
interface Verified {
  readonly principal: Principal;
  readonly expiresAt?: number;
}

/**
 * A verifier for the configured keys, checking signature, expiry, issuer and audience, then the
 * claims (`sub`, `agency`, `roles`). A token that passed is remembered (see {@link rememberVerified}):
 * the same caller's next requests skip the signature check.
 * @example const verify = tokenVerifier({ kind: 'secret', secret, dev: true }); await verify(token)
 */
export function tokenVerifier(config: AuthConfig): TokenVerifier {
  const options = { ...(config.issuer ? { issuer: config.issuer } : {}), ...(config.audience ? { audience: config.audience } : {}) };
  const key = config.kind === 'secret' ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl));
  return rememberVerified(async (token) => {
    const { payload } = config.kind === 'secret' ? await jwtVerify(token, key as Uint8Array, { ...options, algorithms: ['HS256'] }) : await jwtVerify(token, key as ReturnType<typeof createRemoteJWKSet>, options);
    return { principal: Object.freeze(claims.parse(payload satisfies JWTPayload)) as Principal, ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}) };
  });
}

/** How long a verified token is trusted without checking it again, at most (never past its `exp`). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** How many verified tokens are remembered; past that, the oldest is forgotten. */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Remembers tokens that passed `verify`, by their exact text, for {@link VERIFIED_TOKEN_TTL_MS} and
 * never past their expiry: a signature check costs more than the rest of a small request's
 * authentication (HMAC or RSA through WebCrypto, and a key import per call for a secret). A token
 * that failed is not remembered. A token's text fixes its claims and signature, so a remembered
 * answer is the one `verify` would give again until it expires (or, with JWKS, until its key is
 * withdrawn: at most the TTL later).
 */
function rememberVerified(verify: (token: string) => Promise<Verified>, now: () => number = Date.now): TokenVerifier {
  const verified = new Map<string, { readonly principal: Principal; readonly until: number }>();
  return async (token) => {
    const at = now();
    const known = verified.get(token);
    if (known && at < known.until) return known.principal;
    verified.delete(token);
    const { principal, expiresAt } = await verify(token);
    verified.set(token, { principal, until: Math.min(at + VERIFIED_TOKEN_TTL_MS, expiresAt ?? Infinity) });
    keepWithin(verified, VERIFIED_TOKENS_MAX);
    return principal;
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
