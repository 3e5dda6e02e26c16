// Checks docker-compose.yml against the code it runs: the service list, ports, env schemas and start order come from
// the workspace packages, so a new subgraph, a renamed variable or a changed port fails here, not in someone's
// `docker compose up`. No Docker engine is needed: the file is only parsed.
import { existsSync, readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { assertProductionSafe, loadConfig } from '@jobgraph/kit';
import { SUBGRAPHS, authEnv, usersEnv, gigsEnv, notificationsEnv, ordersEnv, chatEnv, reviewsEnv, routerEnv } from '@jobgraph/stack';

type EnvShape = Parameters<typeof loadConfig>[0];
type Env = Record<string, string | undefined>;

interface ComposeService {
  command?: string | string[];
  ports?: (string | number | { target: number | string; published?: number | string })[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

const composeUrl = new URL('../../docker-compose.yml', import.meta.url);
const repoRoot = new URL('../../', import.meta.url);
// `merge: true` resolves the `<<: *anchor` merge keys the file uses, as Docker Compose does.
const compose = parse(readFileSync(composeUrl, 'utf8'), { merge: true }) as { services?: Record<string, ComposeService> };
const services = compose.services ?? {};

/** The env schema each service loads at start-up. A new subgraph must be added here (a test below says so). */
const ENV_SCHEMAS: Record<string, EnvShape> = { auth: authEnv, users: usersEnv, gigs: gigsEnv, notifications: notificationsEnv, orders: ordersEnv, chat: chatEnv, reviews: reviewsEnv, router: routerEnv };
const INFRA = ['postgres', 'redis', 'rabbitmq'];
/** Which infrastructure service each subgraph URL variable must point at. */
const INFRA_URLS: Record<string, string> = { DATABASE_URL: 'postgres', REDIS_URL: 'redis', AMQP_URL: 'rabbitmq' };

const subgraphNames: string[] = SUBGRAPHS.map((s) => s.name);
const appServices = [...subgraphNames, 'router'];
const defaultPortOf = (name: string): number =>
  name === 'router' ? (routerEnv.ROUTER_PORT.parse(undefined) as number) : SUBGRAPHS.find((s) => s.name === name)!.defaultPort;
const portVar = (name: string) => `${name.toUpperCase()}_PORT`;
const hostVar = (name: string) => (name === 'router' ? 'ROUTER_HOST' : 'SUBGRAPH_HOST');
const subgraphUrlVar = (name: string) => `SUBGRAPH_${name.toUpperCase()}_URL`;

function service(name: string): ComposeService {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/**
 * Replaces `${VAR:-default}`, `${VAR-default}`, `${VAR}` and `$VAR` the way Compose does when the shell sets none of
 * them (the out-of-the-box `docker compose up`); `$$` is a literal `$`.
 */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, _name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      return op === ':-' || op === '-' ? (arg ?? '') : '';
    },
  );
}

/** The service's `environment` as written (mapping or `KEY=value` list); a bare key (taken from the shell) is undefined. */
function rawEnv(name: string): Env {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, undefined] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]));
}

/** The environment the container gets with nothing set in the shell. */
function resolvedEnv(name: string): Env {
  return Object.fromEntries(Object.entries(rawEnv(name)).map(([k, v]) => [k, v === undefined ? undefined : interpolate(v)]));
}

/** The service's configuration as it will load it in the container (schema defaults included). */
function configOf(name: string): Record<string, unknown> {
  return loadConfig(ENV_SCHEMAS[name], resolvedEnv(name)) as Record<string, unknown>;
}

/** One setting as the service reads it (default included), so a bad value elsewhere fails only its own test. */
function setting(name: string, key: string): unknown {
  const config = loadConfig({ [key]: ENV_SCHEMAS[name][key] }, { [key]: resolvedEnv(name)[key] }) as Record<string, unknown>;
  return config[key];
}

/** `ports` entries (short `[ip:]published:target[/proto]` or long syntax) as numbers. */
function portMappings(name: string): { published?: number; target: number }[] {
  return (service(name).ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      return { target: Number(entry.target), published: entry.published === undefined ? undefined : Number(interpolate(String(entry.published))) };
    }
    const parts = interpolate(String(entry)).replace(/\/\w+$/, '').split(':');
    const target = Number(parts.at(-1));
    const published = parts.length >= 2 && parts.at(-2) !== '' ? Number(parts.at(-2)) : undefined;
    return { target, published };
  });
}

function dependsOn(name: string): Record<string, string | undefined> {
  const deps = service(name).depends_on ?? {};
  // The short (list) form only waits for the container to start, not for it to be healthy.
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v?.condition ?? 'service_started']));
}

