import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Request } from 'express';
import { UnauthenticatedError, UnavailableError, type Caller } from '@jobgraph/kit';

/** Issuer and audience auth writes into access tokens. */
export const ACCESS_TOKEN_ISSUER = 'jobgraph-auth';
export const ACCESS_TOKEN_AUDIENCE = 'jobgraph';
/** Cookie auth sets for browser clients that keep no token in script. */
export const ACCESS_COOKIE = 'jg_access';

export interface AuthenticationOptions {
  jwksUrl: string;
  /** How long fetched keys are trusted before a refetch; an unknown `kid` refetches at once (rate-limited). */
  cacheMaxAgeMs?: number;
}

/**
 * Verifies access tokens against auth's JWKS (jose's remote key set: cached, refetched on an unknown `kid`).
 * Only ES256 is accepted, which also rules out `alg: none` and HMAC-with-the-public-key confusions.
 */
export class Authenticator {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  /**
   * Tokens already verified, until they expire: a client sends the same token with every request for up to
   * 15 minutes, and an ES256 verification costs more than the rest of the router's own work (bench/).
   */
  private readonly verified = new Map<string, { caller: Caller; expiresAt: number }>();
  private static readonly MAX_CACHED = 10_000;

  constructor(options: AuthenticationOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: 5_000,
      timeoutDuration: 3_000,
    });
  }

  /** The token from `Authorization: Bearer …`, else from the access cookie; null when there is none. */
  static tokenOf(req: Pick<Request, 'headers' | 'cookies'>): string | null {
    const header = req.headers.authorization;
    if (typeof header === 'string' && header.length > 0) {
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <access token>".');
      return match[1];
    }
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const cookie = cookies?.[ACCESS_COOKIE];
    return typeof cookie === 'string' && cookie.length > 0 ? cookie : null;
  }

  /** The caller a token proves, or UNAUTHENTICATED (expired, forged, wrong key, wrong algorithm…). */
  async verify(token: string): Promise<Caller> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.caller;
    if (hit) this.verified.delete(token);
    const caller = await this.verifyUncached(token);
    return caller;
  }

  private async verifyUncached(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ['ES256'],
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The access token has expired; refresh the session.');
      // Auth's key set could not be fetched: the token may be fine, so this is an outage, not the caller's fault.
      if (err instanceof joseErrors.JWKSTimeout || (err instanceof TypeError && /fetch/i.test(err.message))) {
        throw new UnavailableError('Sign-in cannot be checked right now; try again shortly.');
      }
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) {
        throw new UnauthenticatedError('The access token is not valid.');
      }
      throw err;
    }
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const caller: Caller = {
      userId: String(payload.sub),
      username: typeof payload.username === 'string' ? payload.username : '',
      roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
      scopes: scope,
      sessionId: typeof payload.sid === 'string' ? payload.sid : null,
    };
    // Bounded: when full, the oldest entry goes (Map keeps insertion order).
    if (this.verified.size >= Authenticator.MAX_CACHED) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { caller, expiresAt: Number(payload.exp) * 1000 });
    return caller;
  }
}
