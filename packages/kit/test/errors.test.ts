import { describe, expect, it, vi } from 'vitest';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { BadUserInputError, ErrorCode, NotFoundError, RateLimitedError, formatError } from '@jobgraph/kit';

/** What Apollo Server hands formatError: the formatted error plus the original. */
function formatted(error: GraphQLError, stacktrace = true): GraphQLFormattedError {
  const out = error.toJSON();
  return stacktrace ? { ...out, extensions: { ...out.extensions, stacktrace: ['Error: x', '    at /srv/app/dist/x.js:1:1'] } } : out;
}

describe('formatError', () => {
  it('passes catalog errors through with their message, field and path, but never a stack trace', () => {
    const error = new BadUserInputError('input.email', 'Email must be a valid address such as name@example.com.');
    const onInternal = vi.fn();
    const out = formatError({ ...formatted(error), path: ['signUp'] }, error, onInternal);
    expect(out.message).toBe('Email must be a valid address such as name@example.com.');
    expect(out.path).toEqual(['signUp']);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect(onInternal).not.toHaveBeenCalled();
  });

  it('keeps catalog extras such as retryAfterSeconds', () => {
    const error = new RateLimitedError('Too many attempts.', 30);
    expect(formatError(formatted(error), error).extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    const missing = new NotFoundError('No such gig.');
    expect(formatError(formatted(missing), missing).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('tells the client a malformed query is its own input (BAD_USER_INPUT), keeping the reason and location', () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const onInternal = vi.fn();
    const out = formatError({ ...formatted(error), locations: [{ line: 1, column: 3 }] }, error, onInternal);
    expect(out.message).toBe('Cannot query field "nope" on type "Query".');
    expect(out.locations).toEqual([{ line: 1, column: 3 }]);
    expect(out.extensions).toEqual({ code: ErrorCode.BAD_USER_INPUT, reason: 'GRAPHQL_VALIDATION_FAILED' });
    expect(onInternal).not.toHaveBeenCalled();
  });

  it('hides an unexpected failure behind INTERNAL, without its SQL, and hands the original to the logger', () => {
    const original = new Error('duplicate key value violates unique constraint "user_email_unique" (insert into "user" ...)');
    const wrapped = new GraphQLError(original.message, { originalError: original, path: ['signUp'] });
    const onInternal = vi.fn();
    const out = formatError({ ...formatted(wrapped), path: ['signUp'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, wrapped, onInternal);

    expect(out.extensions).toEqual({ code: 'INTERNAL' });
    expect(out.path).toEqual(['signUp']);
    expect(out.message).not.toContain('duplicate key');
    expect(JSON.stringify(out)).not.toMatch(/insert into|user_email_unique|stacktrace/);
    expect(out.message).toMatch(/went wrong/i);
    // The logger receives the unwrapped original, with the detail an engineer needs.
    expect(onInternal).toHaveBeenCalledTimes(1);
    expect(onInternal).toHaveBeenCalledWith(original);
  });

  it('treats an error whose code is outside the catalog as INTERNAL', () => {
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.7:5432', { extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } });
    const onInternal = vi.fn();
    const out = formatError(formatted(error), error, onInternal);
    expect(out.extensions).toEqual({ code: 'INTERNAL' });
    expect(JSON.stringify(out)).not.toContain('10.0.0.7');
    expect(onInternal).toHaveBeenCalledTimes(1);
  });
});
