# syntax=docker/dockerfile:1
# Scrutin's container image. Three stages: `build` compiles the TypeScript with every
# dependency, `deps` installs the production dependencies alone, and the runtime
# image gets only dist/, public/, bin/, examples/ and those dependencies: no
# sources (bin/scrutin.js runs dist/ when src/ is absent), no compiler, no toolchain.
#
# test/deploy/dockerfile.test.ts runs these RUN steps (the npm ones) in a clean copy
# of the repository, so a broken step is caught without a container engine.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app

# Native modules (better-sqlite3) download a prebuilt binary; the toolchain is the
# fallback when none fits, and stays out of the runtime image.
FROM base AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM base AS runtime
# git: the meta repository is cloned and fetched with the system git.
# A fixed, unprivileged user (10001) so Kubernetes' runAsNonRoot can verify it.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates openssh-client && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 scrutin \
 && useradd --system --uid 10001 --gid scrutin --home-dir /var/lib/scrutin --shell /usr/sbin/nologin scrutin \
 && mkdir -p /var/lib/scrutin/meta /var/lib/scrutin/data \
 && chown -R scrutin:scrutin /var/lib/scrutin
# In a container the server listens on every interface (http mode); the clone and
# an SQLite file, if used, live under /var/lib/scrutin (mount a volume there).
ENV NODE_ENV=production \
    APP_HOST=0.0.0.0 \
    APP_PORT=5000 \
    META_PATH=/var/lib/scrutin/meta \
    DB_PATH=/var/lib/scrutin/data/scrutin.db \
    HOME=/var/lib/scrutin
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY public ./public
COPY examples ./examples
USER 10001:10001
EXPOSE 5000
# Healthy means ready for voters (/health/ready: the database answers, the elections
# are loaded, the disk takes writes), which is what a proxy routing by health status
# (Traefik, Compose's depends_on) needs. Plain node: no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.APP_PORT || '5000') + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `serve` migrates the database, syncs the meta repository and serves, as Elekto's
# entrypoint did; `docker run IMAGE migrate`, `backup FILE`... run other commands.
ENTRYPOINT ["node", "bin/scrutin.js"]
CMD ["serve"]
