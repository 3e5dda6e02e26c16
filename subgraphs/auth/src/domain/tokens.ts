import { createHash, randomBytes } from 'node:crypto';

/** An opaque secret for a client (refresh, verification or reset token): 256 random bits. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** Opaque tokens are stored only as their SHA-256: a database leak reveals no usable token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Scopes carried in the access token's `scope` claim; `@requiresScopes` at the router checks these. */
export function scopesForRoles(roles: string[]): string[] {
  return ['user', ...roles.filter((r) => r !== 'user')];
}
