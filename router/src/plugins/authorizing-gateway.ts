import { createHash } from 'node:crypto';
import { GraphQLError, print } from 'graphql';
import type { ApolloGateway } from '@apollo/gateway';
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import type { Caller } from '@jobgraph/kit';
import { applyRemovals, describeRefusal, filterOperation, type AuthMap } from './auth-directives.js';

/**
 * Wraps @apollo/gateway so every operation is filtered by the auth directives before the query planner sees it.
 * The filtered operation gets its own query hash, so cached plans never leak between callers with other rights.
 */
export class AuthorizingGateway implements GatewayInterface {
  constructor(
    private readonly inner: ApolloGateway,
    private readonly authMap: () => AuthMap,
    private readonly callerOf: (context: Record<string, unknown>) => Caller | null,
  ) {}

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const { executor } = await this.inner.load(options);
    return { executor: executor ? this.wrap(executor) : null };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    return this.inner.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  private wrap(executor: GatewayExecutor): GatewayExecutor {
    return async (requestContext) => {
      const caller = this.callerOf(requestContext.context);
      const filtered = filterOperation(requestContext.schema, this.authMap(), requestContext.document, requestContext.operation, caller);
      if (!filtered) return executor(requestContext);
      const makeError = (message: string, path: (string | number)[], code: string, coordinate: string) =>
        new GraphQLError(message, { path, extensions: { code, denied: coordinate } });
      if (filtered.empty) {
        // Nothing the caller may run: refused here, no subgraph is called.
        const { message, code } = describeRefusal(filtered.removals);
        return { data: null, errors: [new GraphQLError(message, { extensions: { code } }), ...applyRemovals(null, filtered.removals, makeError)] };
      }
      const source = print(filtered.document);
      const result = await executor({
        ...requestContext,
        document: filtered.document,
        operation: filtered.operation,
        source,
        queryHash: createHash('sha256').update(source).digest('hex'),
      });
      const data = (result.data ?? null) as Record<string, unknown> | null;
      const errors = applyRemovals(data, filtered.removals, makeError);
      return { ...result, errors: [...(result.errors ?? []), ...errors] };
    };
  }
}
