// Developer tool: writes a migration for entity changes. Usage: pnpm --filter @jobgraph/chat migration:create
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMigration } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/migrations');
await createMigration({ service: 'chat', entities, migrations, dir, serverUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
