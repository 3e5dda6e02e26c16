import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { RequestPasswordResetDocument } from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { signUp, useStack } from './support.js';

const t = useStack();

function wsClient(token: string | null): { client: Client; closed: Promise<number> } {
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: t.stack.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  return { client, closed };
}

/** Collects what one subscription yields. */
function collect(client: Client, query: string): { results: Array<Record<string, unknown>>; errors: unknown[]; stop: () => void } {
  const results: Array<Record<string, unknown>> = [];
  const errors: unknown[] = [];
  const stop = client.subscribe(
    { query },
    { next: (r) => results.push(r as Record<string, unknown>), error: (e) => errors.push(e), complete: () => {} },
  );
  return { results, errors, stop };
}

describe('live subscriptions through the router (graphql-ws at /graphql)', () => {
  it('delivers my new notifications live, and nobody else\'s', async () => {
    const me = await signUp(t.client, 'live');
    const other = await signUp(t.client, 'other');
    const mine = wsClient(me.accessToken);
    const theirs = wsClient(other.accessToken);
    try {
      const live = collect(mine.client, 'subscription { notificationAdded { id kind title readAt } }');
      const elsewhere = collect(theirs.client, 'subscription { added: notificationAdded { id kind } }');
      await new Promise((r) => setTimeout(r, 300));
      await t.client.expect(RequestPasswordResetDocument, { email: me.user.email! });
      const event = await waitFor(() => live.results.find((r) => JSON.stringify(r).includes('PASSWORD_RESET')), 10_000, 'the reset notification live');
      expect(event).toMatchObject({ data: { notificationAdded: { kind: 'PASSWORD_RESET', readAt: null } } });
      await new Promise((r) => setTimeout(r, 300));
      expect(elsewhere.results.filter((r) => JSON.stringify(r).includes('PASSWORD_RESET'))).toEqual([]);
      live.stop();
      elsewhere.stop();
    } finally {
      await mine.client.dispose();
      await theirs.client.dispose();
    }
  });

  it('closes a connection without a valid token with the forbidden code (4403)', async () => {
    const anonymous = wsClient(null);
    collect(anonymous.client, 'subscription { notificationAdded { id } }');
    expect(await anonymous.closed).toBe(4403);
    await anonymous.client.dispose();
    const forged = wsClient('not.a.token');
    collect(forged.client, 'subscription { notificationAdded { id } }');
    expect(await forged.closed).toBe(4403);
    await forged.client.dispose();
  });

  it('refuses an unknown subscription field with a validation error', async () => {
    const me = await signUp(t.client, 'unknown');
    const c = wsClient(me.accessToken);
    try {
      const sub = collect(c.client, 'subscription { somethingElse { id } }');
      await waitFor(() => sub.errors.length > 0, 5_000, 'the validation error');
      expect(JSON.stringify(sub.errors)).toMatch(/somethingElse/);
    } finally {
      await c.client.dispose();
    }
  });
});
