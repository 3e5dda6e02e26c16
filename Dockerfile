# syntax=docker/dockerfile:1
# One image for every JobGraph service; docker-compose.yml picks the service with `command`, e.g.
#   node subgraphs/auth/dist/main.js | node subgraphs/users/dist/main.js | node router/dist/main.js

FROM node:22-bookworm-slim AS base
# corepack's pnpm download fails signature checks on some networks; the npm package is a native binary that works.
RUN npm i -g pnpm@12
WORKDIR /app

FROM base AS build
# `pnpm fetch` needs only the lockfile, so this layer (the slow download) is reused until dependencies change,
# without listing every workspace package.json here.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=jobgraph-pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir /pnpm/store
COPY . .
RUN --mount=type=cache,id=jobgraph-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store
RUN pnpm build
# Drop the build-only dependencies (typescript, vitest, codegen, @types) from what ships.
RUN --mount=type=cache,id=jobgraph-pnpm-store,target=/pnpm/store \
    find . -name node_modules -type d -prune -exec rm -rf {} + \
    && pnpm install --frozen-lockfile --offline --prod --store-dir /pnpm/store

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
# Owned by root and only readable by the service user: a compromised process cannot rewrite its own code.
# node_modules/.pnpm is the per-project virtual store, so the copied tree is self-contained.
COPY --from=build /app /app
USER node
# Subgraphs listen on 4001-4004 and the router on 4000 by default; compose publishes them.
EXPOSE 4000 4001 4002 4003 4004
CMD ["node", "router/dist/main.js"]
