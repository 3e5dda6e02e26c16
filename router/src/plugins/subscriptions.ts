import type http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { Redis } from 'ioredis';
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isListType,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { ErrorCode, subscriptionChannel, type Caller, type Logger } from '@jobgraph/kit';
import { filterOperation, type AuthMap } from './auth-directives.js';
import { Authenticator } from './authentication.js';
import type { QueryLimits } from './query-limits.js';
import { PresenceTracker } from './presence.js';

/**
 * Live subscriptions at the router's `/graphql` over graphql-ws — what stock @apollo/gateway does not do.
 * General, no per-field code. For a subscription field `F(args): T` declared by any subgraph:
 *
 * 1. **Connection**: the socket authenticates once with `connectionParams.authorization` (`Bearer <access token>`);
 *    a missing or invalid token, or one that expires while connected, closes it with 4403. Frames larger than
 *    `maxPayloadBytes` close it too (ws' 1009).
 * 2. **Subscribe-time authorization** (before anything is listened to; a refusal is a graphql-ws `error` message):
 *    the operation goes through the `@authenticated` / `@requiresScopes` filter like any query; then every argument
 *    of F named `<x>Id` (type ID) or `<x>Ids` (list of ID) must name something the subscriber can load with the query
 *    field `<x>(id:)` — `messageAdded(conversationId)` needs `conversation(id)` non-null for the subscriber, so a
 *    non-participant is refused with NOT_FOUND naming the argument. The owning subgraph's own rule decides; a missing
 *    `<x>` query refuses (fails closed). All ids are checked in one query through the supergraph.
 * 3. **Channels**: the router listens on `<REDIS_PREFIX>subscriptions:<F>:<key>`. Without arguments the key is the
 *    subscriber's user id ("mine"); otherwise the argument values joined by `:` in declared order, where a list
 *    argument gives one channel per element (`presenceChanged(userIds: [a, b])` listens on `…:a` and `…:b`; at most
 *    `maxChannelsPerSubscription`).
 * 4. **Events**: subgraphs publish `{ "id": … }` there after a commit (packages/kit/src/subscriptions.ts); for each,
 *    the router runs the subscriber's own selection as the query `<lowerCamel T>(id)` through the whole supergraph,
 *    as the subscriber, so fields of any subgraph can be selected and the owning subgraph decides what the subscriber
 *    may see (a null answer is not sent).
 * 5. **Limits**: at most `maxPerConnection` subscriptions per socket (RATE_LIMITED beyond); each subscription buffers
 *    at most `maxBuffered` ids for a slow consumer, dropping the oldest, so memory stays bounded.
 * 6. **Presence** (optional, ./presence.ts): each accepted socket counts its user online; transitions are announced
 *    on the channel of `presence.field` keyed by user id, like any subgraph event.
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
  /** Channels one subscription may listen on (elements of its list arguments). */
  maxChannelsPerSubscription?: number;
  /** Largest WebSocket frame accepted from a client. */
  maxPayloadBytes?: number;
  /** Track who is online (see presence.ts); off when absent. */
  presence?: { ttlMs: number; field?: string };
  /** The same operation limits as queries (./query-limits.ts): parse options and every validation rule. */
  queryLimits?: Pick<QueryLimits, 'parseOptions' | 'allRules'>;
}

/** graphql-ws' close code for a refused connection (missing, invalid or expired token). */
export const FORBIDDEN_CLOSE = 4403;

export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
export const DEFAULT_MAX_BUFFERED = 100;
export const DEFAULT_MAX_CHANNELS_PER_SUBSCRIPTION = 100;
export const DEFAULT_MAX_PAYLOAD_BYTES = 65_536;

/** What a subscription needs once admitted: computed in onSubscribe, used by `subscribe`. */
interface SubscriptionPlan {
  channels: string[];
  /** The lookup query: the subscriber's selection under `<lookup>(id: $__id)`. */
  query: string;
  variables: Record<string, unknown>;
  responseKey: string;
}

type SocketExtra = {
  caller?: Caller;
  active?: number;
} & Record<PropertyKey, unknown>;

interface SubscriptionContext {
  caller: Caller;
  extra: SocketExtra;
  plan: SubscriptionPlan;
}

/**
 * ws reports a frame over `maxPayload` as an 'error' on the socket (after closing it with 1009), and graphql-ws prints
 * every socket error with console.error: a client could fill the logs. Such errors are the client's, and the close
 * already tells them; they are not re-emitted.
 */
