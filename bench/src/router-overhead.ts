/**
 * What the router costs: `me { username seller { skills } }` through the router (JWT check, query planning, two
 * subgraph fetches, response merging) against the same data fetched straight from the two subgraphs.
 *
 *   pnpm bench [-- --duration 10 --connections 16 --warmup 2]
 *   node bench/dist/router-overhead.js --duration 5
 *
 * Starts the whole stack in this process (fresh databases, free ports), seeds one seller, checks one response of
 * each path, then measures each path with autocannon (in a worker thread) and prints a table. Asserts nothing
 * about time. Exits 1 when the stack cannot start, a check fails or any measured request failed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { RunningStack } from '@jobgraph/stack';
import { LOAD_FLAGS, loadSettings, parseFlags, runBenchmark, stopOnSignal } from './cli.js';
import { errorsOf, fmt, measure as measureTarget, table, verify as verifyTarget, type LoadResult, type Target } from './load.js';

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';
// The benchmark's access token must outlive every run (the default is 15 minutes).
process.env.ACCESS_TOKEN_TTL_SECONDS ??= '3600';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = 'usage: node bench/dist/router-overhead.js [--duration seconds=10] [--connections n=16] [--warmup seconds=2]';
const { duration, connections, warmup } = parseFlags(USAGE, LOAD_FLAGS, (flags) => loadSettings(flags, { duration: 10, connections: 16, warmup: 2 }));

const log = (line: string): void => console.log(line);

const { startStack } = await import('@jobgraph/stack');
const { signInternalToken, baseEnv, INTERNAL_TOKEN_HEADER } = await import('@jobgraph/kit');
const { JobGraphClient, SignUpDocument, BecomeSellerDocument, MeWithSkillsDocument } = await import('@jobgraph/client');
const { print } = await import('graphql');

// ---------------------------------------------------------------------------------------------------------------
// What is measured

/** The claims the router turns into the caller it vouches for (see router/src/plugins/authentication.ts). */
function callerOf(accessToken: string) {
  // Like jose's decodeJwt (no verification: the token was just issued by auth); jose is not a bench dependency.
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return {
    userId: String(payload.sub),
    username: typeof payload.username === 'string' ? payload.username : '',
    roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
    scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    sessionId: typeof payload.sid === 'string' ? payload.sid : null,
  };
}

const verify = (target: Target): Promise<void> => verifyTarget(target, log);
const measure = (target: Target): Promise<LoadResult> => measureTarget(target, { connections, warmup, duration });

// ---------------------------------------------------------------------------------------------------------------
// Report

