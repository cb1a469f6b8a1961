# syntax=docker/dockerfile:1
# The OCP image. Build from the repository root:  docker build -t ocp .
# docker/ holds what runs beside it: docker-compose.yml, the health check, Prometheus and Grafana.

# 1. Build stage, with the dev dependencies: type-check, so a broken tree never becomes an image.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The workspaces: npm ci's prepare step builds the admin dashboard (packages/dashboard/dist) from them.
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc --noEmit -p .

# 2. Production dependencies only (tsx is one: the server runs src/ with it).
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The backup jobs' image (k8s/backup-cronjobs.yaml): docker build --target backup -t ocp-backup .
#    The runtime's files plus PostgreSQL 16's client from the PGDG repository: Debian's is 15, and
#    pg_dump refuses a server newer than itself. Built only on request: the default target is last.
FROM node:20-slim AS backup
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSo /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && . /etc/os-release \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-client-16 \
 && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    BACKUP_DIR=/app/backups
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/src ./src
RUN mkdir -p /app/backups && chown node:node /app/backups
USER node
CMD ["node", "--import", "tsx", "src/scripts/backup.ts"]

# 4. Runtime: non-root, no dev dependencies, no npm between the kernel and Node.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    BACKUP_DIR=/app/backups
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/src ./src
# The admin dashboard's static build, served at /admin (docs/dashboard.md).
COPY --from=build --chown=node:node /app/packages/dashboard/dist ./packages/dashboard/dist
COPY --chown=node:node docker/healthcheck.js ./docker/healthcheck.js
# The risk model files (RISK_MODEL_DIR=models, docs/risk.md); the newest risk-<version>.json is active.
COPY --chown=node:node models ./models
# Served at /ucp/handlers/ocp_wallet: the UCP payment handler's specification its handler object links to.
COPY --chown=node:node docs/ucp-payment-handler.md ./docs/ucp-payment-handler.md
RUN mkdir -p /app/data /app/backups && chown node:node /app/data /app/backups
USER node
EXPOSE 3000
# GET /health over HTTP, or HTTPS when TLS_CERT_FILE is set (see docker/healthcheck.js).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "docker/healthcheck.js"]
# Exec form and node itself (not npm, not a shell): SIGTERM reaches the server, which stops
# accepting, drains in-flight requests within SHUTDOWN_TIMEOUT_MS and exits.
CMD ["node", "--max-semi-space-size=32", "--import", "tsx", "src/server.ts"]
