import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, baseEnv, bool, csv, loadConfig, port, serviceDatabaseUrl } from '@jobgraph/kit';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts on a developer machine with no variables set, using the local defaults', () => {
    const config = loadConfig(baseEnv, {});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:6379',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      INTERNAL_TOKEN_SECRET: 'dev-only-internal-secret-change-me-0123456789',
    });
  });

  it('takes the values that are set over the defaults', () => {
    const config = loadConfig(baseEnv, { LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://db.internal:5433/app', INTERNAL_TOKEN_SECRET: 's'.repeat(32) });
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.DATABASE_URL).toBe('postgres://db.internal:5433/app');
    expect(config.INTERNAL_TOKEN_SECRET).toBe('s'.repeat(32));
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every bad variable in one error, so an operator fixes them all in one go', () => {
    const error = configError(() =>
      loadConfig(baseEnv, { DATABASE_URL: 'not a url', INTERNAL_TOKEN_SECRET: 'short', LOG_LEVEL: 'loud' }),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.problems.find((p) => p.startsWith('DATABASE_URL:'))).toBeDefined();
    expect(error.problems.find((p) => p.startsWith('INTERNAL_TOKEN_SECRET:'))).toContain('at least 32 characters');
    expect(error.problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    // The message itself lists them, for a start-up log line.
    for (const name of ['DATABASE_URL', 'INTERNAL_TOKEN_SECRET', 'LOG_LEVEL']) expect(error.message).toContain(name);
    // The secret's bad value is not echoed into logs.
    expect(error.message).not.toContain('short');
  });

  it('reports a required variable without a default as missing, alongside invalid ones', () => {
    const shape = { ...baseEnv, JWT_ISSUER: z.string().min(1), AUTH_PORT: port(4001) };
    const error = configError(() => loadConfig(shape, { AUTH_PORT: '70000' }));
    expect(error.problems).toHaveLength(2);
    expect(error.problems.find((p) => p.startsWith('JWT_ISSUER:'))).toMatch(/required but missing/);
    expect(error.problems.find((p) => p.startsWith('AUTH_PORT:'))).not.toMatch(/missing/);
  });

  it('parses ports, booleans and comma lists from their string form', () => {
    const shape = { P: port(4000), FLAG: bool(false), ON: bool(true), ORIGINS: csv };
    expect(loadConfig(shape, { P: '0', FLAG: 'yes', ORIGINS: 'http://a, http://b,,' })).toEqual({
      P: 0,
      FLAG: true,
      ON: true,
      ORIGINS: ['http://a', 'http://b'],
    });
    expect(loadConfig({ P: port(4000) }, {}).P).toBe(4000);
    expect(configError(() => loadConfig({ FLAG: bool(false) }, { FLAG: 'maybe' })).problems[0]).toMatch(/^FLAG:/);
  });
});

describe('serviceDatabaseUrl', () => {
  it('gives each subgraph its own database on the shared server', () => {
    expect(serviceDatabaseUrl('users', { DATABASE_URL: 'postgres://app:pw@db:5432/postgres?sslmode=disable' })).toBe(
      'postgres://app:pw@db:5432/jobgraph_users?sslmode=disable',
    );
  });

  it('uses <NAME>_DATABASE_URL when it is set', () => {
    const env = { DATABASE_URL: 'postgres://db/postgres', AUTH_DATABASE_URL: 'postgres://auth-db/identity' };
    expect(serviceDatabaseUrl('auth', env)).toBe('postgres://auth-db/identity');
    expect(serviceDatabaseUrl('users', env)).toBe('postgres://db/jobgraph_users');
    expect(serviceDatabaseUrl('auth', { ...env, AUTH_DATABASE_URL: '' })).toBe('postgres://db/jobgraph_auth');
  });
});
