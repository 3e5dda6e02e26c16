import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { MikroORM } from '@mikro-orm/postgresql';
import { newId, type Logger } from '@jobgraph/kit';
import { SigningKey } from '../entities/index.js';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../config.js';

const ALG = 'ES256';

export interface AccessTokenClaims {
  userId: string;
  username: string;
  roles: string[];
  scopes: string[];
  sessionId: string;
}

/** Signs access tokens with the newest active key and publishes every unretired public key as a JWKS. */
export class SigningKeys {
  private constructor(
    private readonly current: { kid: string; key: CryptoKey },
    private readonly jwks: { keys: JWK[] },
    private readonly ttlSeconds: number,
  ) {}

  /** Loads the keys, generating the first one on a fresh database. */
  static async load(orm: MikroORM, ttlSeconds: number, log: Logger): Promise<SigningKeys> {
    const em = orm.em.fork();
    let keys = await em.find(SigningKey, { retiredAt: null }, { orderBy: { createdAt: 'desc' } });
    if (keys.length === 0) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      const kid = newId();
      const key = em.create(SigningKey, {
        kid,
        alg: ALG,
        privateJwk: { ...(await exportJWK(pair.privateKey)) },
        publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg: ALG, use: 'sig' },
        createdAt: new Date(),
        retiredAt: null,
      });
      await em.persistAndFlush(key);
      log.info({ kid }, 'generated the first access-token signing key');
      keys = [key];
    }
    const newest = keys[0];
    const key = (await importJWK(newest.privateJwk as JWK, ALG)) as CryptoKey;
    return new SigningKeys({ kid: newest.kid, key }, { keys: keys.map((k) => k.publicJwk as JWK) }, ttlSeconds);
  }

  get jwksDocument(): { keys: JWK[] } {
    return this.jwks;
  }

  get accessTokenTtlSeconds(): number {
    return this.ttlSeconds;
  }

  async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({
      username: claims.username,
      roles: claims.roles,
      scope: claims.scopes.join(' '),
      sid: claims.sessionId,
    })
      .setProtectedHeader({ alg: ALG, kid: this.current.kid, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.current.key);
  }
}
