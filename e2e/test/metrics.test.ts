import { describe, expect, it } from 'vitest';
import { waitFor } from '@jobgraph/kit/testing';
import { signUp, useStack } from './support.js';

const t = useStack();

const scrape = async (graphqlUrl: string): Promise<string> => (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();

/** The value of one series, e.g. `jobgraph_events_consumed_total{…outcome="processed"…}`, or 0. */
function value(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

describe('Prometheus metrics', () => {
  it('counts events published by auth and processed by users, and reports the outbox lag, at /metrics', async () => {
    const usersBefore = value(await scrape(t.stack.subgraphs.users.url), 'jobgraph_events_consumed_total', { type: 'user.registered', outcome: 'processed' });
    await signUp(t.client, 'metrics');
    const auth = await waitFor(async () => {
      const text = await scrape(t.stack.subgraphs.auth.url);
      return value(text, 'jobgraph_events_published_total', { type: 'user.registered' }) >= 1 ? text : null;
    }, 10_000, 'auth to count the published event');
    expect(auth).toMatch(/jobgraph_outbox_lag_seconds\{service="auth"\} \d/);
    await waitFor(async () => value(await scrape(t.stack.subgraphs.users.url), 'jobgraph_events_consumed_total', { type: 'user.registered', outcome: 'processed' }) === usersBefore + 1, 10_000, 'users to count the processed event');
  });

  it('times the router\'s HTTP requests by route and status', async () => {
    await fetch(t.stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const text = await scrape(t.stack.url);
    expect(value(text, 'jobgraph_http_request_duration_seconds_count', { service: 'router', route: '/graphql', status: '200' })).toBeGreaterThan(0);
  });
});
