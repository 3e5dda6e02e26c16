import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BadUserInputError,
  ConflictError,
  UnauthenticatedError,
  cookieOf,
  eventsOf,
  newId,
  requireCaller,
} from '@jobgraph/kit';
import { OneTimeToken, OneTimeTokenPurpose, User } from '../entities/index.js';
import { checkPasswordStrength, normaliseEmail, normaliseUsername } from '../domain/identity-rules.js';
import { hashToken, newOpaqueToken } from '../domain/tokens.js';
import { decoyHash, hashPassword, verifyPassword } from '../services/passwords.js';
import type { AuthContext } from '../services/index.js';
import type { IssuedSession } from '../services/sessions.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../config.js';
import {
  AuthEvents,
  type PasswordResetRequested,
  type UserEmailVerified,
  type UserRegistered,
} from '../events/published.js';
import { AuthPayload, SignInInput, SignUpInput, UserType } from './types.js';
import { markProvenUser } from './user-resolver.js';

const INVALID_LOGIN = 'The login or password is not correct.';
const INVALID_LINK = 'This link is invalid or has expired; ask for a new one.';

function userAgentOf(ctx: AuthContext): string | null {
  const ua = ctx.req.headers['x-client-user-agent'] ?? ctx.req.headers['user-agent'];
  return typeof ua === 'string' ? ua : null;
}

/** Also sets both tokens as httpOnly cookies, for browser clients that keep no token in script. */
function withCookie(ctx: AuthContext, session: IssuedSession): AuthPayload {
  markProvenUser(ctx, session.user.id);
  const cookie = { httpOnly: true, secure: ctx.services.config.COOKIE_SECURE, sameSite: 'strict', path: '/graphql' } as const;
  ctx.res.cookie(REFRESH_COOKIE, session.refreshToken, { ...cookie, expires: session.refreshExpiresAt });
  ctx.res.cookie(ACCESS_COOKIE, session.accessToken, { ...cookie, maxAge: session.expiresIn * 1000 });
  return { accessToken: session.accessToken, refreshToken: session.refreshToken, expiresIn: session.expiresIn, user: session.user as unknown as UserType };
}

function clearCookies(ctx: AuthContext): void {
  const cookie = { httpOnly: true, secure: ctx.services.config.COOKIE_SECURE, sameSite: 'strict', path: '/graphql' } as const;
  ctx.res.clearCookie(REFRESH_COOKIE, cookie);
  ctx.res.clearCookie(ACCESS_COOKIE, cookie);
}

