import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The chat subgraph's environment (on top of the kit's). */
export const chatEnv = {
  ...subgraphEnv,
  CHAT_PORT: port(4006),
  CHAT_DATABASE_URL: z.url().optional(),
  REDIS_URL: subgraphEnv.REDIS_URL,
  /** Messages and offers one user may send per window, across every conversation and chat instance. */
  CHAT_MESSAGE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  /** The window of CHAT_MESSAGE_RATE_LIMIT, in seconds. */
  CHAT_MESSAGE_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(10),
  /** How long a "typing…" signal lives (clients send setTyping again while the user keeps typing). */
  CHAT_TYPING_TTL_SECONDS: z.coerce.number().int().min(1).max(60).default(6),
  /** How long an offer stays open when its sender gives no expiry. */
  CHAT_OFFER_DEFAULT_EXPIRY_HOURS: z.coerce.number().int().min(1).max(720).default(168),
  /** Currency of offers whose sender names none. */
  DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
};

export type ChatConfig = ReturnType<typeof loadChatConfig>;
export const loadChatConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(chatEnv, env);
