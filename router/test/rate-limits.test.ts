import { describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { createLogger } from '@jobgraph/kit';
import { rateLimitedError, rateLimits } from '@jobgraph/router';

const caller = { userId: 'u1', username: 'ada', roles: [], scopes: [], sessionId: null };

describe('rate limits', () => {
  it('fails open while Redis is unreachable, with one log line for the outage', async () => {
    const log = createLogger('router-test', 'silent');
    const warn = vi.spyOn(log, 'warn');
    // Nothing listens on port 1: every count fails at once (no offline queue).
    const limits = rateLimits({ userPerMinute: 1, ipPerMinute: 1, redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'test:', log });
    for (let i = 0; i < 5; i++) {
      await expect(limits.check(caller, '10.0.0.1')).resolves.toBeUndefined();
      await expect(limits.check(null, '10.0.0.1')).resolves.toBeUndefined();
    }
    const failOpenLines = warn.mock.calls.filter((c) => String(c[1]).includes('failing open'));
    expect(failOpenLines).toHaveLength(1);
    await limits.close();
  });

  it('does nothing (not even connect) when both limits are 0', async () => {
    const limits = rateLimits({ userPerMinute: 0, ipPerMinute: 0, redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'test:', log: createLogger('router-test', 'silent') });
    await expect(limits.check(caller, null)).resolves.toBeUndefined();
    await limits.close();
  });

  it('refuses with RATE_LIMITED, retryAfterSeconds and a 429 with Retry-After', () => {
    const error = rateLimitedError(12, 'ip', 300);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('Too many requests: at most 300 per minute per IP address; retry in 12s.');
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfterSeconds).toBe(12);
    const http = error.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('12');
  });
});
