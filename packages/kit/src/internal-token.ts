import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthenticatedError } from './errors.js';

/** Who is calling, as the router established it from the user's access token. */
export interface Caller {
  userId: string;
  username: string;
  roles: string[];
  scopes: string[];
  /** The refresh-token family (session) the access token was issued for. */
  sessionId: string | null;
}

/** What the router vouches for on each subgraph fetch. */
export interface InternalClaims {
  caller: Caller | null;
  correlationId: string;
  clientIp: string | null;
}

const ISSUER = 'jobgraph-router';
/** Long enough for one subgraph fetch, short enough that a leaked header is useless soon after. */
export const INTERNAL_TOKEN_TTL_SECONDS = 30;
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

// Importing the HMAC key is a measurable part of each sign/verify (bench/): import each secret once.
const keys = new Map<string, KeyObject>();
function key(secret: string): KeyObject {
  let k = keys.get(secret);
  if (!k) {
    k = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, k);
  }
  return k;
}

/** Signs the router's token for one fetch to `subgraph` (the audience binds it to that subgraph). */
export async function signInternalToken(secret: string, subgraph: string, claims: InternalClaims): Promise<string> {
  return new SignJWT({
    cid: claims.correlationId,
    ip: claims.clientIp,
    usr: claims.caller,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(subgraph)
    .setIssuedAt()
    .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`)
    .sign(key(secret));
}

/** Verifies the router's token; any failure is UNAUTHENTICATED with no detail about why. */
export async function verifyInternalToken(secret: string, subgraph: string, token: string | undefined): Promise<InternalClaims> {
  if (!token) throw new UnauthenticatedError('Subgraphs accept requests only through the router.');
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: subgraph, algorithms: ['HS256'] });
    const usr = payload.usr as Caller | null | undefined;
    return {
      caller: usr && typeof usr.userId === 'string' ? usr : null,
      correlationId: typeof payload.cid === 'string' ? payload.cid : 'unknown',
      clientIp: typeof payload.ip === 'string' ? payload.ip : null,
    };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      throw new UnauthenticatedError('Subgraphs accept requests only through the router.');
    }
    throw error;
  }
}
