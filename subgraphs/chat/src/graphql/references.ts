import { isUuid } from '@jobgraph/kit';
import type { ChatContext } from '../services/index.js';
import { toConversationView, visibleConversation } from './views.js';

/** Entities the router may ask chat to resolve: users (chat adds fields to them) and conversations (participants only). */
export const references = {
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
  Conversation: {
    __resolveReference: async (reference: { id: string }, ctx: ChatContext) => {
      if (!isUuid(reference.id)) return null;
      const row = await visibleConversation(ctx, reference.id);
      return row ? toConversationView(row) : null;
    },
  },
};
