import { ConfigError } from './config.js';
import { stopOnSignals } from './http.js';

/**
 * Entry point of one service run on its own (containers): starts it, prints where it listens,
 * stops gracefully on SIGTERM, and exits with a clear message on bad configuration.
 */
export async function runService(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): Promise<void> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const running = await start();
    say(`${name} listening at ${running.url}`);
    stopOnSignals(() => running.stop(), { info: say, error: (_o, m) => say(m) });
  } catch (err) {
    say(err instanceof ConfigError ? err.message : `${name} failed to start: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
