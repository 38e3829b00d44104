# syntax=docker/dockerfile:1
# Stance: one image for the collector, the cluster agent and the node agent (the chart's
# args pick the command). Build stage: the pnpm workspace, `pnpm build` (esbuild bundle),
# then scripts/assemble-image.mjs keeps only the bundle and the SQLite addon. Runtime
# stage: slim Node, no npm/yarn, numeric non-root user, nothing written outside volumes
# (readOnlyRootFilesystem; SQLite under --data on a volume, temporary files in /tmp).
#   docker build -t stance:0.1.0 .
# Node 22 (LTS): the versions pinned in the workspace run on it and on Node 20
# (BENCHMARKS.md measures the agents on both).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source against this Node's headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@12.21.0
ENV npm_config_nodedir=/usr/local CI=true
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
    && pnpm build \
    && node scripts/assemble-image.mjs /app

FROM ${NODE_IMAGE}
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY --from=build --chown=0:0 /app /app
# Code is root-owned and read-only to the process; the chart runs the same uid/gid.
USER 65532:65532
WORKDIR /app
ENV NODE_ENV=production \
    TMPDIR=/tmp \
    STANCE_DATA_DIR=/var/lib/stance/db
VOLUME ["/var/lib/stance"]
EXPOSE 7070 7071
# The launcher adds each agent mode's V8 flags (--lite-mode cannot go through NODE_OPTIONS).
ENTRYPOINT ["/app/cli/dist/stance"]
CMD ["--help"]