class LimitedWebSocket extends WebSocket {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && (args[0] as { code?: unknown } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return true;
    return super.emit(event, ...args);
  }
}

const lowerCamel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** One Redis subscriber connection for the whole router; listeners per channel. */
class ChannelHub {
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  /** Redis's confirmation of each channel's SUBSCRIBE: every listener of the channel waits for it, not only the first. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
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
      this.subscribed.set(channel, this.redis.subscribe(channel));
    }
    set.add(listener);
    const stop = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        this.subscribed.delete(channel);
        void this.redis.unsubscribe(channel).catch(() => undefined);
      }
    };
    try {
      await this.subscribed.get(channel);
    } catch (err) {
      stop();
      throw err;
    }
    return stop;
  }
}

/** Variables the selection actually uses (the lookup query must not declare unused ones). */
function usedVariables(operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  visit(operation.selectionSet, { Variable: (node) => void used.add(node.name.value) });
  return used;
}

/** An argument value as it appears in a channel key. */
function keyPart(value: unknown): string {
  return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The channel keys of one subscription: the caller's id without arguments; else the argument values joined by `:`
 * in declared order, one key per combination of list elements (duplicates removed).
 */
export function subscriptionKeys(args: readonly Pick<GraphQLArgument, 'name'>[], values: Record<string, unknown>, callerId: string): string[] {
  if (args.length === 0) return [callerId];
  let keys: string[][] = [[]];
  for (const arg of args) {
    const value = values[arg.name];
    const parts = Array.isArray(value) ? [...new Set(value.map(keyPart))] : [keyPart(value)];
    keys = keys.flatMap((prefix) => parts.map((part) => [...prefix, part]));
  }
  return [...new Set(keys.map((k) => k.join(':')))];
}

export interface OwnershipCheck {
  /** The argument, e.g. `conversationId`. */
  argument: string;
  /** The query field that must load each id for the subscriber, e.g. `conversation`. */
  lookup: string;
  id: string;
}

/** The `<x>Id` / `<x>Ids` arguments of type ID (or [ID]) and the `<x>(id)` lookups that must succeed for each value. */
export function ownershipChecks(args: readonly Pick<GraphQLArgument, 'name' | 'type'>[], values: Record<string, unknown>): OwnershipCheck[] {
  const checks: OwnershipCheck[] = [];
  for (const arg of args) {
    const m = /^(.+?)Ids?$/.exec(arg.name);
    if (!m || getNamedType(arg.type).name !== 'ID') continue;
    const plural = arg.name.endsWith('Ids');
    if (plural !== isListType(getNullableType(arg.type))) continue;
    const value = values[arg.name];
    const ids = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    for (const id of new Set(ids.map(keyPart))) checks.push({ argument: arg.name, lookup: m[1], id });
  }
  return checks;
}

const refusal = (message: string, code: ErrorCode, extensions: Record<string, unknown> = {}): GraphQLError[] => [
  new GraphQLError(message, { extensions: { code, ...extensions } }),
];

export function serveSubscriptions(options: SubscriptionOptions): { close(): Promise<void>; presence: PresenceTracker | null } {
  const maxPerConnection = options.maxPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  const maxChannels = options.maxChannelsPerSubscription ?? DEFAULT_MAX_CHANNELS_PER_SUBSCRIPTION;
  // One connection in subscriber mode (it can do nothing else) and one for commands (presence).
  const redis = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  redis.on('error', (err: Error) => options.log.warn({ err: err.message }, 'subscription Redis error'));
  const hub = new ChannelHub(redis);
  let commands: Redis | null = null;
  let presence: PresenceTracker | null = null;
  if (options.presence) {
    commands = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    commands.on('error', (err: Error) => options.log.warn({ err: err.message }, 'presence Redis error'));
    presence = new PresenceTracker({ redis: commands, prefix: options.redisPrefix, log: options.log, ttlMs: options.presence.ttlMs, field: options.presence.field });
    presence.start();
  }
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    WebSocket: LimitedWebSocket,
  });
  /** When each open socket's access token expires. */
  const expiries = new Map<{ close(code: number, reason: string): void }, number>();