/** Finds an unexpired, unused one-time token and marks it used (atomically: a token works once). */
async function consumeOneTimeToken(em: EntityManager, purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeToken> {
  const rows: Array<{ id: string }> = await em.execute(
    `update one_time_token set used_at = now()
      where token_hash = ? and purpose = ? and used_at is null and expires_at > now()
      returning id`,
    [hashToken(token), purpose],
  );
  const row = rows[0];
  if (!row) throw new BadUserInputError('token', INVALID_LINK);
  return em.findOneOrFail(OneTimeToken, { id: row.id });
}

function newOneTimeToken(em: EntityManager, userId: string, purpose: OneTimeTokenPurpose, ttlMs: number): { token: string; expiresAt: Date } {
  const token = newOpaqueToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  em.persist(em.create(OneTimeToken, { id: newId(), userId, purpose, tokenHash: hashToken(token), createdAt: new Date(), expiresAt, usedAt: null }));
  return { token, expiresAt };
}

@Resolver()
export class AccountResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in. Sends a verification email (via `user.registered`).' })
  async signUp(@Arg('input', () => SignUpInput, { description: 'The new account.' }) input: SignUpInput, @Ctx() ctx: AuthContext): Promise<AuthPayload> {
    const email = normaliseEmail('email', input.email);
    const username = normaliseUsername('username', input.username);
    checkPasswordStrength('password', input.password, [username, email.split('@')[0]]);
    const { config } = ctx.services;

    const taken = await ctx.em.find(User, { $or: [{ email }, { username }] });
    if (taken.some((u) => u.email === email)) throw new ConflictError('An account with this email already exists.', { field: 'email' });
    if (taken.length > 0) throw new ConflictError('This username is taken.', { field: 'username' });

    const passwordHash = await hashPassword(input.password);
    try {
      const session = await ctx.em.transactional(async (em: EntityManager) => {
        const user = em.create(User, {
          id: newId(),
          email,
          username,
          passwordHash,
          emailVerified: false,
          roles: [],
          createdAt: new Date(),
          passwordChangedAt: new Date(),
        });
        em.persist(user);
        const verification = newOneTimeToken(em, user.id, OneTimeTokenPurpose.VERIFY_EMAIL, config.VERIFICATION_TOKEN_TTL_HOURS * 3_600_000);
        eventsOf(ctx, em).record<UserRegistered>(AuthEvents.userRegistered, {
          userId: user.id,
          email,
          username,
          verificationToken: verification.token,
          verificationExpiresAt: verification.expiresAt.toISOString(),
        });
        return ctx.services.sessions.start(em, user, userAgentOf(ctx));
      });
      return withCookie(ctx, session);
    } catch (err) {
      // Two sign-ups racing for one email or username: the database's unique index decides.
      if (err instanceof UniqueConstraintViolationException) {
        const field = String(err.message).includes('email') ? 'email' : 'username';
        throw new ConflictError(field === 'email' ? 'An account with this email already exists.' : 'This username is taken.', { field });
      }
      throw err;
    }
  }

  @Mutation(() => AuthPayload, {
    description: 'Signs in with email or username. Repeated failures for one account or address are refused with RATE_LIMITED.',
  })
  async signIn(@Arg('input', () => SignInInput, { description: 'Login and password.' }) input: SignInInput, @Ctx() ctx: AuthContext): Promise<AuthPayload> {
    const login = input.login.trim().toLowerCase();
    if (login.length === 0 || login.length > 254) throw new UnauthenticatedError(INVALID_LOGIN);
    const { limiter } = ctx.services;
    await limiter.check(login, ctx.clientIp);
    const user = await ctx.em.findOne(User, login.includes('@') ? { email: login } : { username: login });
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), input.password);
    if (!user || !ok) {
      await limiter.recordFailure(login, ctx.clientIp);
      throw new UnauthenticatedError(INVALID_LOGIN);
    }
    await limiter.recordSuccess(login);
    return withCookie(ctx, await ctx.services.sessions.start(ctx.em, user, userAgentOf(ctx)));
  }

  @Mutation(() => AuthPayload, {
    description:
      'Exchanges a refresh token (argument, or the httpOnly cookie) for a new pair. A token works once; reusing an old one ends that session everywhere.',
  })
  async refreshSession(
    @Arg('refreshToken', () => String, { nullable: true, description: 'Omit to use the refresh cookie.' }) refreshToken: string | null,
    @Ctx() ctx: AuthContext,
  ): Promise<AuthPayload> {
    const presented = refreshToken ?? cookieOf(ctx.req, REFRESH_COOKIE);
    if (!presented || presented.length > 200) throw new UnauthenticatedError('No refresh token was presented; sign in again.');
    return withCookie(ctx, await ctx.services.sessions.rotate(ctx.em, presented, userAgentOf(ctx)));
  }

  @Directive('@authenticated')
  @Mutation(() => Boolean, {
    description: 'Ends this session (its refresh token stops working), or every session of the user with `allDevices`.',
  })
  async signOut(
    @Arg('allDevices', () => Boolean, { defaultValue: false, description: 'End the sessions on every device.' }) allDevices: boolean,
    @Ctx() ctx: AuthContext,
  ): Promise<boolean> {
    const caller = requireCaller(ctx);
    if (allDevices || !caller.sessionId) await ctx.services.sessions.revokeAllForUser(ctx.em, caller.userId);
    else await ctx.services.sessions.revokeFamily(ctx.em, caller.sessionId);
    clearCookies(ctx);
    return true;
  }

  @Mutation(() => UserType, { description: 'Confirms the email address with the token from the verification email.' })
  async verifyEmail(@Arg('token', () => String, { description: 'The token from the verification link.' }) token: string, @Ctx() ctx: AuthContext): Promise<UserType> {
    const user = await ctx.em.transactional(async (em: EntityManager) => {
      const used = await consumeOneTimeToken(em, OneTimeTokenPurpose.VERIFY_EMAIL, token);
      const found = await em.findOneOrFail(User, { id: used.userId });
      if (!found.emailVerified) {
        found.emailVerified = true;
        eventsOf(ctx, em).record<UserEmailVerified>(AuthEvents.emailVerified, { userId: found.id, email: found.email });
      }
      return found;
    });
    markProvenUser(ctx, user.id);
    return user as unknown as UserType;
  }

  @Mutation(() => Boolean, {
    description: 'Emails a password-reset link if the address has an account. Answers true either way, so it reveals nothing.',
  })
  async requestPasswordReset(@Arg('email', () => String, { description: 'The account\'s email address.' }) rawEmail: string, @Ctx() ctx: AuthContext): Promise<boolean> {
    const email = normaliseEmail('email', rawEmail);
    await ctx.em.transactional(async (em: EntityManager) => {
      const user = await em.findOne(User, { email });
      if (!user) return;
      const reset = newOneTimeToken(em, user.id, OneTimeTokenPurpose.RESET_PASSWORD, ctx.services.config.RESET_TOKEN_TTL_MINUTES * 60_000);
      eventsOf(ctx, em).record<PasswordResetRequested>(AuthEvents.passwordResetRequested, {
        userId: user.id,
        email: user.email,
        username: user.username,
        resetToken: reset.token,
        expiresAt: reset.expiresAt.toISOString(),
      });
    });
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with the token from the reset email and ends every session.' })
  async resetPassword(
    @Arg('token', () => String, { description: 'The token from the reset link.' }) token: string,
    @Arg('newPassword', () => String, { description: 'At least 10 characters.' }) newPassword: string,
    @Ctx() ctx: AuthContext,
  ): Promise<boolean> {
    const passwordHash = await hashPassword(newPassword);
    await ctx.em.transactional(async (em: EntityManager) => {
      const used = await consumeOneTimeToken(em, OneTimeTokenPurpose.RESET_PASSWORD, token);
      const user = await em.findOneOrFail(User, { id: used.userId });
      checkPasswordStrength('newPassword', newPassword, [user.username, user.email.split('@')[0]]);
      user.passwordHash = passwordHash;
      user.passwordChangedAt = new Date();
      await em.flush();
      await ctx.services.sessions.revokeAllForUser(em, user.id);
    });
    return true;
  }

  @Directive('@authenticated')
  @Mutation(() => Boolean, { description: 'Changes the password of the signed-in user and ends their other sessions.' })
  async changePassword(
    @Arg('currentPassword', () => String, { description: 'The password in use now.' }) currentPassword: string,
    @Arg('newPassword', () => String, { description: 'At least 10 characters.' }) newPassword: string,
    @Ctx() ctx: AuthContext,
  ): Promise<boolean> {
    const caller = requireCaller(ctx);
    const user = await ctx.em.findOne(User, { id: caller.userId });
    if (!user) throw new UnauthenticatedError();
    await ctx.services.limiter.check(user.username, ctx.clientIp);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await ctx.services.limiter.recordFailure(user.username, ctx.clientIp);
      throw new BadUserInputError('currentPassword', 'The current password is not correct.');
    }
    checkPasswordStrength('newPassword', newPassword, [user.username, user.email.split('@')[0]]);
    const passwordHash = await hashPassword(newPassword);
    await ctx.em.transactional(async (em: EntityManager) => {
      const fresh = await em.findOneOrFail(User, { id: user.id });
      fresh.passwordHash = passwordHash;
      fresh.passwordChangedAt = new Date();
      await em.flush();
      await ctx.services.sessions.revokeAllForUser(em, user.id, caller.sessionId);
    });
    return true;
  }
}
