import type { NextFunction, Request, Response } from 'express';
import { newId } from '@jobgraph/kit';

export const CORRELATION_HEADER = 'x-correlation-id';
/** A forwarded id is kept only if it is short and plain, so logs cannot be injected through it. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Takes the caller's `x-correlation-id` (or makes one), stores it on `res.locals` and returns it in the response. */
export function correlationId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers[CORRELATION_HEADER];
    const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : newId();
    res.locals.correlationId = id;
    res.setHeader(CORRELATION_HEADER, id);
    next();
  };
}