describe('docker-compose.yml', () => {
  it('has a service for every subgraph and the router, or `docker compose up` serves an incomplete supergraph', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(appServices));
  });

  it('knows the env schema of every service (add a new subgraph to ENV_SCHEMAS in this test)', () => {
    expect(Object.keys(ENV_SCHEMAS)).toEqual(expect.arrayContaining(appServices));
  });

  it.each(appServices)('%s runs its own entry point, not a copy-pasted one that starts another service', (name) => {
    const command = service(name).command;
    const args = Array.isArray(command) ? command : (command ?? '').split(/\s+/);
    const dir = name === 'router' ? 'router' : `subgraphs/${name}`;
    expect(args, `${name}: command`).toContain(`${dir}/dist/main.js`);
    expect(existsSync(new URL(`${dir}/src/main.ts`, repoRoot)), `${dir}/src/main.ts exists`).toBe(true);
  });

  it.each(appServices)('%s is published on its default port, where clients and the checked-in supergraph expect it', (name) => {
    const listening = setting(name, portVar(name));
    expect(portMappings(name), `${name}: ports (the service listens on ${String(listening)} inside its container)`).toContainEqual({
      published: defaultPortOf(name),
      target: listening,
    });
  });

  it.each(appServices)('%s listens on 0.0.0.0, or its published port and the other containers cannot reach it', (name) => {
    expect(setting(name, hostVar(name)), `${name}: ${hostVar(name)}`).toBe('0.0.0.0');
  });

  it.each(appServices)('%s has a healthcheck on its own /health, or nothing waiting on it ever starts', (name) => {
    const check = service(name).healthcheck;
    expect(check?.test, `${name}: healthcheck.test`).toBeDefined();
    expect(check?.disable ?? false, `${name}: healthcheck.disable`).toBe(false);
    const test = [check!.test!].flat().join(' ');
    expect(test, `${name}: healthcheck`).not.toMatch(/^NONE\b/);
    expect(test, `${name}: healthcheck must probe the port it listens on`).toContain(`:${String(setting(name, portVar(name)))}/health`);
  });

  it.each(subgraphNames)('%s waits for healthy postgres, redis and rabbitmq, or it crashes connecting at start-up', (name) => {
    const deps = dependsOn(name);
    for (const infra of INFRA) {
      expect(services[infra], `service ${infra}`).toBeDefined();
      expect(services[infra].healthcheck?.test, `${infra}: healthcheck (service_healthy needs one)`).toBeDefined();
      expect(deps[infra], `${name}: depends_on.${infra}.condition`).toBe('service_healthy');
    }
  });

  it.each(subgraphNames)('%s reaches postgres, redis and rabbitmq by service name, not 127.0.0.1 of its own container', (name) => {
    const env = resolvedEnv(name);
    for (const [variable, infra] of Object.entries(INFRA_URLS)) {
      expect(env[variable], `${name}: ${variable}`).toBeDefined();
      expect(new URL(env[variable]!).hostname, `${name}: host of ${variable}`).toBe(infra);
    }
  });

  it('router waits for every subgraph to be healthy, or its first queries fail', () => {
    const deps = dependsOn('router');
    for (const name of subgraphNames) expect(deps[name], `router: depends_on.${name}.condition`).toBe('service_healthy');
  });

  it('router fetches every subgraph from its compose service, not the 127.0.0.1 URL in the supergraph', () => {
    const env = resolvedEnv('router');
    for (const name of subgraphNames) {
      const value = env[subgraphUrlVar(name)];
      expect(value, `router: ${subgraphUrlVar(name)}`).toBeDefined();
      const url = new URL(value!);
      expect({ host: url.hostname, port: url.port, path: url.pathname }, `router: ${subgraphUrlVar(name)}`).toEqual({
        host: name,
        port: String(setting(name, portVar(name))),
        path: '/graphql',
      });
    }
  });

  it.each(appServices)('%s sets only variables it reads, since a misspelt one is silently ignored', (name) => {
    const known = new Set([...Object.keys(ENV_SCHEMAS[name] ?? {}), 'APOLLO_TELEMETRY_DISABLED']);
    // Only the router reads SUBGRAPH_<NAME>_URL (its per-subgraph URL overrides).
    if (name === 'router') for (const s of subgraphNames) known.add(subgraphUrlVar(s));
    const unknown = Object.keys(rawEnv(name)).filter((key) => !known.has(key));
    expect(unknown, `${name}: variables no code reads`).toEqual([]);
  });

  it.each(appServices)('%s starts with its environment, instead of exiting with a configuration error', (name) => {
    expect(() => {
      const config = configOf(name) as { NODE_ENV: string; INTERNAL_TOKEN_SECRET: string };
      assertProductionSafe(config);
    }).not.toThrow();
  });

  it.each(appServices)('%s turns off Apollo telemetry, so nothing phones home', (name) => {
    expect(resolvedEnv(name).APOLLO_TELEMETRY_DISABLED, `${name}: APOLLO_TELEMETRY_DISABLED`).toBe('1');
  });

  it('sets one INTERNAL_TOKEN_SECRET for all services, or every subgraph refuses the router with 401', () => {
    const secrets = Object.fromEntries(appServices.map((name) => [name, rawEnv(name).INTERNAL_TOKEN_SECRET]));
    for (const [name, secret] of Object.entries(secrets)) expect(secret, `${name}: INTERNAL_TOKEN_SECRET`).toBeDefined();
    expect(new Set(Object.values(secrets)).size, `INTERNAL_TOKEN_SECRET per service: ${JSON.stringify(secrets)}`).toBe(1);
  });
});
