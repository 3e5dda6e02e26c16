import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ServiceMetrics } from '@jobgraph/kit';
import { InternalTokenDataSource, RESILIENCE_DEFAULTS, Resilience, type ResilienceOptions } from '@jobgraph/router';

type FetchOptions = Parameters<InternalTokenDataSource['process']>[0];

type Behaviour = 'ok' | 'hang' | 'reset' | '503' | 'graphql-error';

/** A fake subgraph that counts the requests it receives and behaves as told (a queue, then a default). */
const fake = { requests: 0, queue: [] as Behaviour[], otherwise: 'ok' as Behaviour, url: '' };
let server: Server;
const SECRET = 'resilience-test-secret-of-at-least-32-bytes';

beforeAll(async () => {
  server = createServer((req, res) => {
    fake.requests++;
    const behaviour = fake.queue.shift() ?? fake.otherwise;
    req.resume();
    req.on('end', () => {
      if (behaviour === 'hang') return;
      if (behaviour === 'reset') return void req.socket.destroy();
      if (behaviour === '503') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
      const body = behaviour === 'ok' ? { data: { x: 1 } } : { data: null, errors: [{ message: 'refused', extensions: { code: 'BAD_USER_INPUT' } }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  fake.requests = 0;
  fake.queue = [];
  fake.otherwise = 'ok';
});

/** A subgraph fetch as the gateway makes it: `client` is the client's operation, `fetch` the subgraph's document. */
function fetchOf(client: 'query' | 'mutation', fetch = `${client} { x }`): FetchOptions {
  return {
    kind: 'incoming operation',
    request: { query: fetch },
    context: { caller: null, correlationId: 'resilience-test', clientIp: null, cookieHeader: null, userAgent: null, res: null },
    incomingRequestContext: { operation: { kind: 'OperationDefinition', operation: client } },
  } as unknown as FetchOptions;
}

function setup(options: Partial<ResilienceOptions> = {}) {
  const logged: string[] = [];
  const log = { warn: (_o: object, msg: string) => void logged.push(msg), info: (_o: object, msg: string) => void logged.push(msg) };
  const resilience = new Resilience({ ...RESILIENCE_DEFAULTS, timeoutMs: 2_000, retryDelayMs: 10, ...options }, log as never);
  const subgraph = resilience.forSubgraph('fake');
  const source = new InternalTokenDataSource('fake', fake.url, SECRET, subgraph);
  return { resilience, subgraph, source, logged };
}

async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphQLError);
  return err as GraphQLError;
}

describe('subgraph resilience', () => {
  it('gives up on a hanging subgraph at the configured timeout, as UNAVAILABLE with the service name', async () => {
    const { source, resilience } = setup({ timeoutMs: 300 });
    fake.otherwise = 'hang';
    const started = Date.now();
    const err = await failure(source.process(fetchOf('query')));
    const elapsed = Date.now() - started;
    expect(err.extensions).toMatchObject({ code: 'UNAVAILABLE', serviceName: 'fake' });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_000);
    // The budget covers the retries too: a hanging subgraph costs one timeout, not three.
    expect(fake.requests).toBe(1);
    resilience.close();
  });

  it('retries a query whose fetch was reset or got a 503, and returns the data', async () => {
    const { source, resilience } = setup();
    fake.queue = ['reset'];
    expect((await source.process(fetchOf('query'))).data).toEqual({ x: 1 });
    expect(fake.requests).toBe(2);

    fake.requests = 0;
    fake.queue = ['503', '503'];
    expect((await source.process(fetchOf('query'))).data).toEqual({ x: 1 });
    expect(fake.requests).toBe(3);
    resilience.close();
  });

  it('never repeats a mutation, nor the entity fetches of a mutation\'s plan', async () => {
    const { source, resilience } = setup();
    fake.otherwise = 'reset';
    expect((await failure(source.process(fetchOf('mutation')))).extensions.code).toBe('UNAVAILABLE');
    expect(fake.requests).toBe(1);

    fake.requests = 0;
    const entities = 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';
    await failure(source.process(fetchOf('mutation', entities)));
    expect(fake.requests).toBe(1);
    resilience.close();
  });

  it('does not repeat a query answered with GraphQL errors in a 200', async () => {
    const { source, resilience } = setup();
    fake.otherwise = 'graphql-error';
    const response = await source.process(fetchOf('query'));
    expect(response.errors?.[0]?.message).toBe('refused');
    expect(fake.requests).toBe(1);
    resilience.close();
  });

  it('opens the circuit past the threshold, then fails fast without calling the subgraph, and closes once it recovers', async () => {
    const { source, subgraph, resilience, logged } = setup({ retries: 0, volumeThreshold: 4, resetTimeoutMs: 400 });
    const metrics = new ServiceMetrics('router-test');
    resilience.expose(metrics.registry);
    fake.otherwise = 'reset';

    // A couple of failures in a quiet period do not open it.
    await failure(source.process(fetchOf('query')));
    await failure(source.process(fetchOf('query')));
    expect(subgraph.state).toBe('closed');
    await failure(source.process(fetchOf('query')));
    await failure(source.process(fetchOf('query')));
    expect(subgraph.state).toBe('open');
    expect(await metrics.registry.metrics()).toMatch(/jobgraph_router_circuit_breaker_state\{subgraph="fake",service="router-test"\} 2/);

    const before = fake.requests;
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const err = await failure(source.process(fetchOf('query')));
      expect(err.extensions).toMatchObject({ code: 'UNAVAILABLE', serviceName: 'fake' });
    }
    expect(Date.now() - started).toBeLessThan(100);
    expect(fake.requests).toBe(before);

    fake.otherwise = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(subgraph.state).toBe('half_open');
    expect((await source.process(fetchOf('query'))).data).toEqual({ x: 1 });
    expect(subgraph.state).toBe('closed');
    expect(await metrics.registry.metrics()).toMatch(/jobgraph_router_circuit_breaker_state\{subgraph="fake",service="router-test"\} 0/);
    // Each transition is logged once, however many fetches were refused.
    expect(logged.filter((m) => m.includes('opened'))).toHaveLength(1);
    expect(logged.filter((m) => m.includes('closed'))).toHaveLength(1);
    resilience.close();
  });
});
