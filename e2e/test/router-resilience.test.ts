import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { newId } from '@jobgraph/kit';
import { signUp, useStack } from './support.js';

// Small budgets so the test is quick: a hanging subgraph costs 2 s, and three failed fetches open its circuit.
const t = useStack({ SUBGRAPH_TIMEOUT_MS: '2000', CIRCUIT_BREAKER_MIN_REQUESTS: '3', CIRCUIT_BREAKER_RESET_MS: '60000' });

interface Result {
  data: { me: { username: string } | null; conversation: { id: string } | null } | null;
  errors?: { extensions?: Record<string, unknown> }[];
}

describe('router resilience', () => {
  it('answers what the other subgraphs can give when one hangs, then fails fast once its circuit opens', async () => {
    const user = await signUp(t.client, 'resilience');
    // chat stops answering: its port now belongs to a server that accepts requests and never responds.
    const chat = t.stack.subgraphs.chat;
    await chat.stop();
    let received = 0;
    const hanging: Server = createServer(() => void received++);
    await new Promise<void>((resolve) => hanging.listen(chat.port, '127.0.0.1', resolve));
    try {
      const ask = async (): Promise<{ body: Result; ms: number }> => {
        const started = Date.now();
        const res = await fetch(t.stack.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
          body: JSON.stringify({ query: `{ me { username } conversation(id: "${newId()}") { id } }` }),
        });
        return { body: (await res.json()) as Result, ms: Date.now() - started };
      };
      const expectPartial = ({ body }: { body: Result }) => {
        expect(body.data?.me?.username).toBe(user.user.username);
        expect(body.data?.conversation).toBeNull();
        // (The gateway reports a failed root fetch without a `path`; the null field and serviceName say what is missing.)
        expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.serviceName])).toEqual([['UNAVAILABLE', 'chat']]);
      };

      // While the circuit is closed, each fetch to chat waits out the timeout (3 at once, to keep the test short).
      const slow = await Promise.all([ask(), ask(), ask()]);
      for (const r of slow) {
        expectPartial(r);
        expect(r.ms).toBeGreaterThanOrEqual(1_900);
      }
      expect(received).toBe(3);

      // Now the circuit is open: the same answer, at once, and chat is not even asked.
      const fast = await ask();
      expectPartial(fast);
      expect(fast.ms).toBeLessThan(1_000);
      expect(received).toBe(3);
      const metrics = await (await fetch(t.stack.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(/jobgraph_router_circuit_breaker_state\{subgraph="chat"[^}]*\} 2/);
      expect(metrics).toMatch(/jobgraph_router_circuit_breaker_state\{subgraph="auth"[^}]*\} 0/);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
