import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_HEADER, baseEnv, dropDatabase, signInternalToken, withDatabase, type RunningSubgraph } from '@jobgraph/kit';
import { loadGigsConfig, startGigs, type GigsServices } from '@jobgraph/gigs';
import { removeEventTopology } from '@jobgraph/kit/testing';

// Redis is only a cache for gigs: with nothing listening where REDIS_URL points, every answer must still come.
const env: Record<string, string | undefined> = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', EVENTS_NAMESPACE: `jgtest-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' };
const databaseUrl = withDatabase(process.env.DATABASE_URL ?? baseEnv.DATABASE_URL.parse(undefined), `jobgraph_t_${randomBytes(6).toString('hex')}`);
let gigs: RunningSubgraph<GigsServices>;

beforeAll(async () => {
  gigs = await startGigs(loadGigsConfig(env), { port: 0, databaseUrl });
});

afterAll(async () => {
  await gigs?.stop();
  await dropDatabase(databaseUrl);
  await removeEventTopology(env.AMQP_URL ?? baseEnv.AMQP_URL.parse(undefined), [`${env.EVENTS_NAMESPACE}.gigs`, `${env.EVENTS_NAMESPACE}.users`, `${env.EVENTS_NAMESPACE}.review.created`], gigs?.eventQueues ?? []);
});

async function query(body: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const token = await signInternalToken(env.INTERNAL_TOKEN_SECRET ?? baseEnv.INTERNAL_TOKEN_SECRET.parse(undefined), 'gigs', {
    caller: null,
    correlationId: 'cache-outage-test',
    clientIp: null,
  });
  const res = await fetch(gigs.url, { method: 'POST', headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token }, body: JSON.stringify({ query: body }) });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('gigs without Redis', () => {
  it('answers searches and lookups from PostgreSQL when the cache is unreachable, with no error', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await query('{ searchGigs(query: "website", first: 5) { edges { node { id } } pageInfo { hasNextPage } } categories { id } gig(id: "01a2006f-c302-7268-8402-d0f65518c4ae") { id } }');
      expect(res.errors).toBeUndefined();
      expect(res.data?.searchGigs).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
      expect((res.data?.categories as unknown[]).length).toBeGreaterThan(0);
      expect(res.data?.gig).toBeNull();
    }
  });
});
