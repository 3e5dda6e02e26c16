// Runs the chat subgraph on its own: `node subgraphs/chat/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadChatConfig, startChat } from './index.js';

await runService('chat', () => startChat(loadChatConfig()));
