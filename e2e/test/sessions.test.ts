import { describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  MeDocument,
  RefreshSessionDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  SignInDocument,
  VerifyEmailDocument,
} from '@jobgraph/client';
import { tapEvents } from '@jobgraph/kit/testing';
import { codes, signUp, useStack } from './support.js';

const t = useStack();
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('sessions: refresh-token rotation and revocation', () => {
  it('ends the whole session when an already-used refresh token is presented again (stolen token)', async () => {
    const { client } = t;
    const user = await signUp(client, 'reuse');
    const first = await client.expect(RefreshSessionDocument, { refreshToken: user.refreshToken });
    const second = await client.expect(RefreshSessionDocument, { refreshToken: first.refreshSession.refreshToken });

    // The attacker replays the first token: refused, and the family is revoked...
    const replay = await client.request(RefreshSessionDocument, { refreshToken: user.refreshToken });
    expect(codes(replay.errors)).toEqual(['UNAUTHENTICATED']);
    // ...so the legitimate holder's current token stops working too.
    const victim = await client.request(RefreshSessionDocument, { refreshToken: second.refreshSession.refreshToken });
    expect(codes(victim.errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets only one of two concurrent refreshes with the same token succeed', async () => {
    const { client } = t;
    const user = await signUp(client, 'race');
    const results = await Promise.all([1, 2, 3].map(() => client.request(RefreshSessionDocument, { refreshToken: user.refreshToken })));
    expect(results.filter((r) => r.errors.length === 0)).toHaveLength(1);
  });

  it('keeps other sessions apart: signing in twice gives two independent refresh chains', async () => {
    const { client } = t;
    const user = await signUp(client, 'devices');
    const laptop = await client.expect(SignInDocument, { input: { login: user.user.username, password: user.password } });
    const replay = await client.request(RefreshSessionDocument, { refreshToken: user.refreshToken });
    expect(replay.errors).toEqual([]);
    await client.request(RefreshSessionDocument, { refreshToken: user.refreshToken }); // reuse: ends the phone's session only
    const laptopStill = await client.request(RefreshSessionDocument, { refreshToken: laptop.signIn.refreshToken });
    expect(laptopStill.errors).toEqual([]);
  });

  it('ends every other session when the password is changed, and keeps the one that changed it', async () => {
    const { client } = t;
    const user = await signUp(client, 'chpw');
    const other = await client.expect(SignInDocument, { input: { login: user.user.username, password: user.password } });

    const wrong = await client.request(ChangePasswordDocument, { currentPassword: 'not the password', newPassword: 'a brand new passphrase' }, { token: user.accessToken });
    expect(codes(wrong.errors)).toEqual(['BAD_USER_INPUT']);
    expect(wrong.errors[0].extensions?.field).toBe('currentPassword');

    const changed = await client.expect(ChangePasswordDocument, { currentPassword: user.password, newPassword: 'a brand new passphrase' }, { token: user.accessToken });
    expect(changed.changePassword).toBe(true);

    expect(codes((await client.request(RefreshSessionDocument, { refreshToken: other.signIn.refreshToken })).errors)).toEqual(['UNAUTHENTICATED']);
    expect((await client.request(RefreshSessionDocument, { refreshToken: user.refreshToken })).errors).toEqual([]);

    const oldPassword = await client.request(SignInDocument, { input: { login: user.user.username, password: user.password } });
    expect(codes(oldPassword.errors)).toEqual(['UNAUTHENTICATED']);
    await client.expect(SignInDocument, { input: { login: user.user.username, password: 'a brand new passphrase' } });
  });
});

describe('email verification and password reset', () => {
  it('verifies the email with the token from user.registered, once', async () => {
    const { client } = t;
    const tap = await tapEvents(amqpUrl, 'auth', ['user.registered', 'user.email-verified'], t.stack.env.EVENTS_NAMESPACE);
    try {
      const user = await signUp(client, 'verify');
      const registered = await tap.next((e) => e.type === 'user.registered' && (e.data as { userId: string }).userId === user.user.id);
      const data = registered.data as { verificationToken: string; email: string; username: string };
      expect(data.email).toBe(user.user.email);
      expect(registered.correlationId).toBeTruthy();

      const verified = await client.expect(VerifyEmailDocument, { token: data.verificationToken });
      expect(verified.verifyEmail).toEqual({ id: user.user.id, emailVerified: true });
      await tap.next((e) => e.type === 'user.email-verified' && (e.data as { userId: string }).userId === user.user.id);

      const again = await client.request(VerifyEmailDocument, { token: data.verificationToken });
      expect(codes(again.errors)).toEqual(['BAD_USER_INPUT']);
      expect(again.errors[0].extensions?.field).toBe('token');
      const me = await client.expect(MeDocument, {}, { token: user.accessToken });
      expect(me.me?.emailVerified).toBe(true);
    } finally {
      await tap.close();
    }
  });

  it('answers a reset request the same for unknown addresses, and resets with the mailed token', async () => {
    const { client } = t;
    const tap = await tapEvents(amqpUrl, 'auth', ['password-reset-requested'], t.stack.env.EVENTS_NAMESPACE);
    try {
      const user = await signUp(client, 'reset');
      const unknown = await client.expect(RequestPasswordResetDocument, { email: 'nobody-here@example.com' });
      const known = await client.expect(RequestPasswordResetDocument, { email: user.user.email!.toUpperCase() });
      expect(unknown).toEqual(known);

      const event = await tap.next((e) => (e.data as { userId: string }).userId === user.user.id);
      const resetToken = (event.data as { resetToken: string }).resetToken;
      expect(tap.events.filter((e) => (e.data as { email: string }).email === 'nobody-here@example.com')).toHaveLength(0);

      const weak = await client.request(ResetPasswordDocument, { token: resetToken, newPassword: 'short' });
      expect(codes(weak.errors)).toEqual(['BAD_USER_INPUT']);
      expect(weak.errors[0].extensions?.field).toBe('newPassword');

      // The weak attempt did not use up the token.
      await client.expect(ResetPasswordDocument, { token: resetToken, newPassword: 'reset to something long' });
      expect(codes((await client.request(RefreshSessionDocument, { refreshToken: user.refreshToken })).errors)).toEqual(['UNAUTHENTICATED']);
      await client.expect(SignInDocument, { input: { login: user.user.username, password: 'reset to something long' } });
      const reuse = await client.request(ResetPasswordDocument, { token: resetToken, newPassword: 'another long password' });
      expect(codes(reuse.errors)).toEqual(['BAD_USER_INPUT']);
    } finally {
      await tap.close();
    }
  });
});
