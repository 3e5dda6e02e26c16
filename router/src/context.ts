import type { Response } from 'express';
import type { Caller } from '@jobgraph/kit';

/** What the router knows about one request; subgraph fetches are signed from it. */
export interface RouterContext {
  caller: Caller | null;
  correlationId: string;
  clientIp: string | null;
  cookieHeader: string | null;
  userAgent: string | null;
  /** The client's Idempotency-Key header, passed on to subgraphs (money-moving mutations need it). */
  idempotencyKey?: string | null;
  res: Response | null;
}
