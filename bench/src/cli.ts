/**
 * What every benchmark script shares around its work: its flags (and `--help`), stopping the stack on Ctrl-C, and
 * the exit code and exit timer at the end.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LoadSettings } from './load.js';

/** The arguments after the script name; `pnpm <script> -- --flag` may pass the `--` through. */
export function scriptArgs(): string[] {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift();
  return argv;
}

/** A number flag (`raw` as given, `fallback` when absent). */
export function positiveNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${raw}")`);
  return value;
}

/** `positiveNumber`, rounded. */
export const wholeNumber = (name: string, raw: string | undefined, fallback: number, min: number): number =>
  Math.round(positiveNumber(name, raw, fallback, min));

/** String flags as given on the command line (absent: undefined). */
export type Flags<K extends string> = Partial<Record<K, string>>;

/**
 * Parses the script's arguments: the string flags `names` and `--help`/`-h` (prints `usage`, exits 0), nothing else.
 * `read` turns the flags into the script's options; when parsing or `read` throws, prints the error and `usage` and
 * exits 2.
 */
export function parseFlags<K extends string, T>(usage: string, names: readonly K[], read: (flags: Flags<K>) => T): T {
  try {
    const options: NonNullable<ParseArgsConfig['options']> = {};
    for (const name of names) options[name] = { type: 'string' };
    options.help = { type: 'boolean', short: 'h' };
    const { values } = parseArgs({ args: scriptArgs(), options, strict: true });
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    const flags: Flags<K> = {};
    for (const name of names) {
      const value = values[name];
      if (typeof value === 'string') flags[name] = value;
    }
    return read(flags);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exit(2);
  }
}

/** The load flags of the autocannon benchmarks (`--duration`, `--connections`, `--warmup`). */
export const LOAD_FLAGS = ['duration', 'connections', 'warmup'] as const;

/** Reads the load flags, whole numbers: duration and connections ≥ 1, warm-up ≥ 0. */
export function loadSettings(flags: Flags<(typeof LOAD_FLAGS)[number]>, defaults: LoadSettings): LoadSettings {
  return {
    duration: wholeNumber('duration', flags.duration, defaults.duration, 1),
    connections: wholeNumber('connections', flags.connections, defaults.connections, 1),
    warmup: wholeNumber('warmup', flags.warmup, defaults.warmup, 0),
  };
}

/** A wait that ran out: its message says what was awaited and how far it got (`runBenchmark` prints it as FAILED). */
export class GaveUp extends Error {
  override name = 'GaveUp';
}

export interface Stopper {
  /** Runs the script's `stop` (once: later calls get the same promise). */
  stop: () => Promise<void>;
  /** Removes the signal handlers. */
  release: () => void;
  /** The end of the run: logs a blank line and "<what>…", stops, removes the signal handlers. */
  finish: () => Promise<void>;
}

/**
 * On SIGINT or SIGTERM: logs "<signal>: <what>…", runs `stop` and exits with 130. Also what stops at the end of the
 * run (`finish`, or `stop` and `release`).
 */
export function stopOnSignal(what: string, stop: () => Promise<void>): Stopper {
  let stopping: Promise<void> | undefined;
  const once = (): Promise<void> => (stopping ??= stop());
  const onSignal = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: ${what}…`);
    once().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const release = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const finish = async (): Promise<void> => {
    console.log('');
    console.log(`${what}…`);
    await once();
    release();
  };
  return { stop: once, release, finish };
}

/**
 * Runs a benchmark's `main` for the process's exit code (1, with the error printed, when it throws), then lets the
 * process exit at the latest 2 s later.
 */
export async function runBenchmark(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    console.error(err instanceof GaveUp ? `FAILED: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  }
  // Connections the services leave behind (pools, AMQP) must not keep a finished benchmark alive.
  setTimeout(() => process.exit(), 2_000).unref();
}
