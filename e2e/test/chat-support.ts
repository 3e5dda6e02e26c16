import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import { SignJWT, importJWK, type JWK } from 'jose';
import type { MikroORM } from '@mikro-orm/postgresql';
import { BecomeSellerDocument, StartConversationDocument, type ConversationFieldsFragment, type JobGraphClient, type TypedDocumentNode } from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { sellerInput, signUp, type TestStack } from './support.js';

export interface ChatUser {
  id: string;
  username: string;
  token: string;
}

/** A plain user (no seller page). */
export async function chatUser(t: TestStack, prefix = 'chat'): Promise<ChatUser> {
  const u = await signUp(t.client, prefix);
  return { id: u.user.id, username: u.user.username, token: u.accessToken };
}

/** Rows of a chat query, straight from chat's database. */
export async function chatRows<T = Record<string, unknown>>(t: TestStack, sql: string, params: unknown[] = []): Promise<T[]> {
  const orm = t.stack.subgraphs.chat.orm as MikroORM;
  return orm.em.fork().execute(sql, params);
}

/**
 * A seller that chat already knows: chat learns of seller pages from users' `seller.created` and refuses offers
 * (FORBIDDEN) until then.
 */
export async function chatSeller(t: TestStack, prefix = 'seller'): Promise<ChatUser> {
  const u = await chatUser(t, prefix);
  await t.client.expect(BecomeSellerDocument, { input: sellerInput }, { token: u.token });
  await waitFor(async () => (await chatRows(t, 'select 1 from seller where user_id = ?', [u.id])).length > 0, 10_000, 'chat to learn of the seller');
  return u;
}

export async function conversationBetween(client: JobGraphClient, from: ChatUser, to: ChatUser, gigId: string | null = null): Promise<ConversationFieldsFragment> {
  return (await client.expect(StartConversationDocument, { withUserId: to.id, gigId }, { token: from.token })).startConversation;
}

/** A graphql-ws client (a browser tab) on a router's /graphql. */
export function socket(routerUrl: string, token: string | null): { client: Client; closed: Promise<number> } {
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // A closed socket is what some tests wait for (`closed`): not worth a console error.
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  return { client, closed };
}

export interface Listener<TData> {
  results: TData[];
  /** Errors the subscription ended with (a refusal arrives here). */
  errors: unknown[];
  stop: () => void;
}

/** Subscribes with a typed document and collects what arrives. */
export function listen<TData, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Listener<TData> {
  const results: TData[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe(
    { query: print(document), variables },
    {
      next: (r) => {
        if (r.errors?.length) errors.push(r.errors);
        if (r.data) results.push(r.data as TData);
      },
      error: (e) => errors.push(e),
      complete: () => {},
    },
  );
  return { results, errors, stop };
}

/**
 * Lets a subscription reach Redis before the event it waits for is sent: graphql-ws has no "subscribed"
 * acknowledgement, and an event published before the router listens is not replayed.
 */
export const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** The graphql-ws error codes of a refused subscription. */
export const refusalCodes = (errors: unknown[]): unknown[] =>
  errors.flatMap((e) => (Array.isArray(e) ? e : [e])).map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code);

/** An access token of `user` signed with auth's real key, expiring in `seconds`. */
export async function tokenExpiringIn(t: TestStack, user: ChatUser, seconds: number): Promise<string> {
  const orm = t.stack.subgraphs.auth.orm as MikroORM;
  const rows: Array<{ kid: string; private_jwk: JWK }> = await orm.em.fork().execute('select kid, private_jwk from signing_key where retired_at is null order by created_at desc');
  const key = await importJWK(rows[0].private_jwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ username: user.username, roles: ['user'], scope: 'user', sid: 'test-session' })
    .setProtectedHeader({ alg: 'ES256', kid: rows[0].kid, typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('jobgraph-auth')
    .setAudience('jobgraph')
    .setIssuedAt(now)
    .setExpirationTime(now + seconds)
    .sign(key);
}
