import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import {
  AdminUsersDocument,
  BecomeSellerDocument,
  MeDocument,
  SellersDocument,
  SignInDocument,
  SignUpDocument,
  UpdateSellerProfileDocument,
  UserDocument,
} from '@jobgraph/client';
import { setAdmin } from '@jobgraph/stack';
import { signInternalToken, baseEnv } from '@jobgraph/kit';
import type { MikroORM } from '@mikro-orm/postgresql';
import { codes, newAccount, sellerInput, signUp, useStack } from './support.js';

const t = useStack();

async function countRows(table: string, service = 'auth'): Promise<number> {
  const orm = t.stack.subgraphs[service].orm as MikroORM;
  const rows: Array<{ n: string }> = await orm.em.fork().execute(`select count(*) as n from ${table}`);
  return Number(rows[0].n);
}

async function realSigningKey(): Promise<{ kid: string; jwk: JWK }> {
  const orm = t.stack.subgraphs.auth.orm as MikroORM;
  const rows: Array<{ kid: string; private_jwk: JWK }> = await orm.em.fork().execute('select kid, private_jwk from signing_key');
  return { kid: rows[0].kid, jwk: rows[0].private_jwk };
}

function claims(userId: string) {
  return { username: 'mallory', roles: ['admin'], scope: 'user admin', sid: 'x' , sub: userId };
}

