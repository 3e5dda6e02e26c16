import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { Redis } from 'ioredis';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  print,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode, subscriptionChannel, type Caller, type Logger } from '@jobgraph/kit';
import { filterOperation, type AuthMap } from './auth-directives.js';
import { Authenticator } from './authentication.js';

/**
 * Live subscriptions at the router's `/graphql` over graphql-ws — what stock @apollo/gateway does not do.
 * General, no per-field code: a subscription field `F(args): T` listens on the Redis channel of F and its key
 * (the caller's id for a field without arguments, else the argument values), where subgraphs publish `{ id }`
 * after a commit (packages/kit/src/subscriptions.ts); for each id the router runs the subscriber's own selection as
 * the query `lowerCamel(T)(id)` through the whole supergraph, with the subscriber's identity, so every field of
 * any subgraph can be selected and the owning subgraph decides what the subscriber may see (null → not sent).
 */
export interface SubscriptionOptions {
  httpServer: http.Server;
  path: string;
  schema: () => GraphQLSchema | null;
  authMap: () => AuthMap;
  authenticator: Authenticator;
  redisUrl: string;
  redisPrefix: string;
  /** Runs a query through the router's pipeline (auth directives, gateway) as `caller`. */
  execute: (query: string, variables: Record<string, unknown>, caller: Caller) => Promise<ExecutionResult>;
  log: Logger;
  /** Active subscriptions one socket may hold. */
  maxPerConnection?: number;
  /** Events buffered for a slow subscriber before the oldest are dropped (memory stays bounded). */
  maxBuffered?: number;
}

/** graphql-ws' close code for a refused connection (missing, invalid or expired token). */
export const FORBIDDEN_CLOSE = 4403;

type SocketExtra = {
  caller?: Caller;
  active?: number;
} & Record<PropertyKey, unknown>;

const lowerCamel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** One Redis subscriber connection for the whole router; listeners per channel. */
class ChannelHub {
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  constructor(private readonly redis: Redis) {
    redis.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }
  async listen(channel: string, listener: (message: string) => void): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.redis.subscribe(channel);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        void this.redis.unsubscribe(channel).catch(() => undefined);
      }
    };
  }
}

/** Variables the selection actually uses (the lookup query must not declare unused ones). */
function usedVariables(operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  visit(operation.selectionSet, { Variable: (node) => void used.add(node.name.value) });
  return used;
}

