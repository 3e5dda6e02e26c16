import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { createRedis, openOrm, type SubgraphContext, type SubgraphInfra } from '@jobgraph/kit';
import type { NotificationsConfig } from '../config.js';
import type { Site } from '../domain/templates.js';
import { logMailer, smtpMailer, type Mailer } from './mailer.js';
import { DeliveryLog } from './delivery.js';

export interface NotificationsServices {
  config: NotificationsConfig;
  site: Site;
  mailer: Mailer;
  /** The email log, written outside event handlers' transactions (see delivery.ts). */
  deliveryLog: DeliveryLog;
  /** Announces new notifications to the router's live subscriptions. */
  redis: Redis;
}

export type NotificationsContext = SubgraphContext<NotificationsServices>;

export async function createNotificationsServices(config: NotificationsConfig, infra: SubgraphInfra): Promise<NotificationsServices> {
  // Its own two connections: a handler holds one of the main pool for its transaction while it writes the log, so
  // taking the log's from the same pool could leave every handler waiting for a connection another one holds.
  const logOrm: MikroORM = await openOrm({
    url: String(infra.orm.config.get('clientUrl')),
    entities: [],
    migrations: [],
    log: infra.log,
    poolMax: 2,
    connectOnly: true,
  });
  return {
    config,
    site: { publicUrl: config.PUBLIC_URL },
    mailer: config.MAIL_TRANSPORT === 'log' ? logMailer(infra.log) : smtpMailer(config),
    deliveryLog: new DeliveryLog(logOrm),
    redis: createRedis(config.REDIS_URL, infra.log),
  };
}

export async function closeNotificationsServices(services: NotificationsServices): Promise<void> {
  services.mailer.close();
  services.redis.disconnect();
  await services.deliveryLog.close();
}
