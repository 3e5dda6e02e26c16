import type { EntityManager } from '@mikro-orm/postgresql';
import { newId, UnauthenticatedError } from '@jobgraph/kit';
import { RefreshToken, User } from '../entities/index.js';
import { hashToken, newOpaqueToken, scopesForRoles } from '../domain/tokens.js';
import type { SigningKeys } from './signing-keys.js';

export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresAt: Date;
  user: User;
}

const INVALID = 'This session is no longer valid; sign in again.';

/** Sessions as refresh-token families: issue, rotate (with reuse detection) and revoke. */
export class Sessions {
  constructor(
    private readonly keys: SigningKeys,
    private readonly refreshTtlDays: number,
  ) {}

  /** Starts a new family for `user` (a sign-in on one device). */
  async start(em: EntityManager, user: User, userAgent: string | null): Promise<IssuedSession> {
    return this.issue(em, user, newId(), userAgent);
  }

  private async issue(em: EntityManager, user: User, familyId: string, userAgent: string | null): Promise<IssuedSession> {
    const refreshToken = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.refreshTtlDays * 86_400_000);
    em.persist(
      em.create(RefreshToken, {
        id: newId(),
        familyId,
        userId: user.id,
        tokenHash: hashToken(refreshToken),
        userAgent: userAgent?.slice(0, 300) ?? null,
        createdAt: new Date(),
        expiresAt,
        rotatedAt: null,
        revokedAt: null,
      }),
    );
    await em.flush();
    const accessToken = await this.keys.signAccessToken({
      userId: user.id,
      username: user.username,
      roles: user.roles,
      scopes: scopesForRoles(user.roles),
      sessionId: familyId,
    });
    return { accessToken, refreshToken, expiresIn: this.keys.accessTokenTtlSeconds, refreshExpiresAt: expiresAt, user };
  }

  /**
   * Exchanges a refresh token for a new pair. The conditional update makes rotation atomic: of two concurrent
   * uses of one token, one rotates and the other is treated as reuse. Reuse revokes the whole family.
   */
  async rotate(em: EntityManager, presented: string, userAgent: string | null): Promise<IssuedSession> {
    const tokenHash = hashToken(presented);
    const rotated: Array<{ family_id: string; user_id: string }> = await em.execute(
      `update refresh_token set rotated_at = now()
        where token_hash = ? and rotated_at is null and revoked_at is null and expires_at > now()
        returning family_id, user_id`,
      [tokenHash],
    );
    const row = rotated[0];
    if (!row) {
      // Unknown, expired, revoked or already rotated. A rotated one was stolen or replayed: end its family.
      await em.execute(
        `update refresh_token set revoked_at = now()
          where revoked_at is null and family_id = (select family_id from refresh_token where token_hash = ? and rotated_at is not null)`,
        [tokenHash],
      );
      throw new UnauthenticatedError(INVALID);
    }
    const user = await em.findOne(User, { id: row.user_id });
    if (!user) throw new UnauthenticatedError(INVALID);
    return this.issue(em, user, row.family_id, userAgent);
  }

  async revokeFamily(em: EntityManager, familyId: string): Promise<void> {
    await em.execute('update refresh_token set revoked_at = now() where family_id = ? and revoked_at is null', [familyId]);
  }

  /** Ends every session of `userId`, except `keepFamilyId` when given (the one making the change). */
  async revokeAllForUser(em: EntityManager, userId: string, keepFamilyId: string | null = null): Promise<void> {
    await em.execute(
      'update refresh_token set revoked_at = now() where user_id = ? and revoked_at is null and family_id is distinct from ?',
      [userId, keepFamilyId],
    );
  }
}
