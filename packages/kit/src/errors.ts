import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/** The one error-code catalog (DESIGN.md §5). Every GraphQL error a client sees carries one of these. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** A failure the caller can act on; its message is shown to the client as is. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'You must be signed in to do this.', extra: Record<string, unknown> = {}) {
    super(ErrorCode.UNAUTHENTICATED, message, extra);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', extra: Record<string, unknown> = {}) {
    super(ErrorCode.FORBIDDEN, message, extra);
  }
}
/** Bad input: always name the offending field so a form can show the message beside it. */
export class BadUserInputError extends AppError {
  constructor(field: string, message: string) {
    super(ErrorCode.BAD_USER_INPUT, message, { field });
  }
}
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ErrorCode.NOT_FOUND, message);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(ErrorCode.CONFLICT, message, extra);
  }
}
export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}
export class UnavailableError extends AppError {
  constructor(message: string) {
    super(ErrorCode.UNAVAILABLE, message);
  }
}

const CATALOG = new Set<string>(Object.values(ErrorCode));
/** Codes graphql-js / Apollo Server produce for malformed operations: all are the client's input. */
const INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo Server `formatError`: keeps catalog errors, maps the server's own input codes to BAD_USER_INPUT,
 * and hides everything else behind INTERNAL so no stack, SQL or host name reaches a client.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal?: (error: unknown) => void,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CATALOG.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (typeof code === 'string' && INPUT_CODES.has(code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: code } };
  }
  onInternal?.(unwrapResolverError(error));
  return {
    message: 'Something went wrong on our side; it has been logged.',
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL },
  };
}
