import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode, INTERNAL_TOKEN_HEADER, signInternalToken } from '@jobgraph/kit';
import type { RouterContext } from '../context.js';
import { RESILIENCE_DEFAULTS, SubgraphResilience, isRepeatable } from './resilience.js';

type SendOptions = Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>['willSendRequest']>>[0];
type ReceiveOptions = Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>['didReceiveResponse']>>[0];

/**
 * The router's side of the subgraph trust boundary: every fetch carries a short-lived token signed for that
 * subgraph (caller, roles, scopes, correlation id, client IP), plus the correlation id, the client's cookies and
 * Idempotency-Key;
 * cookies a subgraph sets (auth's session cookies) are passed back to the client.
 */
export class InternalTokenDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly secret: string,
    /** Time budget, retries and circuit breaker of this subgraph's fetches (resilience.ts). */
    private readonly resilience: SubgraphResilience = new SubgraphResilience(subgraph, RESILIENCE_DEFAULTS),
  ) {
    // Node's own fetch (undici, pooled keep-alive connections) instead of the gateway's default make-fetch-happen,
    // whose HTTP-cache layer costs CPU on every fetch and buys nothing for POSTed GraphQL (bench/README.md).
    super({ url, fetcher: resilience.timed(fetch as unknown as Fetcher) });
  }

  override async willSendRequest({ request, context }: SendOptions): Promise<void> {
    const headers = request.http?.headers;
    if (!headers) return;
    const correlationId = context.correlationId ?? 'router';
    headers.set(
      INTERNAL_TOKEN_HEADER,
      await signInternalToken(this.secret, this.subgraph, {
        caller: context.caller ?? null,
        correlationId,
        clientIp: context.clientIp ?? null,
      }),
    );
    headers.set('x-correlation-id', correlationId);
    if (context.cookieHeader) headers.set('cookie', context.cookieHeader);
    if (context.userAgent) headers.set('x-client-user-agent', context.userAgent);
    if (context.idempotencyKey) headers.set('idempotency-key', context.idempotencyKey);
  }

  /**
   * A subgraph that cannot be reached (or timed out, or whose circuit is open) is an outage (UNAVAILABLE), not a bug:
   * the other subgraphs' data still returns.
   */
  override async process(options: Parameters<RemoteGraphQLDataSource<RouterContext>['process']>[0]): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    try {
      return await this.resilience.run(() => super.process(options), isRepeatable(options));
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      throw new GraphQLError(`The ${this.subgraph} service is unavailable right now; the fields it serves are missing from this response.`, {
        extensions: { code: ErrorCode.UNAVAILABLE, serviceName: this.subgraph },
      });
    }
  }

  override async didReceiveResponse(options: ReceiveOptions): Promise<ReceiveOptions['response']> {
    const { response, context } = options;
    const headers = options.request.http ? (response.http?.headers as unknown as { raw?: () => Record<string, string[]>; getSetCookie?: () => string[] }) : undefined;
    const cookies = headers?.getSetCookie?.() ?? headers?.raw?.()['set-cookie'] ?? [];
    if (cookies.length > 0 && context.res) {
      for (const cookie of cookies) context.res.append('set-cookie', cookie);
    }
    return response;
  }
}

export type { GraphQLDataSourceProcessOptions };
