import { describe, expect, it } from 'vitest';
import {
  MarkNotificationsReadDocument,
  NotificationPreferencesDocument,
  UnreadNotificationCountDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  SignInDocument,
  SignUpDocument,
  UpdateNotificationPreferencesDocument,
  VerifyEmailDocument,
} from '@jobgraph/client';
import { useMailbox } from './mail.js';
import { PUBLIC_URL, notificationsOf, tokenFrom } from './notifications-support.js';
import { codes, newAccount, signUp, useStack } from './support.js';

const mail = useMailbox();
const t = useStack(() => ({ SMTP_URL: mail.url, PUBLIC_URL, MAIL_FROM: 'JobGraph <hello@jobgraph.test>' }));

describe('account emails', () => {
  it('emails a new account a link whose token confirms the address, then welcomes them', async () => {
    const input = newAccount('verify');
    const { signUp: session } = await t.client.expect(SignUpDocument, { input });

    const verification = await mail.next(input.email, /^Confirm your email address$/);
    expect(verification.raw).toMatch(/^From: JobGraph <hello@jobgraph\.test>/m);
    expect(verification.text).toContain(`Hi ${input.username},`);
    const token = tokenFrom(verification.text, PUBLIC_URL, '/verify-email');
    expect(verification.html).toContain(`href="${PUBLIC_URL}/verify-email?token=${encodeURIComponent(token)}"`);

    const { verifyEmail } = await t.client.expect(VerifyEmailDocument, { token });
    expect(verifyEmail).toEqual({ id: session.user.id, emailVerified: true });

    const welcome = await mail.next(input.email, /^Welcome to JobGraph$/);
    expect(welcome.text).toContain(`Hi ${input.username},`);
    expect(mail.to(input.email)).toHaveLength(2);

    // In the app too, newest first; the token itself is only ever in the email.
    const inApp = await notificationsOf(t, { id: session.user.id, username: input.username, email: input.email, token: session.accessToken });
    expect(inApp.map((n) => n.kind)).toEqual(['WELCOME', 'EMAIL_VERIFICATION']);
    expect(JSON.stringify(inApp)).not.toContain(token);
  });

  it('emails a password-reset link that sets a new password, and only the new one signs in afterwards', async () => {
    const user = await signUp(t.client, 'reset');
    await mail.next(user.user.email!, /^Confirm your email address$/);
    expect(await t.client.expect(RequestPasswordResetDocument, { email: user.user.email! })).toEqual({ requestPasswordReset: true });

    const email = await mail.next(user.user.email!, /^Reset your password$/);
    const token = tokenFrom(email.text, PUBLIC_URL, '/reset-password');
    const newPassword = 'a brand new passphrase 42';
    expect(await t.client.expect(ResetPasswordDocument, { token, newPassword })).toEqual({ resetPassword: true });

    const signedIn = await t.client.expect(SignInDocument, { input: { login: user.user.username, password: newPassword } });
    expect(signedIn.signIn.user.id).toBe(user.user.id);
    const old = await t.client.request(SignInDocument, { input: { login: user.user.username, password: user.password } });
    expect(codes(old.errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses to turn off verification or reset emails, naming the field, and changes nothing', async () => {
    const user = await signUp(t.client, 'prefs');
    const options = { token: user.accessToken };
    for (const field of ['emailVerification', 'passwordReset'] as const) {
      const refused = await t.client.request(UpdateNotificationPreferencesDocument, { input: { [field]: false, welcome: false } }, options);
      expect(refused.errors.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', field]]);
    }
    const { notificationPreferences } = await t.client.expect(NotificationPreferencesDocument, {}, options);
    expect(Object.values(notificationPreferences).every((on) => on === true)).toBe(true);

    // Saying "on" for a security email is fine (it is on anyway); other kinds switch off and on.
    const updated = await t.client.expect(UpdateNotificationPreferencesDocument, { input: { passwordReset: true, welcome: false, orderPlaced: false } }, options);
    expect(updated.updateNotificationPreferences).toMatchObject({ passwordReset: true, emailVerification: true, welcome: false, orderPlaced: false, orderCompleted: true });
    const back = await t.client.expect(UpdateNotificationPreferencesDocument, { input: { orderPlaced: true } }, options);
    expect(back.updateNotificationPreferences).toMatchObject({ welcome: false, orderPlaced: true });
  });

  it('shows preferences and unread counts, and marks notifications read, only for a signed-in user', async () => {
    // The router refuses each of these whole (no subgraph is called): every error says UNAUTHENTICATED.
    for (const refused of [
      await t.client.request(NotificationPreferencesDocument, {}),
      await t.client.request(UnreadNotificationCountDocument, {}),
      await t.client.request(MarkNotificationsReadDocument, { all: true }),
    ]) {
      expect(refused.data).toBeNull();
      expect(new Set(codes(refused.errors))).toEqual(new Set(['UNAUTHENTICATED']));
    }
  });
});
