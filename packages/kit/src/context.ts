import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Logger } from './logger.js';
import type { Caller } from './internal-token.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';
import { EventRecorder } from './events/outbox.js';

/** The per-request context every subgraph resolver receives. `services` is the subgraph's own. */
export interface SubgraphContext<TServices = unknown> {
  /** The subgraph's name; also the producer of the events it records. */
  service: string;
  caller: Caller | null;
  correlationId: string;
  clientIp: string | null;
  log: Logger;
  /** A request-scoped entity manager (identity map per request). */
  em: EntityManager;
  services: TServices;
  req: Request;
  res: Response;
  /** Request-scoped memo for DataLoaders, keyed by loader name. */
  loaders: Map<string, unknown>;
}

/** The caller, or UNAUTHENTICATED. The router already enforces @authenticated; this guards the subgraph's own logic. */
export function requireCaller(ctx: { caller: Caller | null }): Caller {
  if (!ctx.caller) throw new UnauthenticatedError();
  return ctx.caller;
}

export function isAdmin(caller: Caller | null): boolean {
  return !!caller && caller.roles.includes('admin');
}

/** The caller must be `userId` themself or an admin. */
export function requireSelfOrAdmin(ctx: { caller: Caller | null }, userId: string): Caller {
  const caller = requireCaller(ctx);
  if (caller.userId !== userId && !isAdmin(caller)) throw new ForbiddenError();
  return caller;
}

/** An outbox bound to `em` (the transaction that makes the change), carrying the request's correlation id. */
export function eventsOf(ctx: { service: string; correlationId: string }, em: EntityManager): EventRecorder {
  return new EventRecorder(ctx.service, em, { correlationId: ctx.correlationId });
}

/** Reads one cookie from the request (the router forwards the client's Cookie header). */
export function cookieOf(req: Pick<Request, 'headers'>, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