  /** Checks everything before anything is listened to; returns the plan, or the errors to refuse with. */
  async function admit(
    schema: GraphQLSchema,
    caller: Caller,
    payload: { query?: unknown; variables?: unknown; operationName?: unknown },
  ): Promise<{ document: DocumentNode; operationName: string | null; plan: SubscriptionPlan } | GraphQLError[]> {
    if (typeof payload.query !== 'string') return refusal('A subscription needs a query.', ErrorCode.BAD_USER_INPUT);
    let document: DocumentNode;
    try {
      document = parse(payload.query, options.queryLimits?.parseOptions);
    } catch (err) {
      return [err instanceof GraphQLError ? err : new GraphQLError('Could not parse the subscription.')];
    }
    const errors = validate(schema, document, options.queryLimits?.allRules);
    if (errors.length > 0) return [...errors];
    const operationName = typeof payload.operationName === 'string' ? payload.operationName : null;
    const op = getOperationAST(document, operationName);
    if (!op || op.operation !== 'subscription') return refusal('Only subscription operations are served over this socket.', ErrorCode.BAD_USER_INPUT);
    const filtered = filterOperation(schema, options.authMap(), document, op, caller);
    if (filtered?.empty) return refusal('You are not allowed to subscribe to this.', filtered.removals[0]?.code ?? ErrorCode.FORBIDDEN);
    const fields = op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    if (fields.length !== 1 || op.selectionSet.selections.length !== 1) return refusal('Subscribe to exactly one field per operation.', ErrorCode.BAD_USER_INPUT);
    const field = fields[0];
    const definition: GraphQLField<unknown, unknown> | undefined = schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!definition) return refusal(`Unknown subscription ${field.name.value}.`, ErrorCode.BAD_USER_INPUT);
    const lookup = lowerCamel(getNamedType(definition.type).name);
    const queryFields = schema.getQueryType()?.getFields() ?? {};
    if (!queryFields[lookup]) {
      options.log.error({ field: field.name.value, lookup }, 'subscription field has no lookup query');
      return refusal(`${field.name.value} cannot be served.`, ErrorCode.INTERNAL);
    }
    const rawVariables = payload.variables && typeof payload.variables === 'object' ? (payload.variables as Record<string, unknown>) : {};
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return coerced.errors.map((e) => new GraphQLError(e.message, { extensions: { code: ErrorCode.BAD_USER_INPUT } }));
    const values = getArgumentValues(definition, field, coerced.coerced);

    // Subscribe-time authorization: every `<x>Id(s)` argument must be loadable by the subscriber with `<x>(id)`.
    const checks = ownershipChecks(definition.args, values);
    if (checks.length > maxChannels) return refusal(`At most ${maxChannels} ids per subscription.`, ErrorCode.BAD_USER_INPUT);
    const missing = checks.find((c) => !queryFields[c.lookup]);
    if (missing) {
      options.log.error({ field: field.name.value, argument: missing.argument, lookup: missing.lookup }, 'subscription argument has no lookup query');
      return refusal(`${field.name.value} cannot be served.`, ErrorCode.INTERNAL);
    }
    if (checks.length > 0) {
      const checkQuery = `query SubscriptionAuthorization(${checks.map((_, i) => `$c${i}: ID!`).join(', ')}) { ${checks
        .map((c, i) => `c${i}: ${c.lookup}(id: $c${i}) { __typename }`)
        .join(' ')} }`;
      const result = await options.execute(checkQuery, Object.fromEntries(checks.map((c, i) => [`c${i}`, c.id])), caller);
      const data = (result.data ?? {}) as Record<string, unknown>;
      const denied = checks.find((_, i) => data[`c${i}`] === null || data[`c${i}`] === undefined);
      if (denied) {
        const unavailable = result.errors?.find((e) => e.extensions?.code === ErrorCode.UNAVAILABLE);
        if (unavailable) return refusal(unavailable.message, ErrorCode.UNAVAILABLE);
        return refusal(`${denied.argument}: there is no ${denied.lookup} "${denied.id}" that you can see.`, ErrorCode.NOT_FOUND, { field: denied.argument });
      }
    }

    const keys = subscriptionKeys(definition.args, values, caller.userId);
    if (keys.length === 0) return refusal(`${field.name.value} needs at least one id to listen to.`, ErrorCode.BAD_USER_INPUT);
    if (keys.length > maxChannels) return refusal(`At most ${maxChannels} channels per subscription.`, ErrorCode.BAD_USER_INPUT);
    const responseKey = field.alias?.value ?? field.name.value;

