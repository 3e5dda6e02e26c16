import { Conversation } from './conversation.js';
import { ConversationMember } from './conversation-member.js';
import { Message, MessageKind } from './message.js';
import { Offer } from './offer.js';
import { Seller } from './seller.js';

export { Conversation, ConversationMember, Message, MessageKind, Offer, Seller };
export const entities = [Conversation, ConversationMember, Message, Offer, Seller];