/** A well-formed admin token signed by a key auth never published. */
async function signedByStranger(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims('01a2006f-c302-7268-8402-d0f65518c4ae'))
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer('jobgraph-auth')
    .setAudience('jobgraph')
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('sign-up refuses bad input with a code and writes nothing', () => {
  it('refuses a taken email or username with CONFLICT naming the field', async () => {
    const { client } = t;
    const existing = newAccount('dup');
    await client.expect(SignUpDocument, { input: existing });
    const before = await countRows('app_user');
    const outboxBefore = await countRows('outbox_event');

    const sameEmail = await client.request(SignUpDocument, { input: { ...newAccount('dup'), email: existing.email.toUpperCase() } });
    expect(codes(sameEmail.errors)).toEqual(['CONFLICT']);
    expect(sameEmail.errors[0].extensions?.field).toBe('email');
    const sameName = await client.request(SignUpDocument, { input: { ...newAccount('dup'), username: existing.username } });
    expect(codes(sameName.errors)).toEqual(['CONFLICT']);
    expect(sameName.errors[0].extensions?.field).toBe('username');

    expect(await countRows('app_user')).toBe(before);
    expect(await countRows('outbox_event')).toBe(outboxBefore);
  });

  it('refuses a weak password and a malformed email with BAD_USER_INPUT naming the field', async () => {
    const { client } = t;
    const before = await countRows('app_user');
    const weak = await client.request(SignUpDocument, { input: { ...newAccount('weak'), password: 'abc12' } });
    expect(codes(weak.errors)).toEqual(['BAD_USER_INPUT']);
    expect(weak.errors[0].extensions?.field).toBe('password');
    const badEmail = await client.request(SignUpDocument, { input: { ...newAccount('mail'), email: 'not-an-email' } });
    expect(codes(badEmail.errors)).toEqual(['BAD_USER_INPUT']);
    expect(badEmail.errors[0].extensions?.field).toBe('email');
    const badName = await client.request(SignUpDocument, { input: { ...newAccount('name'), username: 'x' } });
    expect(badName.errors[0].extensions?.field).toBe('username');
    expect(await countRows('app_user')).toBe(before);
  });

  it('refuses a malformed operation or wrong variable type with BAD_USER_INPUT, not INTERNAL', async () => {
    const res = await fetch(t.stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { me { nope } }' }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('sign-in answers wrong password and unknown login alike, and slows guessing down', () => {
  it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown login', async () => {
    const { client } = t;
    const user = await signUp(client, 'same');
    const wrong = await client.request(SignInDocument, { input: { login: user.user.username, password: 'wrong password!' } });
    const unknown = await client.request(SignInDocument, { input: { login: 'nobody_at_all', password: 'wrong password!' } });
    expect(codes(wrong.errors)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors[0].message).toBe(unknown.errors[0].message);
    expect(codes(unknown.errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses even the right password with RATE_LIMITED after 5 failures for one account', async () => {
    const { client } = t;
    const user = await signUp(client, 'brute');
    for (let i = 0; i < 5; i++) {
      const r = await client.request(SignInDocument, { input: { login: user.user.username, password: `guess number ${i}` } });
      expect(codes(r.errors)).toEqual(['UNAUTHENTICATED']);
    }
    const blocked = await client.request(SignInDocument, { input: { login: user.user.username, password: user.password } });
    expect(codes(blocked.errors)).toEqual(['RATE_LIMITED']);
    expect(blocked.errors[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('the router refuses access tokens it did not issue or that are no longer valid', () => {
  const meWith = (token: string) => t.client.request(MeDocument, {}, { token });

  it('refuses an expired token', async () => {
    const user = await signUp(t.client, 'expired');
    const { kid, jwk } = await realSigningKey();
    const key = await importJWK(jwk, 'ES256');
    const token = await new SignJWT(claims(user.user.id))
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('jobgraph-auth')
      .setAudience('jobgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const res = await meWith(token);
    expect(codes(res.errors)).toEqual(['UNAUTHENTICATED']);
    expect(res.status).toBe(401);
  });

  it('refuses a token signed with another key under the real kid (forged)', async () => {
    const { kid } = await realSigningKey();
    expect(codes((await meWith(await signedByStranger(kid))).errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const { kid } = await realSigningKey();
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'none', kid, typ: 'JWT' })}.${enc({ ...claims('01a2006f-c302-7268-8402-d0f65518c4ae'), iss: 'jobgraph-auth', aud: 'jobgraph', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    expect(codes((await meWith(token)).errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token whose kid is not in the JWKS', async () => {
    expect(codes((await meWith(await signedByStranger('not-a-key-we-published'))).errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await t.client.request(MeDocument, {}, { headers: { authorization: 'Token abc' } });
    expect(codes(res.errors)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('the router enforces @authenticated and @requiresScopes', () => {
  it('nulls a protected field without a token, with UNAUTHENTICATED at its path, and still resolves its siblings', async () => {
    const res = await fetch(t.stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } sellers(first: 1) { pageInfo { hasNextPage } } }' }),
    });
    const body = (await res.json()) as { data: { me: unknown; sellers: { pageInfo: { hasNextPage: boolean } } }; errors: { path: string[]; extensions: { code: string } }[] };
    expect(body.data.me).toBeNull();
    expect(body.data.sellers.pageInfo.hasNextPage).toBe(false);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an operation that is entirely protected without calling a subgraph', async () => {
    const before = await countRows('seller_profile', 'users');
    const res = await t.client.request(BecomeSellerDocument, { input: sellerInput });
    expect(codes(res.errors)).toContain('UNAUTHENTICATED');
    expect(res.data).toBeNull();
    expect(await countRows('seller_profile', 'users')).toBe(before);
  });

  it('answers FORBIDDEN for an admin-only field to a plain user, and the data to an admin', async () => {
    const { client } = t;
    const user = await signUp(client, 'plain');
    const denied = await client.request(AdminUsersDocument, { first: 5 }, { token: user.accessToken });
    expect(codes(denied.errors)).toContain('FORBIDDEN');
    expect(denied.data).toBeNull();

    await setAdmin(t.stack.subgraphs.auth.orm as MikroORM, user.user.email!, true);
    const again = await client.expect(SignInDocument, { input: { login: user.user.username, password: user.password } });
    const allowed = await client.expect(AdminUsersDocument, { first: 5 }, { token: again.signIn.accessToken });
    expect(allowed.users.edges.length).toBeGreaterThan(0);
  });

  it('shows an email only to its owner: another user gets FORBIDDEN at that path', async () => {
    const { client } = t;
    const owner = await signUp(client, 'owner');
    const other = await signUp(client, 'other');
    const res = await client.request(UserDocument, { id: owner.user.id }, { token: other.accessToken });
    expect(res.data?.user?.username).toBe(owner.user.username);
    expect(res.data?.user?.email).toBeNull();
    expect(res.errors.map((e) => [e.path, e.extensions?.code])).toEqual([[['user', 'email'], 'FORBIDDEN']]);
  });
});

describe('subgraphs accept requests only through the router', () => {
  const query = JSON.stringify({ query: '{ __typename }' });
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });

  it('refuses a request straight to a subgraph without the internal token', async () => {
    for (const s of Object.values(t.stack.subgraphs)) {
      const res = await post(s.url);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses an internal token signed with another secret or for another subgraph', async () => {
    const claimsOf = { caller: null, correlationId: 'test-correlation', clientIp: null };
    const wrongSecret = await signInternalToken('an-attacker-guessed-secret-of-32-chars!!', 'auth', claimsOf);
    expect((await post(t.stack.subgraphs.auth.url, { 'x-internal-token': wrongSecret })).status).toBe(401);
    const secret = t.stack.env.INTERNAL_TOKEN_SECRET ?? baseEnv.INTERNAL_TOKEN_SECRET.parse(undefined);
    const forUsers = await signInternalToken(secret, 'users', claimsOf);
    expect((await post(t.stack.subgraphs.auth.url, { 'x-internal-token': forUsers })).status).toBe(401);
    expect((await post(t.stack.subgraphs.users.url, { 'x-internal-token': forUsers })).status).toBe(200);
  });
});

describe('request limits and profile input', () => {
  it('refuses an oversized body with 413 before parsing it', async () => {
    const huge = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(300_000) } });
    const res = await fetch(t.stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a javascript: link and an unknown language level on a seller page, naming the field', async () => {
    const { client } = t;
    const user = await signUp(client, 'links');
    const bad = await client.request(BecomeSellerDocument, { input: { ...sellerInput, socialLinks: ['javascript:alert(1)'] } }, { token: user.accessToken });
    expect(codes(bad.errors)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors[0].extensions?.field).toBe('socialLinks[0]');
    await client.expect(BecomeSellerDocument, { input: sellerInput }, { token: user.accessToken });
    const twice = await client.request(BecomeSellerDocument, { input: sellerInput }, { token: user.accessToken });
    expect(codes(twice.errors)).toEqual(['CONFLICT']);
    const emptySkills = await client.request(UpdateSellerProfileDocument, { input: { skills: [] } }, { token: user.accessToken });
    expect(emptySkills.errors[0].extensions?.field).toBe('skills');
  });

  it('refuses a NUL character in any text with BAD_USER_INPUT instead of a database error', async () => {
    const res = await t.client.request(SellersDocument, { skill: 'type\u0000script' });
    expect(res.status).toBe(400);
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('bounds list pages: first above 100 is BAD_USER_INPUT naming `first`', async () => {
    const res = await t.client.request(SellersDocument, { first: 1000 });
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].extensions?.field).toBe('first');
  });
});