    // The lookup query keeps the subscriber's whole selection: it runs through the same auth-directive filter as any
    // query, which answers a denied field with null and an error at its path (filtering it here would drop it silently).
    const used = usedVariables({ ...op, selectionSet: field.selectionSet ?? op.selectionSet });
    const idVariable: VariableDefinitionNode = {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: '__id' } },
      type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
    };
    const lookupOp: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as OperationDefinitionNode['operation'],
      variableDefinitions: [idVariable, ...(op.variableDefinitions ?? []).filter((v) => used.has(v.variable.name.value))],
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
    return {
      document,
      operationName,
      plan: { channels: keys.map((k) => subscriptionChannel(options.redisPrefix, field.name.value, k)), query, variables: rawVariables, responseKey },
    };
  }

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
          // The client may have left while the token was verified: graphql-ws then never calls onDisconnect for an
          // unacknowledged socket, so counting it here would keep the user "online" until the router restarts.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
          const [, payload] = token.split('.');
          expiries.set(ctx.extra.socket, Number(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).exp) * 1000);
          ctx.extra.active = 0;
          void presence?.connected(ctx.extra.caller.userId);
          return true;
        } catch {
          return false;
        }
      },
      onDisconnect: (ctx) => {
        if (ctx.extra.caller) void presence?.disconnected(ctx.extra.caller.userId);
      },
      onClose: (ctx) => {
        expiries.delete(ctx.extra.socket);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const caller = ctx.extra.caller;
        if (!caller) return refusal('Subscriptions need a signed-in connection.', ErrorCode.UNAUTHENTICATED);
        if ((ctx.extra.active ?? 0) >= maxPerConnection) {
          return refusal(`At most ${maxPerConnection} subscriptions per connection.`, ErrorCode.RATE_LIMITED);
        }
        const schema = options.schema();
        if (!schema) return refusal('The supergraph is not loaded yet; try again shortly.', ErrorCode.UNAVAILABLE);
        // Counted from now, so a burst of subscribe messages cannot pass the limit while authorization runs.
        ctx.extra.active = (ctx.extra.active ?? 0) + 1;
        let admitted: Awaited<ReturnType<typeof admit>>;
        try {
          admitted = await admit(schema, caller, payload);
        } catch (err) {
          ctx.extra.active = (ctx.extra.active ?? 1) - 1;
          options.log.error({ err: (err as Error).message }, 'subscription could not be authorized');
          return refusal('The subscription could not be authorized; try again.', ErrorCode.UNAVAILABLE);
        }
        if (Array.isArray(admitted)) {
          ctx.extra.active = (ctx.extra.active ?? 1) - 1;
          return admitted;
        }
        const contextValue: SubscriptionContext = { caller, extra: ctx.extra, plan: admitted.plan };
        return { schema, document: admitted.document, operationName: admitted.operationName, variableValues: admitted.plan.variables, contextValue };
      },
      subscribe: (args: ExecutionArgs) => subscribe(args.contextValue as SubscriptionContext),
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

  async function subscribe({ caller, extra, plan }: SubscriptionContext): Promise<AsyncIterable<ExecutionResult>> {
    // A bounded queue between Redis and the socket: a slow consumer loses its oldest events, not the router's memory.
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const onMessage = (message: string) => {
      try {
        const { id } = JSON.parse(message) as { id?: unknown };
        if (typeof id !== 'string') return;
        queue.push(id);
        if (queue.length > maxBuffered) queue.shift();
        wake?.();
      } catch {
        // not ours
      }
    };
    const unlisteners: Array<() => void> = [];
    let cleanedUp = false;
    const cleanUp = () => {
      if (cleanedUp) return;
      cleanedUp = true;
      done = true;
      for (const unlisten of unlisteners) unlisten();
      extra.active = (extra.active ?? 1) - 1;
      wake?.();
    };
    try {
      for (const channel of plan.channels) unlisteners.push(await hub.listen(channel, onMessage));
    } catch (err) {
      cleanUp();
      throw err;
    }

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
          const result = await options.execute(plan.query, { ...plan.variables, __id: id }, caller);
          if (done) break;
          const value = (result.data as Record<string, unknown> | null | undefined)?.[plan.responseKey];
          if (value === null || value === undefined) continue; // not visible to this subscriber
          return { done: false, value: { data: { [plan.responseKey]: value }, ...(result.errors?.length ? { errors: result.errors } : {}) } };
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
    presence,
    async close() {
      clearInterval(sweep);
      await server.dispose();
      wss.close();
      await presence?.stop();
      redis.disconnect();
      commands?.disconnect();
    },
  };
}
