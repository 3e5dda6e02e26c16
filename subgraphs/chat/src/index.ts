import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { ConversationResolver, UserConversationsResolver } from './graphql/conversation-resolver.js';
import { MessageResolver } from './graphql/message-resolver.js';
import { LiveResolver, UserPresenceResolver } from './graphql/live-resolver.js';
import { references } from './graphql/references.js';
import { closeChatServices, createChatServices, type ChatServices } from './services/index.js';
import { chatEnv, loadChatConfig, type ChatConfig } from './config.js';

export { chatEnv, loadChatConfig, type ChatConfig, type ChatServices };
export { entities as chatEntities } from './entities/index.js';
export { migrations as chatMigrations } from './migrations/index.js';
export * from './domain/message-rules.js';
export * from './domain/offer-rules.js';
export * from './domain/conversation-rules.js';
export * from './domain/system-messages.js';
export * from './events/published.js';

/** The chat subgraph: conversations, messages, custom offers, read state, typing and presence. */
export function chatSubgraph(config: ChatConfig): SubgraphDefinition<ChatServices> {
  return {
    name: 'chat',
    resolvers: [ConversationResolver, UserConversationsResolver, MessageResolver, LiveResolver, UserPresenceResolver],
    references,
    // Served live by the router (router/src/plugins/subscriptions.ts): it checks `<x>Id` arguments with `<x>(id)`,
    // listens on `<field>:<key>` and loads each published id with `<lowerCamel type>(id)`.
    subscriptions: `
"""Live updates over graphql-ws at the router's /graphql."""
type Subscription {
  """Each new message of a conversation (text, offer or system message), including your own. Only participants may subscribe (others: NOT_FOUND)."""
  messageAdded(
    """The conversation."""
    conversationId: ID!
  ): Message! @authenticated

  """Any of the signed-in user's conversations changed: a new message, a read receipt, an offer's status, or it was just started."""
  conversationUpdated: Conversation! @authenticated

  """The other participant is typing in a conversation. Only participants may subscribe (others: NOT_FOUND)."""
  typing(
    """The conversation."""
    conversationId: ID!
  ): TypingEvent! @authenticated

  """Some of these users came online or went offline."""
  presenceChanged(
    """The users to watch (at most 100)."""
    userIds: [ID!]!
  ): Presence! @authenticated
}`,
    entities,
    migrations,
    consumers,
    services: (infra) => createChatServices(config, infra),
    close: closeChatServices,
  };
}

export function startChat(config: ChatConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<ChatServices>> {
  return startSubgraph(chatSubgraph(config), runtimeOptions('chat', config, overrides));
}
