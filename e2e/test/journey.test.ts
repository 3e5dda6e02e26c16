import { describe, expect, it } from 'vitest';
import {
  BecomeSellerDocument,
  MeDocument,
  RefreshSessionDocument,
  SellerByUsernameDocument,
  SignInDocument,
  SignOutDocument,
  SignUpDocument,
} from '@jobgraph/client';
import { codes, newAccount, sellerInput, useStack } from './support.js';

const t = useStack();

describe('a new user signs up, becomes a seller and signs out, through the router', () => {
  it('carries one account from sign-up to a seller page and back out', async () => {
    const { client } = t;
    const account = newAccount('journey');

    const signedUp = await client.expect(SignUpDocument, { input: account });
    expect(signedUp.signUp.user.username).toBe(account.username);
    expect(signedUp.signUp.expiresIn).toBeGreaterThan(0);
    const token = signedUp.signUp.accessToken;

    // One query, two subgraphs: auth answers username/email, users answers buyer/seller.
    const me = await client.expect(MeDocument, {}, { token });
    expect(me.me).toMatchObject({ username: account.username, email: account.email, emailVerified: false, roles: [], seller: null });
    expect(me.me?.buyer?.username).toBe(account.username);

    const becameSeller = await client.expect(BecomeSellerDocument, { input: sellerInput }, { token });
    expect(becameSeller.becomeSeller).toMatchObject({ username: account.username, skills: ['typescript', 'graphql'] });

    const page = await client.expect(SellerByUsernameDocument, { username: account.username.toUpperCase() }, { token });
    expect(page.sellerByUsername?.fullName).toBe(sellerInput.fullName);
    expect(page.sellerByUsername?.user.email).toBe(account.email);

    const meAgain = await client.expect(MeDocument, {}, { token });
    expect(meAgain.me?.seller?.oneLiner).toBe(sellerInput.oneLiner);

    const refreshed = await client.expect(RefreshSessionDocument, { refreshToken: signedUp.signUp.refreshToken });
    expect(refreshed.refreshSession.refreshToken).not.toBe(signedUp.signUp.refreshToken);
    const newToken = refreshed.refreshSession.accessToken;

    expect((await client.expect(SignOutDocument, { allDevices: false }, { token: newToken })).signOut).toBe(true);
    const afterSignOut = await client.request(RefreshSessionDocument, { refreshToken: refreshed.refreshSession.refreshToken });
    expect(codes(afterSignOut.errors)).toEqual(['UNAUTHENTICATED']);
    expect(afterSignOut.data).toBeNull();
  });

  it('signs in with the username or the email, in any letter case', async () => {
    const { client } = t;
    const account = newAccount('login');
    await client.expect(SignUpDocument, { input: account });
    const byName = await client.expect(SignInDocument, { input: { login: account.username.toUpperCase(), password: account.password } });
    const byEmail = await client.expect(SignInDocument, { input: { login: account.email, password: account.password } });
    expect(byName.signIn.user.id).toBe(byEmail.signIn.user.id);
  });

  it('echoes the caller\'s correlation id and makes one when none is sent', async () => {
    const { client } = t;
    const sent = await client.request(MeDocument, {}, { headers: { 'x-correlation-id': 'trace-abc-12345' } });
    expect(sent.headers.get('x-correlation-id')).toBe('trace-abc-12345');
    const made = await client.request(MeDocument, {});
    expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets the refresh token as an httpOnly cookie and refreshes from that cookie alone', async () => {
    const { client } = t;
    const account = newAccount('cookie');
    const res = await client.request(SignUpDocument, { input: account });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('jg_refresh='));
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie!.split(';')[0];
    const refreshed = await client.request(RefreshSessionDocument, {}, { headers: { cookie } });
    expect(refreshed.errors).toEqual([]);
    expect(refreshed.data?.refreshSession.user.username).toBe(account.username);
  });
});
