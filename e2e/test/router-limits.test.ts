import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kind, parse, print, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { MeDocument } from '@jobgraph/client';
import { codes, signUp, useStack, type TestStack } from './support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const post = async (t: TestStack, body: unknown, token?: string) => {
  const res = await fetch(t.stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
};

/** GraphQL requests each subgraph has answered so far (its own /metrics, HTTP timer on /graphql). */
async function subgraphRequests(t: TestStack): Promise<number> {
  let total = 0;
  for (const [name, subgraph] of Object.entries(t.stack.subgraphs)) {
    const text = await (await fetch(subgraph.url.replace(/\/graphql$/, '/metrics'))).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('jobgraph_http_request_duration_seconds_count{') && line.includes(`service="${name}"`) && line.includes('route="/graphql"')) {
        total += Number(line.split(' ').at(-1));
      }
    }
  }
  return total;
}

const GIG_FIELDS = 'id title description basicTitle basicDescription tags status createdAt updatedAt publishedAt coverImageUrl';
const gigs = (inner: string) => `gigs(first: 100) { edges { node { ${inner} } } }`;

describe('operation limits (through the router)', () => {
  const t = useStack();

  const refusals: [string, () => string, RegExp][] = [
    ['a query deeper than the limit', () => `query Deep($id: ID!) { user(id: $id) { ${'seller { user { '.repeat(7)}id${' } }'.repeat(7)} } }`, /depth limit of 12 exceeded/],
    ['1,000 aliases', () => `query Aliases($id: ID!) { ${Array.from({ length: 1000 }, (_, i) => `u${i}: user(id: $id) { id }`).join(' ')} }`, /more tha[nt] 2000 tokens/],
    ['a huge token count', () => `query Tokens($id: ID!) { user(id: $id) { ${'id '.repeat(5000)}} }`, /more tha[nt] 2000 tokens/],
    ['40 aliases (under the token limit)', () => `query Aliases($id: ID!) { ${Array.from({ length: 40 }, (_, i) => `u${i}: user(id: $id) { id }`).join(' ')} }`, /Aliases limit of 30 exceeded/],
    ['an expensive nested list query', () => `query Expensive { ${gigs(`${GIG_FIELDS} seller { ${gigs(`${GIG_FIELDS} seller { ${gigs(GIG_FIELDS)} }`)} }`)} }`, /Cost limit of 10000 exceeded/],
  ];

  for (const [what, query, message] of refusals) {
    it(`refuses ${what} with BAD_USER_INPUT, and no subgraph is called`, async () => {
      const user = await signUp(t.client, 'limits');
      const before = await subgraphRequests(t);
      expect(before).toBeGreaterThan(0); // the sign-up went through auth: the count is live
      const res = await post(t, { query: query(), variables: { id: user.user.id } }, user.accessToken);
      expect(res.status).toBe(400);
      expect(codes(res.body.errors ?? [])).toContain('BAD_USER_INPUT');
      expect(new Set(codes(res.body.errors ?? []))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(message);
      expect(res.body.data).toBeUndefined();
      expect(await subgraphRequests(t)).toBe(before);
    });
  }

  it('still serves every operation of the frontend: none is refused by a limit', async () => {
    const user = await signUp(t.client, 'limits');
    expect((await t.client.request(MeDocument, {}, { token: user.accessToken })).errors).toEqual([]);
    const dir = path.join(repo, 'packages/client/operations');
    const source = readdirSync(dir).filter((f) => f.endsWith('.graphql')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const all = parse(source);
    const fragments = all.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    const operations = all.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription');
    expect(operations.length).toBeGreaterThan(40);
    for (const op of operations) {
      // Only the fragments it spreads (directly or through others), as codegen sends it.
      const used = new Set<string>();
      const spreads = (text: string) => [...text.matchAll(/\.\.\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]);
      const queue = spreads(print(op));
      while (queue.length > 0) {
        const name = queue.pop() as string;
        const fragment = fragments.find((f) => f.name.value === name);
        if (!fragment || used.has(name)) continue;
        used.add(name);
        queue.push(...spreads(print(fragment)));
      }
      const query = [op, ...fragments.filter((f) => used.has(f.name.value))].map((d) => print(d)).join('\n');
      // No variables: an operation that needs some is refused at variable coercion, after the limits passed.
      const res = await post(t, { query }, user.accessToken);
      expect(res.body.errors?.map((e) => e.message).join(' ') ?? '', op.name?.value).not.toMatch(/limit of|tokens|exceeded/i);
    }
  });
});

describe('rate limits (through the router)', () => {
  // Tiny limits for this stack only; the sign-ups below are anonymous and use 3 of the IP's 5.
  const t = useStack({ RATE_LIMIT_USER_PER_MINUTE: '5', RATE_LIMIT_IP_PER_MINUTE: '5' });
  const users: Awaited<ReturnType<typeof signUp>>[] = [];
  const user = async (i: number) => {
    while (users.length < 3) users.push(await signUp(t.client, 'rate'));
    return users[i];
  };

  it('answers a user\'s 6th request in a minute with 429 RATE_LIMITED, Retry-After, and leaves other users alone', async () => {
    const [a, b] = [await user(0), await user(1)];
    for (let i = 0; i < 5; i++) {
      const ok = await t.client.request(MeDocument, {}, { token: a.accessToken });
      expect(ok.errors, `request ${i + 1}`).toEqual([]);
    }
    const refused = await t.client.request(MeDocument, {}, { token: a.accessToken });
    expect(refused.status).toBe(429);
    expect(codes(refused.errors)).toEqual(['RATE_LIMITED']);
    const retryAfter = refused.errors[0].extensions?.retryAfterSeconds;
    expect(typeof retryAfter).toBe('number');
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(refused.errors[0].message).toMatch(/at most 5 per minute per user/);

    const other = await t.client.request(MeDocument, {}, { token: b.accessToken });
    expect(other.errors).toEqual([]);
    expect(other.status).toBe(200);
  });

  it('limits anonymous requests per IP, without counting signed-in users\' requests against it', async () => {
    const c = await user(2);
    let refused: Awaited<ReturnType<typeof post>> | null = null;
    for (let i = 0; i < 6 && !refused; i++) {
      const res = await post(t, { query: '{ __typename }' });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused).not.toBeNull();
    expect(codes(refused?.body.errors ?? [])).toEqual(['RATE_LIMITED']);
    expect(refused?.body.errors?.[0].message).toMatch(/per IP address/);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const signedIn = await t.client.request(MeDocument, {}, { token: c.accessToken });
    expect(signedIn.errors).toEqual([]);
  });
});
