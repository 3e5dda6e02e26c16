import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import { DefaultLogger, type Constructor, type LoggerOptions, type LogContext } from '@mikro-orm/core';
import pg from 'pg';
import type { Logger } from './logger.js';
import { OutboxEvent } from './events/outbox.js';
import { InboxEvent } from './events/inbox.js';

export interface MigrationEntry {
  name: string;
  class: Constructor<Migration>;
}

/** The entities every subgraph database holds besides its own: the event outbox and inbox. */
export const KIT_ENTITIES = [OutboxEvent, InboxEvent];

/** A database URL with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the database named in `url` if it is missing (connecting to the server's `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  if (!SAFE_NAME.test(name)) throw new Error(`database name "${name}" must match ${SAFE_NAME}`);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await admin.query(`create database "${name}"`);
    } catch (err) {
      // Another instance created it between our check and our create: that is fine.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
    return true;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!SAFE_NAME.test(name)) throw new Error(`database name "${name}" must match ${SAFE_NAME}`);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

export interface OrmOptions {
  url: string;
  entities: Constructor<object>[];
  migrations: MigrationEntry[];
  log: Logger;
  poolMax?: number;
  debug?: boolean;
  /** Use the database as it is: neither create it nor apply migrations (tools reaching a service's database). */
  connectOnly?: boolean;
  /** Called with every SQL statement sent (e.g. to count them, see SqlStatementCounter); none by default. */
  onQuery?: (sql: string) => void;
}

/** Counts the SQL statements an ORM sends (SQL_STATEMENT_LOG=count) and keeps the first few, for tooling. */
export class SqlStatementCounter {
  count = 0;
  readonly statements: string[] = [];
  constructor(private readonly keep = 200) {}
  record(sql: string): void {
    this.count++;
    if (this.statements.length < this.keep) this.statements.push(sql);
  }
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

/** MikroORM's logger, also handing every statement to `onQuery` (MikroORM reports each one to `logQuery`). */
class StatementHookLogger extends DefaultLogger {
  constructor(options: LoggerOptions, private readonly onQuery: (sql: string) => void) {
    super(options);
  }
  override logQuery(context: { query: string } & LogContext): void {
    this.onQuery(context.query);
    super.logQuery(context);
  }
}

export function ormConfig(options: Omit<OrmOptions, 'log'>): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.url,
    entities: [...KIT_ENTITIES, ...options.entities],
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // Entities declare their column types explicitly, so no reflection of TypeScript types is needed.
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    debug: options.debug ?? false,
    ...(options.onQuery ? { loggerFactory: (o: LoggerOptions) => new StatementHookLogger(o, options.onQuery!) } : {}),
  };
}

/** Creates the database if needed, connects, and applies pending migrations (never `schema:update`); see connectOnly. */
export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  // MikroORM itself creates a missing database unless told not to.
  if (options.connectOnly) return MikroORM.init({ ...ormConfig(options), ensureDatabase: false });
  const created = await ensureDatabase(options.url);
  if (created) options.log.info({ database: databaseName(options.url) }, 'created database');
  const orm = await MikroORM.init(ormConfig(options));
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) options.log.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
  return orm;
}
