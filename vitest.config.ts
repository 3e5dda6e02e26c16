import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Tests import the workspace packages as built by `pnpm build` (tsc keeps decorator metadata; see STACK.md),
// and every import of graphql goes to one copy, or graphql-js rejects schemas "from another realm".
export default defineConfig({
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own supergraph on free ports with fresh databases; two at a time suits 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    env: { APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