export function serveSubscriptions(options: SubscriptionOptions): { close(): Promise<void> } {
  const maxPerConnection = options.maxPerConnection ?? 20;
  const maxBuffered = options.maxBuffered ?? 100;
  const redis = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  redis.on('error', (err: Error) => options.log.warn({ err: err.message }, 'subscription Redis error'));
  const hub = new ChannelHub(redis);
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  /** When each open socket's access token expires. */
  const expiries = new Map<{ close(code: number, reason: string): void }, number>();

  const refusal = (message: string, code: ErrorCode): ExecutionResult => ({ errors: [new GraphQLError(message, { extensions: { code } })] });

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: () => {
        const schema = options.schema();
        if (!schema) throw new Error('supergraph not loaded');
        return schema;
      },
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = typeof params.authorization === 'string' ? params.authorization : typeof params.token === 'string' ? params.token : '';
        const token = raw.replace(/^Bearer\s+/i, '');
        if (!token) return false;
        try {
          ctx.extra.caller = await options.authenticator.verify(token);
          const [, payload] = token.split('.');
          expiries.set(ctx.extra.socket, Number(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).exp) * 1000);
          ctx.extra.active = 0;
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => ({ caller: ctx.extra.caller, extra: ctx.extra }),
      onClose: (ctx) => {
        expiries.delete(ctx.extra.socket);
      },
      subscribe: (args: ExecutionArgs) => subscribe(args),
      onSubscribe: (ctx) => {
        if ((ctx.extra.active ?? 0) >= maxPerConnection) {
          return [new GraphQLError(`At most ${maxPerConnection} subscriptions per connection.`, { extensions: { code: ErrorCode.RATE_LIMITED } })];
        }
        return undefined;
      },
    },
    wss,
  );

  // The token's lifetime bounds the connection's: when it expires the socket closes with the forbidden code, and
  // the client reconnects with a refreshed token.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, expiresAt] of expiries) {
      if (expiresAt <= now) {
        expiries.delete(socket);
        socket.close(FORBIDDEN_CLOSE, 'Forbidden');
      }
    }
  }, 1_000);
  sweep.unref();

  async function subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as { caller?: Caller };
    const caller = context.caller;
    if (!caller) return refusal('Subscriptions need a signed-in connection.', ErrorCode.UNAUTHENTICATED);
    const operation = getOperationAST(args.document, args.operationName ?? undefined);
    if (!operation || operation.operation !== 'subscription') return refusal('Only subscription operations are served over this socket.', ErrorCode.BAD_USER_INPUT);
    const filtered = filterOperation(args.schema, options.authMap(), args.document, operation, caller);
    if (filtered?.empty) return refusal('You are not allowed to subscribe to this.', filtered.removals[0]?.code ?? ErrorCode.FORBIDDEN);
    // The lookup keeps the subscriber's whole selection: it runs through the same auth-directive filter as any query,
    // which answers a denied field with null and an error at its path (filtering it here would drop it silently).
    const op = operation;
    const document: DocumentNode = args.document;
    const fields = op.selectionSet.selections.filter((s) => s.kind === Kind.FIELD);
    if (fields.length !== 1 || op.selectionSet.selections.length !== 1) return refusal('Subscribe to exactly one field per operation.', ErrorCode.BAD_USER_INPUT);
    const field = fields[0];
    const definition = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!definition) return refusal(`Unknown subscription ${field.name.value}.`, ErrorCode.BAD_USER_INPUT);
    const lookup = lowerCamel(getNamedType(definition.type).name);
    if (!args.schema.getQueryType()?.getFields()[lookup]) {
      options.log.error({ field: field.name.value, lookup }, 'subscription field has no lookup query');
      return refusal(`${field.name.value} cannot be served.`, ErrorCode.INTERNAL);
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const argValues = definition.args.map((a) => {
      const node = field.arguments?.find((n) => n.name.value === a.name)?.value;
      if (!node) return '';
      return node.kind === Kind.VARIABLE ? String(variables[node.name.value] ?? '') : print(node).replace(/^"|"$/g, '');
    });
    const key = definition.args.length === 0 ? caller.userId : argValues.join(':');
    const responseKey = field.alias?.value ?? field.name.value;

    // The lookup query: the subscriber's selection under `lookup(id: $__id)`, with the variables and fragments it uses.
    const used = usedVariables({ ...op, selectionSet: field.selectionSet ?? op.selectionSet });
    const lookupOp: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as OperationDefinitionNode['operation'],
      variableDefinitions: [
        { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: '__id' } }, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } } },
        ...(op.variableDefinitions ?? []).filter((v) => used.has(v.variable.name.value)),
      ],
      selectionSet: {
        kind: Kind.SELECTION_SET,
        selections: [
          {
            kind: Kind.FIELD,
            alias: { kind: Kind.NAME, value: responseKey },
            name: { kind: Kind.NAME, value: lookup },
            arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: '__id' } } }],
            selectionSet: field.selectionSet,
          },
        ],
      },
    };
    const query = print({ kind: Kind.DOCUMENT, definitions: [lookupOp, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] });

    // A bounded queue between Redis and the socket: a slow consumer loses its oldest events, not the router's memory.
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const unlisten = await hub.listen(subscriptionChannel(options.redisPrefix, field.name.value, key), (message) => {
      try {
        const { id } = JSON.parse(message) as { id?: unknown };
        if (typeof id !== 'string') return;
        queue.push(id);
        if (queue.length > maxBuffered) queue.shift();
        wake?.();
      } catch {
        // not ours
      }
    });
    const extra = (args.contextValue as { extra?: SocketExtra }).extra;
    if (extra) extra.active = (extra.active ?? 0) + 1;
    let cleanedUp = false;
    const cleanUp = () => {
      if (cleanedUp) return;
      cleanedUp = true;
      done = true;
      unlisten();
      if (extra) extra.active = (extra.active ?? 1) - 1;
      wake?.();
    };

    // A hand-written iterator, so that `return()` (the client unsubscribed, or the socket closed) ends a wait at once.
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        while (!done) {
          const id = queue.shift();
          if (id === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          const result = await options.execute(query, { ...variables, __id: id }, caller);
          const value = (result.data as Record<string, unknown> | null | undefined)?.[responseKey];
          if (value === null || value === undefined) continue; // not visible to this subscriber
          return { done: false, value: { data: { [responseKey]: value }, ...(result.errors?.length ? { errors: result.errors } : {}) } };
        }
        return { done: true, value: undefined };
      },
      async return() {
        cleanUp();
        return { done: true, value: undefined };
      },
    };
    return iterator;
  }

  return {
    async close() {
      clearInterval(sweep);
      await server.dispose();
      wss.close();
      redis.disconnect();
    },
  };
}
