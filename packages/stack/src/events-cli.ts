// Operator command: `pnpm events dlq list|replay|purge [--queue <consumer queue>] [--limit <n>]`.
import { parseArgs } from 'node:util';
import {
  ConfigError,
  baseEnv,
  deadLetterQueueName,
  listDeadLetters,
  loadConfig,
  purgeDeadLetters,
  queueName,
  replayDeadLetters,
  subgraphEnv,
  type ConsumerDefinition,
  type DeadLetter,
} from '@jobgraph/kit';
import { SUBGRAPHS } from './subgraphs.js';

const USAGE = 'usage: pnpm events dlq list|replay|purge [--queue <consumer queue>] [--limit <n>]';

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error(USAGE);
  console.error('  Without --queue: every consumer queue of every subgraph in EVENTS_NAMESPACE (default jobgraph).');
  process.exit(2);
}

function parseCommand() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { queue: { type: 'string' }, limit: { type: 'string' } },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
}

const parsed = parseCommand();
const [group, action, ...extra] = parsed.positionals;
if (group !== 'dlq' || (action !== 'list' && action !== 'replay' && action !== 'purge') || extra.length > 0) usage();
if (action === 'purge' && parsed.values.limit !== undefined) usage('--limit does not apply to purge');
const limit = parsed.values.limit === undefined ? undefined : Number(parsed.values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) usage('--limit must be a positive whole number');

/** Every consumer queue of every subgraph, named as `startSubgraph` names them. */
function consumerQueues(namespace: string, env: Record<string, string | undefined>): string[] {
  return SUBGRAPHS.flatMap((s) => {
    const consumers = s.definition(env).consumers ?? [];
    // Consumers given as a function of the subgraph's services only use those services inside their handlers,
    // which never run here; only the names are read, so nothing needs to be started to learn them.
    const list: ConsumerDefinition[] = typeof consumers === 'function' ? consumers({} as never) : consumers;
    return list.map((c) => queueName(namespace, s.name, c.name));
  });
}

const table = (rows: string[][]): string => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  // The last column (the reason) is left unpadded: it is the long one.
  return rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`.trimEnd()).join('\n');
};

const cells = (l: DeadLetter): string[] => [l.type ?? '?', String(l.attempts ?? '?'), l.failedAt ?? '?', l.correlationId ?? '-', (l.reason ?? '(no reason recorded)').replace(/\s+/g, ' ')];

try {
  const config = loadConfig({ AMQP_URL: baseEnv.AMQP_URL, EVENTS_NAMESPACE: subgraphEnv.EVENTS_NAMESPACE });
  const given = parsed.values.queue;
  // The DLQ's own name is accepted too: it is what the broker's tools show.
  const queues = given !== undefined ? [given.replace(/\.dlq$/, '')] : consumerQueues(config.EVENTS_NAMESPACE, process.env);
  let total = 0;
  for (const queue of queues) {
    if (action === 'list') {
      const { count, letters } = await listDeadLetters(config.AMQP_URL, queue, limit);
      total += count;
      console.log(`${deadLetterQueueName(queue)}: ${count === 0 ? 'empty' : `${count} dead letter${count === 1 ? '' : 's'}`}`);
      if (letters.length > 0) console.log(table([['TYPE', 'ATTEMPTS', 'FAILED AT', 'CORRELATION ID', 'REASON'], ...letters.map(cells)]));
      if (count > letters.length) console.log(`  … and ${count - letters.length} more (--limit)`);
    } else if (action === 'replay') {
      const moved = await replayDeadLetters(config.AMQP_URL, queue, { limit });
      total += moved;
      console.log(`${queue}: replayed ${moved} dead letter${moved === 1 ? '' : 's'} from ${deadLetterQueueName(queue)}`);
    } else {
      const removed = await purgeDeadLetters(config.AMQP_URL, queue);
      total += removed;
      console.log(`${deadLetterQueueName(queue)}: purged ${removed} dead letter${removed === 1 ? '' : 's'}`);
    }
  }
  if (queues.length > 1) console.log(`${{ list: 'dead letters', replay: 'replayed', purge: 'purged' }[action]} in total: ${total}`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `failed: ${(err as Error).message}`);
  process.exit(1);
}
