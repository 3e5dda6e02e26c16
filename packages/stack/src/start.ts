// `pnpm start`: the whole supergraph in one process, on the configured ports and databases.
import { ConfigError, stopOnSignals } from '@jobgraph/kit';
import { startStack } from './stack.js';

const say = (line: string) => process.stderr.write(`${line}\n`);
try {
  const stack = await startStack({ onProgress: say });
  say('');
  say(`JobGraph supergraph is up.`);
  say(`  GraphQL endpoint and explorer: ${stack.url}`);
  say(`  Router health:                 ${stack.url.replace(/\/graphql$/, '/health')} (and /ready)`);
  for (const [name, s] of Object.entries(stack.subgraphs)) say(`  subgraph ${name.padEnd(14)}       ${s.url} (internal: router only)`);
  say('Ctrl-C stops it.');
  stopOnSignals(() => stack.stop(), { info: say, error: (_o, m) => say(m) });
} catch (err) {
  if (err instanceof ConfigError) {
    say(err.message);
    process.exit(2);
  }
  say(`Start-up failed: ${(err as Error).message}`);
  say('Is PostgreSQL, Redis and RabbitMQ running where DATABASE_URL, REDIS_URL and AMQP_URL point? (see README, Configuration)');
  process.exit(1);
}