function report(router: LoadResult, auth: LoadResult, users: LoadResult): number {
  const direct = {
    // Serving both calls costs the time of one plus the time of the other: pairs/s = 1 / (1/a + 1/b).
    rps: 1 / (1 / auth.rps + 1 / users.rps),
    p50: auth.p50 + users.p50,
    p99: auth.p99 + users.p99,
  };
  const row = (name: string, r: LoadResult): string[] => [
    name,
    String(r.requests),
    fmt(r.rps, 0),
    fmt(r.p50),
    fmt(r.p99),
    String(errorsOf(r)),
    `${r.non2xx}/${r.graphqlErrors}/${r.socketErrors}`,
  ];
  log('');
  log(`Results (${duration} s measured after ${warmup} s warm-up, ${connections} connections, ${availableParallelism()} CPUs, Node ${process.version}):`);
  log('');
  log(
    table([
      ['path', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx/gql/net'],
      row('router: me { username seller { skills } }', router),
      row('direct auth: me { username }', auth),
      row('direct users: _entities { seller { skills } }', users),
      ['direct, both calls (computed*)', '', fmt(direct.rps, 0), fmt(direct.p50), fmt(direct.p99), String(errorsOf(auth) + errorsOf(users)), ''],
    ]),
  );
  log('');
  log('* Not a measured run: the two subgraphs were measured separately. Its p50/p99 are the SUMS of the two');
  log('  subgraphs\' p50s/p99s (what a client calling auth then users would wait, roughly; the sum of p99s is');
  log('  pessimistic), and its req/s is 1 / (1/auth + 1/users): pairs of calls per second if served back to back.');
  log('');
  log('Router overhead:');
  log(`  p50:        router ${fmt(router.p50)} ms / direct ${fmt(direct.p50)} ms = ${fmt(router.p50 / direct.p50)}x  (+${fmt(router.p50 - direct.p50)} ms)`);
  log(`  p99:        router ${fmt(router.p99)} ms / direct ${fmt(direct.p99)} ms = ${fmt(router.p99 / direct.p99)}x  (+${fmt(router.p99 - direct.p99)} ms)`);
  log(`  throughput: direct ${fmt(direct.rps, 0)} pairs/s / router ${fmt(router.rps, 0)} req/s = ${fmt(direct.rps / router.rps)}x`);
  log('  (the router, both subgraphs and the load generator share this machine: figures compare paths, they are');
  log('   not capacity numbers)');

  const failed = errorsOf(router) + errorsOf(auth) + errorsOf(users);
  if (failed > 0) {
    log('');
    log(`WARNING: ${failed} request(s) failed during the runs; the figures are not trustworthy.`);
    for (const [name, r] of [['router', router], ['auth', auth], ['users', users]] as const) {
      if (r.sampleError) log(`  ${name}: timeouts ${r.timeouts}; e.g. ${r.sampleError}`);
    }
  }
  return failed;
}

// ---------------------------------------------------------------------------------------------------------------
// Run

async function main(): Promise<number> {
  log(`router-overhead: duration ${duration} s, warm-up ${warmup} s, ${connections} connections`);
  log('starting the stack (fresh databases, free ports)…');
  let stack: RunningStack | undefined;
  const { finish } = stopOnSignal('stopping the stack', () => (stack ? stack.stop() : Promise.resolve()));
  try {
    stack = await startStack({ freshDatabases: true, freePorts: true, env: process.env, onProgress: (line) => log(`  ${line}`) });
    const authUrl = stack.subgraphs.auth?.url;
    const usersUrl = stack.subgraphs.users?.url;
    if (!authUrl || !usersUrl) throw new Error(`expected subgraphs auth and users, got ${Object.keys(stack.subgraphs).join(', ')}`);
    log(`  router at ${stack.url}`);

    log('seeding: one user who is a seller…');
    const client = new JobGraphClient(stack.url);
    const tag = randomBytes(4).toString('hex');
    const { signUp } = await client.expect(SignUpDocument, {
      input: { email: `bench.${tag}@example.com`, username: `bench_${tag}`, password: 'correct horse battery staple' },
    });
    const { becomeSeller } = await client.expect(
      BecomeSellerDocument,
      {
        input: {
          fullName: 'Bench Seller',
          oneLiner: 'Measures routers for a living',
          description: 'A seller profile created by the router-overhead benchmark.',
          skills: ['TypeScript', 'GraphQL', 'PostgreSQL'],
        },
      },
      { token: signUp.accessToken },
    );
    // As stored (users normalises skills, e.g. to lower case): what every later read must return.
    const skills = becomeSeller.skills;
    const token = signUp.accessToken;
    const caller = callerOf(token);
    const username = signUp.user.username;
    const userId = signUp.user.id;
    if (caller.userId !== userId) throw new Error(`the access token's subject ${caller.userId} is not the new user ${userId}`);

    const secret = stack.env.INTERNAL_TOKEN_SECRET ?? baseEnv.INTERNAL_TOKEN_SECRET.parse(undefined);
    const internalHeaders = async (subgraph: string): Promise<Record<string, string>> => {
      const correlationId = `bench-${randomUUID()}`;
      return {
        'content-type': 'application/json',
        [INTERNAL_TOKEN_HEADER]: await signInternalToken(secret, subgraph, { caller, correlationId, clientIp: '127.0.0.1' }),
        'x-correlation-id': correlationId,
      };
    };
    const skillsJson = `"skills":${JSON.stringify(skills)}`;
    const sameSkills = (got: unknown): boolean => JSON.stringify(got) === JSON.stringify(skills);

    const targets: Target[] = [
      {
        name: 'router',
        url: stack.url,
        body: JSON.stringify({ query: print(MeWithSkillsDocument), variables: {}, operationName: 'MeWithSkills' }),
        headers: async () => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` }),
        refresh: false,
        marker: skillsJson,
        check: (body) => {
          const me = (body.data as { me?: { username?: string; seller?: { skills?: unknown } | null } | null } | undefined)?.me;
          if (me?.username !== username) return `me.username is ${JSON.stringify(me?.username)}, expected ${username}`;
          return sameSkills(me.seller?.skills) ? null : `me.seller.skills is ${JSON.stringify(me.seller?.skills)}`;
        },
      },
      {
        // What the router's query plan sends to auth (the key field id comes along for the entity fetch).
        name: 'auth',
        url: authUrl,
        body: JSON.stringify({ query: '{ me { username __typename id } }' }),
        headers: () => internalHeaders('auth'),
        refresh: true,
        marker: `"username":${JSON.stringify(username)}`,
        check: (body) => {
          const me = (body.data as { me?: { username?: string; id?: string } | null } | undefined)?.me;
          return me?.username === username && me.id === userId ? null : `me is ${JSON.stringify(me)}`;
        },
      },
      {
        // What the router's query plan sends to users: an entity fetch for the User auth returned.
        name: 'users',
        url: usersUrl,
        body: JSON.stringify({
          query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { seller { skills } } } }',
          variables: { representations: [{ __typename: 'User', id: userId }] },
        }),
        headers: () => internalHeaders('users'),
        refresh: true,
        marker: skillsJson,
        check: (body) => {
          const entities = (body.data as { _entities?: Array<{ seller?: { skills?: unknown } | null } | null> } | undefined)?._entities;
          return sameSkills(entities?.[0]?.seller?.skills) ? null : `_entities is ${JSON.stringify(entities)}`;
        },
      },
    ];

    log('verifying one response of each path…');
    for (const target of targets) await verify(target);

    const results: Record<string, LoadResult> = {};
    for (const target of targets) {
      log(`measuring ${target.name} (${warmup} s warm-up + ${duration} s)…`);
      results[target.name] = await measure(target);
      const r = results[target.name];
      log(`  ${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, ${errorsOf(r)} errors`);
    }
    const failed = report(results.router, results.auth, results.users);
    return failed > 0 ? 1 : 0;
  } finally {
    await finish();
  }
}

await runBenchmark(main);
