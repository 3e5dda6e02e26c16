import type { ErrorRequestHandler } from 'express';
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
