import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode } from '@jobgraph/kit';

/**
 * Turns body-parser failures into GraphQL-shaped errors: an oversized body is refused from its Content-Length
 * (or as it streams past the limit) before any parsing, with 413.
 */
export function bodyErrors(maxBytes: number): ErrorRequestHandler {
  return (err: { type?: string; status?: number }, _req, res, next) => {
    if (err?.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `The request body is larger than the ${maxBytes} bytes allowed.`, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'PAYLOAD_TOO_LARGE' } }] });
      return;
    }
    if (err?.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
      return;
    }
    next(err);
  };
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

/**
 * Refuses a NUL character anywhere in the operation or its variables: no JobGraph text may hold one, and
 * PostgreSQL rejects it, which would otherwise surface as INTERNAL from whichever subgraph stores the text.
 */
export function rejectNulCharacters(): RequestHandler {
  return (req, res, next) => {
    if (containsNul(req.body) || containsNul(req.query)) {
      res.status(400).json({ errors: [{ message: 'Text must not contain NUL characters (\\u0000).', extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
      return;
    }
    next();
  };
}
