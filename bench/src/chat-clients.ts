/**
 * The subscribers of `chat.ts`, in a child process of their own: thousands of graphql-ws sockets whose work (frames,
 * JSON) must not run on the routers' event loop, nor count in the routers' memory.
 *
 * Speaks the graphql-transport-ws protocol itself over the WebSocket built into Node (global from Node 22; the parent
 * starts this process with --experimental-websocket on Node 20), so the bench needs no client library. Each socket:
 * connection_init with the access token → connection_ack → one `subscribe`; every `next` is recorded with the
 * time it arrived. The parent drives it over IPC (ClientCommand) and gets ClientReply answers.
 */
import { performance } from 'node:perf_hooks';

export interface SocketSpec {
  url: string;
  token: string;
  conversationId: string;
}

export type ClientCommand =
  | { type: 'open'; sockets: SocketSpec[]; query: string; concurrency: number }
  | { type: 'report' }
  | { type: 'close' };

/** One received message: which socket, which bench message (`seq`, from its body), when, and its createdAt. */
export interface Receipt {
  socket: number;
  phase: string;
  seq: number;
  /** Wall-clock ms (sub-millisecond) when the frame arrived. */
  at: number;
  /** The message's createdAt (chat's clock, same machine), ms. */
  createdAt: number;
}

export type ClientReply =
  | { type: 'opened'; connected: number; failed: number; firstError: string | null; ms: number }
  | { type: 'report'; receipts: Receipt[]; errors: number; closed: number; firstError: string | null }
  | { type: 'failed'; message: string };

interface MinimalWebSocket {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown; code?: number }) => void): void;
}
type WebSocketConstructor = new (url: string, protocols?: string | string[]) => MinimalWebSocket;

const WebSocketImpl = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
const send = (reply: ClientReply): void => void process.send?.(reply);
const now = (): number => performance.timeOrigin + performance.now();

const sockets: MinimalWebSocket[] = [];
let receipts: Receipt[] = [];
let errors = 0;
let closed = 0;
let firstError: string | null = null;
const noteError = (message: string) => {
  errors += 1;
  firstError ??= message;
};

/** Opens one socket and subscribes; resolves once the subscribe message is sent (the router acknowledges nothing more). */
function open(index: number, spec: SocketSpec, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!WebSocketImpl) return reject(new Error('no WebSocket in this Node (run with --experimental-websocket)'));
    const ws = new WebSocketImpl(spec.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    sockets[index] = ws;
    let acknowledged = false;
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${spec.token}` } })));
    ws.addEventListener('error', () => {
      if (!acknowledged) reject(new Error(`socket ${index} failed before the ack`));
    });
    ws.addEventListener('close', (event) => {
      closed += 1;
      if (!acknowledged) reject(new Error(`socket ${index} closed before the ack (code ${event.code})`));
    });
    ws.addEventListener('message', (event) => {
      const at = now();
      let message: { type?: string; payload?: unknown };
      try {
        message = JSON.parse(String(event.data)) as { type?: string; payload?: unknown };
      } catch {
        return noteError('unparsable frame');
      }
      if (message.type === 'connection_ack') {
        acknowledged = true;
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { conversationId: spec.conversationId } } }));
        resolve();
      } else if (message.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      } else if (message.type === 'next') {
        const payload = message.payload as { data?: { messageAdded?: { body?: string; createdAt?: string } }; errors?: unknown[] };
        if (payload.errors?.length) noteError(JSON.stringify(payload.errors).slice(0, 300));
        const added = payload.data?.messageAdded;
        const m = /^bench:(\w+):(\d+):/.exec(added?.body ?? '');
        if (!added || !m) return noteError(`unexpected payload ${JSON.stringify(payload).slice(0, 200)}`);
        receipts.push({ socket: index, phase: m[1], seq: Number(m[2]), at, createdAt: Date.parse(added.createdAt ?? '') });
      } else if (message.type === 'error') {
        noteError(JSON.stringify(message.payload).slice(0, 300));
      }
    });
  });
}

async function openAll(specs: SocketSpec[], query: string, concurrency: number): Promise<void> {
  const started = performance.now();
  let next = 0;
  let connected = 0;
  let failed = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      try {
        await open(i, specs[i], query);
        connected += 1;
      } catch (err) {
        failed += 1;
        noteError((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  send({ type: 'opened', connected, failed, firstError, ms: performance.now() - started });
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'open') {
    openAll(command.sockets, command.query, command.concurrency).catch((err: unknown) => send({ type: 'failed', message: String(err) }));
  } else if (command.type === 'report') {
    send({ type: 'report', receipts, errors, closed, firstError });
    receipts = [];
  } else {
    for (const ws of sockets) ws?.close(1000);
    setTimeout(() => process.exit(0), 500);
  }
});
